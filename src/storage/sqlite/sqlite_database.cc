#include "storage/sqlite/sqlite_database.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <utility>

namespace vaxreg::storage {
namespace {

// SQLITE_STATIC without the macro's C-style cast: the bound buffers outlive the statement's use,
// because every statement is reset and its bindings cleared before Query/Execute return.
const sqlite3_destructor_type kStatic = nullptr;

// How the error text of a failed call is turned into a Status. `prepare` separates SQL the
// engine rejects (kInvalidArgument) from failures while running it.
Status SqliteError(sqlite3* db, int rc, bool prepare, std::string_view context) {
  std::string msg(context);
  msg += ": ";
  msg += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return AlreadyExistsError(std::move(msg));
      }
      return FailedPreconditionError(std::move(msg));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return UnavailableError(std::move(msg));
    case SQLITE_ERROR:
      return prepare ? InvalidArgumentError(std::move(msg)) : InternalError(std::move(msg));
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
    case SQLITE_TOOBIG:
      return InvalidArgumentError(std::move(msg));
    case SQLITE_CANTOPEN:
      return UnavailableError(std::move(msg));
    default:
      return InternalError(std::move(msg));
  }
}

bool IsIdentifier(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

bool OnlyWhitespace(const char* p, const char* end) {
  for (; p < end; ++p) {
    if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r' && *p != ';') return false;
  }
  return true;
}

// Resets a statement and drops its bindings when a call returns, so a cached statement never
// holds a read transaction open or keeps pointers to the caller's buffers.
class StatementUse {
 public:
  explicit StatementUse(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~StatementUse() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;

 private:
  sqlite3_stmt* stmt_;
};

Value ColumnValue(sqlite3_stmt* stmt, int col) {
  switch (sqlite3_column_type(stmt, col)) {
    case SQLITE_INTEGER:
      return static_cast<int64_t>(sqlite3_column_int64(stmt, col));
    case SQLITE_FLOAT:
      return sqlite3_column_double(stmt, col);
    case SQLITE_TEXT: {
      const unsigned char* p = sqlite3_column_text(stmt, col);
      const int n = sqlite3_column_bytes(stmt, col);
      return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
    }
    case SQLITE_BLOB: {
      const void* p = sqlite3_column_blob(stmt, col);
      const int n = sqlite3_column_bytes(stmt, col);
      if (p == nullptr || n == 0) return Blob{};
      return Blob{std::string(static_cast<const char*>(p), static_cast<size_t>(n))};
    }
    default:
      return nullptr;
  }
}

// The current row of a stepped statement, read in place. The common column types are read
// directly; the rare conversions (a float as an integer, a number as text) go through the Value
// conversions so they match Row's.
class StatementRow final : public RowView {
 public:
  explicit StatementRow(sqlite3_stmt* stmt)
      : stmt_(stmt), columns_(static_cast<size_t>(sqlite3_column_count(stmt))) {}
  size_t size() const override { return columns_; }
  bool IsNull(size_t i) const override { return Type(i) == SQLITE_NULL; }
  int64_t Int(size_t i) const override {
    switch (Type(i)) {
      case SQLITE_INTEGER:
        return sqlite3_column_int64(stmt_, Col(i));
      case SQLITE_NULL:
        return 0;
      default:
        return IntOf(ColumnValue(stmt_, Col(i)));
    }
  }
  std::string Text(size_t i) const override {
    switch (Type(i)) {
      case SQLITE_TEXT: {
        const unsigned char* p = sqlite3_column_text(stmt_, Col(i));
        const int n = sqlite3_column_bytes(stmt_, Col(i));
        return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
      }
      case SQLITE_NULL:
        return std::string();
      default:
        return TextOf(ColumnValue(stmt_, Col(i)));
    }
  }

 private:
  int Col(size_t i) const {
    CHECK(i < columns_);
    return static_cast<int>(i);
  }
  int Type(size_t i) const { return sqlite3_column_type(stmt_, Col(i)); }

  sqlite3_stmt* stmt_;
  size_t columns_;
};

// Process-wide settings, applied once before SQLite initialises (sqlite3_config refuses them
// afterwards, which costs only the tuning). Memory statistics off: with them on, every
// allocation inside SQLite takes one process-wide mutex, which the reader connections of all
// I/O threads then contend for on every query.
void ConfigureSqliteOnce() {
  static const bool configured = [] {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
  }();
  (void)configured;
}

// The WAL hook of pooled connections: counts the commit (read snapshot reuse), then does what
// SQLite's automatic checkpoint, which any WAL hook replaces, would do.
int CountCommit(void* commits, sqlite3* db, const char* schema, int wal_pages) {
  static_cast<std::atomic<uint64_t>*>(commits)->fetch_add(1, std::memory_order_release);
  if (wal_pages >= kSqliteAutoCheckpointPages) {
    sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  }
  return SQLITE_OK;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// SqliteConnection

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(const std::string& filename,
                                                                 const DatabaseOptions& options,
                                                                 bool in_memory) {
  ConfigureSqliteOnce();
  sqlite3* db = nullptr;
  // NOMUTEX: a connection is only ever used by one thread at a time (Connection's contract).
  const int flags =
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(filename.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status st = UnavailableError("cannot open SQLite database " + filename + ": " +
                                 (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    sqlite3_close_v2(db);
    return st;
  }
  std::unique_ptr<SqliteConnection> conn(new SqliteConnection(db));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, options.busy_timeout_ms);

  // WAL lets readers run while the writer commits; FULL makes every commit durable (fsync of the
  // WAL) before it is acknowledged, which group commit amortises. An in-memory database has no
  // WAL (SQLite reports "memory") and nothing to sync.
  auto mode = conn->Query("PRAGMA journal_mode=WAL", std::span<const Value>{});
  if (!mode.ok()) {
    return UnavailableError("cannot set up SQLite database " + filename + ": " +
                            mode.status().message());
  }
  const std::string journal = mode->empty() ? "" : (*mode)[0].Text(0);
  if (!in_memory && journal != "wal") {
    return UnavailableError("SQLite database " + filename +
                            " cannot use WAL (journal_mode=" + journal + ")");
  }
  const std::string mmap = "PRAGMA mmap_size=" + std::to_string(in_memory ? 0 : options.sqlite_mmap_bytes);
  for (std::string_view pragma : {std::string_view("PRAGMA synchronous=FULL"),
                                  std::string_view("PRAGMA foreign_keys=ON"),
                                  std::string_view(mmap)}) {
    Status st = conn->ExecuteScript(pragma);
    if (!st.ok()) {
      return UnavailableError("cannot set up SQLite database " + filename + ": " + st.message());
    }
  }
  return conn;
}

SqliteConnection::~SqliteConnection() {
  ClearStatementCache();
  sqlite3_close_v2(db_);
}

void SqliteConnection::ClearStatementCache() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  statements_.clear();
  param_indexes_.clear();
}

Result<sqlite3_stmt*> SqliteConnection::Prepare(std::string_view sql) {
  if (auto it = statements_.find(sql); it != statements_.end()) return it->second;
  if (statements_.size() >= kMaxCachedStatements) ClearStatementCache();
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, /*prepare=*/true, "cannot prepare statement");
  if (stmt == nullptr) return InvalidArgumentError("empty SQL statement");
  if (tail != nullptr && !OnlyWhitespace(tail, sql.data() + sql.size())) {
    sqlite3_finalize(stmt);
    return InvalidArgumentError("one statement expected (use ExecuteScript for several)");
  }
  statements_.emplace(std::string(sql), stmt);
  return stmt;
}

Status SqliteConnection::Bind(sqlite3_stmt* stmt, std::span<const Value> params) {
  const int count = sqlite3_bind_parameter_count(stmt);
  if (count != static_cast<int>(params.size())) {
    return InvalidArgumentError("statement takes " + std::to_string(count) + " parameters, " +
                                std::to_string(params.size()) + " given");
  }
  std::vector<int>& indexes = param_indexes_[stmt];
  char name[24];
  if (indexes.size() != params.size()) {
    indexes.clear();
    for (size_t k = 1; k <= params.size(); ++k) {
      std::snprintf(name, sizeof(name), "$%zu", k);
      indexes.push_back(sqlite3_bind_parameter_index(stmt, name));
    }
  }
  for (size_t k = 1; k <= params.size(); ++k) {
    // Looked up by name ("$2 ... $1" binds correctly whatever order the SQL uses), once per
    // prepared statement: sqlite3_bind_parameter_index scans every name, which would make a
    // multi-row INSERT with thousands of parameters quadratic on every execution.
    const int index = indexes[k - 1];
    if (index == 0) {
      indexes.clear();
      std::snprintf(name, sizeof(name), "$%zu", k);
      return InvalidArgumentError(std::string("parameter ") + name +
                                  " does not appear in the statement");
    }
    const Value& v = params[k - 1];
    int rc = SQLITE_OK;
    if (std::holds_alternative<std::nullptr_t>(v)) {
      rc = sqlite3_bind_null(stmt, index);
    } else if (const auto* i = std::get_if<int64_t>(&v)) {
      rc = sqlite3_bind_int64(stmt, index, *i);
    } else if (const auto* d = std::get_if<double>(&v)) {
      rc = sqlite3_bind_double(stmt, index, *d);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      rc = sqlite3_bind_text64(stmt, index, s->data(), s->size(), kStatic, SQLITE_UTF8);
    } else {
      const std::string& bytes = std::get<Blob>(v).bytes;
      rc = sqlite3_bind_blob64(stmt, index, bytes.data(), bytes.size(), kStatic);
    }
    if (rc != SQLITE_OK) return SqliteError(db_, rc, /*prepare=*/true, "cannot bind parameter");
  }
  return Status::Ok();
}

Status SqliteConnection::CheckTransactionAlive() const {
  if (in_transaction_ && sqlite3_get_autocommit(db_) != 0) {
    return UnavailableError(
        "the transaction is no longer active (rolled back by SQLite after an error)");
  }
  return Status::Ok();
}

Status SqliteConnection::Run(std::string_view sql, std::span<const Value> params,
                             const StepFn* on_row, int64_t* changes) {
  RETURN_IF_ERROR(CheckTransactionAlive());
  ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
  RETURN_IF_ERROR(PrepareSnapshotFor(stmt));
  StatementUse use(stmt);
  RETURN_IF_ERROR(Bind(stmt, params));
  for (;;) {
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) {
      if (changes != nullptr) {
        *changes = sqlite3_stmt_readonly(stmt) != 0 ? 0 : sqlite3_changes64(db_);
      }
      return Status::Ok();
    }
    if (rc != SQLITE_ROW) return SqliteError(db_, rc, /*prepare=*/false, "statement failed");
    if (on_row != nullptr) RETURN_IF_ERROR((*on_row)(stmt));
  }
}

Result<Rows> SqliteConnection::Query(std::string_view sql, std::span<const Value> params) {
  Rows rows;
  const StepFn collect = [&rows](sqlite3_stmt* stmt) {
    const int columns = sqlite3_column_count(stmt);
    std::vector<Value> values;
    values.reserve(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) values.push_back(ColumnValue(stmt, c));
    rows.emplace_back(std::move(values));
    return Status::Ok();
  };
  RETURN_IF_ERROR(Run(sql, params, &collect, nullptr));
  return rows;
}

Status SqliteConnection::ForEachRow(std::string_view sql, std::span<const Value> params,
                                    const RowVisitor& visit) {
  const StepFn each = [&visit](sqlite3_stmt* stmt) { return visit(StatementRow(stmt)); };
  return Run(sql, params, &each, nullptr);
}

Result<int64_t> SqliteConnection::Execute(std::string_view sql, std::span<const Value> params) {
  int64_t changes = 0;
  RETURN_IF_ERROR(Run(sql, params, nullptr, &changes));
  return changes;
}

Status SqliteConnection::ExecuteScript(std::string_view sql) {
  ReleaseReadSnapshot();
  RETURN_IF_ERROR(CheckTransactionAlive());
  // sqlite3_exec splits statements with the real parser, so trigger bodies with inner ';' work.
  const std::string script(sql);
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, script.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  const std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  // Most script failures are SQL the engine rejects; constraint and lock errors keep their codes.
  Status st = SqliteError(nullptr, sqlite3_extended_errcode(db_), /*prepare=*/true, "script");
  return Status(st.code(), "script failed: " + msg);
}

Status SqliteConnection::DoBegin() {
  ReleaseReadSnapshot();
  if (sqlite3_get_autocommit(db_) == 0) {
    return FailedPreconditionError("a transaction is already open on this connection");
  }
  in_transaction_ = false;
  // IMMEDIATE takes the write lock now (waiting up to busy_timeout), so the transaction never
  // fails half-way with SQLITE_BUSY when a read would have to be upgraded to a write.
  RETURN_IF_ERROR(Run("BEGIN IMMEDIATE", {}, nullptr, nullptr));
  in_transaction_ = true;
  return Status::Ok();
}

Status SqliteConnection::DoCommit() {
  ReleaseReadSnapshot();
  if (sqlite3_get_autocommit(db_) != 0) {
    const bool lost = in_transaction_;
    in_transaction_ = false;
    if (lost) return UnavailableError("the transaction was rolled back by SQLite after an error");
    return FailedPreconditionError("COMMIT without an open transaction");
  }
  Status st = Run("COMMIT", {}, nullptr, nullptr);
  // A failed COMMIT (busy, deferred foreign key) leaves the transaction open for Rollback().
  in_transaction_ = sqlite3_get_autocommit(db_) == 0;
  return st;
}

Status SqliteConnection::DoRollback() {
  ReleaseReadSnapshot();
  in_transaction_ = false;
  if (sqlite3_get_autocommit(db_) != 0) return Status::Ok();  // nothing left to undo
  return Run("ROLLBACK", {}, nullptr, nullptr);
}

Status SqliteConnection::SavepointCommand(std::string_view verb, std::string_view name) {
  if (!IsIdentifier(name)) return InvalidArgumentError("bad savepoint name");
  ReleaseReadSnapshot();
  RETURN_IF_ERROR(CheckTransactionAlive());
  if (sqlite3_get_autocommit(db_) != 0) {
    // SQLite would open a transaction here; PostgreSQL refuses. Keep the two backends alike.
    return FailedPreconditionError("savepoints need an open transaction");
  }
  // Quoted: a valid identifier may still be a keyword ("outer", "user") on one backend.
  std::string sql(verb);
  sql += '"';
  sql += name;
  sql += '"';
  return Run(sql, {}, nullptr, nullptr);
}

Status SqliteConnection::DoSavepoint(std::string_view name) {
  return SavepointCommand("SAVEPOINT ", name);
}

Status SqliteConnection::DoRollbackToSavepoint(std::string_view name) {
  return SavepointCommand("ROLLBACK TO SAVEPOINT ", name);
}

Status SqliteConnection::DoReleaseSavepoint(std::string_view name) {
  return SavepointCommand("RELEASE SAVEPOINT ", name);
}

void SqliteConnection::AdoptCheckpointer(std::unique_ptr<WalCheckpointer> checkpointer,
                                         std::shared_ptr<std::atomic<uint64_t>> commits) {
  checkpointer->Attach(db_, commits.get());
  checkpointer_ = std::move(checkpointer);
  commits_ = std::move(commits);
}

void SqliteConnection::ReuseReadSnapshots(std::shared_ptr<std::atomic<uint64_t>> commits,
                                          std::chrono::milliseconds max_age) {
  commits_ = std::move(commits);
  sqlite3_wal_hook(db_, &CountCommit, commits_.get());
  snapshot_max_age_ = max_age;
  reuse_snapshots_ = max_age.count() > 0;
}

bool SqliteConnection::SnapshotIsFresh() const {
  return commits_->load(std::memory_order_acquire) == snapshot_commits_ &&
         std::chrono::steady_clock::now() - snapshot_since_ < snapshot_max_age_;
}

Status SqliteConnection::StepPlain(std::string_view sql) {
  ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
  StatementUse use(stmt);
  const int rc = sqlite3_step(stmt);
  if (rc != SQLITE_DONE) return SqliteError(db_, rc, /*prepare=*/false, "statement failed");
  return Status::Ok();
}

void SqliteConnection::ReleaseReadSnapshot() {
  if (!snapshot_held_) return;
  snapshot_held_ = false;
  if (sqlite3_get_autocommit(db_) != 0) return;  // SQLite already ended it (after an error)
  // Ending a read transaction cannot lose anything; should COMMIT fail, ROLLBACK ends it.
  if (!StepPlain("COMMIT").ok()) StepPlain("ROLLBACK").IgnoreError();
}

Status SqliteConnection::PrepareSnapshotFor(sqlite3_stmt* stmt) {
  if (!reuse_snapshots_ || in_transaction_) return Status::Ok();
  if (snapshot_held_ && sqlite3_get_autocommit(db_) != 0) snapshot_held_ = false;
  // A query: reads and returns rows (BEGIN, COMMIT and the like are read-only but return none).
  const bool query = sqlite3_stmt_readonly(stmt) != 0 && sqlite3_column_count(stmt) > 0;
  if (snapshot_held_) {
    if (query && SnapshotIsFresh()) return Status::Ok();
    ReleaseReadSnapshot();
  }
  if (!query) return Status::Ok();
  // Read before the snapshot starts (at the query's first step): the snapshot holds at least
  // every commit counted here.
  snapshot_commits_ = commits_->load(std::memory_order_acquire);
  snapshot_since_ = std::chrono::steady_clock::now();
  RETURN_IF_ERROR(StepPlain("BEGIN"));
  snapshot_held_ = true;
  return Status::Ok();
}

void SqliteConnection::ResetForReuse() {
  // A kept read snapshot stays for the next borrower while it is fresh.
  if (snapshot_held_ && (in_transaction_ || !SnapshotIsFresh())) ReleaseReadSnapshot();
  if (!snapshot_held_ && sqlite3_get_autocommit(db_) == 0) Rollback().IgnoreError();
  in_transaction_ = false;
}

// ---------------------------------------------------------------------------------------------
// SqliteDatabase

SqliteDatabase::SqliteDatabase(std::string filename, std::string display_url, bool in_memory,
                               DatabaseOptions options)
    : filename_(std::move(filename)),
      display_url_(std::move(display_url)),
      in_memory_(in_memory),
      options_(options),
      pool_(std::make_shared<Pool>()) {}

SqliteDatabase::~SqliteDatabase() {
  std::lock_guard lock(pool_->mu);
  pool_->closed = true;
  pool_->idle.clear();
}

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::Open(std::string_view path,
                                                             const DatabaseOptions& options) {
  if (path.empty()) return InvalidArgumentError("sqlite: URL without a path");
  if (options.pool_size < 1) return InvalidArgumentError("pool_size must be at least 1");
  const bool in_memory = path == ":memory:";
  std::string filename;
  if (in_memory) {
    // memdb (not shared cache): connections lock the whole database like a file does, so
    // busy_timeout applies instead of shared-cache's immediate SQLITE_LOCKED table locks.
    static std::atomic<uint64_t> next_id{0};
    filename = "file:/vaxreg-memdb-" + std::to_string(++next_id) + "?vfs=memdb";
  } else {
    filename = std::string(path);
  }
  std::unique_ptr<SqliteDatabase> db(
      new SqliteDatabase(filename, "sqlite:" + std::string(path), in_memory, options));
  // The first connection also creates the file and switches it to WAL, before any concurrency.
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> first,
                   SqliteConnection::Open(filename, options, in_memory));
  if (in_memory) {
    db->anchor_ = std::move(first);
  } else {
    db->SetUpReader(*first);
    db->pool_->idle.push_back(std::move(first));
    db->pool_->open = 1;
  }
  return db;
}

Result<PooledConnection> SqliteDatabase::Acquire() {
  std::shared_ptr<Pool> pool = pool_;
  std::unique_lock lock(pool->mu);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.busy_timeout_ms);
  if (!pool->cv.wait_until(
          lock, deadline, [&] { return !pool->idle.empty() || pool->open < options_.pool_size; })) {
    return UnavailableError("database connection pool exhausted");
  }
  std::unique_ptr<SqliteConnection> conn;
  if (!pool->idle.empty()) {
    conn = std::move(pool->idle.back());
    pool->idle.pop_back();
  } else {
    ++pool->open;  // reserve the slot, then open without holding the lock
    lock.unlock();
    auto opened = SqliteConnection::Open(filename_, options_, in_memory_);
    if (!opened.ok()) {
      lock.lock();
      --pool->open;
      pool->cv.notify_one();
      return opened.status();
    }
    conn = std::move(opened).value();
    SetUpReader(*conn);
  }
  return PooledConnection(std::move(conn), [pool](std::unique_ptr<Connection> c) {
    // Only SqliteConnections are ever handed out by this pool.
    std::unique_ptr<SqliteConnection> sc(static_cast<SqliteConnection*>(c.release()));
    sc->ResetForReuse();
    std::lock_guard guard(pool->mu);
    if (pool->closed) {
      --pool->open;
      return;  // sc closes here
    }
    pool->idle.push_back(std::move(sc));
    pool->cv.notify_one();
  });
}

Result<std::unique_ptr<Connection>> SqliteDatabase::OpenWriterConnection() {
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> conn,
                   SqliteConnection::Open(filename_, options_, in_memory_));
  if (options_.sqlite_statement_journal_in_memory) {
    RETURN_IF_ERROR(conn->ExecuteScript("PRAGMA temp_store=MEMORY"));
  }
  // A negative cache_size is in KiB.
  const int64_t cache_kib = std::max<int64_t>(options_.sqlite_writer_cache_bytes >> 10, 1);
  RETURN_IF_ERROR(conn->ExecuteScript("PRAGMA cache_size=-" + std::to_string(cache_kib)));
  if (!in_memory_) {
    WalCheckpointerOptions co;
    co.before_checkpoint = [pool = pool_] { pool->ReleaseIdleSnapshots(); };
    ASSIGN_OR_RETURN(std::unique_ptr<WalCheckpointer> checkpointer,
                     WalCheckpointer::Start(filename_, std::move(co)));
    conn->AdoptCheckpointer(std::move(checkpointer), commits_);
  }
  return std::unique_ptr<Connection>(std::move(conn));
}

void SqliteDatabase::SetUpReader(SqliteConnection& conn) {
  if (in_memory_) return;  // no WAL: a kept snapshot would block the writer
  conn.ReuseReadSnapshots(commits_, std::chrono::milliseconds(options_.sqlite_read_snapshot_ms));
}

void SqliteDatabase::Pool::ReleaseIdleSnapshots() {
  std::lock_guard lock(mu);
  for (auto& conn : idle) conn->ReleaseReadSnapshot();
}

Status SqliteDatabase::Ping() {
  ASSIGN_OR_RETURN(PooledConnection conn, Acquire());
  return conn->Query("SELECT 1", std::span<const Value>{}).status();
}

}  // namespace vaxreg::storage
