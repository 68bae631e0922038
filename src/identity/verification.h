#pragma once
// Verification of the registry's person records (table people) against the population register
// in the database, and the export of the outcome.
//
// VerifyAllPeople loads the register and every person record, estimates the model from them and
// stores it (identity/model_store.h: the model later batches are verified with), matches every
// record (identity/matcher.h) and stores the outcomes (identity/result_store.h: one
// identity_results row per person, people.identity_status). Writes go through the group-commit
// writer in batches; the run is audited (action identity.verify_all). kFailedPrecondition when
// the register is empty.
//
// ExportIdentityCsv writes `record_id,status,matched_cccd,score,record`, one row per source
// record_id (person_record_ids) or, for a person with none, per person with its id as record_id
// (record "recorded"); then one row per source record whose rows were all kept for cleaning
// (record "quarantined"; record_id "quarantine:ROW" for a row without one). Records never
// verified have status "unverified"; score is the calibrated match probability.
// Thread-compatible.

#include <cstdint>
#include <ostream>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "identity/matcher.h"
#include "identity/result_store.h"
#include "storage/database.h"
#include "storage/group_commit.h"

namespace vaxreg::identity {

using VerifyAllReport = VerifyReport;

Result<VerifyAllReport> VerifyAllPeople(storage::Database& db, storage::GroupCommitWriter& writer,
                                        const Clock& clock, const MatchOptions& options,
                                        const std::string& actor, std::ostream* progress);

// Writes the export to `out`; returns the number of rows written.
Result<uint64_t> ExportIdentityCsv(storage::Connection& conn, std::ostream& out);

}  // namespace vaxreg::identity
