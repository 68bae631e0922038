#include "identity/person.h"

#include <array>
#include <cstdio>
#include <unordered_map>
#include <vector>

#include "geo/admin_units.h"
#include "text/vietnamese.h"

namespace vaxreg::identity {
namespace {

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int ToInt(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool ValidDate(int y, int m, int d) {
  static constexpr std::array<int, 13> kDays = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1850 || y > 2200 || m < 1 || m > 12 || d < 1 || d > kDays[static_cast<size_t>(m)]) {
    return false;
  }
  if (m == 2 && d == 29) return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return true;
}

BirthDate MakeDate(int y, int m, int d) {
  if (!ValidDate(y, m, d)) return {};
  return {static_cast<int16_t>(y), static_cast<int8_t>(m), static_cast<int8_t>(d)};
}

// Type words and their abbreviations that may precede a unit name.
bool IsTypeWord(std::string_view t) {
  static constexpr std::string_view kWords[] = {"tinh", "tp", "thanhpho", "quan", "huyen", "thixa",
                                                "tx", "thitran", "tt", "phuong", "xa", "q", "h",
                                                "p", "x", "tptw"};
  for (std::string_view w : kWords) {
    if (t == w) return true;
  }
  return false;
}

// Folded lookup key of a unit name: type words dropped, remaining syllables concatenated.
std::string UnitKey(std::string_view name) {
  std::string folded = text::FoldToAscii(name);
  std::vector<std::string> tokens;
  std::string cur;
  for (char c : folded) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      cur.push_back(c);
    } else if (!cur.empty()) {
      tokens.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) tokens.push_back(std::move(cur));
  // Two-word type names ("thanh pho", "thi xa", "thi tran") first, then one-word ones.
  size_t start = 0;
  while (start < tokens.size()) {
    if (start + 1 < tokens.size() && IsTypeWord(tokens[start] + tokens[start + 1]) &&
        start + 2 < tokens.size()) {
      start += 2;
    } else if (IsTypeWord(tokens[start]) && start + 1 < tokens.size()) {
      start += 1;
    } else {
      break;
    }
  }
  std::string key;
  for (size_t i = start; i < tokens.size(); ++i) key += tokens[i];
  // "q1", "p12": an abbreviated type glued to a number.
  if (key.size() >= 2 && (key[0] == 'q' || key[0] == 'p') && AllDigits(std::string_view(key).substr(1))) {
    key.erase(0, 1);
  }
  return key;
}

// (parent code, name key) -> unit code, for every unit, with initials as aliases when unique.
class UnitNames {
 public:
  static const UnitNames& Get() {
    static const UnitNames* names = new UnitNames();
    return *names;
  }
  int Find(const std::string& parent, const std::string& key) const {
    auto it = map_.find(parent + "|" + key);
    return it == map_.end() || it->second < 0 ? 0 : it->second;
  }

 private:
  UnitNames() {
    const geo::AdminUnits& units = geo::AdminUnits::Get();
    std::vector<std::string> parents = {"VN"};
    while (!parents.empty()) {
      std::string parent = parents.back();
      parents.pop_back();
      std::unordered_map<std::string, int> aliases;
      for (const geo::AdminUnit* u : units.Children(parent)) {
        parents.push_back(u->code);
        const int code = ToInt(u->code);
        map_[parent + "|" + UnitKey(u->short_name)] = code;
        std::string initials;
        bool word_start = true;
        for (char c : text::FoldToAscii(u->short_name)) {
          if (c == ' ') {
            word_start = true;
          } else if (word_start) {
            initials.push_back(c);
            word_start = false;
          }
        }
        if (initials.size() >= 2) {
          auto [it, inserted] = aliases.emplace(initials, code);
          if (!inserted) it->second = -1;
        }
      }
      for (const auto& [alias, code] : aliases) map_.emplace(parent + "|" + alias, code);
    }
    map_["VN|tphcm"] = 79;
    map_["VN|saigon"] = 79;
  }
  std::unordered_map<std::string, int> map_;
};

std::string CodeText(int code, int width) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%0*d", width, code);
  return buf;
}

}  // namespace

BirthDate ParseBirthDate(std::string_view s) {
  s = Trim(s);
  if (s.size() == 4 && AllDigits(s)) {
    const int y = ToInt(s);
    if (y < 1850 || y > 2200) return {};
    return {static_cast<int16_t>(y), 0, 0};
  }
  if (s.size() == 10 && s[4] == '-' && s[7] == '-' && AllDigits(s.substr(0, 4)) &&
      AllDigits(s.substr(5, 2)) && AllDigits(s.substr(8, 2))) {
    return MakeDate(ToInt(s.substr(0, 4)), ToInt(s.substr(5, 2)), ToInt(s.substr(8, 2)));
  }
  if (s.size() == 10 && s[2] == '/' && s[5] == '/' && AllDigits(s.substr(0, 2)) &&
      AllDigits(s.substr(3, 2)) && AllDigits(s.substr(6, 4))) {
    return MakeDate(ToInt(s.substr(6, 4)), ToInt(s.substr(3, 2)), ToInt(s.substr(0, 2)));
  }
  if (s.size() == 8 && AllDigits(s)) {
    return MakeDate(ToInt(s.substr(0, 4)), ToInt(s.substr(4, 2)), ToInt(s.substr(6, 2)));
  }
  return {};
}

SexCode ParseSex(std::string_view s) {
  s = Trim(s);
  if (s == "M" || s == "m" || s == "Nam" || s == "nam" || s == "male" || s == "Male") {
    return SexCode::kMale;
  }
  if (s == "F" || s == "f" || s == "Nữ" || s == "nữ" || s == "Nu" || s == "nu" || s == "female" ||
      s == "Female") {
    return SexCode::kFemale;
  }
  return SexCode::kUnknown;
}

IdNumbers ParseIdNumber(std::string_view s) {
  std::string digits;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c != ' ' && c != '.' && c != '-' && c != '\t' && c != '\r') {
      return {};
    }
  }
  IdNumbers out;
  // A spreadsheet that took the number for an integer drops a CCCD's leading zeros (every CCCD of
  // a province coded below 100 starts with 0); 10 or 11 digits are read as such a CCCD.
  if (digits.size() == 10 || digits.size() == 11) digits.insert(0, 12 - digits.size(), '0');
  if (digits.size() == 12) {
    for (char c : digits) out.cccd = out.cccd * 10 + static_cast<uint64_t>(c - '0');
  } else if (digits.size() == 9) {
    for (char c : digits) out.cmnd = out.cmnd * 10 + static_cast<uint32_t>(c - '0');
  }
  return out;
}

std::string FormatCccd(uint64_t cccd) {
  if (cccd == 0) return "";
  char buf[24];
  std::snprintf(buf, sizeof buf, "%012llu", static_cast<unsigned long long>(cccd));
  return buf;
}

std::string FormatCmnd(uint32_t cmnd) {
  if (cmnd == 0) return "";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%09u", cmnd);
  return buf;
}

Address ParseAddress(std::string_view province, std::string_view district,
                     std::string_view commune) {
  province = Trim(province);
  district = Trim(district);
  commune = Trim(commune);
  Address a;
  const UnitNames& names = UnitNames::Get();
  if (AllDigits(province) && province.size() <= 2) {
    a.province = static_cast<uint8_t>(ToInt(province));
  } else if (!province.empty()) {
    a.province = static_cast<uint8_t>(names.Find("VN", UnitKey(province)));
  }
  if (AllDigits(district) && district.size() <= 3) {
    a.district = static_cast<uint16_t>(ToInt(district));
  } else if (!district.empty() && a.province != 0) {
    a.district = static_cast<uint16_t>(names.Find(CodeText(a.province, 2), UnitKey(district)));
  }
  if (AllDigits(commune) && commune.size() <= 5) {
    a.commune = static_cast<uint32_t>(ToInt(commune));
  } else if (!commune.empty() && a.district != 0) {
    a.commune = static_cast<uint32_t>(names.Find(CodeText(a.district, 3), UnitKey(commune)));
  }
  return a;
}

Address ParseAddressText(std::string_view text) {
  std::array<std::string_view, 3> units;  // commune, district, province
  size_t found = 0;
  while (found < units.size()) {
    const size_t comma = text.rfind(',');
    const std::string_view part =
        Trim(comma == std::string_view::npos ? text : text.substr(comma + 1));
    units[units.size() - 1 - found++] = AllDigits(part) ? std::string_view() : part;
    if (comma == std::string_view::npos) break;
    text = text.substr(0, comma);
  }
  return ParseAddress(units[2], units[1], units[0]);
}

AddressCodes FormatAddressCodes(const Address& a) {
  AddressCodes codes;
  if (a.province != 0) codes.province = CodeText(a.province, 2);
  if (a.district != 0) codes.district = CodeText(a.district, 3);
  if (a.commune != 0) codes.commune = CodeText(static_cast<int>(a.commune), 5);
  return codes;
}

}  // namespace vaxreg::identity
