#pragma once
// Changes to recorded doses decided by a reviewer (corrections/): verifying or rejecting a
// self-declared dose, replacing a dose whose facts were wrong, moving a dose recorded to the
// wrong person. Like dose_service.h, each function runs on the group-commit writer's connection
// inside its savepoint and keeps counters, the person's status and the audit trail in step.
//
// A dose a facility signed is never edited: a correction voids it (reason "corrected: ...") and
// records the corrected dose as a new row, which its facility then signs (step 2 of the
// certificate flow). The caller has already decided that `actor` may make the change.

#include <optional>
#include <string>

#include "common/clock.h"
#include "registry/actor.h"
#include "registry/dose.h"
#include "registry/vaccine_catalogue.h"
#include "storage/database.h"

namespace vaxreg::registry {

// A self-declared dose becomes a verified dose that counts. A dose without a facility (given
// abroad, or the facility unknown) is attributed to `verifying_facility`, which vouches for it
// and signs it (kInvalidArgument, field "verifying_facility", when both are empty; kNotFound
// for an unknown facility). The continuity check runs against the person's other active doses
// unless `override_reason` is given (kFailedPrecondition, explained). kFailedPrecondition when
// the dose is not a pending self-declared active dose.
Result<Dose> VerifyDeclaredDose(storage::Connection& conn, const Clock& clock,
                                const std::vector<VaccineProduct>& catalogue, int64_t dose_id,
                                std::string_view verifying_facility,
                                std::string_view override_reason, const Actor& actor);

// A pending self-declared dose is marked rejected (it never counted). kFailedPrecondition when
// it is not pending.
Result<Dose> RejectDeclaredDose(storage::Connection& conn, const Clock& clock, int64_t dose_id,
                                std::string_view reason, const Actor& actor);

// What changes about a dose; unset fields stay as they are.
struct DoseChange {
  std::optional<int64_t> person_id;  // moves the dose to this person
  std::optional<int64_t> administered_at;
  std::optional<std::string> vaccine_code;
  std::optional<std::string> lot;
  std::optional<int> dose_number;
};

// Voids the active dose `dose_id` with reason "corrected: <reason>" and records a dose with the
// changes applied (same facility, source and review state), checked for continuity on its
// person unless `override_reason` is given. Returns the new dose. kFailedPrecondition for a
// voided dose or a continuity conflict; kNotFound for an unknown dose or target person;
// kInvalidArgument for an unknown vaccine or a change that changes nothing.
Result<Dose> ReplaceDose(storage::Connection& conn, const Clock& clock,
                         const std::vector<VaccineProduct>& catalogue, int64_t dose_id,
                         const DoseChange& change, std::string_view reason,
                         std::string_view override_reason, const Actor& actor);

}  // namespace vaxreg::registry
