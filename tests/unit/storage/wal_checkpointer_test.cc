// WalCheckpointer: checkpoints run on its thread once the WAL passes the threshold, and on the
// writer once it passes the limit; nothing written is lost either way.

#include "storage/sqlite/wal_checkpointer.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <filesystem>
#include <random>
#include <string>
#include <thread>

namespace vaxreg::storage {
namespace {

WalCheckpointerOptions Options(int threshold_pages, int limit_pages,
                               std::function<void()> before_checkpoint = {}) {
  WalCheckpointerOptions o;
  o.threshold_pages = threshold_pages;
  o.limit_pages = limit_pages;
  o.before_checkpoint = std::move(before_checkpoint);
  return o;
}

class WalCheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    path_ = (std::filesystem::temp_directory_path() /
             ("vaxreg_wal_test_" + std::to_string(getpid()) + "_" + std::to_string(rd()) + ".db"))
                .string();
    ASSERT_EQ(sqlite3_open(path_.c_str(), &writer_), SQLITE_OK);
    Exec("PRAGMA journal_mode=WAL");
    Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB)");
  }
  void TearDown() override {
    sqlite3_close(writer_);
    std::error_code ec;
    for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + ext, ec);
  }
  void Exec(const std::string& sql) {
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(writer_, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << err;
  }
  // `n` commits of one 8 KiB row each (two or three WAL pages per commit).
  void CommitRows(int n) {
    for (int i = 0; i < n; ++i) Exec("INSERT INTO t (payload) VALUES (zeroblob(8192))");
  }
  int64_t DatabaseFileBytes() const { return static_cast<int64_t>(std::filesystem::file_size(path_)); }
  int64_t RowsSeenByANewConnection() const {
    sqlite3* reader = nullptr;
    EXPECT_EQ(sqlite3_open(path_.c_str(), &reader), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(reader, "SELECT count(*) FROM t", -1, &stmt, nullptr);
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    const int64_t n = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(reader);
    return n;
  }

  std::string path_;
  sqlite3* writer_ = nullptr;
};

TEST_F(WalCheckpointerTest, CheckpointsOnItsOwnThreadPastTheThreshold) {
  std::atomic<int> before_calls{0};
  std::atomic<uint64_t> commits{0};
  auto checkpointer =
      WalCheckpointer::Start(path_, Options(20, 1000000, [&] { before_calls.fetch_add(1); }));
  ASSERT_TRUE(checkpointer.ok()) << checkpointer.status().ToString();
  (*checkpointer)->Attach(writer_, &commits);
  const int64_t before = DatabaseFileBytes();
  CommitRows(100);
  // The hook replaced SQLite's automatic checkpoint: pages reach the database file only through
  // the checkpointer's thread.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while ((*checkpointer)->checkpoints() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_GE((*checkpointer)->checkpoints(), 1);
  while (DatabaseFileBytes() <= before + 8192 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_GT(DatabaseFileBytes(), before + 8192);
  EXPECT_EQ(RowsSeenByANewConnection(), 100);
  EXPECT_EQ(commits.load(), 100u);  // every commit counted
  EXPECT_GE(before_calls.load(), 1);
}

TEST_F(WalCheckpointerTest, BelowTheThresholdNothingIsCheckpointed) {
  auto checkpointer = WalCheckpointer::Start(path_, Options(100000, 1000000));
  ASSERT_TRUE(checkpointer.ok());
  (*checkpointer)->Attach(writer_);
  const int64_t before = DatabaseFileBytes();
  CommitRows(400);  // over 1,000 WAL pages
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ((*checkpointer)->checkpoints(), 0);
  // SQLite's own checkpoint (every 1,000 pages) is off as well.
  EXPECT_EQ(DatabaseFileBytes(), before);
  EXPECT_EQ(RowsSeenByANewConnection(), 400);
}

TEST_F(WalCheckpointerTest, TheWriterCheckpointsItselfPastTheLimit) {
  // The thread is never woken (threshold above the limit): only the writer's own checkpoints
  // at the limit move pages into the database file.
  auto checkpointer = WalCheckpointer::Start(path_, Options(1000000, 30));
  ASSERT_TRUE(checkpointer.ok());
  (*checkpointer)->Attach(writer_);
  const int64_t before = DatabaseFileBytes();
  CommitRows(100);
  EXPECT_EQ((*checkpointer)->checkpoints(), 0);
  EXPECT_GT(DatabaseFileBytes(), before + 8192);
  EXPECT_EQ(RowsSeenByANewConnection(), 100);
}

TEST(WalCheckpointerStartTest, ReportsADatabaseThatCannotBeOpened) {
  auto checkpointer = WalCheckpointer::Start("/nonexistent-dir/x/y.db");
  ASSERT_FALSE(checkpointer.ok());
  EXPECT_EQ(checkpointer.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace vaxreg::storage
