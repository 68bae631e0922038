// Migrate(): every step runs on a dedicated writer connection inside its own transaction, and
// the version is re-read under the lock so two processes starting at once apply each migration
// exactly once (SQLite: BEGIN IMMEDIATE serialises writers; PostgreSQL: an advisory lock).

#include "storage/migrate.h"

#include <chrono>
#include <string>

namespace vaxreg::storage {
namespace {

// Arbitrary, but fixed: every vaxreg process migrating the same PostgreSQL database must agree.
constexpr std::string_view kPostgresMigrationLock = "SELECT pg_advisory_xact_lock(4242)";

constexpr std::string_view kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

int64_t NowUnixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Runs `body` in a transaction holding the migration lock; rolls back if anything fails.
template <typename Body>
Status InMigrationTransaction(Connection& conn, Body&& body) {
  RETURN_IF_ERROR(conn.Begin());
  Status st;
  if (conn.dialect() == Dialect::kPostgres) {
    st = conn.Query(kPostgresMigrationLock, std::span<const Value>{}).status();
  }
  if (st.ok()) st = body();
  if (!st.ok()) {
    conn.Rollback().IgnoreError();
    return st;
  }
  return conn.Commit();
}

}  // namespace

Result<int> CurrentSchemaVersion(Connection& conn) {
  // Checked first rather than querying and failing: on PostgreSQL a failed statement would
  // abort the caller's transaction.
  const std::string_view exists_sql =
      conn.dialect() == Dialect::kSqlite
          ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
          : "SELECT COUNT(*) FROM pg_catalog.pg_tables "
            "WHERE schemaname = current_schema() AND tablename = 'schema_migrations'";
  ASSIGN_OR_RETURN(Rows exists, conn.Query(exists_sql, std::span<const Value>{}));
  if (exists.empty() || exists[0].Int(0) == 0) return 0;
  ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                                         std::span<const Value>{}));
  return rows.empty() ? 0 : static_cast<int>(rows[0].Int(0));
}

Result<MigrateReport> Migrate(Database& db, std::span<const Migration> migrations) {
  int previous = 0;
  for (const Migration& m : migrations) {
    CHECK(m.version > previous);  // the list is code: out of order is a bug
    previous = m.version;
  }
  const int latest = previous;

  ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, db.OpenWriterConnection());
  RETURN_IF_ERROR(
      InMigrationTransaction(*conn, [&] { return conn->ExecuteScript(kCreateMigrationsTable); }));

  MigrateReport report;
  ASSIGN_OR_RETURN(report.from_version, CurrentSchemaVersion(*conn));
  auto downgrade = [&](int version) {
    return FailedPreconditionError("the database schema is at version " + std::to_string(version) +
                                   ", newer than this binary knows (" + std::to_string(latest) +
                                   "); refusing to run an older vaxreg against it");
  };
  if (report.from_version > latest) return downgrade(report.from_version);

  for (const Migration& m : migrations) {
    if (m.version <= report.from_version) continue;
    bool applied = false;
    int seen = 0;
    Status st = InMigrationTransaction(*conn, [&]() -> Status {
      // Another process may have got here first.
      ASSIGN_OR_RETURN(seen, CurrentSchemaVersion(*conn));
      if (seen >= m.version) return Status::Ok();
      RETURN_IF_ERROR(
          conn->ExecuteScript(conn->dialect() == Dialect::kSqlite ? m.sqlite_sql : m.postgres_sql));
      RETURN_IF_ERROR(conn->Execute("INSERT INTO schema_migrations (version, name, applied_at) "
                                    "VALUES ($1, $2, $3)",
                                    {int64_t{m.version}, std::string(m.name), NowUnixSeconds()})
                          .status());
      applied = true;
      return Status::Ok();
    });
    if (!st.ok()) {
      // A lost connection is not a broken migration: keep kUnavailable so the caller retries.
      if (st.code() == StatusCode::kUnavailable) return st.WithContext("migration");
      return FailedPreconditionError("migration " + std::to_string(m.version) + " (" +
                                     std::string(m.name) + ") failed: " + st.ToString());
    }
    if (seen > latest) return downgrade(seen);
    if (applied) ++report.applied;
  }
  ASSIGN_OR_RETURN(report.to_version, CurrentSchemaVersion(*conn));
  if (report.to_version > latest) return downgrade(report.to_version);
  return report;
}

}  // namespace vaxreg::storage
