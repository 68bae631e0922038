#pragma once
// The health authorities' review of duplicate person records (merge proposals written by
// identity/duplicates.h): list, merge, reject, undo.
//
// Jurisdiction (as review.h): a reviewer bound to unit U acts only on proposals whose two records
// both lie in U ("VN" = everything); anything else is kNotFound, like an unknown proposal, so the
// queue does not reveal records outside the area. A pair that spans two areas is left to a
// reviewer whose unit contains both (ultimately the national level or an admin).
//
// Merge (proposal 'proposed' -> 'merged'), in the caller's transaction:
//   1. refuses (kFailedPrecondition) when either record has been merged into another meanwhile;
//   2. re-runs the continuity check (registry/continuity.h) for every active dose of the
//      duplicate against the survivor's active doses: a date before the survivor's birth is
//      refused always; sequence conflicts (a second dose 1 on another day, an interval below the
//      product minimum) are refused with the explanation of each unless `override_reason` is
//      given, in which case each conflicting dose without an override reason gets
//      "merge of person D into S: <reason>" (so it counts as a continuity conflict accepted by
//      override, see DataQuality);
//   3. moves every dose of the duplicate (voided ones too) to the survivor;
//   4. fills the survivor's blank CCCD, CMND, passport and phone from the duplicate (identity
//      numbers move: they are cleared on the duplicate, CCCDs being unique), and a year-only birth
//      date with the duplicate's full date of the same year; name, sex and address are kept;
//   5. marks the duplicate people.merged_into = survivor (never deleted);
//   6. recomputes both records' cached vaccination status and moves the coverage counters
//      (registry/statistics.h) with them; per-day dose and stock counters do not depend on the
//      person and stay as they are. A person without an address has its coverage moved in the
//      province of its newest dose, as the dose writes do;
//   7. stores what undo needs in the proposal and appends an audit row (identity.duplicate.merge,
//      or identity.duplicate.merge_override) with before and after.
// Moving a dose changes its person, so a facility signature over it (certs/service/
// dose_signing.h) no longer matches until the facility signs it again or the merge is undone.
//
// Undo ('merged' -> 'undone') restores the state before the merge: the moved doses go back to the
// duplicate, override reasons set by the merge are cleared, the survivor's filled fields and the
// duplicate's identity numbers get their old values, merged_into is cleared, statuses and coverage
// are recomputed; audited (identity.duplicate.undo). Doses recorded for the survivor after the
// merge stay with it. kFailedPrecondition when a moved dose no longer belongs to the survivor or
// the survivor was itself merged into another record afterwards (undo that first).
// Reject ('proposed' -> 'rejected') only records the decision; audited
// (identity.duplicate.reject). A decided pair is never proposed again.
// Thread-compatible; writes run inside the caller's group-commit transaction.

#include <cstdint>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "registry/vaccine_catalogue.h"
#include "storage/database.h"

namespace vaxreg::identity {

// A person record as the review queue shows it.
struct MergePerson {
  int64_t id = 0;
  std::string cccd, cmnd, passport, full_name, dob, sex, phone;
  std::string province_code, district_code, commune_code, identity_status, vax_status;
  int64_t birth_year = 0;
  int64_t merged_into = 0;  // 0 = not merged
  int64_t active_doses = 0;
  std::string ToJson() const;
};

struct MergeProposal {
  int64_t id = 0;
  std::string status;  // proposed | merged | rejected | undone
  double score = 0;
  std::string reasons_json;
  std::string decided_by, override_reason;
  int64_t decided_at = 0;
  MergePerson survivor, duplicate;
  std::vector<int64_t> moved_dose_ids;
  std::string ToJson() const;
};

// Open proposals in `unit` whose records are both unmerged, ordered by id, after `after_id`, at
// most `limit`.
Result<std::vector<MergeProposal>> ListMergeProposals(storage::Connection& conn,
                                                      const std::string& unit, int64_t after_id,
                                                      int limit);

// Each returns the proposal as it is after the change.
Result<MergeProposal> MergeDuplicate(storage::Connection& conn, const Clock& clock,
                                     const std::vector<registry::VaccineProduct>& catalogue,
                                     const std::string& unit, int64_t proposal_id,
                                     const std::string& override_reason, const std::string& actor,
                                     const std::string& request_id);
Result<MergeProposal> RejectDuplicate(storage::Connection& conn, const Clock& clock,
                                      const std::string& unit, int64_t proposal_id,
                                      const std::string& actor, const std::string& request_id);
Result<MergeProposal> UndoMerge(storage::Connection& conn, const Clock& clock,
                                const std::vector<registry::VaccineProduct>& catalogue,
                                const std::string& unit, int64_t proposal_id,
                                const std::string& actor, const std::string& request_id);

}  // namespace vaxreg::identity
