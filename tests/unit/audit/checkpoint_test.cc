// Signed checkpoints of the audit chain head on a real database of each backend: the three kinds
// of tampering that leave a chain that still links up (rows deleted from the end, the whole
// chain rewritten from row 1, every row deleted) pass VerifyAuditChain but not
// VerifyCheckpoints; a chain that no longer matches the last checkpoint is not checkpointed.

#include "audit/checkpoint.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "audit/audit_log.h"
#include "common/crypto_util.h"
#include "fakes/fake_clock.h"
#include "storage/group_commit.h"
#include "storage/migrate.h"
#include "support/migrated_db.h"

namespace vaxreg::audit {
namespace {

namespace fs = std::filesystem;
using testing::kTestBackend;

class CheckpointTest : public testing::MigratedDbTest {
 protected:
  void SetUp() override {
    InitCrypto();
    MigratedDbTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    dir_ = fs::temp_directory_path() / ("vaxreg-checkpoints-" + HexEncode(RandomBytes(6)));
    auto key = CheckpointKey::LoadOrCreate(dir_ / "keys" / "checkpoint.key");
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    key_ = std::make_unique<CheckpointKey>(std::move(*key));
    file_ = dir_ / "anchor" / "checkpoints.jsonl";
  }
  void TearDown() override {
    writer_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void Append(int n) {
    for (int i = 0; i < n; ++i) {
      AuditEntry e{"admin:alice",
                   "user.create",
                   "user:" + std::to_string(i),
                   "null",
                   "{\"i\":" + std::to_string(i) + "}",
                   ""};
      ASSERT_TRUE(
          writer_->SubmitAndWait([&](storage::Connection& c) { return AppendAudit(c, clock_, e); })
              .ok());
      clock_.Advance(std::chrono::seconds(1));
    }
  }

  Result<Checkpoint> Publish() { return PublishCheckpoint(*db_, *writer_, *key_, file_, clock_); }

  VerifyReport Chain() {
    auto conn = db_->Acquire();
    EXPECT_TRUE(conn.ok());
    auto r = VerifyAuditChain(**conn);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return *r;
  }

  CheckpointReport Checkpoints() {
    auto conn = db_->Acquire();
    EXPECT_TRUE(conn.ok());
    auto list = ReadCheckpointFile(file_);
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    auto r = VerifyCheckpoints(**conn, *list, key_->public_key_hex());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return *r;
  }

  // Drops the append-only triggers and runs `sql`, as an attacker with database access could.
  void Tamper(const std::string& sql) {
    auto conn = db_->Acquire();
    ASSERT_TRUE(conn.ok());
    const std::string drop =
        kTestBackend == testing::Backend::kSqlite
            ? "DROP TRIGGER IF EXISTS audit_log_no_update; "
              "DROP TRIGGER IF EXISTS audit_log_no_delete; "
            : "DROP TRIGGER IF EXISTS audit_log_no_update_delete ON audit_log; "
              "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log; ";
    ASSERT_TRUE((*conn)->ExecuteScript(drop + sql).ok());
  }

  // Replaces the whole chain by `n` forged rows that link up from the genesis hash.
  void RewriteWholeChain(int n) {
    std::string sql = "DELETE FROM audit_log;";
    std::string prev = AuditGenesisHash();
    for (int i = 1; i <= n; ++i) {
      AuditRecord r;
      r.seq = i;
      r.at = 1700000000 + i;
      r.entry = {"admin:mallory", "user.create", "user:" + std::to_string(i), "null", "{}", ""};
      r.prev_hash = prev;
      r.hash = ComputeAuditHash(r);
      sql +=
          " INSERT INTO audit_log (seq, at, actor, action, target, before_json, after_json, "
          "request_id, prev_hash, hash) VALUES (" +
          std::to_string(r.seq) + ", " + std::to_string(r.at) +
          ", 'admin:mallory', 'user.create', '" + r.entry.target + "', 'null', '{}', '', '" +
          r.prev_hash + "', '" + r.hash + "');";
      prev = r.hash;
    }
    Tamper(sql);
  }

  testing::FakeClock clock_;
  fs::path dir_;
  fs::path file_;
  std::unique_ptr<CheckpointKey> key_;
};

TEST_F(CheckpointTest, SignedCheckpointRoundTripsAndRejectsChangedFields) {
  Checkpoint c = key_->Sign(7, std::string(64, 'a'), 1700000000);
  EXPECT_TRUE(CheckpointSignatureValid(c, key_->public_key_hex()));
  auto back = Checkpoint::FromJsonLine(c.ToJsonLine());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->count, 7);
  EXPECT_TRUE(CheckpointSignatureValid(*back, key_->public_key_hex()));
  Checkpoint more = *back;
  more.count = 8;
  EXPECT_FALSE(CheckpointSignatureValid(more, key_->public_key_hex()));
  Checkpoint other_hash = *back;
  other_hash.head_hash = std::string(64, 'b');
  EXPECT_FALSE(CheckpointSignatureValid(other_hash, key_->public_key_hex()));
  // Another key's checkpoint does not verify against the trusted key, even when self-consistent.
  auto other = CheckpointKey::LoadOrCreate(dir_ / "other.key");
  ASSERT_TRUE(other.ok());
  Checkpoint forged = other->Sign(7, std::string(64, 'a'), 1700000000);
  EXPECT_TRUE(CheckpointSignatureValid(forged, other->public_key_hex()));
  EXPECT_FALSE(CheckpointSignatureValid(forged, key_->public_key_hex()));
  EXPECT_FALSE(Checkpoint::FromJsonLine("{\"v\":1}").ok());
}

TEST_F(CheckpointTest, KeyFilesArePrivateAndReloadToTheSameKey) {
  const fs::path key_file = dir_ / "keys" / "checkpoint.key";
  struct stat st {};
  ASSERT_EQ(::stat(key_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto again = CheckpointKey::Load(key_file);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->public_key_hex(), key_->public_key_hex());
  auto pub = LoadCheckpointPublicKey(CheckpointPublicKeyFile(key_file));
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(*pub, key_->public_key_hex());
}

TEST_F(CheckpointTest, CheckpointsOfAGrowingChainVerify) {
  auto empty = Publish();
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(empty->count, 0);
  Append(4);
  auto first = Publish();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->count, 4);
  Append(3);
  auto second = Publish();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->count, 7);
  CheckpointReport r = Checkpoints();
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.checkpoints_checked, 3);
  EXPECT_EQ(r.highest_count, 7);
  // The server publishes the newest one from the table.
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  auto latest = LatestRecordedCheckpoint(**conn);
  ASSERT_TRUE(latest.ok());
  ASSERT_TRUE(latest->has_value());
  EXPECT_EQ((*latest)->ToJsonLine(), second->ToJsonLine());
}

TEST_F(CheckpointTest, DetectsRowsDeletedFromTheEnd) {
  Append(6);
  ASSERT_TRUE(Publish().ok());
  Tamper("DELETE FROM audit_log WHERE seq >= 5");
  EXPECT_TRUE(Chain().ok);  // the chain alone cannot show it
  EXPECT_EQ(Chain().rows_checked, 4);
  CheckpointReport r = Checkpoints();
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.problem.find("fewer rows"), std::string::npos) << r.problem;
  auto refused = Publish();
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(CheckpointTest, DetectsTheWholeChainRewritten) {
  Append(5);
  ASSERT_TRUE(Publish().ok());
  RewriteWholeChain(7);
  VerifyReport chain = Chain();
  EXPECT_TRUE(chain.ok) << chain.problem;
  EXPECT_EQ(chain.rows_checked, 7);
  CheckpointReport r = Checkpoints();
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.problem.find("rewritten"), std::string::npos) << r.problem;
  EXPECT_EQ(Publish().status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(CheckpointTest, DetectsEveryRowDeleted) {
  Append(3);
  ASSERT_TRUE(Publish().ok());
  Tamper("DELETE FROM audit_log");
  EXPECT_TRUE(Chain().ok);
  EXPECT_EQ(Chain().rows_checked, 0);
  CheckpointReport r = Checkpoints();
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.problem.find("fewer rows"), std::string::npos) << r.problem;
}

TEST_F(CheckpointTest, RejectsACheckpointFileLineSignedByAnotherKey) {
  Append(2);
  ASSERT_TRUE(Publish().ok());
  auto other = CheckpointKey::LoadOrCreate(dir_ / "other.key");
  ASSERT_TRUE(other.ok());
  // A forged checkpoint for a shorter chain, appended by someone without the real key.
  ASSERT_TRUE(AppendCheckpointFile(file_, other->Sign(2, std::string(64, 'c'), 1)).ok());
  CheckpointReport r = Checkpoints();
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.problem.find("signature"), std::string::npos) << r.problem;
  EXPECT_EQ(r.checkpoints_checked, 1);
}

TEST_F(CheckpointTest, RefusesToCheckpointAChainBrokenSinceTheLastCheckpoint) {
  Append(3);
  ASSERT_TRUE(Publish().ok());
  Append(3);
  Tamper("UPDATE audit_log SET actor = 'admin:mallory' WHERE seq = 5");
  auto refused = Publish();
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  auto list = ReadCheckpointFile(file_);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 1u);
}

}  // namespace
}  // namespace vaxreg::audit
