#pragma once
// Verification of the registry's person records (table people) against the population register
// in the database, and the export of the outcome.
//
// VerifyAllPeople loads the register and every person record, estimates the model from them,
// matches every record (identity/matcher.h) and stores one identity_results row per person
// (upsert: a re-run replaces the previous outcome), setting people.identity_status to 'verified'
// or, for proposed corrections and records not found, 'mismatch'. details_json lists each field's
// agreement level and weight and the fields that differ, for the review queue. Writes go through
// the group-commit writer in batches; the run is audited (action identity.verify_all).
//
// ExportIdentityCsv writes `record_id,status,matched_cccd,score`, one row per source record_id
// (person_record_ids) or, for a person with none, per person with its id as record_id; persons
// never verified have status "unverified".
// Thread-compatible.

#include <cstdint>
#include <ostream>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "identity/matcher.h"
#include "storage/database.h"
#include "storage/group_commit.h"

namespace vaxreg::identity {

struct VerifyAllReport {
  uint64_t register_entries = 0, people = 0, verified = 0, proposed = 0, not_found = 0;
  EmReport em;
  std::string model;
};

Result<VerifyAllReport> VerifyAllPeople(storage::Database& db, storage::GroupCommitWriter& writer,
                                        const Clock& clock, const MatchOptions& options,
                                        const std::string& actor, std::ostream* progress);

// The details_json of one outcome: {"differs":["dob"],"fields":{"id":{"level":0,"weight":14.1},...}}
std::string MatchDetailsJson(const MatchResult& r, const FsModel& model);

// Writes the export to `out`; returns the number of rows written.
Result<uint64_t> ExportIdentityCsv(storage::Connection& conn, std::ostream& out);

}  // namespace vaxreg::identity
