#include "registry/vaccination_status.h"

#include <algorithm>

namespace vaxreg::registry {
namespace {

const VaccineProduct* FindProduct(const std::vector<VaccineProduct>& catalogue,
                                  const std::string& code) {
  for (const auto& p : catalogue) {
    if (p.code == code) return &p;
  }
  return nullptr;
}

}  // namespace

std::string_view VaccinationStatusName(VaccinationStatus s) {
  switch (s) {
    case VaccinationStatus::kNone: return "none";
    case VaccinationStatus::kPartlyVaccinated: return "partly";
    case VaccinationStatus::kFullyVaccinated: return "fully";
    case VaccinationStatus::kBoosted: return "booster";
  }
  return "none";
}

std::string_view VaccinationStatusColour(VaccinationStatus s) {
  switch (s) {
    case VaccinationStatus::kNone: return "";
    case VaccinationStatus::kPartlyVaccinated: return "yellow";
    case VaccinationStatus::kFullyVaccinated:
    case VaccinationStatus::kBoosted: return "green";
  }
  return "";
}

StatusSummary ComputeStatus(std::vector<DoseFacts> doses,
                            const std::vector<VaccineProduct>& catalogue) {
  std::stable_sort(doses.begin(), doses.end(),
                   [](const DoseFacts& a, const DoseFacts& b) { return a.date < b.date; });
  StatusSummary s;
  bool primary_complete = false;
  const VaccineProduct* last_product = nullptr;
  std::chrono::sys_days last_date{};
  for (const DoseFacts& d : doses) {
    if (d.voided) continue;
    const VaccineProduct* p = FindProduct(catalogue, d.product_code);
    if (p == nullptr) continue;
    if (d.self_declared_pending) {
      ++s.pending_doses;
      continue;
    }
    ++s.counted_doses;
    if (s.primary_required == 0) s.primary_required = p->primary_doses;
    if (primary_complete) {
      ++s.boosters;
      s.dn = s.counted_doses;
      // EU encoding: boosters after a one-dose series are n/1, after longer series n/n.
      s.sd = s.primary_required == 1 ? 1 : s.counted_doses;
    } else {
      if (p->primary_doses == 1 || s.counted_doses >= s.primary_required) {
        primary_complete = true;
        // A one-dose product closes the series at this dose.
        if (p->primary_doses == 1) s.primary_required = s.counted_doses;
      }
      s.dn = s.counted_doses;
      s.sd = s.primary_required;
    }
    last_product = p;
    last_date = d.date;
  }
  if (s.counted_doses == 0) {
    s.status = VaccinationStatus::kNone;
    return s;
  }
  if (!primary_complete) {
    s.status = VaccinationStatus::kPartlyVaccinated;
    s.next_due = last_date + std::chrono::days(last_product->min_interval_days);
  } else {
    s.status = s.boosters > 0 ? VaccinationStatus::kBoosted : VaccinationStatus::kFullyVaccinated;
    s.next_due = last_date + std::chrono::days(last_product->booster_min_days);
  }
  return s;
}

}  // namespace vaxreg::registry
