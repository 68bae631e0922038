// SQLite specifics the contract suite cannot express: URLs, pragmas, in-memory databases, the
// statement cache and lock timeouts.

#include "storage/sqlite/sqlite_database.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <random>
#include <string>
#include <thread>

#include "storage/database.h"
#include "unit/storage/test_util.h"

namespace vaxreg::storage {
namespace {

std::string UniqueName(std::string_view prefix) {
  std::random_device rd;
  return std::string(prefix) + std::to_string(getpid()) + "_" + std::to_string(rd()) + ".db";
}

// A database file under the temp directory, removed (with its WAL files) afterwards.
class TempDbFile {
 public:
  TempDbFile()
      : path_(
            (std::filesystem::temp_directory_path() / UniqueName("vaxreg_sqlite_test_")).string()) {
  }
  ~TempDbFile() {
    std::error_code ec;
    for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + ext, ec);
  }
  std::string url() const { return "sqlite:" + path_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::unique_ptr<Database> MustOpen(const std::string& url, DatabaseOptions options = {}) {
  auto db = OpenDatabase(url, options);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return db.ok() ? std::move(db).value() : nullptr;
}

int64_t QueryInt(Connection& c, std::string_view sql) {
  auto rows = c.Query(sql);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  return rows.ok() && !rows->empty() ? (*rows)[0].Int(0) : -1;
}

TEST(OpenDatabaseTest, RejectsBadUrls) {
  struct Case {
    std::string url;
    StatusCode code;
  };
  const std::vector<Case> cases = {
      {"", StatusCode::kInvalidArgument},
      {"mysql://localhost/db", StatusCode::kInvalidArgument},
      {"sqlite:", StatusCode::kInvalidArgument},
      {"SQLITE:/tmp/x.db", StatusCode::kInvalidArgument},
      {"sqlite:/nonexistent-vaxreg-dir/sub/db.sqlite", StatusCode::kUnavailable},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.url);
    auto db = OpenDatabase(c.url);
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.status().code(), c.code) << db.status().ToString();
  }
  auto bad_pool = OpenDatabase("sqlite::memory:", {.pool_size = 0, .busy_timeout_ms = 10});
  STORAGE_EXPECT_CODE(bad_pool, StatusCode::kInvalidArgument);
}

TEST(SqliteDatabaseTest, FileDatabaseUsesWalFullSyncForeignKeysBusyTimeoutAndMmap) {
  TempDbFile file;
  auto db = MustOpen(file.url(), {.pool_size = 2, .busy_timeout_ms = 1234,
                                  .sqlite_mmap_bytes = 64 << 20,
                                  .sqlite_writer_cache_bytes = 32 << 20});
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->DisplayUrl(), file.url());
  EXPECT_EQ(db->dialect(), Dialect::kSqlite);
  auto pooled = db->Acquire();
  STORAGE_ASSERT_OK(pooled);
  auto writer = db->OpenWriterConnection();
  STORAGE_ASSERT_OK(writer);
  for (Connection* c : {&**pooled, writer->get()}) {
    auto mode = c->Query("PRAGMA journal_mode");
    STORAGE_ASSERT_OK(mode);
    EXPECT_EQ((*mode)[0].Text(0), "wal");
    EXPECT_EQ(QueryInt(*c, "PRAGMA synchronous"), 2);  // FULL
    EXPECT_EQ(QueryInt(*c, "PRAGMA foreign_keys"), 1);
    EXPECT_EQ(QueryInt(*c, "PRAGMA busy_timeout"), 1234);
    EXPECT_EQ(QueryInt(*c, "PRAGMA mmap_size"), 64 << 20);
  }
  EXPECT_EQ(QueryInt(**writer, "PRAGMA cache_size"), -(32 << 10));  // KiB
  EXPECT_EQ(QueryInt(**writer, "PRAGMA temp_store"), 2);              // MEMORY
  EXPECT_NE(QueryInt(**pooled, "PRAGMA cache_size"), -(32 << 10));  // readers keep the default
  EXPECT_TRUE(std::filesystem::exists(file.path()));

  auto bulk = MustOpen(file.url(), {.sqlite_statement_journal_in_memory = false});
  ASSERT_NE(bulk, nullptr);
  auto bulk_writer = bulk->OpenWriterConnection();
  STORAGE_ASSERT_OK(bulk_writer);
  EXPECT_EQ(QueryInt(**bulk_writer, "PRAGMA temp_store"), 0);  // DEFAULT: a file
}

TEST(SqliteDatabaseTest, RelativePathIsUnderTheWorkingDirectory) {
  const std::string name = UniqueName("vaxreg_relative_");
  {
    auto db = MustOpen("sqlite:" + name);
    ASSERT_NE(db, nullptr);
    STORAGE_EXPECT_OK(db->Ping());
  }
  EXPECT_TRUE(std::filesystem::exists(std::filesystem::current_path() / name));
  std::error_code ec;
  for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(name + ext, ec);
}

TEST(SqliteDatabaseTest, InMemoryDatabaseIsSharedByItsConnectionsOnly) {
  auto db = MustOpen("sqlite::memory:");
  auto other = MustOpen("sqlite::memory:");
  ASSERT_NE(db, nullptr);
  ASSERT_NE(other, nullptr);
  auto writer = db->OpenWriterConnection();
  STORAGE_ASSERT_OK(writer);
  STORAGE_ASSERT_OK(
      (*writer)->ExecuteScript("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (7)"));
  auto reader = db->Acquire();
  STORAGE_ASSERT_OK(reader);
  EXPECT_EQ(QueryInt(**reader, "SELECT x FROM t"), 7);
  auto stranger = other->Acquire();
  STORAGE_ASSERT_OK(stranger);
  STORAGE_EXPECT_CODE((*stranger)->Query("SELECT x FROM t"), StatusCode::kInvalidArgument);
}

TEST(SqliteDatabaseTest, InMemoryReaderWaitsForWriterInsteadOfFailing) {
  auto db = MustOpen("sqlite::memory:", {.pool_size = 2, .busy_timeout_ms = 5000});
  ASSERT_NE(db, nullptr);
  auto writer = db->OpenWriterConnection();
  STORAGE_ASSERT_OK(writer);
  STORAGE_ASSERT_OK((*writer)->ExecuteScript("CREATE TABLE t (x INTEGER)"));
  STORAGE_ASSERT_OK((*writer)->Begin());
  STORAGE_ASSERT_OK((*writer)->Execute("INSERT INTO t VALUES ($1)", {int64_t{1}}));
  auto reader = std::async(std::launch::async, [&] {
    auto conn = db->Acquire();
    EXPECT_TRUE(conn.ok());
    return conn.ok() ? QueryInt(**conn, "SELECT COUNT(*) FROM t") : -1;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  STORAGE_ASSERT_OK((*writer)->Commit());
  EXPECT_EQ(reader.get(), 1);
}

TEST(SqliteDatabaseTest, WriteLockHeldPastBusyTimeoutIsUnavailable) {
  TempDbFile file;
  auto db = MustOpen(file.url(), {.pool_size = 2, .busy_timeout_ms = 100});
  ASSERT_NE(db, nullptr);
  auto a = db->OpenWriterConnection();
  auto b = db->OpenWriterConnection();
  STORAGE_ASSERT_OK(a);
  STORAGE_ASSERT_OK(b);
  STORAGE_ASSERT_OK((*a)->Begin());
  const auto start = std::chrono::steady_clock::now();
  STORAGE_EXPECT_CODE((*b)->Begin(), StatusCode::kUnavailable);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(80));
  // WAL: readers are not blocked by the writer.
  auto reader = db->Acquire();
  STORAGE_ASSERT_OK(reader);
  STORAGE_EXPECT_OK((*reader)->Query("SELECT 1"));
  STORAGE_ASSERT_OK((*a)->Commit());
  STORAGE_EXPECT_OK((*b)->Begin());
  STORAGE_EXPECT_OK((*b)->Rollback());
}

TEST(SqliteDatabaseTest, QueryTakesExactlyOneStatement) {
  auto db = MustOpen("sqlite::memory:");
  ASSERT_NE(db, nullptr);
  auto conn = db->Acquire();
  STORAGE_ASSERT_OK(conn);
  STORAGE_EXPECT_CODE((*conn)->Query("SELECT 1; SELECT 2"), StatusCode::kInvalidArgument);
  STORAGE_EXPECT_CODE((*conn)->Query(""), StatusCode::kInvalidArgument);
  STORAGE_EXPECT_OK((*conn)->Query("SELECT 1;  \n"));
}

TEST(SqliteDatabaseTest, StatementCacheSurvivesManyDistinctStatementsAndSchemaChanges) {
  auto db = MustOpen("sqlite::memory:");
  ASSERT_NE(db, nullptr);
  auto conn = db->Acquire();
  STORAGE_ASSERT_OK(conn);
  STORAGE_ASSERT_OK((*conn)->ExecuteScript("CREATE TABLE t (x INTEGER)"));
  // More distinct texts than the cache holds: the cache is flushed, nothing breaks.
  for (int i = 0; i < 1200; ++i) {
    STORAGE_ASSERT_OK((*conn)->Execute("INSERT INTO t VALUES (" + std::to_string(i) + ")"));
  }
  EXPECT_EQ(QueryInt(**conn, "SELECT COUNT(*) FROM t"), 1200);
  // A cached statement is re-prepared after the schema changes under it.
  STORAGE_ASSERT_OK((*conn)->ExecuteScript("ALTER TABLE t ADD COLUMN y INTEGER DEFAULT 5"));
  auto rows = (*conn)->Query("SELECT * FROM t LIMIT 1");
  STORAGE_ASSERT_OK(rows);
  EXPECT_EQ((*rows)[0].size(), 2u);
  EXPECT_EQ(QueryInt(**conn, "SELECT COUNT(*) FROM t"), 1200);
}

TEST(SqliteDatabaseTest, ScriptsMayContainTriggersWithInnerSemicolons) {
  auto db = MustOpen("sqlite::memory:");
  ASSERT_NE(db, nullptr);
  auto conn = db->Acquire();
  STORAGE_ASSERT_OK(conn);
  STORAGE_ASSERT_OK((*conn)->ExecuteScript(R"sql(
    CREATE TABLE t (x INTEGER);
    CREATE TABLE log (x INTEGER);
    CREATE TRIGGER t_log AFTER INSERT ON t BEGIN INSERT INTO log VALUES (NEW.x); INSERT INTO log VALUES (NEW.x + 1); END;
    INSERT INTO t VALUES (10);
  )sql"));
  EXPECT_EQ(QueryInt(**conn, "SELECT SUM(x) FROM log"), 21);
}


// Read snapshot reuse (DatabaseOptions::sqlite_read_snapshot_ms).

class ReadSnapshotTest : public ::testing::Test {
 protected:
  void Open(int snapshot_ms) {
    DatabaseOptions o;
    o.pool_size = 1;  // every Acquire lends the same reader
    o.sqlite_read_snapshot_ms = snapshot_ms;
    db_ = MustOpen(file_.url(), o);
    ASSERT_NE(db_, nullptr);
    auto w = db_->OpenWriterConnection();
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    writer_ = std::move(w).value();
    ASSERT_TRUE(writer_->ExecuteScript("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)").ok());
  }
  int64_t CountOnReader() {
    auto conn = db_->Acquire();
    EXPECT_TRUE(conn.ok());
    return conn.ok() ? QueryInt(**conn, "SELECT count(*) FROM t") : -1;
  }
  void InsertThroughWriter(int rows) {
    ASSERT_TRUE(writer_->Begin().ok());
    for (int i = 0; i < rows; ++i) {
      ASSERT_TRUE(writer_->Execute("INSERT INTO t (v) VALUES (zeroblob(8192))").ok());
    }
    ASSERT_TRUE(writer_->Commit().ok());
  }

  TempDbFile file_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<Connection> writer_;
};

TEST_F(ReadSnapshotTest, AReadSeesEveryWriteCommittedInTheProcessBeforeIt) {
  Open(/*snapshot_ms=*/600000);  // only a commit can renew the snapshot
  EXPECT_EQ(CountOnReader(), 0);  // the reader now keeps a snapshot
  InsertThroughWriter(1);
  EXPECT_EQ(CountOnReader(), 1);
  InsertThroughWriter(2);
  EXPECT_EQ(CountOnReader(), 3);
}

TEST_F(ReadSnapshotTest, WritesOfOtherProcessesShowAfterTheLongestSnapshotAge) {
  Open(/*snapshot_ms=*/30);
  EXPECT_EQ(CountOnReader(), 0);
  // A connection of its own, as another process would have: its commit is not counted here.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(file_.path().c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "INSERT INTO t (v) VALUES (x'00')", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(other);
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  EXPECT_EQ(CountOnReader(), 1);
}

TEST_F(ReadSnapshotTest, AReaderWithASnapshotCanStillOpenATransactionAndWrite) {
  Open(/*snapshot_ms=*/600000);
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  EXPECT_EQ(QueryInt(**conn, "SELECT count(*) FROM t"), 0);
  ASSERT_TRUE((*conn)->Begin().ok());
  ASSERT_TRUE((*conn)->Execute("INSERT INTO t (v) VALUES (x'01')").ok());
  ASSERT_TRUE((*conn)->Commit().ok());
  EXPECT_EQ(QueryInt(**conn, "SELECT count(*) FROM t"), 1);
  // Outside a transaction too (autocommit), and a COMMIT without BEGIN is still refused.
  EXPECT_TRUE((*conn)->Execute("INSERT INTO t (v) VALUES (x'02')").ok());
  EXPECT_EQ(QueryInt(**conn, "SELECT count(*) FROM t"), 2);
  EXPECT_EQ((*conn)->Commit().code(), StatusCode::kFailedPrecondition);
}

TEST_F(ReadSnapshotTest, AnIdleReadersSnapshotDoesNotHoldBackCheckpoints) {
  Open(/*snapshot_ms=*/600000);
  EXPECT_EQ(CountOnReader(), 0);  // the idle reader keeps a snapshot from before the writes
  InsertThroughWriter(600);       // ~1,800 WAL pages: the checkpointer runs
  // Every frame is checkpointed once the checkpointer has ended the idle reader's snapshot.
  sqlite3* probe = nullptr;
  ASSERT_EQ(sqlite3_open(file_.path().c_str(), &probe), SQLITE_OK);
  // A first read makes the connection find the WAL.
  ASSERT_EQ(sqlite3_exec(probe, "SELECT count(*) FROM t", nullptr, nullptr, nullptr), SQLITE_OK);
  int log = -1, done = -2;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    // SQLITE_BUSY while the background checkpoint runs.
    const int rc = sqlite3_wal_checkpoint_v2(probe, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
    ASSERT_TRUE(rc == SQLITE_OK || rc == SQLITE_BUSY) << rc;
    if (rc == SQLITE_OK && log > 0 && done == log) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  sqlite3_close(probe);
  EXPECT_GT(log, 0);
  EXPECT_EQ(done, log);
  EXPECT_EQ(CountOnReader(), 600);
}

}  // namespace
}  // namespace vaxreg::storage
