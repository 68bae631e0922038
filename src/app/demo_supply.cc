#include "app/demo_supply.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <set>

#include "app/demo.h"
#include "registry/person.h"
#include "registry/supply.h"
#include "registry/vaccine_store.h"

namespace vaxreg::app {
namespace {

// Shipments come in whole boxes of 100 doses.
int64_t Boxes(int64_t doses) { return (doses + 99) / 100 * 100; }

// What a holder should have available beyond what it used.
int64_t Margin(int64_t used, int64_t floor) { return std::max(floor, used / 10); }

// Doses of a labelled lot a staffed facility receives when it holds none of a vaccine (or
// fewer than a fifth of this).
constexpr int64_t kLotRefill = 300;

// A lot label as printed on vials: the vaccine's first three letters and the day it arrived
// ("COM261205"), so a lot sent again on another day is another lot.
std::string DemoLotName(const std::string& vaccine, std::chrono::sys_days day) {
  std::string out;
  for (char ch : vaccine) {
    if (out.size() == 3) break;
    if (std::isalpha(static_cast<unsigned char>(ch))) {
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    }
  }
  const std::string iso = registry::FormatDay(day);  // YYYY-MM-DD
  return out + iso.substr(2, 2) + iso.substr(5, 2) + iso.substr(8, 2);
}

struct Holding {
  int64_t available = 0, used = 0;
};

}  // namespace

Result<DemoSupplyReport> SeedDemoSupply(storage::GroupCommitWriter& writer, const Clock& clock) {
  DemoSupplyReport report;
  const registry::Actor actor{"system:demo-seed", ""};
  Status st = writer.SubmitAndWait([&](storage::Connection& c) -> Status {
    report = {};
    ASSIGN_OR_RETURN(std::vector<registry::VaccineProduct> catalogue,
                     registry::LoadVaccineProducts(c));
    // Every holder's stock; facilities with their province.
    ASSIGN_OR_RETURN(storage::Rows rows,
                     c.Query("SELECT s.holder, s.vaccine_code, s.received - s.allocated_out - "
                             "s.used, s.used, COALESCE(f.province_code, '') FROM stock s "
                             "LEFT JOIN facilities f ON f.code = s.holder ORDER BY s.holder, "
                             "s.vaccine_code",
                             {}));
    // Facilities whose demo staff may record doses while the demo runs get a larger margin.
    std::set<std::string> staffed;
    for (const DemoLogin& login : DemoLogins()) {
      if (login.role == "facility_staff") staffed.insert(login.binding);
    }
    using Key = std::pair<std::string, std::string>;  // holder, vaccine
    std::map<Key, Holding> stock;
    std::map<Key, int64_t> to_facility;     // (facility, vaccine) -> doses to allocate
    std::map<Key, int64_t> province_needs;  // (province, vaccine) -> what its facilities need
    std::map<Key, std::string> province_of;
    std::map<Key, std::string> facility_province_of;  // every stocked (facility, vaccine)
    for (const auto& r : rows) {
      const Key key{r.Text(0), r.Text(1)};
      stock[key] = {r.Int(2), r.Int(3)};
      if (r.Text(4).empty()) continue;  // not a facility
      facility_province_of[key] = r.Text(4);
      const int64_t need = Margin(r.Int(3), staffed.count(key.first) ? 500 : 2) - r.Int(2);
      if (need <= 0) continue;
      to_facility[key] = need;
      province_of[key] = r.Text(4);
      province_needs[{r.Text(4), r.Text(1)}] += need;
    }
    std::map<Key, int64_t> to_province;
    std::map<std::string, int64_t> national_needs;  // vaccine -> doses
    for (const auto& [key, need] : province_needs) {
      const int64_t top_up = need + need / 20 - stock[key].available;
      if (top_up <= 0) continue;
      to_province[key] = top_up;
      national_needs[key.second] += top_up;
    }
    for (const auto& [vaccine, need] : national_needs) {
      const int64_t top_up = Boxes(need + Margin(need, 0) - stock[{"VN", vaccine}].available);
      if (top_up <= 0) continue;
      ASSIGN_OR_RETURN(auto id,
                       registry::RecordShipment(c, clock, catalogue,
                                                {vaccine, top_up, "DEMO", "2021-03-01", "", ""}, actor));
      (void)id;
      ++report.shipments;
      report.doses_shipped += top_up;
    }
    for (const auto& [key, quantity] : to_province) {
      RETURN_IF_ERROR(registry::RecordAllocation(c, clock, catalogue,
                                                 {key.second, "VN", key.first, quantity, ""}, actor)
                          .status());
      ++report.allocations;
    }
    for (const auto& [key, quantity] : to_facility) {
      RETURN_IF_ERROR(
          registry::RecordAllocation(c, clock, catalogue,
                                     {key.second, province_of[key], key.first, quantity, ""}, actor)
              .status());
      ++report.allocations;
    }
    // A staffed facility holds a labelled lot of each vaccine it stocks, so that its staff pick
    // the lot of a dose from what is on the shelf.
    const std::chrono::sys_days today = registry::DayOf(ToUnixSeconds(clock.Now()));
    for (const auto& [key, facility_province] : facility_province_of) {
      if (!staffed.count(key.first)) continue;
      ASSIGN_OR_RETURN(auto lots, registry::ListLotsInStock(c, key.first));
      const bool has_lot = std::any_of(lots.begin(), lots.end(), [&](const auto& l) {
        return l.vaccine_code == key.second && l.available() >= kLotRefill / 5 &&
               l.expires_on > registry::FormatDay(today);
      });
      if (has_lot) continue;
      const std::string lot = DemoLotName(key.second, today);
      const std::string expires = registry::FormatDay(today + std::chrono::days(180));
      ASSIGN_OR_RETURN(auto id, registry::RecordShipment(
                                    c, clock, catalogue,
                                    {key.second, kLotRefill, "DEMO", registry::FormatDay(today),
                                     lot, expires},
                                    actor));
      (void)id;
      ++report.shipments;
      report.doses_shipped += kLotRefill;
      for (const auto& [from, to] : {std::pair<std::string, std::string>{"VN", facility_province},
                                     {facility_province, key.first}}) {
        RETURN_IF_ERROR(registry::RecordAllocation(c, clock, catalogue,
                                                   {key.second, from, to, kLotRefill, lot}, actor)
                            .status());
        ++report.allocations;
      }
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return report;
}

}  // namespace vaxreg::app
