#include "api/citizen_fields.h"

#include "registry/identity_number.h"
#include "registry/person.h"

namespace vaxreg::api {
namespace {

bool Digits(std::string_view s, size_t min, size_t max) {
  return s.size() >= min && s.size() <= max &&
         s.find_first_not_of("0123456789") == std::string_view::npos;
}

std::string Pad2(std::string_view s) {
  return s.size() == 1 ? "0" + std::string(s) : std::string(s);
}

// 'd/m/yyyy' -> 'yyyy-mm-dd', or "" when it is not of that shape.
std::string FromDayMonthYear(std::string_view text) {
  const size_t a = text.find('/');
  const size_t b = a == std::string_view::npos ? a : text.find('/', a + 1);
  if (b == std::string_view::npos) return "";
  const std::string_view d = text.substr(0, a), m = text.substr(a + 1, b - a - 1),
                         y = text.substr(b + 1);
  if (!Digits(d, 1, 2) || !Digits(m, 1, 2) || !Digits(y, 4, 4)) return "";
  return std::string(y) + "-" + Pad2(m) + "-" + Pad2(d);
}

}  // namespace

Result<std::string> ParseCitizenBirthDate(std::string_view text, std::chrono::sys_days today) {
  const auto bad = [&] {
    return InvalidArgumentError("birth_date must be a day as YYYY-MM-DD or dd/mm/yyyy",
                                "birth_date");
  };
  if (text.size() > 10) return bad();
  std::string iso =
      text.find('/') != std::string_view::npos ? FromDayMonthYear(text) : std::string(text);
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-' || !Digits(iso.substr(0, 4), 4, 4) ||
      !Digits(iso.substr(5, 2), 2, 2) || !Digits(iso.substr(8, 2), 2, 2)) {
    return bad();
  }
  auto parsed = registry::ParseBirthDate(iso, today);
  if (!parsed.ok()) {
    // The registry's message (no such day, before 1880, in the future), on this route's field.
    return InvalidArgumentError(parsed.status().message(), "birth_date");
  }
  return iso;
}

Status CheckCccdAgreesWithBirthDate(std::string_view cccd, std::string_view birth_date) {
  ASSIGN_OR_RETURN(registry::CccdInfo info, registry::ParseCccd(cccd));
  if (!Digits(birth_date.substr(0, 4), 4, 4)) {
    return InvalidArgumentError("birth_date must be YYYY-MM-DD", "birth_date");
  }
  int year = 0;
  for (char c : birth_date.substr(0, 4)) year = year * 10 + (c - '0');
  if (Status st = registry::CheckCccdMatchesPerson(info, std::nullopt, year); !st.ok()) {
    return InvalidArgumentError(
        "CCCD digits 4-6 give birth year " + std::to_string(info.birth_year) +
            ", which does not agree with birth_date " + std::string(birth_date),
        "birth_date");
  }
  return Status::Ok();
}

}  // namespace vaxreg::api
