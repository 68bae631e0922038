#pragma once
// The population register in the database (table population_register, migration 5): importing
// snapshots in the population-register CSV format and loading the register for matching.
//
// Import is strict, unlike matching: each row must have a valid 12-digit CCCD (structure and
// province checked) or, failing that, a 9-digit CMND; a non-empty name; dob YYYY-MM-DD or YYYY;
// sex M or F; and known, mutually consistent unit codes (each may be empty). A bad row is
// reported with its line number and skipped; the good rows are kept. A later snapshot is applied
// incrementally: rows are upserted on the CCCD (or CMND), unchanged rows are not written, and
// rows absent from the snapshot stay. Writes go through the group-commit writer in batches, one
// multi-row upsert statement per 64 rows; the import is audited (action population.import).
// Thread-compatible.

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "identity/person.h"
#include "storage/database.h"
#include "storage/group_commit.h"

namespace vaxreg::identity {

struct PopulationRow {
  std::string cccd, cmnd, full_name, dob, sex, province_code, district_code, commune_code;
  std::string PersonKey() const { return cccd.empty() ? "cmnd:" + cmnd : cccd; }
};

// Validates and canonicalises one CSV row (fields in the register's column order).
// kInvalidArgument naming the column at fault.
Result<PopulationRow> ParsePopulationRow(const std::vector<std::string_view>& fields);

struct PopulationRowError {
  uint64_t line = 0;
  Status status;
};

struct SnapshotReport {
  int64_t snapshot_id = 0;
  uint64_t rows_read = 0, inserted = 0, updated = 0, unchanged = 0, rejected = 0;
  std::vector<PopulationRowError> errors;  // the first max_errors rejected rows
};

struct ImportOptions {
  std::string actor = "system";   // audit actor
  std::string source;             // recorded with the snapshot (file name)
  size_t batch_rows = 4096;       // rows per write transaction
  size_t max_errors = 1000;       // rejected rows kept in the report
};

// Imports one snapshot from `path`. Progress (bytes) goes to `progress` when not null.
// kNotFound if the file cannot be opened, kInvalidArgument for a wrong header.
Result<SnapshotReport> ImportPopulationCsv(storage::Database& db, storage::GroupCommitWriter& writer,
                                           const Clock& clock, const std::string& path,
                                           const ImportOptions& options, std::ostream* progress);

// The whole register, for matching: people[i] is register row ids[i].
struct LoadedRegister {
  std::vector<int64_t> ids;
  std::vector<Person> people;
};
Result<LoadedRegister> LoadPopulationRegister(storage::Connection& conn);

// The id of the newest snapshot whose import finished, 0 when none: a cheap check whether the
// register changed since it was loaded (a snapshot still being imported does not count yet).
Result<int64_t> LatestSnapshotId(storage::Connection& conn);

// The people of the country per province, or per province and district (codes as the source
// holds them, "" where absent): the denominators of public coverage. kRegister counts the
// population register; kRecords the registry's person records not merged into another (the
// fallback when no register was imported). Either is a scan of its table, so callers cache the
// answer (the register's with the LatestSnapshotId it was read at).
enum class PopulationSource { kRegister, kRecords };
struct UnitPopulation {
  std::string province_code, district_code;
  int64_t people = 0;
};
Result<std::vector<UnitPopulation>> CountPopulationByUnit(storage::Connection& conn,
                                                          PopulationSource source,
                                                          bool by_district);

}  // namespace vaxreg::identity
