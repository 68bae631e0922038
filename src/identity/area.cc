#include "identity/area.h"

#include <cstdio>

namespace vaxreg::identity {

std::string UnitCondition(std::string_view alias, const std::string& unit, int n) {
  const std::string param = "$" + std::to_string(n);
  const std::string a(alias);
  if (unit == "VN") return "CAST(" + param + " AS TEXT) <> ''";  // everything
  if (unit.size() == 2) return a + ".province_code = " + param;
  if (unit.size() == 3) return a + ".district_code = " + param;
  if (unit.size() == 5) return a + ".commune_code = " + param;
  return "CAST(" + param + " AS TEXT) = '-'";  // an unknown unit: nothing
}

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace vaxreg::identity
