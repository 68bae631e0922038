#include "registry/identity_number.h"

#include "geo/admin_units.h"

namespace vaxreg::registry {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

Result<CccdInfo> ParseCccd(std::string_view cccd) {
  if (cccd.size() != 12 || !AllDigits(cccd)) {
    return InvalidArgumentError("a CCCD number has exactly 12 digits", "cccd");
  }
  CccdInfo info;
  if (cccd[0] != '0') {
    return InvalidArgumentError(
        "CCCD digits 1-3 must be a province code of birth registration (001-096)", "cccd");
  }
  info.province_code = std::string(cccd.substr(1, 2));
  const geo::AdminUnit* province = geo::AdminUnits::Get().Find(info.province_code);
  if (province == nullptr || province->level != geo::Level::kProvince) {
    return InvalidArgumentError("CCCD digits 1-3 (" + std::string(cccd.substr(0, 3)) +
                                    ") are not a province code of birth registration",
                                "cccd");
  }
  const int century_sex = cccd[3] - '0';
  const int yy = (cccd[4] - '0') * 10 + (cccd[5] - '0');
  // 0/1 = 1900s, 2/3 = 2000s, 4/5 = 2100s, 6/7 = 2200s, 8/9 = 1800s.
  const int century = century_sex >= 8 ? 1800 : 1900 + (century_sex / 2) * 100;
  info.sex = century_sex % 2 == 0 ? Sex::kMale : Sex::kFemale;
  info.birth_year = century + yy;
  return info;
}

Status CheckCccdMatchesPerson(const CccdInfo& info, std::optional<Sex> sex, int birth_year) {
  if (sex && *sex != info.sex) {
    return InvalidArgumentError(std::string("CCCD digit 4 says ") +
                                    (info.sex == Sex::kMale ? "male" : "female") +
                                    " but the person is recorded as " +
                                    (*sex == Sex::kMale ? "male" : "female"),
                                "sex");
  }
  if (birth_year != 0 && birth_year != info.birth_year) {
    return InvalidArgumentError("CCCD digits 4-6 give birth year " +
                                    std::to_string(info.birth_year) + " but the person was born in " +
                                    std::to_string(birth_year),
                                "dob");
  }
  return Status::Ok();
}

bool IsCmnd(std::string_view number) { return number.size() == 9 && AllDigits(number); }

}  // namespace vaxreg::registry
