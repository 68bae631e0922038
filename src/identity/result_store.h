#pragma once
// The database side of verifying person records, shared by the bulk run (verification.h) and the
// incremental one (incremental.h): loading person records (table people) as matching input, and
// storing outcomes. Each outcome is one identity_results row per person (upsert: a re-run
// replaces the previous outcome; a health authority's review decision is kept while the matched
// register row stays the same) and people.identity_status set to 'verified' or, for proposed
// corrections and records not found, 'mismatch'. details_json lists each field's agreement
// level and weight and the fields that differ, for the review queue.
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

// What a verification run did. em and model are set only when it estimated a model.
struct VerifyReport {
  uint64_t register_entries = 0, people = 0, verified = 0, proposed = 0, not_found = 0;
  // Import records kept for cleaning, matched too (identity/quarantine_match.h; full runs only).
  uint64_t quarantined = 0, quarantined_verified = 0;
  bool model_trained = false;
  EmReport em;
  std::string model;  // FsModel::Describe() of the model estimated (or fallen back to)
  int64_t model_fallback_id = 0;  // the stored model used because EM did not converge, else 0
  std::string warning;            // said to the operator ("" when all went well)
};

// Person records as matching input: people[i] is person ids[i], living in provinces[i].
struct PersonRecords {
  std::vector<int64_t> ids;
  std::vector<Person> people;
  std::vector<std::string> provinces;
};

// Every person record, in id order.
Result<PersonRecords> LoadAllPersonRecords(storage::Connection& conn);
// The person records with these ids, in id order; ids without a person are left out.
Result<PersonRecords> LoadPersonRecords(storage::Connection& conn, std::span<const int64_t> ids);

// The details_json of one outcome: {"differs":["dob"],"fields":{"id":{"level":0,"weight":14.1},...}}
std::string MatchDetailsJson(const MatchResult& r, const FsModel& model);

// Stores results[i] as the outcome of records.ids[i] (candidates index `reg`) through the
// writer, in batches of a few thousand rows; progress on `progress` when not null. Adds the
// counts to `report`. Errors of the writer are returned; batches already written stay.
Status SaveMatchResults(storage::GroupCommitWriter& writer, const Clock& clock,
                        const LoadedRegister& reg, const PersonRecords& records,
                        std::span<const MatchResult> results, const FsModel& model,
                        VerifyReport& report, std::ostream* progress);

// Appends the audit row of a run (`action` on target "people", the counts as after_json).
Status AuditVerification(storage::GroupCommitWriter& writer, const Clock& clock,
                         const std::string& actor, const std::string& action,
                         const VerifyReport& report);

}  // namespace vaxreg::identity
