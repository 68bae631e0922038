#pragma once
// Pre-registration: a booking of one person at one facility on one day, within the facility's
// daily capacity (facility_day_bookings counts bookings per day, updated in the same
// transaction). The booking's random token is what the registration QR carries
// ("VXR1:" + token); scanning it at check-in finds the booking.

#include <optional>
#include <string>

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
  std::string status;  // booked | checked_in | cancelled
  int64_t created_at = 0;
};

// Books `day` (today up to 60 days ahead, Viet Nam time) at an active facility. Errors:
// kInvalidArgument (bad day, unknown facility), kNotFound (person), kFailedPrecondition
// (facility not active, day fully booked), kAlreadyExists (the person has a booking that day).
Result<Registration> BookRegistration(storage::Connection& conn, const Clock& clock,
                                      int64_t person_id, std::string_view facility_code,
                                      std::string_view day, const Actor& actor);

// By token, with or without the QR prefix.
Result<std::optional<Registration>> FindRegistrationByToken(storage::Connection& conn,
                                                            std::string_view token);

// booked -> checked_in (audited); a no-op for a booking already checked in.
Status MarkCheckedIn(storage::Connection& conn, const Clock& clock, const Registration& r,
                     const Actor& actor);

std::string RegistrationJson(const Registration& r);

}  // namespace vaxreg::registry
