#pragma once
// The database and its group-commit writer, opened for a CLI command from the configuration
// (migrations applied). The writer is declared last, so it is destroyed (and drained) first.

#include <memory>

#include "app/config.h"
#include "storage/database.h"
#include "storage/group_commit.h"

namespace vaxreg::app {

struct Store {
  std::unique_ptr<storage::Database> db;
  std::unique_ptr<storage::GroupCommitWriter> writer;
};

// The [database] settings as storage options (pool, busy timeout, SQLite mmap and writer cache).
storage::DatabaseOptions DatabaseOptionsFromConfig(const Config& config);

enum class StoreUse {
  kOrdinary,
  // One large write per transaction (demo seed, CSV import): SQLite statement journals go to a
  // temporary file instead of memory (DatabaseOptions::sqlite_statement_journal_in_memory).
  kBulkLoad,
};

Result<Store> OpenStore(const Config& config, StoreUse use = StoreUse::kOrdinary);

}  // namespace vaxreg::app
