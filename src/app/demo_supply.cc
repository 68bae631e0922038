#include "app/demo_supply.h"

#include <algorithm>
#include <map>
#include <set>

#include "app/demo.h"
#include "registry/supply.h"
#include "registry/vaccine_store.h"

namespace vaxreg::app {
namespace {

// Shipments come in whole boxes of 100 doses.
int64_t Boxes(int64_t doses) { return (doses + 99) / 100 * 100; }

// What a holder should have available beyond what it used.
int64_t Margin(int64_t used, int64_t floor) { return std::max(floor, used / 10); }

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
    for (const auto& r : rows) {
      const Key key{r.Text(0), r.Text(1)};
      stock[key] = {r.Int(2), r.Int(3)};
      if (r.Text(4).empty()) continue;  // not a facility
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
                                                {vaccine, top_up, "DEMO", "2021-03-01"}, actor));
      (void)id;
      ++report.shipments;
      report.doses_shipped += top_up;
    }
    for (const auto& [key, quantity] : to_province) {
      RETURN_IF_ERROR(registry::RecordAllocation(c, clock, catalogue,
                                                 {key.second, "VN", key.first, quantity}, actor)
                          .status());
      ++report.allocations;
    }
    for (const auto& [key, quantity] : to_facility) {
      RETURN_IF_ERROR(
          registry::RecordAllocation(c, clock, catalogue,
                                     {key.second, province_of[key], key.first, quantity}, actor)
              .status());
      ++report.allocations;
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return report;
}

}  // namespace vaxreg::app
