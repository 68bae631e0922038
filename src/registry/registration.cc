#include "registry/registration.h"

#include <boost/json.hpp>

#include "audit/audit_log.h"
#include "common/crypto_util.h"
#include "registry/facility.h"
#include "registry/person.h"
#include "registry/person_store.h"
#include "registry/statistics.h"

namespace vaxreg::registry {
namespace {

constexpr int kMaxDaysAhead = 60;

constexpr std::string_view kColumns =
    "id, token, person_id, facility_code, day, status, created_at, dose_number, cancelled_at";

Registration FromRow(const storage::RowView& r) { return RegistrationFromRow(r, 0); }

std::string Today(const Clock& clock) { return FormatDay(DayOf(ToUnixSeconds(clock.Now()))); }

// `day` as a booking day: today up to kMaxDaysAhead days ahead, Viet Nam time.
Status CheckBookingDay(std::string_view day, int64_t now) {
  std::chrono::sys_days wanted;
  if (!ParseDay(day, &wanted)) return InvalidArgumentError("day must be YYYY-MM-DD", "day");
  const auto today = DayOf(now);
  if (wanted < today || wanted > today + std::chrono::days(kMaxDaysAhead)) {
    return InvalidArgumentError(
        "day must be between today and " + std::to_string(kMaxDaysAhead) + " days ahead", "day");
  }
  return Status::Ok();
}

// The active facility `code` names, for a booking.
Result<Facility> BookableFacility(storage::Connection& conn, std::string_view code) {
  ASSIGN_OR_RETURN(auto facility, FindFacility(conn, code));
  if (!facility) {
    return InvalidArgumentError("unknown facility '" + std::string(code) + "'", "facility_code");
  }
  if (facility->status != "active") {
    return FailedPreconditionError("facility " + facility->code + " is not active",
                                   "facility_code");
  }
  return *std::move(facility);
}

Status FullyBooked(const Facility& f, std::string_view day) {
  return FailedPreconditionError("facility " + f.code + " is fully booked on " + std::string(day) +
                                     " (" + std::to_string(f.daily_capacity) + " places)",
                                 "day");
}

// One place more at `f` on `day`, unless its capacity is reached: one statement, so two
// transactions (of this process or another) cannot both take the last place.
Status TakePlace(storage::Connection& conn, const Facility& f, std::string_view day) {
  if (f.daily_capacity <= 0) return FullyBooked(f, day);
  ASSIGN_OR_RETURN(
      storage::Rows taken,
      conn.Query(
          "INSERT INTO facility_day_bookings (facility_code, day, booked) VALUES ($1, $2, 1) "
          "ON CONFLICT (facility_code, day) DO UPDATE SET booked = "
          "facility_day_bookings.booked + 1 WHERE facility_day_bookings.booked < $3 "
          "RETURNING booked",
          {f.code, std::string(day), f.daily_capacity}));
  if (taken.empty()) return FullyBooked(f, day);
  return Status::Ok();
}

Status FreePlace(storage::Connection& conn, std::string_view facility_code, std::string_view day) {
  return conn
      .Execute(
          "UPDATE facility_day_bookings SET booked = booked - 1 WHERE facility_code = $1 AND "
          "day = $2 AND booked > 0",
          {std::string(facility_code), std::string(day)})
      .status();
}

// The highest active dose number + 1, as the person's record shows it (person_record.h).
Result<int> NextDoseNumber(storage::Connection& conn, int64_t person_id) {
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT COALESCE(MAX(dose_number), 0) + 1 FROM doses WHERE "
                              "person_id = $1 AND status = 'active'",
                              {person_id}));
  return static_cast<int>(rows[0].Int(0));
}

// The person's active bookings that hold `dose` (bookings made before they had a dose hold any).
Result<std::vector<Registration>> ActiveForDose(storage::Connection& conn, int64_t person_id,
                                                int dose) {
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT " + std::string(kColumns) +
                                  " FROM registrations WHERE person_id = $1 AND status = 'booked' "
                                  "AND (dose_number = $2 OR dose_number IS NULL) ORDER BY id",
                              {person_id, int64_t{dose}}));
  std::vector<Registration> out;
  for (const auto& row : rows) out.push_back(FromRow(row));
  return out;
}

Status DoseTaken(const Registration& r, int dose) {
  return AlreadyExistsError("the person already has booking " + std::to_string(r.id) +
                            " for dose " + std::to_string(dose) + " at " + r.facility_code +
                            " on " + r.day + "; cancel or move it first");
}

Status ChangedMeanwhile() {
  return FailedPreconditionError("the booking changed at the same time; reload it");
}

Status Audit(storage::Connection& conn, const Clock& clock, const Actor& actor,
             std::string_view action, const Registration& before, const Registration& after) {
  return audit::AppendAudit(
      conn, clock,
      {actor.id, std::string(action), "registration:" + std::to_string(after.id),
       RegistrationJson(before), RegistrationJson(after), actor.request_id});
}

// booked and not yet past: may be cancelled or moved.
Status CheckChangeable(const Registration& r, const std::string& today) {
  const std::string id = std::to_string(r.id);
  if (r.status == "cancelled") return FailedPreconditionError("booking " + id + " was cancelled");
  if (r.status == "checked_in") {
    return FailedPreconditionError("booking " + id + " was already checked in");
  }
  if (r.status != "booked" || r.day < today) {
    return FailedPreconditionError("booking " + id + " was for " + r.day + ", which has passed");
  }
  return Status::Ok();
}

// The province a facility's bookings count in.
Result<std::string> FacilityProvince(storage::Connection& conn, std::string_view code) {
  ASSIGN_OR_RETURN(auto facility, FindFacility(conn, code));
  return facility ? facility->province_code : std::string();
}

}  // namespace

std::string RegistrationColumns(std::string_view alias) {
  std::string out;
  for (std::string_view c : {"id", "token", "person_id", "facility_code", "day", "status",
                             "created_at", "dose_number", "cancelled_at"}) {
    if (!out.empty()) out += ", ";
    out.append(alias).append(".").append(c);
  }
  return out;
}

Registration RegistrationFromRow(const storage::RowView& r, size_t first) {
  return {r.Int(first),     r.Text(first + 1), r.Int(first + 2),
          r.Text(first + 3), r.Text(first + 4), r.Text(first + 5),
          r.Int(first + 6),  static_cast<int>(r.Int(first + 7)), r.Int(first + 8)};
}

boost::json::object RegistrationToJson(const Registration& r) {
  boost::json::object o{{"id", r.id},
                        {"token", r.token},
                        {"qr", std::string(kRegistrationQrPrefix) + r.token},
                        {"person_id", r.person_id},
                        {"facility_code", r.facility_code},
                        {"day", r.day},
                        {"dose_number", nullptr},
                        {"status", r.status},
                        {"created_at", r.created_at},
                        {"cancelled_at", nullptr}};
  if (r.dose_number > 0) o["dose_number"] = r.dose_number;
  if (r.cancelled_at > 0) o["cancelled_at"] = r.cancelled_at;
  return o;
}

std::string RegistrationJson(const Registration& r) {
  return boost::json::serialize(RegistrationToJson(r));
}

Result<Registration> BookRegistration(storage::Connection& conn, const Clock& clock,
                                      int64_t person_id, std::string_view facility_code,
                                      std::string_view day, const Actor& actor) {
  const int64_t now = ToUnixSeconds(clock.Now());
  RETURN_IF_ERROR(CheckBookingDay(day, now));
  ASSIGN_OR_RETURN(Facility facility, BookableFacility(conn, facility_code));
  ASSIGN_OR_RETURN(auto person, FindPersonById(conn, person_id));
  if (!person) return NotFoundError("no person with id " + std::to_string(person_id));
  ASSIGN_OR_RETURN(const int dose, NextDoseNumber(conn, person_id));
  // An active booking for this dose stands in the way, unless its day passed: then it was missed.
  const std::string today = Today(clock);
  ASSIGN_OR_RETURN(std::vector<Registration> holding, ActiveForDose(conn, person_id, dose));
  for (const Registration& old : holding) {
    if (old.day >= today) return DoseTaken(old, dose);
    ASSIGN_OR_RETURN(int64_t changed,
                     conn.Execute("UPDATE registrations SET status = 'missed' WHERE id = $1 AND "
                                  "status = 'booked'",
                                  {old.id}));
    if (changed == 0) return ChangedMeanwhile();
    Registration missed = old;
    missed.status = "missed";
    RETURN_IF_ERROR(Audit(conn, clock, actor, "registration.missed", old, missed));
  }

  Registration r;
  r.token = HexEncode(RandomBytes(16));
  r.person_id = person_id;
  r.facility_code = facility.code;
  r.day = std::string(day);
  r.status = "booked";
  r.created_at = now;
  r.dose_number = dose;
  // A conflict with an index (another process's booking for this dose, committed meanwhile, or
  // a booking that day) inserts nothing; the conflicting booking is then named.
  ASSIGN_OR_RETURN(
      storage::Rows inserted,
      conn.Query("INSERT INTO registrations (token, person_id, facility_code, day, status, "
                 "created_by, created_at, dose_number) VALUES ($1, $2, $3, $4, 'booked', $5, $6, "
                 "$7) ON CONFLICT DO NOTHING RETURNING id",
                 {r.token, r.person_id, r.facility_code, r.day, actor.id, now, int64_t{dose}}));
  if (inserted.empty()) {
    ASSIGN_OR_RETURN(holding, ActiveForDose(conn, person_id, dose));
    if (!holding.empty()) return DoseTaken(holding.front(), dose);
    return AlreadyExistsError("the person already has a booking on " + r.day, "day");
  }
  r.id = inserted[0].Int(0);
  RETURN_IF_ERROR(TakePlace(conn, facility, r.day));
  RETURN_IF_ERROR(CountRegistration(conn, r.day, facility.province_code));
  RETURN_IF_ERROR(
      audit::AppendAudit(conn, clock,
                         {actor.id, "registration.create", "registration:" + std::to_string(r.id),
                          "null", RegistrationJson(r), actor.request_id}));
  return r;
}

Result<std::optional<Registration>> FindRegistrationByToken(storage::Connection& conn,
                                                            std::string_view token) {
  if (token.starts_with(kRegistrationQrPrefix)) token.remove_prefix(kRegistrationQrPrefix.size());
  ASSIGN_OR_RETURN(storage::Rows rows, conn.Query("SELECT " + std::string(kColumns) +
                                                      " FROM registrations WHERE token = $1",
                                                  {std::string(token)}));
  if (rows.empty()) return std::optional<Registration>();
  return std::optional<Registration>(FromRow(rows[0]));
}

Result<std::optional<Registration>> FindRegistrationById(storage::Connection& conn, int64_t id) {
  ASSIGN_OR_RETURN(
      storage::Rows rows,
      conn.Query("SELECT " + std::string(kColumns) + " FROM registrations WHERE id = $1", {id}));
  if (rows.empty()) return std::optional<Registration>();
  return std::optional<Registration>(FromRow(rows[0]));
}

Result<std::vector<RegistrationListing>> ListPersonRegistrations(storage::Connection& conn,
                                                                 int64_t person_id, int limit) {
  ASSIGN_OR_RETURN(
      storage::Rows rows,
      conn.Query("SELECT r.id, r.token, r.person_id, r.facility_code, r.day, r.status, "
                 "r.created_at, r.dose_number, r.cancelled_at, f.name FROM registrations r "
                 "JOIN facilities f ON f.code = r.facility_code WHERE r.person_id = $1 "
                 "ORDER BY r.day DESC, r.id DESC LIMIT $2",
                 {person_id, int64_t{limit}}));
  std::vector<RegistrationListing> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back({FromRow(row), row.Text(9)});
  return out;
}

Result<Registration> CancelRegistration(storage::Connection& conn, const Clock& clock,
                                        const Registration& r, const Actor& actor) {
  RETURN_IF_ERROR(CheckChangeable(r, Today(clock)));
  const int64_t now = ToUnixSeconds(clock.Now());
  ASSIGN_OR_RETURN(int64_t changed,
                   conn.Execute("UPDATE registrations SET status = 'cancelled', cancelled_at = $1 "
                                "WHERE id = $2 AND status = 'booked' AND facility_code = $3 AND "
                                "day = $4",
                                {now, r.id, r.facility_code, r.day}));
  if (changed == 0) return ChangedMeanwhile();
  RETURN_IF_ERROR(FreePlace(conn, r.facility_code, r.day));
  ASSIGN_OR_RETURN(std::string province, FacilityProvince(conn, r.facility_code));
  RETURN_IF_ERROR(CountRegistration(conn, r.day, province, -1));
  Registration after = r;
  after.status = "cancelled";
  after.cancelled_at = now;
  RETURN_IF_ERROR(Audit(conn, clock, actor, "registration.cancel", r, after));
  return after;
}

Result<Registration> MoveRegistration(storage::Connection& conn, const Clock& clock,
                                      const Registration& r, std::string_view facility_code,
                                      std::string_view day, const Actor& actor) {
  RETURN_IF_ERROR(CheckChangeable(r, Today(clock)));
  RETURN_IF_ERROR(CheckBookingDay(day, ToUnixSeconds(clock.Now())));
  ASSIGN_OR_RETURN(Facility to, BookableFacility(conn, facility_code));
  if (to.code == r.facility_code && day == r.day) return r;
  Registration after = r;
  after.facility_code = to.code;
  after.day = std::string(day);
  // The booking's row first (a concurrent cancel or move of it waits, then finds it changed),
  // then the two day counters in key order, so that moves in opposite directions in two
  // processes cannot deadlock.
  auto changed = conn.Execute(
      "UPDATE registrations SET facility_code = $1, day = $2 WHERE id = $3 AND status = 'booked' "
      "AND facility_code = $4 AND day = $5",
      {after.facility_code, after.day, r.id, r.facility_code, r.day});
  if (changed.status().code() == StatusCode::kAlreadyExists) {
    return AlreadyExistsError("the person already has a booking on " + after.day, "day");
  }
  RETURN_IF_ERROR(changed.status());
  if (*changed == 0) return ChangedMeanwhile();
  const bool old_first =
      std::tie(r.facility_code, r.day) < std::tie(after.facility_code, after.day);
  for (int step = 0; step < 2; ++step) {
    if ((step == 0) == old_first) {
      RETURN_IF_ERROR(FreePlace(conn, r.facility_code, r.day));
    } else {
      RETURN_IF_ERROR(TakePlace(conn, to, after.day));
    }
  }
  ASSIGN_OR_RETURN(std::string old_province, FacilityProvince(conn, r.facility_code));
  RETURN_IF_ERROR(CountRegistration(conn, r.day, old_province, -1));
  RETURN_IF_ERROR(CountRegistration(conn, after.day, to.province_code, 1));
  RETURN_IF_ERROR(Audit(conn, clock, actor, "registration.move", r, after));
  return after;
}

Status CheckMayCheckIn(const Registration& r) {
  const std::string id = std::to_string(r.id);
  if (r.status == "cancelled") {
    return FailedPreconditionError("booking " + id + " was cancelled; it cannot be checked in");
  }
  if (r.status == "missed") {
    return FailedPreconditionError("booking " + id + " lapsed: its day " + r.day +
                                   " passed and a later booking replaced it");
  }
  return Status::Ok();
}

Status MarkCheckedIn(storage::Connection& conn, const Clock& clock, const Registration& r,
                     const Actor& actor) {
  RETURN_IF_ERROR(CheckMayCheckIn(r));
  if (r.status != "booked") return Status::Ok();
  const int64_t now = ToUnixSeconds(clock.Now());
  ASSIGN_OR_RETURN(int64_t changed,
                   conn.Execute("UPDATE registrations SET status = 'checked_in', checked_in_at = "
                                "$1 WHERE id = $2 AND status = 'booked'",
                                {now, r.id}));
  if (changed == 0) {
    // Changed since it was read: cancelled or lapsed meanwhile is refused, checked in is done.
    ASSIGN_OR_RETURN(std::optional<Registration> current, FindRegistrationById(conn, r.id));
    if (!current) return ChangedMeanwhile();
    return CheckMayCheckIn(*current);
  }
  Registration after = r;
  after.status = "checked_in";
  return Audit(conn, clock, actor, "registration.check_in", r, after);
}

}  // namespace vaxreg::registry
