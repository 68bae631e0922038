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

Registration FromRow(const storage::Row& r) {
  return {r.Int(0), r.Text(1), r.Int(2), r.Text(3), r.Text(4), r.Text(5), r.Int(6)};
}

}  // namespace

std::string RegistrationJson(const Registration& r) {
  return boost::json::serialize(boost::json::object{
      {"id", r.id},
      {"token", r.token},
      {"qr", std::string(kRegistrationQrPrefix) + r.token},
      {"person_id", r.person_id},
      {"facility_code", r.facility_code},
      {"day", r.day},
      {"status", r.status},
      {"created_at", r.created_at}});
}

Result<Registration> BookRegistration(storage::Connection& conn, const Clock& clock,
                                      int64_t person_id, std::string_view facility_code,
                                      std::string_view day, const Actor& actor) {
  const int64_t now = ToUnixSeconds(clock.Now());
  std::chrono::sys_days wanted;
  if (!ParseDay(day, &wanted)) return InvalidArgumentError("day must be YYYY-MM-DD", "day");
  const auto today = DayOf(now);
  if (wanted < today || wanted > today + std::chrono::days(kMaxDaysAhead)) {
    return InvalidArgumentError("day must be between today and " + std::to_string(kMaxDaysAhead) +
                                    " days ahead",
                                "day");
  }
  ASSIGN_OR_RETURN(auto facility, FindFacility(conn, facility_code));
  if (!facility) {
    return InvalidArgumentError("unknown facility '" + std::string(facility_code) + "'",
                                "facility_code");
  }
  if (facility->status != "active") {
    return FailedPreconditionError("facility " + facility->code + " is not active",
                                   "facility_code");
  }
  ASSIGN_OR_RETURN(auto person, FindPersonById(conn, person_id));
  if (!person) return NotFoundError("no person with id " + std::to_string(person_id));
  ASSIGN_OR_RETURN(storage::Rows booked,
                   conn.Query("SELECT booked FROM facility_day_bookings WHERE facility_code = $1 "
                              "AND day = $2",
                              {facility->code, std::string(day)}));
  const int64_t taken = booked.empty() ? 0 : booked[0].Int(0);
  if (taken >= facility->daily_capacity) {
    return FailedPreconditionError("facility " + facility->code + " is fully booked on " +
                                       std::string(day) + " (" +
                                       std::to_string(facility->daily_capacity) + " places)",
                                   "day");
  }
  Registration r;
  r.token = HexEncode(RandomBytes(16));
  r.person_id = person_id;
  r.facility_code = facility->code;
  r.day = std::string(day);
  r.status = "booked";
  r.created_at = now;
  auto rows = conn.Query(
      "INSERT INTO registrations (token, person_id, facility_code, day, status, created_by, "
      "created_at) VALUES ($1, $2, $3, $4, 'booked', $5, $6) RETURNING id",
      {r.token, r.person_id, r.facility_code, r.day, actor.id, now});
  if (rows.status().code() == StatusCode::kAlreadyExists) {
    return AlreadyExistsError("the person already has a booking on " + r.day, "day");
  }
  RETURN_IF_ERROR(rows.status());
  r.id = (*rows)[0].Int(0);
  RETURN_IF_ERROR(conn.Execute("INSERT INTO facility_day_bookings (facility_code, day, booked) "
                               "VALUES ($1, $2, 1) ON CONFLICT (facility_code, day) DO UPDATE "
                               "SET booked = facility_day_bookings.booked + 1",
                               {r.facility_code, r.day})
                      .status());
  RETURN_IF_ERROR(CountRegistration(conn, r.day, facility->province_code));
  RETURN_IF_ERROR(audit::AppendAudit(conn, clock,
                                     {actor.id, "registration.create",
                                      "registration:" + std::to_string(r.id), "null",
                                      RegistrationJson(r), actor.request_id}));
  return r;
}

Result<std::optional<Registration>> FindRegistrationByToken(storage::Connection& conn,
                                                            std::string_view token) {
  if (token.starts_with(kRegistrationQrPrefix)) token.remove_prefix(kRegistrationQrPrefix.size());
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT id, token, person_id, facility_code, day, status, "
                              "created_at FROM registrations WHERE token = $1",
                              {std::string(token)}));
  if (rows.empty()) return std::optional<Registration>();
  return std::optional<Registration>(FromRow(rows[0]));
}

Status MarkCheckedIn(storage::Connection& conn, const Clock& clock, const Registration& r,
                     const Actor& actor) {
  if (r.status != "booked") return Status::Ok();
  const int64_t now = ToUnixSeconds(clock.Now());
  RETURN_IF_ERROR(conn.Execute("UPDATE registrations SET status = 'checked_in', checked_in_at = "
                               "$1 WHERE id = $2 AND status = 'booked'",
                               {now, r.id})
                      .status());
  Registration after = r;
  after.status = "checked_in";
  return audit::AppendAudit(conn, clock,
                            {actor.id, "registration.check_in",
                             "registration:" + std::to_string(r.id), RegistrationJson(r),
                             RegistrationJson(after), actor.request_id});
}

}  // namespace vaxreg::registry
