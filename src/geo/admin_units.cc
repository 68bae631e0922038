#include "geo/admin_units.h"

#include <algorithm>

#include "common/status.h"

// The CSV is linked into the binary as a NUL-terminated byte array (see CMakeLists.txt).
extern "C" const char vaxreg_admin_units_csv[];

namespace vaxreg::geo {
namespace {

std::vector<std::string_view> SplitCsvLine(std::string_view line) {
  // The file has no quoted fields (checked by the test that counts every unit).
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t comma = line.find(',', start);
    out.push_back(line.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

const AdminUnits& AdminUnits::Get() {
  static const AdminUnits* units = new AdminUnits();
  return *units;
}

AdminUnits::AdminUnits() {
  AdminUnit country;
  country.code = "VN";
  country.level = Level::kCountry;
  country.name = "Việt Nam";
  country.short_name = "Việt Nam";
  country.ascii_name = "Viet Nam";
  units_.emplace("VN", country);

  std::string_view csv(vaxreg_admin_units_csv);
  bool header = true;
  while (!csv.empty()) {
    size_t nl = csv.find('\n');
    std::string_view line = csv.substr(0, nl);
    csv = nl == std::string_view::npos ? std::string_view() : csv.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (header) {
      header = false;
      continue;
    }
    auto f = SplitCsvLine(line);
    CHECK(f.size() == 15);
    auto add = [&](size_t at, Level level, std::string_view parent) {
      std::string code(f[at]);
      if (units_.count(code)) return;
      AdminUnit u;
      u.code = code;
      u.level = level;
      u.type = std::string(f[at + 1]);
      u.name = std::string(f[at + 2]);
      u.short_name = std::string(f[at + 3]);
      u.ascii_name = std::string(f[at + 4]);
      u.parent_code = std::string(parent);
      u.province_code = std::string(f[0]);
      units_.emplace(code, std::move(u));
    };
    add(0, Level::kProvince, "");
    add(5, Level::kDistrict, f[0]);
    add(10, Level::kCommune, f[5]);
  }
  // Island districts that have no commune-level units, so the one-row-per-commune file cannot
  // carry them (GSO catalogue, 2025-03-01).
  struct District {
    const char *province, *code, *name, *short_name, *ascii;
  };
  static constexpr District kDistrictsWithoutCommunes[] = {
      {"31", "318", "Huyện Bạch Long Vĩ", "Bạch Long Vĩ", "Bach Long Vi"},
      {"45", "471", "Huyện Cồn Cỏ", "Cồn Cỏ", "Con Co"},
      {"48", "498", "Huyện Hoàng Sa", "Hoàng Sa", "Hoang Sa"},
      {"51", "536", "Huyện Lý Sơn", "Lý Sơn", "Ly Son"},
      {"77", "755", "Huyện Côn Đảo", "Côn Đảo", "Con Dao"},
  };
  for (const District& d : kDistrictsWithoutCommunes) {
    CHECK(units_.count(d.province) == 1 && units_.count(d.code) == 0);
    units_.emplace(d.code, AdminUnit{d.code, Level::kDistrict, "Huyện", d.name, d.short_name,
                                     d.ascii, d.province, d.province});
  }
  for (const auto& [code, unit] : units_) {
    if (unit.level == Level::kProvince) provinces_.push_back(&unit);
  }
  auto by_code = [](const AdminUnit* a, const AdminUnit* b) { return a->code < b->code; };
  std::sort(provinces_.begin(), provinces_.end(), by_code);
  children_["VN"] = provinces_;
  for (const auto& [code, unit] : units_) {
    if (unit.level == Level::kDistrict || unit.level == Level::kCommune) {
      children_[unit.parent_code].push_back(&unit);
    }
  }
  for (auto& [code, list] : children_) std::sort(list.begin(), list.end(), by_code);
}

const std::vector<const AdminUnit*>& AdminUnits::Children(std::string_view code) const {
  static const std::vector<const AdminUnit*> kNone;
  auto it = children_.find(std::string(code));
  return it == children_.end() ? kNone : it->second;
}

const AdminUnit* AdminUnits::Find(std::string_view code) const {
  auto it = units_.find(std::string(code));
  return it == units_.end() ? nullptr : &it->second;
}

std::string AdminUnits::Path(std::string_view code) const {
  const AdminUnit* u = Find(code);
  if (u == nullptr || u->level == Level::kCountry) return "";
  std::string path = u->code;
  while (!u->parent_code.empty()) {
    u = Find(u->parent_code);
    CHECK(u != nullptr);
    path = u->code + "/" + path;
  }
  return path;
}

bool AdminUnits::Contains(std::string_view jurisdiction, std::string_view unit) const {
  if (Find(jurisdiction) == nullptr || Find(unit) == nullptr) return false;
  if (jurisdiction == "VN") return true;
  const std::string j = Path(jurisdiction), u = Path(unit);
  return u.size() >= j.size() && u.compare(0, j.size(), j) == 0 &&
         (u.size() == j.size() || u[j.size()] == '/');
}

bool AdminUnits::IsConsistent(std::string_view province, std::string_view district,
                              std::string_view commune) const {
  const AdminUnit* c = Find(commune);
  const AdminUnit* d = Find(district);
  return c != nullptr && d != nullptr && c->level == Level::kCommune &&
         d->level == Level::kDistrict && c->parent_code == district && d->parent_code == province;
}

size_t AdminUnits::CountAt(Level level) const {
  return static_cast<size_t>(std::count_if(units_.begin(), units_.end(),
                                           [level](const auto& kv) { return kv.second.level == level; }));
}

}  // namespace vaxreg::geo
