#pragma once
// The vaccineCode of an SHC Immunization for a vaxreg vaccine product, and display names for the
// codes vaxreg writes. SMART Health Cards name COVID-19 vaccines by CVX code (CDC's "codes for
// vaccines administered", which has codes for the non-US products too: 500-511); a product
// without a CVX code of its own (Abdala, Hayat-Vax, products admins add) is named by its DCC
// vaccine type `vp`, a SNOMED CT code (or, for J07BX03, an ATC code), which the SHC immunization
// value set also allows. Pure functions; thread-safe.

#include <string>
#include <string_view>

namespace vaxreg::certs::shc {

inline constexpr std::string_view kCvxSystem = "http://hl7.org/fhir/sid/cvx";
inline constexpr std::string_view kSnomedSystem = "http://snomed.info/sct";
inline constexpr std::string_view kAtcSystem = "http://www.whocc.no/atc";

struct VaccineCoding {
  std::string_view system;
  std::string code;
};

// By the product's DCC medicinal product `mp` ("EU/1/20/1528" -> CVX 208), else its `vp`.
VaccineCoding VaccineCodingFor(std::string_view mp, std::string_view vp);

// "Comirnaty (Pfizer-BioNTech)" for CVX 208, "COVID-19 mRNA vaccine" for SNOMED 1119349007, ...;
// "" for a code vaxreg does not write.
std::string_view VaccineCodeName(std::string_view system, std::string_view code);

}  // namespace vaxreg::certs::shc
