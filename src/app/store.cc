#include "app/store.h"

#include "storage/migrate.h"

namespace vaxreg::app {

storage::DatabaseOptions DatabaseOptionsFromConfig(const Config& config) {
  storage::DatabaseOptions o;
  o.pool_size = config.db_pool_size;
  o.busy_timeout_ms = config.db_busy_timeout_ms;
  o.sqlite_mmap_bytes = int64_t{config.db_sqlite_mmap_mib} << 20;
  o.sqlite_writer_cache_bytes = int64_t{config.db_sqlite_writer_cache_mib} << 20;
  o.sqlite_read_snapshot_ms = config.db_sqlite_read_snapshot_ms;
  return o;
}

Result<Store> OpenStore(const Config& config, StoreUse use) {
  Store s;
  storage::DatabaseOptions options = DatabaseOptionsFromConfig(config);
  options.sqlite_statement_journal_in_memory = use != StoreUse::kBulkLoad;
  ASSIGN_OR_RETURN(s.db, storage::OpenDatabase(config.db_url, options));
  RETURN_IF_ERROR(storage::Migrate(*s.db).status());
  ASSIGN_OR_RETURN(s.writer, storage::GroupCommitWriter::Start(*s.db));
  return s;
}

}  // namespace vaxreg::app
