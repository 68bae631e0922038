#include "certs/fhir/ddcc_document.h"

#include <algorithm>

#include <boost/json.hpp>

#include "certs/codec/base45.h"
#include "certs/codec/cose.h"
#include "certs/codec/cwt.h"
#include "certs/codec/zlib_codec.h"
#include "certs/dcc/value_sets.h"
#include "certs/fhir/fhir_resources.h"

namespace vaxreg::certs::fhir {
namespace json = boost::json;

namespace {

constexpr std::string_view kIcd11System = "http://id.who.int/icd11/mms";
constexpr std::string_view kLoincSystem = "http://loinc.org";
constexpr std::string_view kCountrySystem = "urn:iso:std:iso:3166";
constexpr std::string_view kDccMpSystem = "https://ec.europa.eu/health/documents/community-register/html/";
constexpr std::string_view kDccMaSystem = "https://spor.ema.europa.eu/v1/organisations";

// ICD-11 MMS code of the DDCC vaccine value set for a DCC vaccine type `vp` (SNOMED CT, or ATC
// J07BX03); the DDCC's own coding, beside which the DCC's code is kept.
std::string_view Icd11VaccineFor(std::string_view vp) {
  struct Entry {
    std::string_view vp, icd11;
  };
  static constexpr Entry kMap[] = {
      {"1119349007", "XM0GQ8"},      // mRNA
      {"1119305005", "XM5JC5"},      // antigen (protein subunit)
      {"1162643001", "XM5JC5"},      // recombinant spike protein
      {"1157024006", "XM1NL1"},      // inactivated whole virus
      {"29061000087103", "XM9QW8"},  // non-replicating viral vector
      {"30141000087107", "XM5DF6"},  // virus-like particle
      {"1187593009", "XM6AT1"},      // DNA
      {"28531000087107", "XM68M6"},  // COVID-19 vaccine, unspecified
      {"J07BX03", "XM68M6"},
  };
  for (const Entry& e : kMap) {
    if (e.vp == vp) return e.icd11;
  }
  return "XM68M6";
}

std::string_view Str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

int64_t Int(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return 0;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
  if (v->is_double()) return static_cast<int64_t>(v->get_double());
  return 0;
}

json::object Coding(std::string_view system, std::string_view code, std::string_view display) {
  json::object c{{"system", system}, {"code", code}};
  if (!display.empty()) c["display"] = display;
  return c;
}

json::object Profiled(std::string_view type, std::string_view profile) {
  return json::object{{"resourceType", type},
                      {"meta", json::object{{"profile", json::array{profile}}}}};
}

// The counted dose the DCC entry describes: its number and the day (Vietnam time, as the DCC's
// dt) it was given.
const registry::Dose* RecordedDose(std::span<const registry::Dose> doses, int64_t dn,
                                   std::string_view dt) {
  for (const registry::Dose& d : doses) {
    if (d.Counts() && d.dose_number == dn && registry::FormatDay(registry::DayOf(d.administered_at)) == dt) {
      return &d;
    }
  }
  return nullptr;
}

Result<CwtClaims> ReadHc1(std::string_view hc1) {
  if (!hc1.starts_with("HC1:")) return InvalidArgumentError("the certificate is not an HC1 text");
  ASSIGN_OR_RETURN(std::string compressed, Base45Decode(hc1.substr(4)));
  ASSIGN_OR_RETURN(std::string cose_bytes, Inflate(compressed));
  ASSIGN_OR_RETURN(CoseSign1 cose, ParseCoseSign1(cose_bytes));
  return DecodeCwt(cose.payload);
}

}  // namespace

Result<json::object> DdccDocument(const DdccInput& in) {
  if (in.person == nullptr) return InvalidArgumentError("no holder");
  ASSIGN_OR_RETURN(CwtClaims claims, ReadHc1(in.hc1));
  const json::object* dcc = claims.dcc.if_object();
  const json::value* vs = dcc != nullptr ? dcc->if_contains("v") : nullptr;
  if (vs == nullptr || !vs->is_array() || vs->get_array().empty()) {
    return InvalidArgumentError("the certificate has no vaccination entry");
  }
  const ValueSets& sets = ValueSets::Embedded();
  const std::string base(in.base);
  const std::string patient_url = base + "/Patient/" + std::to_string(in.person->id);
  const std::string organization_url = base + "/Organization/issuer";
  const std::string document_id = "certificate-" + std::to_string(in.certificate_id);

  // The Patient as the certificate names them, with the registry's identifier and gender.
  json::object patient = Profiled("Patient", kDdccPatientProfile);
  patient["id"] = std::to_string(in.person->id);
  const json::object registry_patient = PatientResource(*in.person);
  if (const json::value* ids = registry_patient.if_contains("identifier")) {
    patient["identifier"] = *ids;
  }
  patient["name"] = registry_patient.at("name");
  patient["gender"] = registry_patient.at("gender");
  std::string_view dob = dcc != nullptr ? Str(*dcc, "dob") : std::string_view();
  if (!dob.empty()) patient["birthDate"] = dob;

  json::object organization = Profiled("Organization", kDdccOrganizationProfile);
  organization["id"] = "issuer";
  std::string_view country;
  json::array entries;
  json::array sections;
  json::array immunizations;
  int n = 0;
  std::string hcid;
  for (const json::value& entry : vs->get_array()) {
    const json::object* v = entry.if_object();
    if (v == nullptr) continue;
    ++n;
    const std::string url = base + "/Immunization/" + document_id + "-" + std::to_string(n);
    if (hcid.empty()) hcid = std::string(Str(*v, "ci"));
    if (country.empty()) country = Str(*v, "co");
    if (!organization.contains("name")) {
      organization["name"] = in.issuer_name.empty() ? Str(*v, "is") : in.issuer_name;
    }
    const std::string_view vp = Str(*v, "vp");
    const std::string_view mp = Str(*v, "mp");
    const std::string_view ma = Str(*v, "ma");
    const std::string_view tg = Str(*v, "tg");
    json::object imm = Profiled("Immunization", kDdccImmunizationProfile);
    imm["id"] = document_id + "-" + std::to_string(n);
    imm["extension"] = json::array{
        json::object{{"url", std::string(kDdccBase) + "/StructureDefinition/DDCCEventBrand"},
                     {"valueCoding",
                      Coding(kDccMpSystem, mp, sets.Display(kValueSetVaccineProduct, mp))}},
        json::object{
            {"url", std::string(kDdccBase) + "/StructureDefinition/DDCCVaccineMarketAuthorization"},
            {"valueCoding", Coding(kDccMaSystem, ma, sets.Display(kValueSetVaccineManufacturer, ma))}},
        json::object{{"url", std::string(kDdccBase) + "/StructureDefinition/DDCCCountryOfEvent"},
                     {"valueCode", Str(*v, "co")}}};
    imm["status"] = "completed";
    imm["vaccineCode"] = json::object{
        {"coding",
         json::array{Coding(kIcd11System, Icd11VaccineFor(vp), ""),
                     Coding(vp.starts_with("J07") ? "http://www.whocc.no/atc" : kSnomedSystem, vp,
                            sets.Display(kValueSetVaccineProphylaxis, vp))}}};
    imm["patient"] = json::object{{"reference", patient_url}};
    imm["occurrenceDateTime"] = Str(*v, "dt");
    const registry::Dose* recorded = RecordedDose(in.doses, Int(*v, "dn"), Str(*v, "dt"));
    if (recorded != nullptr && !recorded->lot.empty()) imm["lotNumber"] = recorded->lot;
    imm["location"] = json::object{
        {"display", recorded != nullptr && !recorded->facility_code.empty()
                        ? std::string_view(recorded->facility_code)
                        : Str(*v, "co")}};
    imm["performer"] = json::array{
        json::object{{"actor", json::object{{"reference", organization_url}}}}};
    json::object protocol{
        {"authority", json::object{{"reference", organization_url}}},
        {"targetDisease",
         json::array{json::object{
             {"coding", json::array{Coding(kIcd11System, "RA01", "COVID-19"),
                                    Coding(kSnomedSystem, tg,
                                           sets.Display(kValueSetDisease, tg))}}}}},
        {"doseNumberPositiveInt", std::max<int64_t>(1, Int(*v, "dn"))},
        {"seriesDosesPositiveInt", std::max<int64_t>(1, Int(*v, "sd"))}};
    imm["protocolApplied"] = json::array{std::move(protocol)};
    sections.push_back(json::object{
        {"code", json::object{{"coding", json::array{Coding(kLoincSystem, "11369-6",
                                                            "History of Immunization Narrative")}}}},
        {"author", json::array{json::object{{"reference", organization_url}}}},
        {"focus", json::object{{"reference", url}}},
        {"entry", json::array{json::object{{"reference", url}}}}});
    immunizations.push_back(json::object{{"fullUrl", url}, {"resource", std::move(imm)}});
  }
  if (n == 0) return InvalidArgumentError("the certificate has no vaccination entry");
  if (!country.empty()) {
    organization["address"] = json::array{json::object{{"country", country}}};
  }

  json::object composition = Profiled("Composition", kDdccCompositionProfile);
  composition["id"] = document_id;
  composition["identifier"] = json::object{{"system", "urn:ietf:rfc:3986"}, {"value", hcid}};
  composition["status"] = "final";
  composition["type"] = json::object{
      {"coding", json::array{Coding(kLoincSystem, "82593-5", "Immunization summary report")}}};
  composition["category"] = json::array{json::object{
      {"coding", json::array{Coding(std::string(kDdccBase) +
                                        "/CodeSystem/DDCC-Composition-Category-CodeSystem",
                                    "ddcc-vs", "DDCC Vaccination Status")}}}};
  composition["subject"] = json::object{{"reference", patient_url}};
  composition["date"] = FormatIso8601(in.now);
  composition["author"] = json::array{json::object{{"reference", organization_url}}};
  composition["title"] = "International Certificate of Vaccination or Prophylaxis";
  json::object period;
  if (claims.issued_at) period["start"] = FormatIso8601(FromUnixSeconds(*claims.issued_at));
  if (claims.expires_at) period["end"] = FormatIso8601(FromUnixSeconds(*claims.expires_at));
  if (!period.empty()) composition["event"] = json::array{json::object{{"period", period}}};
  composition["section"] = std::move(sections);

  entries.push_back(json::object{{"fullUrl", base + "/Composition/" + document_id},
                                 {"resource", std::move(composition)}});
  entries.push_back(json::object{{"fullUrl", patient_url}, {"resource", std::move(patient)}});
  entries.push_back(
      json::object{{"fullUrl", organization_url}, {"resource", std::move(organization)}});
  for (auto& e : immunizations) entries.push_back(std::move(e));

  json::object bundle = Profiled("Bundle", kDdccDocumentProfile);
  bundle["id"] = document_id;
  // The UVCI is itself a URN ("URN:UVCI:01:VN:..."), so its system is the URI namespace.
  bundle["identifier"] = json::object{{"system", "urn:ietf:rfc:3986"}, {"value", hcid}};
  bundle["type"] = "document";
  bundle["timestamp"] = FormatIso8601(in.now);
  bundle["entry"] = std::move(entries);
  return bundle;
}

}  // namespace vaxreg::certs::fhir
