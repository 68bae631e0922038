#pragma once
// The SQLite backend of storage::Database (see storage/database.h for the contract).
//
// Every connection runs with journal_mode=WAL (file databases), synchronous=FULL,
// foreign_keys=ON, busy_timeout = DatabaseOptions::busy_timeout_ms and mmap_size =
// DatabaseOptions::sqlite_mmap_bytes (reads map the file instead of copying each page through a
// pread: a random lookup on a database larger than the page cache costs no system call).
// Statements are prepared once per connection (SQLITE_PREPARE_PERSISTENT) and cached by SQL text.
// The writer connection of a file database checkpoints its WAL on a thread of its own
// (WalCheckpointer), not inside its commits.
//
// "sqlite::memory:" databases live in SQLite's memdb VFS under a process-unique name, so every
// connection of one SqliteDatabase sees the same data while two SqliteDatabases never do. The
// SqliteDatabase keeps one connection open for its lifetime because the data disappears with
// the last connection.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "storage/database.h"
#include "storage/sqlite/wal_checkpointer.h"

struct sqlite3;
struct sqlite3_stmt;

namespace vaxreg::storage {

// One SQLite connection with its statement cache. Not thread-safe (Connection's contract).
class SqliteConnection final : public Connection {
 public:
  // Opens `filename` (a path, or an SQLite "file:" URI) and applies the pragmas above.
  // kUnavailable if the file cannot be opened or set up.
  static Result<std::unique_ptr<SqliteConnection>> Open(const std::string& filename,
                                                        const DatabaseOptions& options,
                                                        bool in_memory);
  ~SqliteConnection() override;

  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Dialect dialect() const override { return Dialect::kSqlite; }
  Result<Rows> Query(std::string_view sql, std::span<const Value> params) override;
  Status ForEachRow(std::string_view sql, std::span<const Value> params,
                    const RowVisitor& visit) override;
  Result<int64_t> Execute(std::string_view sql, std::span<const Value> params) override;
  Status ExecuteScript(std::string_view sql) override;
  Status DoBegin() override;
  Status DoCommit() override;
  Status DoRollback() override;
  Status DoSavepoint(std::string_view name) override;
  Status DoRollbackToSavepoint(std::string_view name) override;
  Status DoReleaseSavepoint(std::string_view name) override;
  using Connection::Execute;
  using Connection::ForEachRow;
  using Connection::Query;

  // Rolls back a transaction left open by a borrower before the connection is reused.
  void ResetForReuse();

  // Hands this connection's WAL checkpoints to `checkpointer`, which it then owns, and counts
  // its commits in `commits`.
  void AdoptCheckpointer(std::unique_ptr<WalCheckpointer> checkpointer,
                         std::shared_ptr<std::atomic<uint64_t>> commits);

  // Makes this (pooled, file-database) connection count its commits in `commits`, shared by the
  // database's connections, and keep its read snapshot across statements while `commits` is
  // unchanged and for at most `max_age` (DatabaseOptions::sqlite_read_snapshot_ms). A read
  // therefore sees every write committed in this process before it began.
  void ReuseReadSnapshots(std::shared_ptr<std::atomic<uint64_t>> commits,
                          std::chrono::milliseconds max_age);
  // Ends a read snapshot kept by ReuseReadSnapshots, if any (so checkpoints can pass it).
  void ReleaseReadSnapshot();

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // Cached statements per connection; past this many distinct SQL texts the cache is flushed
  // (callers that build SQL dynamically must not grow memory without bound).
  static constexpr size_t kMaxCachedStatements = 512;

  explicit SqliteConnection(sqlite3* db) : db_(db) {}

  Result<sqlite3_stmt*> Prepare(std::string_view sql);
  Status Bind(sqlite3_stmt* stmt, std::span<const Value> params);
  // Steps `sql` to completion; hands each row to `on_row` (when non-null; a status other than OK
  // stops the statement and is returned) and the number of rows changed to `changes` (when
  // non-null).
  using StepFn = std::function<Status(sqlite3_stmt*)>;
  Status Run(std::string_view sql, std::span<const Value> params, const StepFn* on_row,
             int64_t* changes);
  // Fails if a transaction opened by Begin() was ended by SQLite itself (for instance after an
  // I/O error), so later statements never run silently in autocommit mode.
  Status CheckTransactionAlive() const;
  Status SavepointCommand(std::string_view verb, std::string_view name);
  void ClearStatementCache();
  // Before `stmt` runs outside a Begin() transaction: keeps or renews the read snapshot for a
  // query, ends it before anything else.
  Status PrepareSnapshotFor(sqlite3_stmt* stmt);
  bool SnapshotIsFresh() const;
  // Steps a cached argument-less statement once (BEGIN / COMMIT of a kept snapshot).
  Status StepPlain(std::string_view sql);

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*, StringHash, std::equal_to<>> statements_;
  // The SQLite index of each "$k" (k = 1..n) of a cached statement, looked up on first use.
  std::unordered_map<sqlite3_stmt*, std::vector<int>> param_indexes_;
  // The writer connection's WAL checkpoints run on this thread (null for other connections).
  std::unique_ptr<WalCheckpointer> checkpointer_;
  bool in_transaction_ = false;
  // Commits counted by this connection's WAL hook (null if none), and read snapshot reuse.
  std::shared_ptr<std::atomic<uint64_t>> commits_;
  bool reuse_snapshots_ = false;
  std::chrono::steady_clock::duration snapshot_max_age_{};
  bool snapshot_held_ = false;
  uint64_t snapshot_commits_ = 0;
  std::chrono::steady_clock::time_point snapshot_since_;
};

// A pool of SqliteConnections on one database file (or memdb name). Thread-safe.
class SqliteDatabase final : public Database {
 public:
  // `path` is what follows "sqlite:" in the URL; ":memory:" makes a private in-memory database.
  // kUnavailable if the database cannot be opened.
  static Result<std::unique_ptr<SqliteDatabase>> Open(std::string_view path,
                                                      const DatabaseOptions& options);
  ~SqliteDatabase() override;

  Dialect dialect() const override { return Dialect::kSqlite; }
  Result<PooledConnection> Acquire() override;
  Result<std::unique_ptr<Connection>> OpenWriterConnection() override;
  Status Ping() override;
  std::string DisplayUrl() const override { return display_url_; }

 private:
  // Shared with the release callbacks of outstanding PooledConnections, so a connection returned
  // after the SqliteDatabase is gone is simply closed.
  struct Pool {
    // Ends the read snapshots idle connections keep, so a checkpoint can pass them.
    void ReleaseIdleSnapshots();
    std::mutex mu;
    std::condition_variable cv;
    std::vector<std::unique_ptr<SqliteConnection>> idle;
    int open = 0;  // idle plus borrowed
    bool closed = false;
  };

  SqliteDatabase(std::string filename, std::string display_url, bool in_memory,
                 DatabaseOptions options);
  // Applies the reader settings (read snapshot reuse) to a new pooled connection.
  void SetUpReader(SqliteConnection& conn);

  std::string filename_;
  std::string display_url_;
  bool in_memory_;
  DatabaseOptions options_;
  std::shared_ptr<Pool> pool_;
  // Write transactions committed by this database's connections (their WAL hooks count them).
  std::shared_ptr<std::atomic<uint64_t>> commits_ = std::make_shared<std::atomic<uint64_t>>(0);
  // Keeps an in-memory database alive; unused for files.
  std::unique_ptr<SqliteConnection> anchor_;
};

}  // namespace vaxreg::storage
