#pragma once
// A citizen's identity as sent to the API (sign-up, an administrator creating a citizen account):
// the birth date in the forms people write it and its agreement with the CCCD, by the registry's
// rules (registry/identity_number.h, registry/person.h). Pure functions; thread-safe.

#include <chrono>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vaxreg::api {

// 'YYYY-MM-DD' or 'dd/mm/yyyy' (day and month may have one digit) -> 'YYYY-MM-DD': a real day,
// not before 1880 and not after `today` (the day in Viet Nam, registry::DayOf). A bare year is
// not enough here. kInvalidArgument, field "birth_date".
Result<std::string> ParseCitizenBirthDate(std::string_view text, std::chrono::sys_days today);

// The CCCD's structure (12 digits, a province of birth registration), then its century/sex digit
// and 2-digit year against `birth_date` ('YYYY-MM-DD'). kInvalidArgument: field "cccd" for the
// structure, "birth_date" when the years disagree.
Status CheckCccdAgreesWithBirthDate(std::string_view cccd, std::string_view birth_date);

}  // namespace vaxreg::api
