#pragma once
// The WHO Digital Documentation of COVID-19 Certificates, vaccination status (DDCC:VS, FHIR IG
// canonical http://smart.who.int/ddcc/) of one vaxreg certificate: a Bundle of type "document"
// holding a Composition (LOINC 82593-5), the Patient, the issuing Organization and one
// Immunization per vaccination entry of the certificate's EU DCC, mapped as the IG's DCC
// mapping does: tg -> protocolApplied.targetDisease, vp -> vaccineCode, mp -> brand, ma ->
// market authorization holder, dt -> occurrenceDateTime, dn -> doseNumberPositiveInt, sd ->
// seriesDosesPositiveInt, co -> country of event, ci -> the certificate identifier (hcid),
// is -> the issuer Organization, iat/exp -> the Composition's event period.
//
// The document is built from the signed certificate itself (its HC1 payload), so it states
// exactly what the QR code states; only the lot number and the administering facility, which
// the DCC does not carry, come from the registry's record of that dose. Pure; thread-safe.

#include <boost/json/object.hpp>
#include <span>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"
#include "registry/dose.h"
#include "registry/person.h"

namespace vaxreg::certs::fhir {

inline constexpr std::string_view kDdccBase = "http://smart.who.int/ddcc";
inline constexpr std::string_view kDdccDocumentProfile =
    "http://smart.who.int/ddcc/StructureDefinition/DDCCDocument";
inline constexpr std::string_view kDdccCompositionProfile =
    "http://smart.who.int/ddcc/StructureDefinition/DDCCVSComposition";
inline constexpr std::string_view kDdccPatientProfile =
    "http://smart.who.int/ddcc/StructureDefinition/DDCCPatient";
inline constexpr std::string_view kDdccOrganizationProfile =
    "http://smart.who.int/ddcc/StructureDefinition/DDCCOrganization";
inline constexpr std::string_view kDdccImmunizationProfile =
    "http://smart.who.int/ddcc/StructureDefinition/DDCCImmunization";

struct DdccInput {
  const registry::Person* person = nullptr;  // the holder (identifier, gender)
  std::string_view hc1;                      // the certificate's "HC1:..." text
  std::string_view issuer_name;              // display name of the issuing authority
  std::string_view base;                     // FHIR base URL, no trailing '/'
  int64_t certificate_id = 0;
  SystemTime now;                            // Bundle.timestamp
  // The holder's doses from the registry: the counted dose with the DCC entry's number and date
  // gives the lot number and administering facility, which the DCC does not carry.
  std::span<const registry::Dose> doses;
};

// kInvalidArgument when `hc1` is not a readable EU DCC with a vaccination entry (a stored
// certificate always is; the check guards the decoder, which bounds every size).
Result<boost::json::object> DdccDocument(const DdccInput& in);

}  // namespace vaxreg::certs::fhir
