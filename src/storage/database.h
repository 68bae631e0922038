#pragma once
// The storage seam: one SQL-level interface with two real implementations, SQLite
// (storage/sqlite/) and PostgreSQL (storage/postgres/), chosen by URL in OpenDatabase().
//
// SQL passed here is portable between the two: positional parameters are written $1, $2, ...
// (both backends accept them), and dialect differences are confined to migrations
// (storage/migrations.cc) and to the few queries that branch on Connection::dialect().
//
// Every statement is prepared once per connection and cached (prepared statements only; values
// are never spliced into SQL text).
//
// Errors: kAlreadyExists for unique-key violations, kFailedPrecondition for other constraint
// violations (foreign key, check, not null), kUnavailable when the server cannot be reached or
// the database is busy/locked past its timeout, kInvalidArgument for SQL the backend rejects,
// kInternal otherwise.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"

namespace vaxreg::storage {

enum class Dialect { kSqlite, kPostgres };

// Bytes stored in a BLOB (SQLite) / BYTEA (PostgreSQL) column.
struct Blob {
  std::string bytes;
  bool operator==(const Blob&) const = default;
};

// A parameter or a column value. Text is UTF-8.
using Value = std::variant<std::nullptr_t, int64_t, double, std::string, Blob>;

// The lenient conversions of Row's accessors: IntOf parses text ("12", " +12", "12.00") and gives
// 0 for NULL or anything unparsable; TextOf renders numbers and gives "" for NULL.
int64_t IntOf(const Value& v);
std::string TextOf(const Value& v);

// The columns of one result row, read where they are. Accessors CHECK-fail on an out-of-range
// index (a bug) and convert like IntOf / TextOf.
class RowView {
 public:
  virtual size_t size() const = 0;
  virtual bool IsNull(size_t i) const = 0;
  virtual int64_t Int(size_t i) const = 0;
  virtual std::string Text(size_t i) const = 0;

 protected:
  ~RowView() = default;
};

// One result row, held. Also: Double() parses text; Bytes() returns BLOB bytes (or the text
// bytes).
class Row final : public RowView {
 public:
  Row() = default;
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  size_t size() const override { return values_.size(); }
  bool IsNull(size_t i) const override;
  int64_t Int(size_t i) const override;
  double Double(size_t i) const;
  std::string Text(size_t i) const override;
  std::string Bytes(size_t i) const;
  const Value& at(size_t i) const;

 private:
  std::vector<Value> values_;
};

using Rows = std::vector<Row>;

// "a.c1, a.c2, ..." for a SELECT list: `columns` each prefixed with `alias.` (nothing when
// `alias` is empty), comma-separated.
std::string ColumnList(std::span<const std::string_view> columns, std::string_view alias);

// Rows for Connection::CopyRows, built in memory in PostgreSQL's COPY text format (tab-separated
// fields, "\N" for NULL, backslash escapes for tab, newline, carriage return and backslash).
class CopyBuffer {
 public:
  void Int(int64_t v);
  void Text(std::string_view v);
  void Null();
  // NULL when `v` is empty.
  void TextOrNull(std::string_view v) { v.empty() ? Null() : Text(v); }
  void EndRow();
  // Appends one whole row (blobs and doubles are refused: no COPY caller writes them).
  void Row(std::span<const Value> values);
  const std::string& data() const { return data_; }
  size_t rows() const { return rows_; }
  void Clear();

 private:
  void Separate();
  std::string data_;
  bool row_open_ = false;
  size_t rows_ = 0;
};

// A session on one database connection. Not thread-safe: used by one thread at a time.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;

  // Runs a statement that returns rows.
  virtual Result<Rows> Query(std::string_view sql, std::span<const Value> params = {}) = 0;
  // Runs a statement that returns rows and calls `visit` on each, in order, without holding
  // them (SQLite reads the columns in place; the default holds them as Query does). The view is
  // valid only during the call. A status other than OK from `visit` stops the statement and is
  // returned.
  using RowVisitor = std::function<Status(const RowView&)>;
  virtual Status ForEachRow(std::string_view sql, std::span<const Value> params,
                            const RowVisitor& visit);
  // Runs a statement; returns the number of rows changed.
  virtual Result<int64_t> Execute(std::string_view sql, std::span<const Value> params = {}) = 0;
  // Runs several ';'-separated statements without parameters (migrations only).
  virtual Status ExecuteScript(std::string_view sql) = 0;
  // Runs `statements` in order and answers each one's rows (an INSERT/UPDATE without RETURNING
  // answers none). PostgreSQL sends them all in one round trip (libpq pipeline mode), so a later
  // statement may rely on an earlier one's effects (a lock taken, a row inserted) but its
  // parameters cannot come from an earlier one's results. The first failure is returned and the
  // statements after it do not run; inside a transaction, roll back as after any failed
  // statement. SQLite runs them one by one.
  struct Statement {
    std::string_view sql;
    std::vector<Value> params;
  };
  virtual Result<std::vector<Rows>> QueryPipelined(std::span<const Statement> statements);
  // Appends the rows of `rows` to `table` with one bulk statement (PostgreSQL: COPY FROM STDIN,
  // inside the current transaction if one is open). `table` and `columns` ("a, b, c", in the
  // buffer's field order) are identifiers fixed in code, never input. kFailedPrecondition on SQLite,
  // whose multi-row prepared INSERTs are as fast.
  virtual Status CopyRows(std::string_view table, std::string_view columns, const CopyBuffer& rows);
  // True when the session is known to be lost (the server went away during the last call); the
  // next call tries to reconnect. SQLite connections are never lost.
  virtual bool Broken() const { return false; }
  // While on, Query/ForEachRow/Execute plan each statement for its parameter values at every
  // call instead of reusing the connection's plan (PostgreSQL's unnamed statement; SQLite plans
  // once either way). For batched lookups (in_list.h): a generic plan made while a table was
  // nearly empty scans it in full, comparing every row with every key, until the table is next
  // analysed; an import's lookup of 256 CCCDs did so once per chunk.
  virtual void SetPlanPerCall(bool on) { (void)on; }

  // Transactions. Begin() takes the write lock up front on SQLite (BEGIN IMMEDIATE) so a writer
  // never fails half-way with SQLITE_BUSY on upgrade. Commit() first writes the counters of
  // AddToCounter; if that fails nothing is committed and the caller rolls back.
  Status Begin();
  Status Commit();
  Status Rollback();
  // Nested scopes inside a transaction; name is an identifier chosen by the caller. Rolling back
  // to a savepoint also takes back the AddToCounter increments made after it.
  Status Savepoint(std::string_view name);
  Status RollbackToSavepoint(std::string_view name);
  Status ReleaseSavepoint(std::string_view name);

  // Adds `deltas` to a counter row at the end of the transaction. `upsert_sql` takes the key
  // columns as $1..$k and the deltas as $k+1..$k+n (an INSERT ... ON CONFLICT DO UPDATE that
  // adds them). Increments of one transaction to the same statement and key are summed, and
  // every counter row is written once, just before COMMIT, in one global order (statement
  // text, then key). Several processes committing counters therefore take the counter rows'
  // locks in the same order and cannot deadlock on them, and a batch of writes that touch one
  // counter row writes it once. Code that reads a counter inside the transaction that changed
  // it does not see the change. Outside a transaction the statement runs at once.
  Status AddToCounter(std::string_view upsert_sql, std::vector<std::string> key,
                      std::vector<int64_t> deltas);

  // Convenience: Query(sql, {v1, v2, ...}).
  Result<Rows> Query(std::string_view sql, std::initializer_list<Value> params) {
    return Query(sql, std::span<const Value>(params.begin(), params.size()));
  }
  Result<int64_t> Execute(std::string_view sql, std::initializer_list<Value> params) {
    return Execute(sql, std::span<const Value>(params.begin(), params.size()));
  }
  Status ForEachRow(std::string_view sql, std::initializer_list<Value> params,
                    const RowVisitor& visit) {
    return ForEachRow(sql, std::span<const Value>(params.begin(), params.size()), visit);
  }

 protected:
  // The backend's transaction statements.
  virtual Status DoBegin() = 0;
  virtual Status DoCommit() = 0;
  virtual Status DoRollback() = 0;
  virtual Status DoSavepoint(std::string_view name) = 0;
  virtual Status DoRollbackToSavepoint(std::string_view name) = 0;
  virtual Status DoReleaseSavepoint(std::string_view name) = 0;

 private:
  using CounterKey = std::pair<std::string, std::vector<std::string>>;  // statement, key
  Status FlushCounters();
  void ClearCounters();

  bool in_transaction_ = false;
  std::map<CounterKey, std::vector<int64_t>> counters_;
  // Every increment in order, and where each open savepoint began in it, so that a rollback to
  // a savepoint can take back exactly the increments made after it.
  std::vector<std::pair<CounterKey, std::vector<int64_t>>> counter_journal_;
  std::vector<std::pair<std::string, size_t>> savepoints_;
};

// A connection borrowed from a Database's pool; returned to the pool when destroyed.
class PooledConnection {
 public:
  PooledConnection(std::unique_ptr<Connection> conn, std::function<void(std::unique_ptr<Connection>)> release)
      : conn_(std::move(conn)), release_(std::move(release)) {}
  PooledConnection(PooledConnection&&) = default;
  PooledConnection& operator=(PooledConnection&&) = default;
  ~PooledConnection() {
    if (conn_ && release_) release_(std::move(conn_));
  }
  Connection& operator*() { return *conn_; }
  Connection* operator->() { return conn_.get(); }

 private:
  std::unique_ptr<Connection> conn_;
  std::function<void(std::unique_ptr<Connection>)> release_;
};

struct DatabaseOptions {
  // Connections kept for readers (SQLite: read-only WAL readers; PostgreSQL: the pool size).
  int pool_size = 8;
  // How long Acquire() and a busy SQLite lock may wait before kUnavailable.
  int busy_timeout_ms = 5000;
  // SQLite: bytes of the database file each connection may memory-map for reads (0 = read every
  // page with pread). SQLite caps it at its compile-time SQLITE_MAX_MMAP_SIZE.
  int64_t sqlite_mmap_bytes = int64_t{2} << 30;
  // SQLite: page cache of the writer connection, in bytes (allocated as pages are used). Bulk
  // loads change index pages all over a large file; a cache that holds them saves a read and an
  // early write-out per page (a 1,000,000-person seed: 69 s with SQLite's 2 MiB default, 61 s
  // with 256 MiB).
  int64_t sqlite_writer_cache_bytes = int64_t{256} << 20;
  // SQLite: where the writer keeps statement journals (the original of each page a savepoint or
  // a multi-row statement changes). In memory suits many small writes (a server: otherwise a
  // dose write's journal outgrows SQLite's 64 KiB and goes to a temporary file on every write);
  // a temporary file suits bulk loads, whose statements journal megabytes each (a 1,000,000
  // person seed: 57 s with the file, 76 s in memory).
  bool sqlite_statement_journal_in_memory = true;
  // SQLite: how long a pooled reader may answer from one read snapshot (0 = a new snapshot for
  // every statement). Starting a read transaction takes shared-memory locks that cost about a
  // tenth of a point lookup; a reader keeps its snapshot across statements and borrowers as long
  // as no write has committed in this process since, and for at most this long, which bounds
  // how late it sees writes made by other processes (the CLI on a live database).
  int sqlite_read_snapshot_ms = 10;
};

// A database: a pool of connections plus the URL it came from. Thread-safe.
class Database {
 public:
  virtual ~Database() = default;
  virtual Dialect dialect() const = 0;
  // Borrows a connection; waits up to busy_timeout_ms for one to be free.
  virtual Result<PooledConnection> Acquire() = 0;
  // A dedicated connection for the group-commit writer (never shared with readers).
  virtual Result<std::unique_ptr<Connection>> OpenWriterConnection() = 0;
  // Round trip to the database (readiness probe).
  virtual Status Ping() = 0;
  // The URL with any password removed, for logs.
  virtual std::string DisplayUrl() const = 0;
};

// Opens "sqlite:PATH" (also "sqlite::memory:" for a private in-memory database shared by all
// connections of this Database) or "postgresql://..." / "postgres://...".
// kInvalidArgument for an unknown scheme, kUnavailable if the database cannot be opened.
Result<std::unique_ptr<Database>> OpenDatabase(std::string_view url, const DatabaseOptions& options = {});

}  // namespace vaxreg::storage
