#include "certs/shc/vaccine_codes.h"

namespace vaxreg::certs::shc {
namespace {

struct CvxEntry {
  std::string_view mp;  // DCC medicinal product
  std::string_view cvx;
  std::string_view name;
};

// CVX codes from CDC's code set (the 2xx US codes and the 5xx "Non-US Vaccine" codes).
constexpr CvxEntry kCvx[] = {
    {"EU/1/20/1528", "208", "Comirnaty (Pfizer-BioNTech)"},
    {"EU/1/20/1507", "207", "Spikevax (Moderna)"},
    {"EU/1/21/1529", "210", "Vaxzevria (AstraZeneca)"},
    {"Covishield", "210", "Covishield (AstraZeneca)"},
    {"EU/1/20/1525", "212", "Jcovden (Janssen)"},
    {"EU/1/21/1618", "211", "Nuvaxovid (Novavax)"},
    {"Covaxin", "502", "Covaxin (Bharat Biotech)"},
    {"CoviVac", "503", "CoviVac (Chumakov Centre)"},
    {"Sputnik-Light", "504", "Sputnik Light (Gamaleya)"},
    {"Sputnik-V", "505", "Sputnik V (Gamaleya)"},
    {"Convidecia", "506", "Convidecia (CanSino)"},
    {"EpiVacCorona", "509", "EpiVacCorona (Vector)"},
    {"BBIBP-CorV", "510", "BBIBP-CorV (Sinopharm)"},
    {"CoronaVac", "511", "CoronaVac (Sinovac)"},
};

struct TypeEntry {
  std::string_view code;
  std::string_view name;
};

constexpr TypeEntry kVaccineTypes[] = {
    {"1119349007", "COVID-19 mRNA vaccine"},
    {"1119305005", "COVID-19 antigen vaccine"},
    {"29061000087103", "COVID-19 non-replicating viral vector vaccine"},
    {"1157024006", "COVID-19 inactivated virus vaccine"},
    {"1162643001", "COVID-19 recombinant spike protein vaccine"},
    {"28531000087107", "COVID-19 vaccine"},
    {"J07BX03", "COVID-19 vaccine"},
};

}  // namespace

VaccineCoding VaccineCodingFor(std::string_view mp, std::string_view vp) {
  for (const CvxEntry& e : kCvx) {
    if (e.mp == mp) return {kCvxSystem, std::string(e.cvx)};
  }
  // SNOMED CT identifiers are digits; the DCC value set also holds the ATC code J07BX03.
  const bool atc = !vp.empty() && vp[0] >= 'A' && vp[0] <= 'Z';
  return {atc ? kAtcSystem : kSnomedSystem, std::string(vp)};
}

std::string_view VaccineCodeName(std::string_view system, std::string_view code) {
  if (system == kCvxSystem) {
    for (const CvxEntry& e : kCvx) {
      if (e.cvx == code) return e.name;
    }
  } else if (system == kSnomedSystem || system == kAtcSystem) {
    for (const TypeEntry& e : kVaccineTypes) {
      if (e.code == code) return e.name;
    }
  }
  return {};
}

}  // namespace vaxreg::certs::shc
