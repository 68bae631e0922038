#include "certs/fhir/fhir_resources.h"

#include <boost/json.hpp>

#include "certs/issue/dcc_issuer.h"
#include "certs/shc/vaccine_codes.h"

namespace vaxreg::certs::fhir {
namespace json = boost::json;

namespace {

json::object Identifier(std::string_view system, std::string_view value) {
  return json::object{{"system", system}, {"value", value}};
}

json::object Coding(std::string_view system, std::string_view code, std::string_view display) {
  json::object c{{"system", system}, {"code", code}};
  if (!display.empty()) c["display"] = display;
  return c;
}

json::object CodeableConcept(json::object coding) {
  return json::object{{"coding", json::array{std::move(coding)}}};
}

json::object Reference(std::string_view type, int64_t id) {
  return json::object{{"reference", std::string(type) + "/" + std::to_string(id)}};
}

// A counted dose is "completed"; a voided dose or a rejected self-declaration did not happen as
// recorded, which FHIR calls entered-in-error.
std::string_view ImmunizationStatus(const registry::Dose& d) {
  if (d.status != "active" || d.review_status == "rejected") return "entered-in-error";
  return "completed";
}

}  // namespace

const registry::VaccineProduct* FindProduct(const std::vector<registry::VaccineProduct>& catalogue,
                                            std::string_view code) {
  for (const auto& p : catalogue) {
    if (p.code == code) return &p;
  }
  return nullptr;
}

json::object PatientResource(const registry::Person& p) {
  json::array identifiers;
  if (!p.cccd.empty()) identifiers.push_back(Identifier(kCccdSystem, p.cccd));
  if (!p.cmnd.empty()) identifiers.push_back(Identifier(kCmndSystem, p.cmnd));
  if (!p.passport.empty()) identifiers.push_back(Identifier(kPassportSystem, p.passport));
  json::object name{{"use", "official"}, {"text", p.full_name}};
  if (auto split = SplitVietnameseName(p.full_name); split.ok()) {
    name["family"] = split->first;
    if (!split->second.empty()) {
      json::array given;
      std::string_view rest = split->second;
      while (!rest.empty()) {
        const size_t space = rest.find(' ');
        if (space != 0) given.emplace_back(rest.substr(0, space));
        rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
      }
      name["given"] = std::move(given);
    }
  }
  json::object out{{"resourceType", "Patient"}, {"id", std::to_string(p.id)}};
  if (!identifiers.empty()) out["identifier"] = std::move(identifiers);
  out["name"] = json::array{std::move(name)};
  out["gender"] = registry::SexCode(p.sex) == "F" ? "female" : "male";
  out["birthDate"] = p.dob;
  if (!p.province_code.empty()) {
    json::object address{{"use", "home"}, {"country", "VN"}, {"state", p.province_code}};
    if (!p.district_code.empty()) address["district"] = p.district_code;
    if (!p.commune_code.empty()) address["city"] = p.commune_code;
    out["address"] = json::array{std::move(address)};
  }
  return out;
}

json::object ImmunizationResource(const registry::Dose& d, const registry::VaccineProduct* product) {
  json::object out{{"resourceType", "Immunization"},
                   {"id", std::to_string(d.id)},
                   {"status", ImmunizationStatus(d)}};
  if (product != nullptr) {
    const shc::VaccineCoding coding = shc::VaccineCodingFor(product->mp, product->vp);
    std::string_view display = shc::VaccineCodeName(coding.system, coding.code);
    out["vaccineCode"] = json::object{
        {"coding", json::array{Coding(coding.system, coding.code, display)}},
        {"text", product->name}};
  } else {
    out["vaccineCode"] = CodeableConcept(Coding(kVaxregVaccineSystem, d.vaccine_code, ""));
  }
  out["patient"] = Reference("Patient", d.person_id);
  out["occurrenceDateTime"] = FormatIso8601(FromUnixSeconds(d.administered_at));
  if (d.created_at > 0) out["recorded"] = FormatIso8601(FromUnixSeconds(d.created_at));
  const bool self_declared = d.source != "facility";
  out["primarySource"] = !self_declared;
  if (self_declared) {
    out["reportOrigin"] = CodeableConcept(Coding(
        "http://terminology.hl7.org/CodeSystem/immunization-origin", "record", "Written Record"));
  }
  if (!d.lot.empty()) out["lotNumber"] = d.lot;
  if (!d.facility_code.empty()) {
    json::object facility{{"identifier", Identifier("urn:vn:moh:facility", d.facility_code)},
                          {"display", d.facility_code}};
    out["location"] = facility;
    out["performer"] = json::array{json::object{{"actor", std::move(facility)}}};
  }
  if (d.status != "active" && !d.void_reason.empty()) {
    out["statusReason"] = json::object{{"text", d.void_reason}};
  }
  json::object protocol{
      {"targetDisease",
       json::array{CodeableConcept(Coding(kSnomedSystem, kSnomedCovid19, "COVID-19"))}},
      {"doseNumberPositiveInt", d.dose_number > 0 ? d.dose_number : 1}};
  if (product != nullptr && d.dose_number <= product->primary_doses) {
    protocol["seriesDosesPositiveInt"] = product->primary_doses;
  }
  out["protocolApplied"] = json::array{std::move(protocol)};
  return out;
}

json::object SearchsetBundle(std::string_view base, const SearchPage& page) {
  json::array links{json::object{{"relation", "self"}, {"url", page.self_url}}};
  if (!page.next_url.empty()) {
    links.push_back(json::object{{"relation", "next"}, {"url", page.next_url}});
  }
  json::array entries;
  for (const json::object& r : page.resources) {
    const std::string full_url = std::string(base) + "/" +
                                 std::string(r.at("resourceType").as_string()) + "/" +
                                 std::string(r.at("id").as_string());
    entries.push_back(json::object{{"fullUrl", full_url},
                                   {"resource", r},
                                   {"search", json::object{{"mode", "match"}}}});
  }
  json::object out{{"resourceType", "Bundle"}, {"type", "searchset"}, {"total", page.total},
                   {"link", std::move(links)}};
  if (!entries.empty()) out["entry"] = std::move(entries);
  return out;
}

json::object CapabilityStatement(std::string_view base, std::string_view software_version,
                                 SystemTime now) {
  auto search_param = [](std::string_view name, std::string_view type, std::string_view doc) {
    return json::object{{"name", name}, {"type", type}, {"documentation", doc}};
  };
  json::object patient{
      {"type", "Patient"},
      {"interaction", json::array{json::object{{"code", "read"}},
                                  json::object{{"code", "search-type"}}}},
      {"searchParam",
       json::array{search_param("identifier", "token",
                                "a CCCD, CMND or passport number (system|value or value)"),
                   search_param("_id", "token", "the Patient id")}},
      {"operation",
       json::array{
           json::object{{"name", "generateHealthCertificate"},
                        {"definition",
                         "http://smart.who.int/ddcc/OperationDefinition/generateHealthCertificate"},
                        {"documentation",
                         "POST [base]/Patient/{id}/$generateHealthCertificate: the person's "
                         "current certificate as a WHO DDCC:VS document Bundle"}},
           json::object{{"name", "health-cards-issue"},
                        {"definition",
                         "https://smarthealth.cards/OperationDefinition/health-cards-issue"}}}}};
  json::object immunization{
      {"type", "Immunization"},
      {"interaction", json::array{json::object{{"code", "read"}},
                                  json::object{{"code", "search-type"}}}},
      {"searchParam",
       json::array{search_param("patient", "reference", "Patient/{id} or {id} (required)"),
                   search_param("_count", "number", "page size, 1-100 (default 20)"),
                   search_param("_offset", "number", "entries to skip (from the next link)")}}};
  return json::object{
      {"resourceType", "CapabilityStatement"},
      {"status", "active"},
      {"date", FormatIso8601(now)},
      {"kind", "instance"},
      {"software", json::object{{"name", "vaxreg"}, {"version", software_version}}},
      {"implementation", json::object{{"description", "vaxreg FHIR R4 API"}, {"url", base}}},
      {"fhirVersion", kFhirVersion},
      {"format", json::array{"application/fhir+json"}},
      {"rest",
       json::array{json::object{
           {"mode", "server"},
           {"security",
            json::object{{"description",
                          "Bearer token from POST /api/v1/auth/login; the same access rules as "
                          "/api/v1 (citizens read only their own record)"}}},
           {"resource", json::array{std::move(patient), std::move(immunization)}}}}}};
}

std::string_view IssueTypeFor(StatusCode code) {
  switch (code) {
    case StatusCode::kInvalidArgument: return "invalid";
    case StatusCode::kNotFound: return "not-found";
    case StatusCode::kPermissionDenied: return "forbidden";
    case StatusCode::kUnauthenticated: return "login";
    case StatusCode::kFailedPrecondition: return "business-rule";
    case StatusCode::kUnavailable: return "transient";
    case StatusCode::kResourceExhausted: return "throttled";
    case StatusCode::kAlreadyExists: return "duplicate";
    default: return "processing";
  }
}

json::object OperationOutcome(std::string_view code, std::string_view diagnostics) {
  return json::object{
      {"resourceType", "OperationOutcome"},
      {"issue", json::array{json::object{
                    {"severity", "error"}, {"code", code}, {"diagnostics", diagnostics}}}}};
}

}  // namespace vaxreg::certs::fhir
