#include "registry/dose_service.h"

#include "audit/audit_log.h"
#include "geo/admin_units.h"
#include "registry/continuity.h"
#include "registry/facility.h"
#include "registry/person_store.h"
#include "registry/statistics.h"

namespace vaxreg::registry {
namespace {

bool SameDose(const Dose& d, const NewDose& in) {
  return d.person_id == in.person_id && d.vaccine_code == in.vaccine_code &&
         d.dose_number == in.dose_number && d.administered_at == in.administered_at;
}

}  // namespace

Status ValidateNewDose(const NewDose& in, const std::vector<VaccineProduct>& catalogue) {
  if (in.person_id <= 0) return InvalidArgumentError("person_id is required", "person_id");
  bool known = false;
  for (const auto& p : catalogue) known = known || p.code == in.vaccine_code;
  if (!known) {
    return InvalidArgumentError("unknown vaccine '" + in.vaccine_code + "'", "vaccine");
  }
  if (in.dose_number < 1 || in.dose_number > 20) {
    return InvalidArgumentError("dose_number must be 1-20", "dose_number");
  }
  if (in.administered_at <= 0) {
    return InvalidArgumentError("administered_at is missing or out of range", "administered_at");
  }
  if (in.lot.size() > 64) return InvalidArgumentError("lot is at most 64 bytes", "lot");
  if (in.vaccinator.size() > 200) {
    return InvalidArgumentError("vaccinator is at most 200 bytes", "vaccinator");
  }
  if (!in.idempotency_key.empty()) {
    RETURN_IF_ERROR(ValidateIdempotencyKey(ClientIdempotencyKey(in.idempotency_key)));
  }
  if (in.source != "facility" && in.source != "self_declared") {
    return InvalidArgumentError("source must be facility or self_declared", "source");
  }
  if (in.source == "facility" && in.facility_code.empty()) {
    return InvalidArgumentError("facility_code is required for a facility record",
                                "facility_code");
  }
  return Status::Ok();
}

Status CheckWriterForFacility(const DoseWriter& w, const Facility* facility) {
  if (facility == nullptr) return Status::Ok();
  if (w.is_citizen) return PermissionDeniedError("citizens may only self-declare doses");
  if (!w.bound_facility.empty() && w.bound_facility != facility->code) {
    return PermissionDeniedError("staff of facility " + w.bound_facility +
                                 " may not write doses for facility " + facility->code);
  }
  if (!w.jurisdiction.empty() &&
      !geo::AdminUnits::Get().Contains(w.jurisdiction, facility->commune_code)) {
    return PermissionDeniedError("facility " + facility->code + " is outside your area " +
                                 w.jurisdiction);
  }
  return Status::Ok();
}

// Recomputes the person's status after a change in their doses and moves the cached status and
// coverage counters with it.
Status RefreshPersonStatus(storage::Connection& conn, const Person& person,
                          const std::vector<Dose>& doses,
                          const std::vector<VaccineProduct>& catalogue, int64_t now,
                          std::string_view fallback_province) {
  const StatusSummary s = ComputeStatus(ToDoseFacts(doses), catalogue);
  const std::string next(VaccinationStatusName(s.status));
  if (next == person.vax_status) return Status::Ok();
  RETURN_IF_ERROR(SetPersonVaxStatus(conn, person.id, next, now));
  const std::string_view province =
      person.province_code.empty() ? fallback_province : std::string_view(person.province_code);
  return MoveCoverage(conn, province, person.vax_status, next);
}


std::string DoseWriter::IdempotencyScope() const {
  if (!bound_facility.empty()) return "facility:" + bound_facility;
  return "account:" + actor.id;
}

DoseWriter DoseWriter::ForPrincipal(const auth::Principal& p, std::string request_id) {
  DoseWriter w;
  w.actor = {p.ActorId(), std::move(request_id)};
  switch (p.role) {
    case auth::Role::kFacilityStaff:
      w.bound_facility = p.facility_code;
      if (w.bound_facility.empty()) w.bound_facility = "-";  // unbound staff write nothing
      break;
    case auth::Role::kHealthAuthority:
      w.jurisdiction = p.admin_unit_code.empty() ? "VN" : p.admin_unit_code;
      w.may_override = true;
      break;
    case auth::Role::kAdmin:
      w.may_override = true;
      break;
    case auth::Role::kCitizen:
      w.is_citizen = true;
      w.citizen_cccd = p.username;
      break;
    case auth::Role::kSigner:
      w.bound_facility = "-";
      break;
  }
  return w;
}

DoseWriter DoseWriter::System(std::string actor_id) {
  DoseWriter w;
  w.actor = {std::move(actor_id), ""};
  return w;
}

std::vector<DoseFacts> ToDoseFacts(const std::vector<Dose>& doses) {
  std::vector<DoseFacts> facts;
  facts.reserve(doses.size());
  for (const Dose& d : doses) {
    facts.push_back({d.vaccine_code, DayOf(d.administered_at), d.status != "active",
                     d.source == "self_declared" && d.review_status != "verified"});
  }
  return facts;
}

namespace {

// What a single dose write reads before its checks.
struct DoseWriteReads {
  std::optional<Person> person;
  std::vector<Dose> doses;          // every dose of the person, oldest first
  std::optional<Dose> by_key;       // the dose already holding the (scoped) idempotency key
  std::optional<Facility> facility;
};

// Reads them in one round trip on PostgreSQL (Connection::QueryPipelined). Several processes may
// write doses of one person at once there: the person's row is locked (FOR UPDATE) by the first
// statement, before their doses and the idempotency key are read, so the continuity check and
// the replay lookup see every dose committed before and none can slip in between. (SQLite has
// one writer; BEGIN IMMEDIATE already serialises it.)
Result<DoseWriteReads> ReadForDoseWrite(storage::Connection& conn, const NewDose& in) {
  const bool pg = conn.dialect() == storage::Dialect::kPostgres;
  static const std::string kPerson = "SELECT " + PersonColumns("") + " FROM people WHERE id = $1";
  static const std::string kPersonLocked = kPerson + " FOR UPDATE";
  static const std::string kDoses = "SELECT " + DoseColumns("") +
                                    " FROM doses WHERE person_id = $1 ORDER BY administered_at, id";
  static const std::string kByKey =
      "SELECT " + DoseColumns("") + " FROM doses WHERE idempotency_key = $1";
  std::vector<storage::Connection::Statement> steps;
  steps.push_back({pg ? kPersonLocked : kPerson, {in.person_id}});
  steps.push_back({kDoses, {in.person_id}});
  if (!in.idempotency_key.empty()) steps.push_back({kByKey, {in.idempotency_key}});
  if (!in.facility_code.empty()) steps.push_back({FacilityByCodeSql(), {in.facility_code}});
  ASSIGN_OR_RETURN(std::vector<storage::Rows> results, conn.QueryPipelined(steps));
  DoseWriteReads out;
  size_t next = 0;
  if (const storage::Rows& rows = results[next++]; !rows.empty()) {
    out.person = PersonFromRow(rows[0], 0);
  }
  for (const storage::Row& r : results[next++]) out.doses.push_back(DoseFromRow(r, 0));
  if (!in.idempotency_key.empty()) {
    if (const storage::Rows& rows = results[next++]; !rows.empty()) {
      out.by_key = DoseFromRow(rows[0], 0);
    }
  }
  if (!in.facility_code.empty()) {
    if (const storage::Rows& rows = results[next++]; !rows.empty()) {
      out.facility = FacilityFromRow(rows[0]);
    }
  }
  return out;
}

}  // namespace

Result<RecordOutcome> RecordDose(storage::Connection& conn, const Clock& clock,
                                 const std::vector<VaccineProduct>& catalogue, NewDose in,
                                 const DoseWriter& writer) {
  std::string client_key;
  if (!in.idempotency_key.empty()) {
    RETURN_IF_ERROR(ValidateIdempotencyKey(in.idempotency_key));
    client_key = in.idempotency_key;
    in.idempotency_key = ScopeIdempotencyKey(writer.IdempotencyScope(), client_key);
  }
  ASSIGN_OR_RETURN(DoseWriteReads reads, ReadForDoseWrite(conn, in));
  if (reads.by_key) {
    if (!SameDose(*reads.by_key, in)) {
      return AlreadyExistsError(
          "idempotency key '" + client_key + "' was already used for a different dose",
          "idempotency_key");
    }
    return RecordOutcome{*reads.by_key, true};
  }
  RETURN_IF_ERROR(ValidateNewDose(in, catalogue));
  if (writer.is_citizen && in.source != "self_declared") {
    return PermissionDeniedError("citizens may only self-declare doses");
  }
  if (!in.override_reason.empty() && !writer.may_override) {
    return PermissionDeniedError("only a health authority may override the continuity check");
  }
  std::optional<Person>& person = reads.person;
  if (!person) return NotFoundError("no person with id " + std::to_string(in.person_id));
  if (writer.is_citizen && person->cccd != writer.citizen_cccd) {
    return PermissionDeniedError("citizens may only declare doses in their own record");
  }
  std::optional<Facility>& facility = reads.facility;
  if (!in.facility_code.empty()) {
    if (!facility) {
      return InvalidArgumentError("unknown facility '" + in.facility_code + "'",
                                  "facility_code");
    }
    if (facility->status != "active") {
      return FailedPreconditionError("facility " + facility->code + " is " + facility->status +
                                         ", not active; it cannot record doses",
                                     "facility_code");
    }
  }
  RETURN_IF_ERROR(CheckWriterForFacility(writer, facility ? &*facility : nullptr));

  const int64_t now = ToUnixSeconds(clock.Now());
  std::vector<Dose>& doses = reads.doses;
  ContinuityInput ci;
  ci.dose = {0, in.vaccine_code, in.dose_number, in.administered_at};
  ci.now = now;
  ASSIGN_OR_RETURN(BirthDate birth, ParseBirthDate(person->dob, DayOf(now)));
  ci.earliest_birth_day = birth.EarliestDay();
  for (const Dose& d : doses) {
    if (d.status == "active") {
      ci.history.push_back({d.id, d.vaccine_code, d.dose_number, d.administered_at});
    }
  }
  RETURN_IF_ERROR(CheckDoseDate(ci));
  if (in.override_reason.empty()) RETURN_IF_ERROR(CheckDoseSequence(ci, catalogue));

  Dose d;
  d.person_id = person->id;
  d.vaccine_code = in.vaccine_code;
  d.lot = in.lot;
  d.dose_number = in.dose_number;
  d.administered_at = in.administered_at;
  d.facility_code = in.facility_code;
  d.vaccinator = in.vaccinator;
  d.source = in.source;
  d.review_status = in.source == "self_declared" ? "pending" : "none";
  d.province_code = facility ? facility->province_code : person->province_code;
  d.idempotency_key = in.idempotency_key;
  d.override_reason = in.override_reason;
  d.recorded_by = writer.actor.id;
  d.created_at = now;
  auto inserted = InsertDose(conn, d);
  if (!inserted.ok() && inserted.status().code() == StatusCode::kAlreadyExists) {
    return AlreadyExistsError("idempotency key '" + client_key + "' is in use",
                              "idempotency_key");
  }
  RETURN_IF_ERROR(inserted.status());
  d = *inserted;
  if (d.Counts()) {
    RETURN_IF_ERROR(CountDose(conn, d, d.facility_code, +1));
  }
  doses.push_back(d);
  RETURN_IF_ERROR(RefreshPersonStatus(conn, *person, doses, catalogue, now, d.province_code));
  RETURN_IF_ERROR(audit::AppendAudit(
      conn, clock,
      {writer.actor.id, in.override_reason.empty() ? "dose.record" : "dose.record_override",
       "dose:" + std::to_string(d.id), "null", DoseJson(d), writer.actor.request_id}));
  return RecordOutcome{d, false};
}

Result<Dose> VoidDose(storage::Connection& conn, const Clock& clock,
                      const std::vector<VaccineProduct>& catalogue, int64_t dose_id,
                      std::string_view reason, const DoseWriter& writer) {
  if (reason.empty() || reason.size() > 500) {
    return InvalidArgumentError("a reason (1-500 bytes) is required to void a dose", "reason");
  }
  ASSIGN_OR_RETURN(std::optional<Dose> before, FindDose(conn, dose_id));
  if (!before) return NotFoundError("no dose with id " + std::to_string(dose_id));
  if (writer.is_citizen) return PermissionDeniedError("citizens may not void doses");
  // As in RecordDose: the person's row is locked first, then the dose read again as committed.
  RETURN_IF_ERROR(LockPeopleForDoseWrites(conn, {&before->person_id, 1}));
  if (conn.dialect() == storage::Dialect::kPostgres) {
    ASSIGN_OR_RETURN(before, FindDose(conn, dose_id));
    if (!before) return NotFoundError("no dose with id " + std::to_string(dose_id));
  }
  std::optional<Facility> facility;
  if (!before->facility_code.empty()) {
    ASSIGN_OR_RETURN(facility, FindFacility(conn, before->facility_code));
  }
  RETURN_IF_ERROR(CheckWriterForFacility(writer, facility ? &*facility : nullptr));
  // Voiding is idempotent: a retry gets the voided dose back and changes nothing.
  if (before->status == "voided") return *before;
  const int64_t now = ToUnixSeconds(clock.Now());
  RETURN_IF_ERROR(MarkDoseVoided(conn, dose_id, reason, writer.actor.id, now));
  Dose after = *before;
  after.status = "voided";
  after.void_reason = std::string(reason);
  if (before->Counts()) {
    RETURN_IF_ERROR(CountDose(conn, *before, before->facility_code, -1));
  }
  ASSIGN_OR_RETURN(std::optional<Person> person, FindPersonById(conn, before->person_id));
  if (!person) return InternalError("dose " + std::to_string(dose_id) + " has no person");
  ASSIGN_OR_RETURN(std::vector<Dose> doses, ListPersonDoses(conn, before->person_id));
  RETURN_IF_ERROR(
      RefreshPersonStatus(conn, *person, doses, catalogue, now, before->province_code));
  RETURN_IF_ERROR(audit::AppendAudit(conn, clock,
                                     {writer.actor.id, "dose.void", "dose:" + std::to_string(dose_id),
                                      DoseJson(*before), DoseJson(after), writer.actor.request_id}));
  return after;
}

}  // namespace vaxreg::registry
