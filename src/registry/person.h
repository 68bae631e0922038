#pragma once
// A person in the registry and the validation of a new one. Pure functions; thread-safe.
//
// Identity: a 12-digit CCCD (structure checked, and consistent with sex and birth year), a
// 9-digit legacy CMND, a passport number (foreigners), or none (young children). Names are
// stored NFC-normalised with their diacritics, plus an ASCII-folded copy for matching.
// Date of birth: "YYYY-MM-DD" or "YYYY" (year only); never in the future.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"
#include "registry/identity_number.h"

namespace vaxreg::registry {

struct Person {
  int64_t id = 0;
  std::string cccd, cmnd, passport;  // "" when absent
  std::string full_name;             // NFC
  std::string name_folded;           // "nguyen van an"
  std::string dob;                   // "YYYY-MM-DD" or "YYYY"
  int birth_year = 0;
  Sex sex = Sex::kMale;
  std::string phone;
  std::string province_code, district_code, commune_code;
  std::string identity_status = "unverified";  // unverified | verified | mismatch
  std::string vax_status = "none";             // none | partly | fully | booster
  int64_t created_at = 0;
};

struct NewPerson {
  std::string cccd, cmnd, passport;
  std::string full_name;
  std::string dob;
  std::string sex;  // "M" / "F"
  std::string phone;
  std::string province_code, district_code, commune_code;
};

// "M" / "F" (also "male"/"female", "Nam"/"Nữ" from the chip card). kInvalidArgument field "sex".
Result<Sex> ParseSex(std::string_view text);
std::string_view SexCode(Sex s);  // "M" / "F"

// A parsed date of birth: year always, month/day when given.
struct BirthDate {
  int year = 0;
  std::optional<std::chrono::year_month_day> full;
  // The earliest day the person can have been alive (Jan 1 for year-only dates).
  std::chrono::sys_days EarliestDay() const;
};
// Parses "YYYY-MM-DD" or "YYYY"; kInvalidArgument (field "dob") for a malformed or impossible
// date, one before 1880, or one after `today`.
Result<BirthDate> ParseBirthDate(std::string_view dob, std::chrono::sys_days today);

// Validates and normalises a new person: the result is ready to insert (NFC name, folded name,
// parsed birth year, checked identity number and address codes). kInvalidArgument naming the
// field at fault.
Result<Person> ValidateNewPerson(const NewPerson& in, std::chrono::sys_days today);

// "YYYY-MM-DD" for a day, and its inverse (false on bad input).
std::string FormatDay(std::chrono::sys_days day);
bool ParseDay(std::string_view text, std::chrono::sys_days* out);
// The calendar day in Viet Nam (UTC+7) of Unix seconds, and the Unix seconds at which a Viet
// Nam day starts (00:00 UTC+7; Viet Nam keeps UTC+7 all year).
std::chrono::sys_days DayOf(int64_t unix_seconds);
int64_t StartOfDay(std::chrono::sys_days day);

}  // namespace vaxreg::registry
