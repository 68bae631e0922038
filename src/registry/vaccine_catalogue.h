#pragma once
// The COVID-19 vaccines used in Viet Nam with their EU DCC codes (value sets
// vaccines-covid-19-names (mp), vaccines-covid-19-auth-holders (ma), sct-vaccines-covid-19 (vp))
// and their series rules. The built-in list is the starting catalogue; admins add products at
// run time (stored in the database) with the same fields. Thread-safe (immutable).

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace vaxreg::registry {

struct VaccineProduct {
  std::string code;          // vaxreg's short code used in CSV imports: "COMIRNATY", "JANSSEN"
  std::string name;          // display name
  std::string mp;            // DCC medicinal product ("EU/1/20/1528")
  std::string ma;            // DCC marketing-authorisation holder ("ORG-100030215")
  std::string vp;            // DCC vaccine/prophylaxis ("1119349007")
  int primary_doses = 2;     // doses in the primary series (1 for Janssen)
  int min_interval_days = 21;  // minimum days between primary doses
  int booster_min_days = 90;   // minimum days from the last dose to a booster
};

// The built-in catalogue: Comirnaty, Spikevax, Vaxzevria, BBIBP-CorV (Sinopharm), Sputnik V,
// Abdala, Hayat-Vax, Covaxin and Janssen.
const std::vector<VaccineProduct>& BuiltInVaccines();

// Checks the fields of a product an admin adds: code [A-Z0-9_-]{2,32}, non-empty name, DCC codes
// present in the value sets vaxreg ships, 1-5 primary doses, intervals 0-365 days.
// kInvalidArgument naming the field.
Status ValidateVaccineProduct(const VaccineProduct& product);

}  // namespace vaxreg::registry
