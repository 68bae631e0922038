#pragma once
// A person's vaccination status from their doses and the products' series rules.
//
// Rules (mixed products allowed, as Viet Nam did):
// - Voided doses never count. Self-declared doses not yet verified are reported as pending and
//   do not count until verified.
// - The primary series needs as many doses as the first counted dose's product requires; a
//   one-dose product (Janssen) completes the series wherever it appears.
// - Every counted dose after the series is complete is a booster.
// Pure function; thread-safe.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "registry/vaccine_catalogue.h"

namespace vaxreg::registry {

enum class VaccinationStatus {
  kNone,                // no counted dose
  kPartlyVaccinated,    // yellow
  kFullyVaccinated,     // green
  kBoosted,             // green, with at least one booster
};

std::string_view VaccinationStatusName(VaccinationStatus s);  // "none", "partly", "fully", "booster"
std::string_view VaccinationStatusColour(VaccinationStatus s);  // "", "yellow", "green", "green"

struct DoseFacts {
  std::string product_code;
  std::chrono::sys_days date;
  bool voided = false;
  bool self_declared_pending = false;
};

struct StatusSummary {
  VaccinationStatus status = VaccinationStatus::kNone;
  int counted_doses = 0;
  int pending_doses = 0;
  int primary_required = 0;   // 0 when no counted dose
  int boosters = 0;
  // The DCC dn/sd pair of the newest counted dose: dn = its number in the person's history,
  // sd = total in the series, following the EU encoding also used by the DCC schema examples:
  // primary doses n/N, boosters after a one-dose series n/1 ("2/1", "3/1"), boosters after a
  // longer series n/n ("3/3", "4/4").
  int dn = 0;
  int sd = 0;
  // Earliest date the next dose may be given, if one is due.
  std::optional<std::chrono::sys_days> next_due;
};

// `doses` in any order; products not in `catalogue` are ignored with their dose (they cannot
// occur for doses that passed validation).
StatusSummary ComputeStatus(std::vector<DoseFacts> doses, const std::vector<VaccineProduct>& catalogue);

}  // namespace vaxreg::registry
