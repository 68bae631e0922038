#pragma once
// The identity review queue for health authorities and the data-quality report per area, on
// top of identity_results (identity/verification.h), people and population_register.
//
// Jurisdiction: a reviewer bound to unit U sees and decides only on person records whose address
// lies in U ("VN" sees everything; a 2-digit code is a province, 3 a district, 5 a commune).
// Accepting a proposed correction copies the register's CCCD, CMND, name, birth date and sex onto
// the person record, marks it verified and records the decision; rejecting records the decision
// and leaves the record unverified. Both are audited (before/after) in the same transaction.
// Only open proposals can be decided: kFailedPrecondition otherwise, kNotFound for an unknown or
// out-of-area person (so the queue does not reveal records outside the reviewer's area).
// Thread-compatible; writes run inside the caller's group-commit transaction.

#include <cstdint>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "storage/database.h"

namespace vaxreg::identity {

struct ReviewItem {
  int64_t person_id = 0;
  std::string status;  // proposed_correction | not_found
  double score = 0, weight = 0;
  std::string details_json;
  // The person record as it stands.
  std::string cccd, cmnd, full_name, dob, sex, province_code, district_code, commune_code;
  // The proposed register entry (empty when not found).
  std::string register_cccd, register_cmnd, register_full_name, register_dob, register_sex,
      register_province_code, register_district_code, register_commune_code;
  std::string ToJson() const;
};

// Open items in `unit`, ordered by person id, after `after_person_id`, at most `limit`.
Result<std::vector<ReviewItem>> ListReviewQueue(storage::Connection& conn, const std::string& unit,
                                                const std::string& status, int64_t after_person_id,
                                                int limit);

enum class ReviewDecision { kAccept, kReject };

// Applies a decision; returns the item as it was before.
Result<ReviewItem> DecideReview(storage::Connection& conn, const Clock& clock,
                                const std::string& unit, int64_t person_id,
                                ReviewDecision decision, const std::string& actor,
                                const std::string& request_id);

// Counts per area, over person records not merged into another (identity/merge.h):
//   people, unverified (never verified), verified, proposed (proposed correction), not_found,
//   mismatch (people.identity_status 'mismatch': verification found no consistent register
//   entry and no correction was accepted), open_reviews (identity reviews not decided);
//   suspected_duplicates: records in an open merge proposal (both records unmerged) or sharing
//   a matched register entry with another record; open_merge_proposals: open proposals whose two
//   records both lie in the area;
//   continuity_conflicts: people whose active dose history holds a dose accepted against a
//   continuity conflict (an override reason given when it was recorded or when records were
//   merged). Every write path runs the continuity check and refuses a conflict without an
//   override, so these are the histories that fail the check. Read through the partial index
//   doses_override, so the cost grows with the number of overridden doses, not with all doses.
struct QualityReport {
  std::string unit;
  int64_t people = 0, unverified = 0, verified = 0, proposed = 0, not_found = 0, mismatch = 0;
  int64_t suspected_duplicates = 0;
  int64_t open_merge_proposals = 0;
  int64_t continuity_conflicts = 0;
  int64_t open_reviews = 0;
  std::string ToJson() const;
};

Result<QualityReport> DataQuality(storage::Connection& conn, const std::string& unit);

}  // namespace vaxreg::identity
