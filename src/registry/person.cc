#include "registry/person.h"

#include <charconv>

#include "geo/admin_units.h"
#include "text/vietnamese.h"

namespace vaxreg::registry {
namespace {

using namespace std::chrono;

bool ParseInt(std::string_view s, int* out) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string_view::npos) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

constexpr int64_t kVietnamUtcOffsetSeconds = 7 * 3600;

Status CheckAddress(const NewPerson& in) {
  const auto& units = geo::AdminUnits::Get();
  if (in.province_code.empty()) {
    if (!in.district_code.empty() || !in.commune_code.empty()) {
      return InvalidArgumentError("a district or commune needs its province", "province_code");
    }
    return Status::Ok();
  }
  const geo::AdminUnit* p = units.Find(in.province_code);
  if (p == nullptr || p->level != geo::Level::kProvince) {
    return InvalidArgumentError("unknown province code '" + in.province_code + "'", "province_code");
  }
  if (!in.district_code.empty()) {
    const geo::AdminUnit* d = units.Find(in.district_code);
    if (d == nullptr || d->level != geo::Level::kDistrict || d->province_code != in.province_code) {
      return InvalidArgumentError("district '" + in.district_code + "' is not in province '" +
                                      in.province_code + "'",
                                  "district_code");
    }
  }
  if (!in.commune_code.empty()) {
    if (in.district_code.empty() ||
        !units.IsConsistent(in.province_code, in.district_code, in.commune_code)) {
      return InvalidArgumentError("commune '" + in.commune_code + "' is not in district '" +
                                      in.district_code + "'",
                                  "commune_code");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<Sex> ParseSex(std::string_view t) {
  if (t == "M" || t == "m" || t == "male" || t == "Nam" || t == "nam") return Sex::kMale;
  if (t == "F" || t == "f" || t == "female" || t == "Nữ" || t == "nữ" || t == "Nu") {
    return Sex::kFemale;
  }
  return InvalidArgumentError("sex must be M or F", "sex");
}

std::string_view SexCode(Sex s) { return s == Sex::kMale ? "M" : "F"; }

sys_days BirthDate::EarliestDay() const {
  if (full) return sys_days(*full);
  return sys_days(std::chrono::year(year) / January / 1);
}

Result<BirthDate> ParseBirthDate(std::string_view dob, sys_days today) {
  BirthDate b;
  const auto bad = [&] {
    return InvalidArgumentError("date of birth must be YYYY-MM-DD or YYYY, got '" +
                                    std::string(dob) + "'",
                                "dob");
  };
  if (dob.size() == 4) {
    if (!ParseInt(dob, &b.year)) return bad();
  } else if (dob.size() == 10 && dob[4] == '-' && dob[7] == '-') {
    int m = 0, d = 0;
    if (!ParseInt(dob.substr(0, 4), &b.year) || !ParseInt(dob.substr(5, 2), &m) ||
        !ParseInt(dob.substr(8, 2), &d)) {
      return bad();
    }
    year_month_day ymd{std::chrono::year(b.year), month(static_cast<unsigned>(m)),
                       day(static_cast<unsigned>(d))};
    if (!ymd.ok()) return InvalidArgumentError("date of birth " + std::string(dob) + " does not exist", "dob");
    b.full = ymd;
  } else {
    return bad();
  }
  if (b.year < 1880) return InvalidArgumentError("date of birth is before 1880", "dob");
  if (b.EarliestDay() > today) {
    return InvalidArgumentError("date of birth " + std::string(dob) + " is in the future", "dob");
  }
  return b;
}

Result<Person> ValidateNewPerson(const NewPerson& in, sys_days today) {
  Person p;
  auto name = text::NormalizeName(in.full_name);
  if (!name.ok()) return InvalidArgumentError(name.status().message(), "full_name");
  if (name->empty()) return InvalidArgumentError("full name is required", "full_name");
  if (name->size() > 200) return InvalidArgumentError("full name is too long", "full_name");
  p.full_name = *name;
  p.name_folded = text::FoldToAscii(p.full_name);
  ASSIGN_OR_RETURN(p.sex, ParseSex(in.sex));
  ASSIGN_OR_RETURN(BirthDate birth, ParseBirthDate(in.dob, today));
  p.dob = in.dob;
  p.birth_year = birth.year;
  if (!in.cccd.empty()) {
    ASSIGN_OR_RETURN(CccdInfo info, ParseCccd(in.cccd));
    RETURN_IF_ERROR(CheckCccdMatchesPerson(info, p.sex, p.birth_year));
    p.cccd = in.cccd;
  }
  if (!in.cmnd.empty()) {
    if (!IsCmnd(in.cmnd)) return InvalidArgumentError("a CMND number has exactly 9 digits", "cmnd");
    p.cmnd = in.cmnd;
  }
  if (!in.passport.empty()) {
    if (in.passport.size() < 5 || in.passport.size() > 20 ||
        in.passport.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != std::string::npos) {
      return InvalidArgumentError("a passport number is 5-20 upper-case letters and digits",
                                  "passport");
    }
    p.passport = in.passport;
  }
  if (in.phone.size() > 20 ||
      in.phone.find_first_not_of("+0123456789") != std::string::npos) {
    return InvalidArgumentError("phone must be digits with an optional leading +", "phone");
  }
  p.phone = in.phone;
  RETURN_IF_ERROR(CheckAddress(in));
  p.province_code = in.province_code;
  p.district_code = in.district_code;
  p.commune_code = in.commune_code;
  return p;
}

std::string FormatDay(sys_days day) {
  year_month_day ymd{day};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

bool ParseDay(std::string_view t, sys_days* out) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return false;
  int y = 0, m = 0, d = 0;
  if (!ParseInt(t.substr(0, 4), &y) || !ParseInt(t.substr(5, 2), &m) ||
      !ParseInt(t.substr(8, 2), &d)) {
    return false;
  }
  year_month_day ymd{std::chrono::year(y), month(static_cast<unsigned>(m)),
                     day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return false;
  *out = sys_days(ymd);
  return true;
}

int64_t StartOfDay(sys_days day) {
  return duration_cast<seconds>(day.time_since_epoch()).count() - kVietnamUtcOffsetSeconds;
}

sys_days DayOf(int64_t unix_seconds) {
  // Days are Viet Nam's calendar days (UTC+7, no daylight saving).
  return floor<days>(sys_seconds(seconds(unix_seconds + kVietnamUtcOffsetSeconds)));
}

}  // namespace vaxreg::registry
