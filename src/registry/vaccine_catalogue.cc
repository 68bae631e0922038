#include "registry/vaccine_catalogue.h"

#include <algorithm>

namespace vaxreg::registry {
namespace {

// DCC value-set codes (eu-digital-green-certificates dgc-testdata value sets) for the products
// above and the other products an admin is likely to add.
constexpr std::string_view kKnownMp[] = {
    "EU/1/20/1528", "EU/1/20/1507", "EU/1/21/1529", "EU/1/20/1525", "Sputnik-V", "Sputnik-Light",
    "BBIBP-CorV",   "CoronaVac",    "Covaxin",      "Covishield",   "Hayat-Vax", "Abdala",
    "Soberana-02",  "Soberana-Plus", "EU/1/21/1618", "Covovax",     "WIBP-CorV", "Convidecia",
    "MVC-COV1901",  "EU/1/22/1709", "Covid-19-recombinant", "R-COVI", "CoviVac", "EpiVacCorona"};
constexpr std::string_view kKnownVp[] = {"1119305005", "1119349007", "1162643001", "1157024006",
                                         "29061000087103", "28531000087107", "30141000087107",
                                         "1187593009", "J07BX03"};

template <size_t N>
bool Contains(const std::string_view (&list)[N], std::string_view v) {
  return std::find(std::begin(list), std::end(list), v) != std::end(list);
}

}  // namespace

const std::vector<VaccineProduct>& BuiltInVaccines() {
  // Intervals follow the Ministry of Health's 2021-2022 guidance: the minimum spacing of primary
  // doses per product, and boosters from 3 months after the primary series.
  static const std::vector<VaccineProduct>* products = new std::vector<VaccineProduct>{
      {"COMIRNATY", "Comirnaty (Pfizer-BioNTech)", "EU/1/20/1528", "ORG-100030215", "1119349007",
       2, 21, 90},
      {"SPIKEVAX", "Spikevax (Moderna)", "EU/1/20/1507", "ORG-100031184", "1119349007", 2, 28, 90},
      {"VAXZEVRIA", "Vaxzevria (AstraZeneca)", "EU/1/21/1529", "ORG-100001699", "29061000087103",
       2, 28, 90},
      {"BBIBP-CORV", "BBIBP-CorV (Sinopharm)", "BBIBP-CorV", "ORG-100020693", "1157024006", 2, 21,
       90},
      {"SPUTNIK-V", "Sputnik V (Gamaleya)", "Sputnik-V", "Gamaleya-Research-Institute",
       "29061000087103", 2, 21, 90},
      {"ABDALA", "Abdala (CIGB)", "Abdala", "CIGB", "1162643001", 3, 14, 90},
      {"HAYAT-VAX", "Hayat-Vax (Gulf Pharmaceutical Industries)", "Hayat-Vax", "ORG-100023050",
       "1157024006", 2, 21, 90},
      {"COVAXIN", "Covaxin (Bharat Biotech)", "Covaxin", "Bharat-Biotech", "1157024006", 2, 28,
       90},
      {"JANSSEN", "Jcovden (Janssen)", "EU/1/20/1525", "ORG-100001417", "29061000087103", 1, 0,
       60},
  };
  return *products;
}

Status ValidateVaccineProduct(const VaccineProduct& p) {
  if (p.code.size() < 2 || p.code.size() > 32 ||
      p.code.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != std::string::npos) {
    return InvalidArgumentError("code must be 2-32 of A-Z, 0-9, '_' or '-'", "code");
  }
  if (p.name.empty() || p.name.size() > 200) {
    return InvalidArgumentError("name must be 1-200 bytes", "name");
  }
  if (!Contains(kKnownMp, p.mp)) {
    return InvalidArgumentError("mp '" + p.mp + "' is not in the DCC medicinal-product value set",
                                "mp");
  }
  if (!Contains(kKnownVp, p.vp)) {
    return InvalidArgumentError("vp '" + p.vp + "' is not in the DCC vaccine/prophylaxis value set",
                                "vp");
  }
  if (p.ma.empty() || p.ma.size() > 80) return InvalidArgumentError("ma is required", "ma");
  if (p.primary_doses < 1 || p.primary_doses > 5) {
    return InvalidArgumentError("primary_doses must be 1-5", "primary_doses");
  }
  if (p.min_interval_days < 0 || p.min_interval_days > 365) {
    return InvalidArgumentError("min_interval_days must be 0-365", "min_interval_days");
  }
  if (p.booster_min_days < 0 || p.booster_min_days > 365) {
    return InvalidArgumentError("booster_min_days must be 0-365", "booster_min_days");
  }
  return Status::Ok();
}

}  // namespace vaxreg::registry
