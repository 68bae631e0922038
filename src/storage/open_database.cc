// OpenDatabase: picks the backend from the URL scheme.

#include "storage/database.h"
#include "storage/sqlite/sqlite_database.h"

#if defined(VAXREG_WITH_POSTGRES)
#include "storage/postgres/postgres_database.h"
#endif

namespace vaxreg::storage {

Result<std::unique_ptr<Database>> OpenDatabase(std::string_view url,
                                               const DatabaseOptions& options) {
  if (url.starts_with("sqlite:")) {
    ASSIGN_OR_RETURN(std::unique_ptr<SqliteDatabase> db,
                     SqliteDatabase::Open(url.substr(std::string_view("sqlite:").size()), options));
    return std::unique_ptr<Database>(std::move(db));
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
#if defined(VAXREG_WITH_POSTGRES)
    ASSIGN_OR_RETURN(std::unique_ptr<PostgresDatabase> db, PostgresDatabase::Open(url, options));
    return std::unique_ptr<Database>(std::move(db));
#else
    return InvalidArgumentError("this vaxreg was built without PostgreSQL support");
#endif
  }
  return InvalidArgumentError(
      "unknown database URL scheme (expected sqlite:PATH, sqlite::memory: or postgresql://...)");
}

}  // namespace vaxreg::storage
