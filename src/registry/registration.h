#pragma once
// Pre-registration: a booking of one person at one facility on one day, for one dose, within the
// facility's daily capacity (facility_day_bookings counts bookings per day, updated in the same
// transaction). The booking's random token is what the registration QR carries
// ("VXR1:" + token); scanning it at check-in finds the booking.
//
// A booking is for the person's next dose (the highest active dose number + 1 when it is made).
// A person holds at most one active booking ('booked') per dose: a unique index on
// (person_id, dose_number) over active bookings (migration 16) enforces it in the database, so
// it holds across server processes. A booked day that passed without a check-in becomes
// 'missed' when the person books that dose again. Cancelling frees the place; moving takes a
// place at the new facility and day and frees the old one, in one transaction.
//
// Statuses: booked -> checked_in | cancelled | missed. Only a booked booking whose day has not
// passed can be cancelled or moved.

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "registry/actor.h"
#include "storage/database.h"

namespace vaxreg::registry {

inline constexpr std::string_view kRegistrationQrPrefix = "VXR1:";

struct Registration {
  int64_t id = 0;
  std::string token;
  int64_t person_id = 0;
  std::string facility_code;
  std::string day;     // "YYYY-MM-DD"
  std::string status;  // booked | checked_in | cancelled | missed
  int64_t created_at = 0;
  int dose_number = 0;       // 0: booked before bookings had a dose (migration 16)
  int64_t cancelled_at = 0;  // 0 unless cancelled
};

// Books `day` (today up to 60 days ahead, Viet Nam time) at an active facility, for the person's
// next dose. Errors: kInvalidArgument (bad day, unknown facility), kNotFound (person),
// kFailedPrecondition (facility not active, day fully booked), kAlreadyExists (an active booking
// for that dose, named in the message; or a booking that day).
Result<Registration> BookRegistration(storage::Connection& conn, const Clock& clock,
                                      int64_t person_id, std::string_view facility_code,
                                      std::string_view day, const Actor& actor);

// For queries joining registrations to other tables: the columns, each prefixed with `alias.`;
// and the booking read from `row` starting at column `first` (the columns in that order).
std::string RegistrationColumns(std::string_view alias);
Registration RegistrationFromRow(const storage::RowView& row, size_t first);

// By token, with or without the QR prefix.
Result<std::optional<Registration>> FindRegistrationByToken(storage::Connection& conn,
                                                            std::string_view token);
Result<std::optional<Registration>> FindRegistrationById(storage::Connection& conn, int64_t id);

// A person's bookings, the latest day first, at most `limit`, with the facility's name.
struct RegistrationListing {
  Registration registration;
  std::string facility_name;
};
Result<std::vector<RegistrationListing>> ListPersonRegistrations(storage::Connection& conn,
                                                                 int64_t person_id, int limit);

// booked -> cancelled (audited), the place freed and the day's registration count taken back.
// kFailedPrecondition when `r` is not booked, its day has passed, or it changed since read.
Result<Registration> CancelRegistration(storage::Connection& conn, const Clock& clock,
                                        const Registration& r, const Actor& actor);

// Moves a booked booking to `facility_code` on `day` (same rules as booking: the window, an
// active facility, a free place there), freeing its old place; the token stays, so its QR keeps
// working. Moving to where it already is changes nothing. Errors as BookRegistration and
// CancelRegistration.
Result<Registration> MoveRegistration(storage::Connection& conn, const Clock& clock,
                                      const Registration& r, std::string_view facility_code,
                                      std::string_view day, const Actor& actor);

// booked -> checked_in (audited); a no-op for a booking already checked in.
// kFailedPrecondition for a cancelled or missed booking.
Status MarkCheckedIn(storage::Connection& conn, const Clock& clock, const Registration& r,
                     const Actor& actor);

// kFailedPrecondition with the reason a booking in `r.status` cannot be checked in; OK for
// booked and checked_in.
Status CheckMayCheckIn(const Registration& r);

// {"id","token","qr","person_id","facility_code","day","dose_number"|null,"status",
//  "created_at","cancelled_at"|null}
boost::json::object RegistrationToJson(const Registration& r);
std::string RegistrationJson(const Registration& r);

}  // namespace vaxreg::registry
