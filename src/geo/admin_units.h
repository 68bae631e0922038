#pragma once
// Viet Nam's administrative units (63 provinces, 696 districts, 10,047 communes) with GSO codes,
// compiled into the binary from data/admin_units.csv. Codes identify their level by length:
// 2 digits province, 3 district, 5 commune; "VN" stands for the whole country.
// Immutable after first use; thread-safe.

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vaxreg::geo {

enum class Level { kCountry, kProvince, kDistrict, kCommune };

struct AdminUnit {
  std::string code;
  Level level = Level::kCountry;
  std::string type;        // "Tỉnh", "Quận", "Phường", ...
  std::string name;        // "Thành phố Hà Nội"
  std::string short_name;  // "Hà Nội"
  std::string ascii_name;  // "Ha Noi"
  std::string parent_code;  // "" for provinces
  std::string province_code;
};

class AdminUnits final {
 public:
  // The embedded table, parsed on first use.
  static const AdminUnits& Get();

  // nullptr when the code is unknown. "VN" is the country.
  const AdminUnit* Find(std::string_view code) const;
  // "01", "01/001", "01/001/00001"; "" for "VN" and for unknown codes.
  std::string Path(std::string_view code) const;
  // Whether `unit_code` lies within `jurisdiction_code` (itself included). False for unknown codes.
  bool Contains(std::string_view jurisdiction_code, std::string_view unit_code) const;
  // Whether `commune` lies in `district` which lies in `province`.
  bool IsConsistent(std::string_view province, std::string_view district,
                    std::string_view commune) const;

  size_t CountAt(Level level) const;
  const std::vector<const AdminUnit*>& Provinces() const { return provinces_; }
  // The units directly below `code` ("VN" gives the provinces), sorted by code; empty for a
  // commune or an unknown code.
  const std::vector<const AdminUnit*>& Children(std::string_view code) const;

 private:
  AdminUnits();
  std::unordered_map<std::string, AdminUnit> units_;
  std::vector<const AdminUnit*> provinces_;
  std::unordered_map<std::string, std::vector<const AdminUnit*>> children_;
};

}  // namespace vaxreg::geo
