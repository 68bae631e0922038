#pragma once
// Import rows kept for cleaning (registry/quarantine.h) are person records too: a facility sent
// them about someone. They are matched against the population register like the records of
// table people, so that a handler sees who the row is about and the identity export covers
// every record a source sent, recorded or not.
//
// One matching record per source record: the rows of one record_id (csv and file channels;
// batch items name a person by id and have nothing to match) become one record, read with the
// import's own line reader (registry/dose_csv.h), from the first of its rows that can be read.
// A record_id that also has a recorded person (person_record_ids) is left out: it is matched
// through that person. Rows without a record_id are matched one by one.
// Thread-compatible.

#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "identity/matcher.h"
#include "identity/population_store.h"
#include "storage/database.h"
#include "storage/group_commit.h"

namespace vaxreg::identity {

struct QuarantinedRecords {
  std::vector<std::string> record_ids;  // "" for a row without one (then row_ids has it)
  std::vector<int64_t> row_ids;         // the row the record was read from
  std::vector<Person> people;
};

// Every open or rejected quarantined record as described above, in row id order.
Result<QuarantinedRecords> LoadQuarantinedRecords(storage::Connection& conn);

// Stores results[i] on every row of records.record_ids[i] (or on row records.row_ids[i]):
// match_status (MatchStatusName), matched_cccd, match_score (the calibrated probability).
// Returns how many were verified.
Result<uint64_t> SaveQuarantineMatches(storage::GroupCommitWriter& writer,
                                       const LoadedRegister& reg,
                                       const QuarantinedRecords& records,
                                       std::span<const MatchResult> results);

}  // namespace vaxreg::identity
