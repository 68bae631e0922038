#pragma once
// The PostgreSQL backend of storage::Database over libpq (see storage/database.h for the
// contract). Built only with VAXREG_WITH_POSTGRES.
//
// Statements are prepared once per connection per SQL text (PQprepare, names "s1", "s2", ...)
// and run with PQexecPrepared: parameters go in text format except Blob (binary BYTEA), results
// come back in text format and are decoded by column type (BYTEA -> Blob, INT2/4/8 and BOOL ->
// int64, FLOAT4/8 -> double, NULL -> nullptr, everything else -> UTF-8 text).
//
// Savepoint() and ReleaseSavepoint() are deferred: they are sent in the same round trip as the
// next statement (libpq pipeline mode) or the COMMIT, and a failure of one of them is reported by
// that later call. RollbackToSavepoint() runs at once.
//
// A connection found broken (server restart, pg_terminate_backend) is re-established with
// PQreset before its next use, except inside a transaction: the transaction is gone with the old
// session, so every call fails with kUnavailable until Rollback()/Commit() ends it.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "storage/database.h"

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace vaxreg::storage {

// The URL with the password removed from the user-info part and from a "password" query
// parameter, for logs. Other parts are kept verbatim.
std::string RedactPostgresUrl(std::string_view url);

// One libpq session with its prepared-statement cache. Not thread-safe (Connection's contract).
class PostgresConnection final : public Connection {
 public:
  // Connects to `url`; kUnavailable if the server cannot be reached or refuses.
  static Result<std::unique_ptr<PostgresConnection>> Open(const std::string& url,
                                                          int connect_timeout_ms);
  ~PostgresConnection() override;

  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  Dialect dialect() const override { return Dialect::kPostgres; }
  Result<Rows> Query(std::string_view sql, std::span<const Value> params) override;
  Result<int64_t> Execute(std::string_view sql, std::span<const Value> params) override;
  Status ExecuteScript(std::string_view sql) override;
  bool Broken() const override;
  void SetPlanPerCall(bool on) override { plan_per_call_ = on; }
  Result<std::vector<Rows>> QueryPipelined(std::span<const Statement> statements) override;
  Status CopyRows(std::string_view table, std::string_view columns, const CopyBuffer& rows) override;
  Status DoBegin() override;
  Status DoCommit() override;
  Status DoRollback() override;
  Status DoSavepoint(std::string_view name) override;
  Status DoRollbackToSavepoint(std::string_view name) override;
  Status DoReleaseSavepoint(std::string_view name) override;
  using Connection::Execute;
  using Connection::Query;

  // Rolls back a transaction left open by a borrower before the connection is reused.
  void ResetForReuse();

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct ResultDeleter {
    void operator()(PGresult* r) const;
  };
  using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;
  struct PreparedStatement {
    std::string name;  // "s1", "s2", ...
    int parameters = 0;
  };
  static constexpr size_t kMaxCachedStatements = 512;

  explicit PostgresConnection(PGconn* conn) : conn_(conn) {}
  // Runs `sql` as libpq's unnamed statement, planned for these values (SetPlanPerCall).
  Result<ResultPtr> RunPlannedPerCall(std::string_view sql, std::span<const Value> params);

  // Re-establishes a broken session (outside a transaction); kUnavailable if it cannot.
  Status EnsureConnected();
  // The cached server-side statement for `sql`, prepared on first use.
  Result<PreparedStatement> Prepare(std::string_view sql, std::span<const Value> params);
  // Prepares (once) and runs `sql`; the result has status TUPLES_OK or COMMAND_OK.
  Result<ResultPtr> Run(std::string_view sql, std::span<const Value> params);
  // Parameters in libpq's form, pointing into `params` and into `text` (numbers rendered).
  struct WireParams {
    std::vector<std::string> text;
    std::vector<const char*> values;
    std::vector<int> lengths;
    std::vector<int> formats;
    const char* const* value_ptr() const { return values.empty() ? nullptr : values.data(); }
    const int* length_ptr() const { return lengths.empty() ? nullptr : lengths.data(); }
    const int* format_ptr() const { return formats.empty() ? nullptr : formats.data(); }
  };
  static void ToWire(std::span<const Value> params, WireParams& wire);
  static Rows RowsOf(const PGresult* res);
  // Runs a parameterless command with the simple protocol (transaction control).
  Status Command(const std::string& sql);
  Status ResultError(const PGresult* res, std::string_view context) const;
  // A prepared statement with its parameters, for SendPipeline.
  struct PipelinedStatement {
    const PreparedStatement* statement;
    std::span<const Value> params;
  };
  // Sends the deferred commands followed by `items` in one libpq pipeline (one round trip);
  // answers each item's result, or the first error among them all.
  Result<std::vector<ResultPtr>> SendPipeline(std::span<const PipelinedStatement> items);
  // Sends the deferred commands now (before a script, a new PREPARE or a ROLLBACK TO).
  Status FlushDeferred();
  Status CheckSavepointUsable(std::string_view name) const;
  void ForgetStatements();

  PGconn* conn_;
  std::unordered_map<std::string, PreparedStatement, StringHash, std::equal_to<>> statements_;
  uint64_t next_statement_ = 0;
  // Set by Begin(), cleared by Commit()/Rollback(); lets a lost session be told apart from "no
  // transaction was ever opened".
  bool in_transaction_ = false;
  bool plan_per_call_ = false;  // SetPlanPerCall
  // SAVEPOINT / RELEASE SAVEPOINT commands not yet sent. They travel with the next statement or
  // the COMMIT, so a group-commit write costs one round trip instead of three.
  std::vector<std::string> deferred_;
  // The first failure of a deferred command in this transaction. It poisons the transaction:
  // every later call fails with it and Commit() rolls back.
  Status deferred_failure_;
};

// A pool of PostgresConnections. Thread-safe.
class PostgresDatabase final : public Database {
 public:
  // Connects once to check the server; kUnavailable if it cannot.
  static Result<std::unique_ptr<PostgresDatabase>> Open(std::string_view url,
                                                        const DatabaseOptions& options);
  ~PostgresDatabase() override;

  Dialect dialect() const override { return Dialect::kPostgres; }
  Result<PooledConnection> Acquire() override;
  Result<std::unique_ptr<Connection>> OpenWriterConnection() override;
  Status Ping() override;
  std::string DisplayUrl() const override { return RedactPostgresUrl(url_); }

 private:
  struct Pool {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<std::unique_ptr<PostgresConnection>> idle;
    int open = 0;  // idle plus borrowed
    bool closed = false;
  };

  PostgresDatabase(std::string url, DatabaseOptions options);

  std::string url_;
  DatabaseOptions options_;
  std::shared_ptr<Pool> pool_;
};

}  // namespace vaxreg::storage
