#pragma once
// Recording and voiding doses, with everything that must happen in the same transaction: the
// idempotency check, validation, the permission of the writer, the continuity check, the dose
// row, the statistics and stock counters, the person's cached status and coverage, and the
// audit row. Each function runs on the group-commit writer's connection inside its savepoint,
// so a failure leaves nothing behind and does not affect other writes in the batch.

#include <vector>

#include "auth/role.h"
#include "common/clock.h"
#include "registry/actor.h"
#include "registry/dose.h"
#include "registry/person.h"
#include "registry/vaccination_status.h"
#include "registry/vaccine_catalogue.h"

namespace vaxreg::registry {

// What a writer may do, derived from its principal.
struct DoseWriter {
  Actor actor;
  std::string bound_facility;  // facility staff: only this facility's doses
  std::string jurisdiction;    // health authority: a unit code ("VN" = all); "" = no limit
  bool may_override = false;   // health authorities and admins
  bool is_citizen = false;     // may only self-declare for their own record
  std::string citizen_cccd;

  // The scope of this writer's idempotency keys: its facility for facility staff, otherwise
  // its account (ScopeIdempotencyKey).
  std::string IdempotencyScope() const;

  static DoseWriter ForPrincipal(const auth::Principal& p, std::string request_id);
  // For imports and seeding run by the operator.
  static DoseWriter System(std::string actor_id);
};

struct Facility;

// The checks of a new dose that need no database: vaccine known (kInvalidArgument, field
// "vaccine"), dose number 1-20, a date, field lengths, source, a facility for a facility record.
Status ValidateNewDose(const NewDose& in, const std::vector<VaccineProduct>& catalogue);

// Whether `writer` may write or void doses of `facility` (nullptr for a self-declared dose):
// kPermissionDenied for another facility's staff, a health authority outside its area, a
// citizen.
Status CheckWriterForFacility(const DoseWriter& writer, const Facility* facility);

struct RecordOutcome {
  Dose dose;
  bool replayed = false;  // the idempotency key had been used: this is the original dose
};

// Errors: kInvalidArgument (unknown vaccine, bad dose number, missing facility, field set),
// kNotFound (person), kFailedPrecondition (inactive facility, continuity conflict, explained),
// kPermissionDenied (another facility's doses, override without authority, outside the area),
// kAlreadyExists (idempotency key reused for a different dose).
Result<RecordOutcome> RecordDose(storage::Connection& conn, const Clock& clock,
                                 const std::vector<VaccineProduct>& catalogue, NewDose in,
                                 const DoseWriter& writer);

// Marks a dose as entered in error (kInvalidArgument without a reason). Counters and the
// person's status are reversed; the row stays. Idempotent: voiding a voided dose returns it
// unchanged.
Result<Dose> VoidDose(storage::Connection& conn, const Clock& clock,
                      const std::vector<VaccineProduct>& catalogue, int64_t dose_id,
                      std::string_view reason, const DoseWriter& writer);

// Recomputes the person's vaccination status from `doses` (all their doses, as ListPersonDoses
// returns them after the change) and moves people.vax_status and the coverage counters with it.
// The coverage is counted in the person's province, or `fallback_province` when it is unknown.
Status RefreshPersonStatus(storage::Connection& conn, const Person& person,
                           const std::vector<Dose>& doses,
                           const std::vector<VaccineProduct>& catalogue, int64_t now,
                           std::string_view fallback_province);

// The facts ComputeStatus needs, from the rows of ListPersonDoses.
std::vector<DoseFacts> ToDoseFacts(const std::vector<Dose>& doses);

}  // namespace vaxreg::registry
