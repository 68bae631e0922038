#pragma once
// Versioned schema migrations. Each migration has one script per dialect; scripts run in version
// order inside one transaction each, and the applied versions are recorded in schema_migrations
// (version, name, applied_at). Applying is idempotent: already-applied versions are skipped.
// Thread-compatible: run at start-up or from `vaxreg db migrate`, before serving.

#include <span>
#include <string_view>

#include "common/status.h"
#include "storage/database.h"

namespace vaxreg::storage {

struct Migration {
  int version;                   // strictly increasing, starting at 1
  std::string_view name;         // "accounts", "audit_log", ...
  std::string_view sqlite_sql;   // ';'-separated statements
  std::string_view postgres_sql;
};

// The product's schema, in order (storage/schema.cc).
std::span<const Migration> AllMigrations();

struct MigrateReport {
  int from_version = 0;
  int to_version = 0;
  int applied = 0;
};

// Applies every migration newer than the database's version. kFailedPrecondition if the
// database is newer than this binary knows (a downgrade), or if a migration fails (nothing of
// that migration is kept).
Result<MigrateReport> Migrate(Database& db, std::span<const Migration> migrations = AllMigrations());

// The highest applied version, 0 for an empty database.
Result<int> CurrentSchemaVersion(Connection& conn);

}  // namespace vaxreg::storage
