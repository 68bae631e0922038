#pragma once
// The FHIR R4 bundle inside a vaxreg SMART Health Card, minimised as the SHC specification asks
// for QR use: a Bundle of type "collection" whose entries are named resource:0, resource:1, ...;
// no Resource.id, meta, text or Coding.display.
//
//   resource:0  Patient       name [{family, given [...]}] (Vietnamese: the first word of the
//                             full name is the family name), birthDate (YYYY-MM-DD or YYYY)
//   resource:N  Immunization  status "completed", vaccineCode (shc/vaccine_codes.h), patient
//                             {reference "resource:0"}, occurrenceDateTime (the day), performer
//                             [{actor {display: facility name}}] and lotNumber when known
//
// One Immunization per counted dose (not voided, not an unverified self-declared dose, of a
// product in the catalogue), oldest first. Pure functions; thread-safe.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "registry/vaccine_catalogue.h"

namespace vaxreg::certs::shc {

struct ShcDose {
  std::string product_code;  // vaxreg catalogue code ("COMIRNATY")
  std::chrono::sys_days date;
  std::string lot;        // "" = left out
  std::string performer;  // the facility's name; "" = left out
  bool voided = false;
  bool self_declared_pending = false;
};

// Appends `s` as a JSON string literal (quotes, backslashes and control characters escaped;
// other UTF-8 as is).
void AppendJsonString(std::string& out, std::string_view s);

// The bundle as minified JSON. kFailedPrecondition when no dose counts; kInvalidArgument for an
// empty or invalid name or a birth date that is neither YYYY-MM-DD nor YYYY.
Result<std::string> BuildShcBundle(std::string_view full_name, std::string_view date_of_birth,
                                   const std::vector<ShcDose>& doses,
                                   const std::vector<registry::VaccineProduct>& catalogue);

}  // namespace vaxreg::certs::shc
