#pragma once
// FHIR R4 (4.0.1) views of registry data for the /fhir routes: Patient, Immunization, the
// searchset Bundle, the server's CapabilityStatement and OperationOutcome. Pure functions of
// their arguments; thread-safe. Resources carry ids and references relative to the FHIR base
// ("Patient/12"); `base` (no trailing '/') makes the absolute fullUrl and link URLs.
//
// Mapping (docs/fhir.md):
//   Person   -> Patient: identifier (CCCD, CMND, passport), name (text, family, given), gender,
//               birthDate, address (the GSO codes of province, district, commune).
//   Dose     -> Immunization: status completed (entered-in-error when voided or a rejected
//               self-declaration), vaccineCode (CVX, else the DCC's SNOMED/ATC vp), patient,
//               occurrenceDateTime, recorded, primarySource (false for self-declared doses, with
//               reportOrigin "record"), lotNumber, location and performer (the facility),
//               protocolApplied (target disease COVID-19, dose number, series doses).

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "registry/dose.h"
#include "registry/person.h"
#include "registry/vaccine_catalogue.h"

namespace vaxreg::certs::fhir {

inline constexpr std::string_view kFhirVersion = "4.0.1";
inline constexpr std::string_view kFhirJsonType = "application/fhir+json";
// Identifier systems of Vietnamese identity documents (national citizen identity card, the old
// 9-digit identity card, passport).
inline constexpr std::string_view kCccdSystem = "urn:vn:moh:cccd";
inline constexpr std::string_view kCmndSystem = "urn:vn:moh:cmnd";
inline constexpr std::string_view kPassportSystem = "urn:vn:moh:passport";
inline constexpr std::string_view kSnomedSystem = "http://snomed.info/sct";
inline constexpr std::string_view kSnomedCovid19 = "840539006";

boost::json::object PatientResource(const registry::Person& person);

// `product` is the catalogue entry of dose.vaccine_code, or nullptr when the catalogue no longer
// has it (the vaccineCode then carries vaxreg's own code under kVaxregVaccineSystem).
boost::json::object ImmunizationResource(const registry::Dose& dose,
                                         const registry::VaccineProduct* product);
inline constexpr std::string_view kVaxregVaccineSystem = "urn:vn:moh:vaccine";

// The catalogue entry with `code`, or nullptr.
const registry::VaccineProduct* FindProduct(const std::vector<registry::VaccineProduct>& catalogue,
                                            std::string_view code);

struct SearchPage {
  std::vector<boost::json::object> resources;  // this page, each with resourceType and id
  int64_t total = 0;                           // matches over every page
  std::string self_url;                        // absolute
  std::string next_url;                        // absolute; empty on the last page
};
// Bundle type searchset: total, link self (and next), entry fullUrl + resource + search.mode.
boost::json::object SearchsetBundle(std::string_view base, const SearchPage& page);

// The CapabilityStatement of GET [base]/metadata: what this server reads, searches and operates.
boost::json::object CapabilityStatement(std::string_view base, std::string_view software_version,
                                        SystemTime now);

// An OperationOutcome with one error issue; `code` is a FHIR issue type ("invalid",
// "not-found", "forbidden", "business-rule", "transient", "processing", ...).
boost::json::object OperationOutcome(std::string_view code, std::string_view diagnostics);
// The issue type for a Status code.
std::string_view IssueTypeFor(StatusCode code);

}  // namespace vaxreg::certs::fhir
