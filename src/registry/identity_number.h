#pragma once
// Vietnamese personal identity numbers.
//
// CCCD (citizen identity card / personal identification number), 12 digits:
//   PPP C YY NNNNNN
//   PPP   province (or country) of birth registration: the GSO province code padded to 3 digits
//   C     century and sex: 1900s male 0 / female 1, 2000s 2 / 3, 2100s 4 / 5, 2200s 6 / 7,
//         1800s 8 / 9 (Decree 137/2015/ND-CP art. 13, Circular 07/2016/TT-BCA art. 7)
//   YY    last two digits of the birth year
//   NNNNNN random
// CMND (the older identity card): 9 digits, no structure that can be checked.
// Pure functions; thread-safe.

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vaxreg::registry {

enum class Sex { kMale, kFemale };

struct CccdInfo {
  std::string province_code;  // 2-digit GSO code ("01")
  Sex sex = Sex::kMale;
  int birth_year = 0;  // full year, from the century digit and YY
};

// Checks the structure of a CCCD: 12 ASCII digits and a known province of registration.
// kInvalidArgument (field "cccd") saying what is wrong.
Result<CccdInfo> ParseCccd(std::string_view cccd);

// Checks that the CCCD agrees with the person's sex and birth year. `birth_year` 0 = unknown
// (then only the sex is checked). kInvalidArgument naming the field that disagrees.
Status CheckCccdMatchesPerson(const CccdInfo& info, std::optional<Sex> sex, int birth_year);

// True for a 9-digit legacy CMND number.
bool IsCmnd(std::string_view number);

}  // namespace vaxreg::registry
