#include "registry/dose_review.h"

#include "audit/audit_log.h"
#include "registry/continuity.h"
#include "registry/dose_service.h"
#include "registry/facility.h"
#include "registry/person_store.h"
#include "registry/statistics.h"

namespace vaxreg::registry {
namespace {

// The dose, read after its person's row is locked (PostgreSQL), so what follows sees every
// committed write of every process.
Result<Dose> LockAndReadDose(storage::Connection& conn, int64_t dose_id) {
  ASSIGN_OR_RETURN(std::optional<Dose> dose, FindDose(conn, dose_id));
  if (!dose) return NotFoundError("no dose with id " + std::to_string(dose_id));
  RETURN_IF_ERROR(LockPeopleForDoseWrites(conn, {&dose->person_id, 1}));
  if (conn.dialect() == storage::Dialect::kPostgres) {
    ASSIGN_OR_RETURN(dose, FindDose(conn, dose_id));
    if (!dose) return NotFoundError("no dose with id " + std::to_string(dose_id));
  }
  return *dose;
}

Result<Person> ReadPerson(storage::Connection& conn, int64_t person_id) {
  ASSIGN_OR_RETURN(std::optional<Person> person, FindPersonById(conn, person_id));
  if (!person) return NotFoundError("no person with id " + std::to_string(person_id));
  return *person;
}

}  // namespace

Result<Dose> VerifyDeclaredDose(storage::Connection& conn, const Clock& clock,
                                const std::vector<VaccineProduct>& catalogue, int64_t dose_id,
                                std::string_view verifying_facility,
                                std::string_view override_reason, const Actor& actor) {
  ASSIGN_OR_RETURN(Dose before, LockAndReadDose(conn, dose_id));
  if (before.source != "self_declared" || before.review_status != "pending" ||
      before.status != "active") {
    return FailedPreconditionError("dose " + std::to_string(dose_id) +
                                   " is not a pending self-declared dose");
  }
  Dose after = before;
  if (after.facility_code.empty()) {
    if (verifying_facility.empty()) {
      return InvalidArgumentError(
          "this dose names no facility: give the facility that verifies and signs it",
          "verifying_facility");
    }
    ASSIGN_OR_RETURN(std::optional<Facility> facility, FindFacility(conn, verifying_facility));
    if (!facility) {
      return InvalidArgumentError("unknown facility '" + std::string(verifying_facility) + "'",
                                  "verifying_facility");
    }
    after.facility_code = facility->code;
  }
  ASSIGN_OR_RETURN(Person person, ReadPerson(conn, before.person_id));
  ASSIGN_OR_RETURN(std::vector<Dose> doses, ListPersonDoses(conn, person.id));
  const int64_t now = ToUnixSeconds(clock.Now());
  ContinuityInput ci;
  ci.dose = {0, before.vaccine_code, before.dose_number, before.administered_at};
  ci.now = now;
  ASSIGN_OR_RETURN(BirthDate birth, ParseBirthDate(person.dob, DayOf(now)));
  ci.earliest_birth_day = birth.EarliestDay();
  for (const Dose& d : doses) {
    if (d.id != dose_id && d.Counts()) {
      ci.history.push_back({d.id, d.vaccine_code, d.dose_number, d.administered_at});
    }
  }
  RETURN_IF_ERROR(CheckDoseDate(ci));
  if (override_reason.empty()) RETURN_IF_ERROR(CheckDoseSequence(ci, catalogue));

  after.review_status = "verified";
  after.override_reason = std::string(override_reason);
  RETURN_IF_ERROR(conn.Execute("UPDATE doses SET review_status = 'verified', facility_code = $1, "
                               "override_reason = $2 WHERE id = $3",
                               {after.facility_code,
                                override_reason.empty() ? storage::Value(nullptr)
                                                        : storage::Value(std::string(override_reason)),
                                dose_id})
                      .status());
  // Stock is counted as used only when the dose named its facility when it was declared: a dose
  // given abroad used no stock of the facility that vouches for it.
  RETURN_IF_ERROR(CountDose(conn, after, before.facility_code, +1));
  for (Dose& d : doses) {
    if (d.id == dose_id) d = after;
  }
  RETURN_IF_ERROR(RefreshPersonStatus(conn, person, doses, catalogue, now, after.province_code));
  RETURN_IF_ERROR(audit::AppendAudit(conn, clock,
                                     {actor.id, "dose.verify", "dose:" + std::to_string(dose_id),
                                      DoseJson(before), DoseJson(after), actor.request_id}));
  return after;
}

Result<Dose> RejectDeclaredDose(storage::Connection& conn, const Clock& clock, int64_t dose_id,
                                std::string_view reason, const Actor& actor) {
  ASSIGN_OR_RETURN(Dose before, LockAndReadDose(conn, dose_id));
  if (before.source != "self_declared" || before.review_status != "pending") {
    return FailedPreconditionError("dose " + std::to_string(dose_id) +
                                   " is not a pending self-declared dose");
  }
  RETURN_IF_ERROR(
      conn.Execute("UPDATE doses SET review_status = 'rejected' WHERE id = $1", {dose_id})
          .status());
  Dose after = before;
  after.review_status = "rejected";
  RETURN_IF_ERROR(audit::AppendAudit(
      conn, clock,
      {actor.id, "dose.reject", "dose:" + std::to_string(dose_id), DoseJson(before),
       "{\"review_status\":\"rejected\",\"reason\":\"" + std::string(reason) + "\"}",
       actor.request_id}));
  return after;
}

Result<Dose> ReplaceDose(storage::Connection& conn, const Clock& clock,
                         const std::vector<VaccineProduct>& catalogue, int64_t dose_id,
                         const DoseChange& change, std::string_view reason,
                         std::string_view override_reason, const Actor& actor) {
  ASSIGN_OR_RETURN(Dose before, LockAndReadDose(conn, dose_id));
  if (before.status != "active") {
    return FailedPreconditionError("dose " + std::to_string(dose_id) + " is voided already");
  }
  NewDose next;
  next.person_id = change.person_id.value_or(before.person_id);
  next.vaccine_code = change.vaccine_code.value_or(before.vaccine_code);
  next.lot = change.lot.value_or(before.lot);
  next.dose_number = change.dose_number.value_or(before.dose_number);
  next.administered_at = change.administered_at.value_or(before.administered_at);
  next.facility_code = before.facility_code;
  next.vaccinator = before.vaccinator;
  next.source = before.source;
  next.override_reason = std::string(override_reason);
  if (next.person_id == before.person_id && next.vaccine_code == before.vaccine_code &&
      next.lot == before.lot && next.dose_number == before.dose_number &&
      next.administered_at == before.administered_at) {
    return InvalidArgumentError("the correction changes nothing on dose " +
                                std::to_string(dose_id));
  }
  if (next.person_id != before.person_id) {
    RETURN_IF_ERROR(LockPeopleForDoseWrites(conn, {&next.person_id, 1}));
    RETURN_IF_ERROR(ReadPerson(conn, next.person_id).status());
  }
  DoseWriter writer = DoseWriter::System(actor.id);
  writer.actor.request_id = actor.request_id;
  writer.may_override = !override_reason.empty();
  RETURN_IF_ERROR(
      VoidDose(conn, clock, catalogue, dose_id, "corrected: " + std::string(reason), writer)
          .status());
  ASSIGN_OR_RETURN(RecordOutcome recorded, RecordDose(conn, clock, catalogue, next, writer));
  if (before.source == "self_declared" && before.review_status == "verified") {
    return VerifyDeclaredDose(conn, clock, catalogue, recorded.dose.id, before.facility_code,
                              override_reason, actor);
  }
  return recorded.dose;
}

}  // namespace vaxreg::registry
