// FHIR views of registry data and the WHO DDCC:VS document of an issued certificate: the
// mapping each field follows (docs/fhir.md), the statuses of voided and self-declared doses, the
// searchset Bundle's links, and a document that states exactly what the signed DCC states.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>

#include "certs/fhir/ddcc_document.h"
#include "certs/fhir/fhir_resources.h"
#include "certs/issue/dcc_issuer.h"
#include "certs/keys/key_store.h"
#include "common/crypto_util.h"
#include "tests/unit/certs/test_pki.h"

namespace vaxreg::certs::fhir {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using ::vaxreg::certs::testing::Utc;

registry::Person Anh() {
  registry::Person p;
  p.id = 7;
  p.cccd = "001085012345";
  p.full_name = "Nguyễn Văn Ánh";
  p.dob = "1985-04-12";
  p.sex = registry::Sex::kFemale;
  p.province_code = "01";
  p.district_code = "006";
  return p;
}

registry::Dose ComirnatyDose(int64_t id, int n) {
  registry::Dose d;
  d.id = id;
  d.person_id = 7;
  d.vaccine_code = "COMIRNATY";
  d.dose_number = n;
  d.administered_at = 1627779600;  // 2021-08-01T01:00:00Z
  d.facility_code = "HN-BACHMAI";
  d.lot = "FK0042";
  d.source = "facility";
  d.review_status = "none";
  d.status = "active";
  return d;
}

TEST(FhirResources, PatientCarriesIdentityNameAndArea) {
  json::object p = PatientResource(Anh());
  EXPECT_EQ(p.at("resourceType"), "Patient");
  EXPECT_EQ(p.at("id"), "7");
  EXPECT_EQ(p.at("identifier").as_array()[0].at("system").as_string(), kCccdSystem);
  EXPECT_EQ(p.at("identifier").as_array()[0].at("value"), "001085012345");
  const json::object& name = p.at("name").as_array()[0].as_object();
  EXPECT_EQ(name.at("text"), "Nguyễn Văn Ánh");
  EXPECT_EQ(name.at("family"), "Nguyễn");
  EXPECT_EQ(name.at("given"), (json::array{"Văn", "Ánh"}));
  EXPECT_EQ(p.at("gender"), "female");
  EXPECT_EQ(p.at("birthDate"), "1985-04-12");
  EXPECT_EQ(p.at("address").as_array()[0].at("state"), "01");
}

TEST(FhirResources, ImmunizationStatusFollowsTheDose) {
  const auto& catalogue = registry::BuiltInVaccines();
  const auto* comirnaty = FindProduct(catalogue, "COMIRNATY");
  ASSERT_NE(comirnaty, nullptr);
  json::object counted = ImmunizationResource(ComirnatyDose(3, 2), comirnaty);
  EXPECT_EQ(counted.at("status"), "completed");
  EXPECT_EQ(counted.at("primarySource"), true);
  EXPECT_FALSE(counted.contains("reportOrigin"));
  EXPECT_EQ(counted.at("patient").at("reference"), "Patient/7");
  EXPECT_EQ(counted.at("occurrenceDateTime"), "2021-08-01T01:00:00Z");
  EXPECT_EQ(counted.at("lotNumber"), "FK0042");
  EXPECT_EQ(counted.at("vaccineCode").at("coding").as_array()[0].at("system"),
            "http://hl7.org/fhir/sid/cvx");
  const json::object& protocol = counted.at("protocolApplied").as_array()[0].as_object();
  EXPECT_EQ(protocol.at("doseNumberPositiveInt"), 2);
  EXPECT_EQ(protocol.at("seriesDosesPositiveInt"), 2);

  registry::Dose voided = ComirnatyDose(4, 1);
  voided.status = "voided";
  voided.void_reason = "recorded on the wrong person";
  json::object v = ImmunizationResource(voided, comirnaty);
  EXPECT_EQ(v.at("status"), "entered-in-error");
  EXPECT_EQ(v.at("statusReason").at("text"), "recorded on the wrong person");

  registry::Dose declared = ComirnatyDose(5, 3);
  declared.source = "self_declared";
  declared.review_status = "pending";
  json::object d = ImmunizationResource(declared, comirnaty);
  EXPECT_EQ(d.at("status"), "completed");
  EXPECT_EQ(d.at("primarySource"), false);
  EXPECT_EQ(d.at("reportOrigin").at("coding").as_array()[0].at("code"), "record");
  // A booster is past the primary series: no series size.
  EXPECT_FALSE(d.at("protocolApplied").as_array()[0].as_object().contains("seriesDosesPositiveInt"));

  declared.review_status = "rejected";
  EXPECT_EQ(ImmunizationResource(declared, comirnaty).at("status"), "entered-in-error");

  // A product the catalogue no longer has keeps vaxreg's own code.
  json::object unknown = ImmunizationResource(ComirnatyDose(6, 1), nullptr);
  EXPECT_EQ(unknown.at("vaccineCode").at("coding").as_array()[0].at("code"), "COMIRNATY");
}

TEST(FhirResources, SearchsetBundleHasTotalSelfAndNext) {
  SearchPage page;
  page.resources.push_back(PatientResource(Anh()));
  page.total = 3;
  page.self_url = "https://x/fhir/Patient?_id=7";
  page.next_url = "https://x/fhir/Patient?_id=7&_offset=1";
  json::object b = SearchsetBundle("https://x/fhir", page);
  EXPECT_EQ(b.at("type"), "searchset");
  EXPECT_EQ(b.at("total"), 3);
  EXPECT_EQ(b.at("link").as_array().size(), 2u);
  EXPECT_EQ(b.at("link").as_array()[1].at("relation"), "next");
  EXPECT_EQ(b.at("entry").as_array()[0].at("fullUrl"), "https://x/fhir/Patient/7");
  EXPECT_EQ(b.at("entry").as_array()[0].at("search").at("mode"), "match");
  page.next_url.clear();
  EXPECT_EQ(SearchsetBundle("https://x/fhir", page).at("link").as_array().size(), 1u);
}

TEST(FhirResources, OperationOutcomeNamesTheIssueType) {
  EXPECT_EQ(IssueTypeFor(StatusCode::kInvalidArgument), "invalid");
  EXPECT_EQ(IssueTypeFor(StatusCode::kNotFound), "not-found");
  EXPECT_EQ(IssueTypeFor(StatusCode::kFailedPrecondition), "business-rule");
  json::object o = OperationOutcome("invalid", "unknown query parameter 'date'");
  EXPECT_EQ(o.at("resourceType"), "OperationOutcome");
  EXPECT_EQ(o.at("issue").as_array()[0].at("severity"), "error");
}

class DdccDocumentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("vaxreg-ddcc-" + HexEncode(RandomBytes(6)));
    ASSERT_TRUE(KeyStore::Init(dir_, "correct horse battery", Utc(2024, 1, 1)).ok());
    auto ks = KeyStore::Open(dir_, "correct horse battery");
    ASSERT_TRUE(ks.ok());
    keys_ = std::move(*ks);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  KeyStore keys_;
};

TEST_F(DdccDocumentTest, DocumentStatesWhatTheSignedDccStates) {
  DccIssuer issuer(keys_.active_dsc(), registry::BuiltInVaccines());
  IssueRequest request;
  request.full_name = "Nguyễn Văn Ánh";
  request.date_of_birth = "1985-04-12";
  auto day = [](int y, unsigned m, unsigned d) {
    return std::chrono::sys_days(
        std::chrono::year_month_day{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)});
  };
  request.doses = {{"COMIRNATY", day(2021, 8, 1)}, {"COMIRNATY", day(2021, 8, 29)}};
  const SystemTime now = Utc(2024, 3, 10, 9);
  auto issued = issuer.Issue(request, now);
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();

  const registry::Person person = Anh();
  DdccInput in;
  in.person = &person;
  in.hc1 = issued->hc1;
  in.base = "https://vaxreg.example/fhir";
  in.certificate_id = 42;
  in.now = now;
  auto doc = DdccDocument(in);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(doc->at("resourceType"), "Bundle");
  EXPECT_EQ(doc->at("type"), "document");
  EXPECT_EQ(doc->at("identifier").at("value").as_string(), issued->uvci);
  EXPECT_EQ(doc->at("meta").at("profile").as_array()[0].as_string(), kDdccDocumentProfile);
  const json::array& entries = doc->at("entry").as_array();
  ASSERT_EQ(entries.size(), 4u);
  const json::object& composition = entries[0].at("resource").as_object();
  EXPECT_EQ(composition.at("resourceType"), "Composition");
  EXPECT_EQ(composition.at("type").at("coding").as_array()[0].at("code"), "82593-5");
  EXPECT_EQ(composition.at("subject").at("reference"), "https://vaxreg.example/fhir/Patient/7");
  EXPECT_EQ(composition.at("section").as_array().size(), 1u);
  // Validity: iat and exp of the CWT (12 months).
  const json::object& period =
      composition.at("event").as_array()[0].at("period").as_object();
  EXPECT_EQ(period.at("start"), "2024-03-10T09:00:00Z");
  EXPECT_TRUE(std::string(period.at("end").as_string()).starts_with("2025-03-10"));
  const json::object& patient = entries[1].at("resource").as_object();
  EXPECT_EQ(patient.at("name").as_array()[0].at("text"), "Nguyễn Văn Ánh");
  EXPECT_EQ(patient.at("birthDate"), "1985-04-12");
  const json::object& organization = entries[2].at("resource").as_object();
  EXPECT_EQ(organization.at("resourceType"), "Organization");
  EXPECT_FALSE(std::string(organization.at("name").as_string()).empty());
  const json::object& imm = entries[3].at("resource").as_object();
  EXPECT_EQ(imm.at("occurrenceDateTime"), "2021-08-29");
  EXPECT_EQ(imm.at("vaccineCode").at("coding").as_array()[0].at("code"), "XM0GQ8");  // mRNA
  EXPECT_EQ(imm.at("vaccineCode").at("coding").as_array()[1].at("code"), "1119349007");
  bool brand = false;
  for (const auto& e : imm.at("extension").as_array()) {
    if (std::string(e.at("url").as_string()).ends_with("DDCCEventBrand")) {
      brand = true;
      EXPECT_EQ(e.at("valueCoding").at("code"), "EU/1/20/1528");
      EXPECT_EQ(e.at("valueCoding").at("display"), "Comirnaty");
    }
  }
  EXPECT_TRUE(brand);
  const json::object& protocol = imm.at("protocolApplied").as_array()[0].as_object();
  EXPECT_EQ(protocol.at("doseNumberPositiveInt"), 2);
  EXPECT_EQ(protocol.at("seriesDosesPositiveInt"), 2);
  EXPECT_EQ(protocol.at("targetDisease").as_array()[0].at("coding").as_array()[0].at("code"),
            "RA01");
}

TEST_F(DdccDocumentTest, RefusesWhatIsNotACertificate) {
  const registry::Person person = Anh();
  DdccInput in;
  in.person = &person;
  in.base = "https://x/fhir";
  for (std::string_view bad : {"", "HC1:", "HC1:NOT BASE45!", "shc:/0123", "HC1:6BFOXN*TS0BI$ZD"}) {
    in.hc1 = bad;
    EXPECT_FALSE(DdccDocument(in).ok()) << bad;
  }
}

}  // namespace
}  // namespace vaxreg::certs::fhir
