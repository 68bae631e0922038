#include "app/store.h"

#include "storage/migrate.h"

namespace vaxreg::app {

Result<Store> OpenStore(const Config& config) {
  Store s;
  storage::DatabaseOptions o;
  o.pool_size = config.db_pool_size;
  o.busy_timeout_ms = config.db_busy_timeout_ms;
  ASSIGN_OR_RETURN(s.db, storage::OpenDatabase(config.db_url, o));
  RETURN_IF_ERROR(storage::Migrate(*s.db).status());
  ASSIGN_OR_RETURN(s.writer, storage::GroupCommitWriter::Start(*s.db));
  return s;
}

}  // namespace vaxreg::app
