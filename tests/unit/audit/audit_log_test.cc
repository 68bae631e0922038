// The audit chain on a real database of each backend: appends link up, and every kind of
// tampering (altered, deleted, inserted row) is reported at the right row.

#include "audit/audit_log.h"

#include <gtest/gtest.h>

#include "fakes/fake_clock.h"
#include "storage/group_commit.h"
#include "storage/migrate.h"
#include "support/migrated_db.h"

namespace vaxreg::audit {
namespace {

using testing::kTestBackend;

class AuditLogTest : public testing::MigratedDbTest {
 protected:
  void Append(int n) {
    for (int i = 0; i < n; ++i) {
      AuditEntry e{"admin:alice", "user.create", "user:" + std::to_string(i), "null",
                   "{\"i\":" + std::to_string(i) + "}", "req-" + std::to_string(i)};
      ASSERT_TRUE(writer_->SubmitAndWait([&](storage::Connection& c) {
                    return AppendAudit(c, clock_, e);
                  }).ok());
      clock_.Advance(std::chrono::seconds(1));
    }
  }

  VerifyReport Verify() {
    auto conn = db_->Acquire();
    EXPECT_TRUE(conn.ok());
    auto report = VerifyAuditChain(**conn);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return *report;
  }

  // Runs SQL that bypasses the append-only triggers, as an attacker with database access could.
  void Tamper(const std::string& sql) {
    auto conn = db_->Acquire();
    ASSERT_TRUE(conn.ok());
    if (kTestBackend == testing::Backend::kSqlite) {
      ASSERT_TRUE((*conn)->ExecuteScript("DROP TRIGGER IF EXISTS audit_log_no_update; "
                                         "DROP TRIGGER IF EXISTS audit_log_no_delete; " + sql)
                      .ok());
    } else {
      ASSERT_TRUE((*conn)->ExecuteScript("ALTER TABLE audit_log DISABLE TRIGGER USER; " + sql +
                                         "; ALTER TABLE audit_log ENABLE TRIGGER USER")
                      .ok());
    }
  }

  testing::FakeClock clock_;
};

TEST_F(AuditLogTest, EmptyLogVerifies) {
  VerifyReport r = Verify();
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.rows_checked, 0);
}

TEST_F(AuditLogTest, AppendedRowsFormAChain) {
  Append(5);
  VerifyReport r = Verify();
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.rows_checked, 5);
  EXPECT_EQ(r.head_seq, 5);
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  auto rows = ListAudit(**conn, 0, 10);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 5u);
  EXPECT_EQ((*rows)[0].seq, 5);  // newest first
  EXPECT_EQ((*rows)[0].prev_hash, (*rows)[1].hash);
  EXPECT_EQ((*rows)[4].prev_hash, std::string(64, '0'));
  EXPECT_EQ((*rows)[0].hash, ComputeAuditHash((*rows)[0]));
  EXPECT_EQ(r.head_hash, (*rows)[0].hash);
}

TEST_F(AuditLogTest, TriggersRefuseUpdateAndDelete) {
  Append(2);
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  EXPECT_FALSE((*conn)->Execute("UPDATE audit_log SET actor = 'x' WHERE seq = 1").ok());
  EXPECT_FALSE((*conn)->Execute("DELETE FROM audit_log WHERE seq = 1").ok());
  EXPECT_TRUE(Verify().ok);
}

TEST_F(AuditLogTest, DetectsAlteredRow) {
  Append(6);
  Tamper("UPDATE audit_log SET after_json = '{\"i\":99}' WHERE seq = 4");
  VerifyReport r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 4);
  EXPECT_NE(r.problem.find("altered"), std::string::npos) << r.problem;
  EXPECT_EQ(r.rows_checked, 3);
}

TEST_F(AuditLogTest, DetectsAlteredRowWhoseHashWasRecomputed) {
  Append(6);
  // The attacker also recomputes the row's own hash; the next row's link then breaks.
  AuditRecord forged;
  {
    auto conn = db_->Acquire();
    ASSERT_TRUE(conn.ok());
    auto rows = ListAudit(**conn, 4, 1);  // seq 3
    ASSERT_TRUE(rows.ok());
    forged = (*rows)[0];
  }
  forged.entry.actor = "admin:mallory";
  const std::string new_hash = ComputeAuditHash(forged);
  Tamper("UPDATE audit_log SET actor = 'admin:mallory', hash = '" + new_hash + "' WHERE seq = 3");
  VerifyReport r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 4);
  EXPECT_NE(r.problem.find("does not link"), std::string::npos) << r.problem;
}

TEST_F(AuditLogTest, DetectsDeletedRow) {
  Append(6);
  Tamper("DELETE FROM audit_log WHERE seq = 2");
  VerifyReport r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 2);
  EXPECT_NE(r.problem.find("missing"), std::string::npos) << r.problem;
}

TEST_F(AuditLogTest, DetectsInsertedRow) {
  Append(4);
  // Make room by renumbering rows 3.. up, then insert a forged row 3.
  Tamper("UPDATE audit_log SET seq = seq + 100 WHERE seq >= 3; "
         "UPDATE audit_log SET seq = seq - 99 WHERE seq >= 103; "
         "INSERT INTO audit_log (seq, at, actor, action, target, before_json, after_json, "
         "request_id, prev_hash, hash) SELECT 3, at, 'admin:mallory', 'user.create', 'user:666', "
         "'null', '{}', '', hash, hash FROM audit_log WHERE seq = 2");
  VerifyReport r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 3);
}

TEST_F(AuditLogTest, FailedWriteLeavesNoAuditRowAndChainIntact) {
  Append(2);
  Status st = writer_->SubmitAndWait([&](storage::Connection& c) -> Status {
    RETURN_IF_ERROR(AppendAudit(c, clock_, {"admin:a", "x", "y", "null", "null", ""}));
    return FailedPreconditionError("business rule failed after the audit row");
  });
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  Append(1);
  VerifyReport r = Verify();
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.rows_checked, 3);
}

}  // namespace
}  // namespace vaxreg::audit
