// FHIR R4 over HTTP (on SQLite, and on PostgreSQL as fhir_api_test_pg): the CapabilityStatement,
// Patient and Immunization read and search with paging (total, next), a self-declared dose as
// primarySource=false, errors as OperationOutcome (an unknown search parameter is refused), the
// access rules of /api/v1 (a citizen reads only their own record), and $generateHealthCertificate
// answering a WHO DDCC:VS document that states what the person's signed certificate states.

#include <boost/json.hpp>

#include "api_fixture.h"
#include "registry/dose.h"
#include "registry/vaccine_catalogue.h"
#include "registry_fixture.h"

namespace vaxreg::testing {
namespace {

namespace http_ = boost::beast::http;
namespace json = boost::json;

constexpr char kCitizen[] = "001090012345";  // person 1 of the registry fixture
constexpr char kOtherCitizen[] = "001090100000";  // person 2

class FhirApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    SeedRegistryFixture(*runtime_, 1);  // person 1 with one Comirnaty dose; person 2 without
    CreateAccount("fhir.staff", auth::Role::kFacilityStaff);
    staff_ = Login("fhir.staff", auth::Role::kFacilityStaff);
    CreateAccount("fhir.signer", auth::Role::kSigner);
    signer_ = Login("fhir.signer", auth::Role::kSigner);
    auto second = client_->Post(
        "/api/v1/doses",
        R"({"person_id":1,"vaccine":"COMIRNATY","dose_number":2,"lot":"FK0042",)"
        R"("administered_at":"2021-08-29T09:00:00+07:00","facility_code":"HN-BACHMAI"})",
        staff_);
    ASSERT_EQ(second.status, 201) << second.body;
    // A booster the person declared themselves, not yet reviewed.
    Status st = runtime_->writer().SubmitAndWait([](storage::Connection& c) {
      registry::NewDose d;
      d.person_id = 1;
      d.vaccine_code = "SPIKEVAX";
      d.dose_number = 3;
      d.administered_at = 1640995200;  // 2022-01-01
      d.facility_code = "HN-OTHER";
      d.source = "self_declared";
      return registry::RecordDose(c, SystemClock::Get(), registry::BuiltInVaccines(), d,
                                  registry::DoseWriter::System("test"))
          .status();
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
    CreateAccount(kCitizen, auth::Role::kCitizen);
    citizen_ = Login(kCitizen, auth::Role::kCitizen);
  }

  // A FHIR answer: checks the content type and parses the body.
  json::object Fhir(const TestResponse& r, int status) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.headers.count("Content-Type") ? r.headers.at("Content-Type") : "",
              "application/fhir+json")
        << r.body;
    return r.Json().as_object();
  }

  std::string staff_, signer_, citizen_;
};

TEST_F(FhirApiTest, MetadataIsAPublicR4CapabilityStatement) {
  json::object cs = Fhir(client_->Get("/fhir/metadata"), 200);
  EXPECT_EQ(cs.at("resourceType"), "CapabilityStatement");
  EXPECT_EQ(cs.at("fhirVersion"), "4.0.1");
  EXPECT_EQ(cs.at("kind"), "instance");
  std::set<std::string> types;
  for (const auto& r : cs.at("rest").as_array()[0].at("resource").as_array()) {
    types.insert(std::string(r.at("type").as_string()));
  }
  EXPECT_EQ(types, (std::set<std::string>{"Patient", "Immunization"}));
}

TEST_F(FhirApiTest, PatientReadAndSearchByIdentifier) {
  json::object p = Fhir(client_->Get("/fhir/Patient/1", staff_), 200);
  EXPECT_EQ(p.at("resourceType"), "Patient");
  EXPECT_EQ(p.at("id"), "1");
  EXPECT_EQ(p.at("name").as_array()[0].at("text"), "Nguyễn Văn An");
  EXPECT_EQ(p.at("name").as_array()[0].at("family"), "Nguyễn");
  EXPECT_EQ(p.at("identifier").as_array()[0].at("value").as_string(), kCitizen);

  json::object found =
      Fhir(client_->Get("/fhir/Patient?identifier=urn:vn:moh:cccd%7C001090012345", staff_), 200);
  EXPECT_EQ(found.at("resourceType"), "Bundle");
  EXPECT_EQ(found.at("type"), "searchset");
  EXPECT_EQ(found.at("total"), 1);
  EXPECT_EQ(found.at("entry").as_array()[0].at("resource").at("id"), "1");
  EXPECT_NE(std::string(found.at("entry").as_array()[0].at("fullUrl").as_string())
                .find("/fhir/Patient/1"),
            std::string::npos);

  json::object none = Fhir(client_->Get("/fhir/Patient?identifier=079999999999", staff_), 200);
  EXPECT_EQ(none.at("total"), 0);
  EXPECT_FALSE(none.contains("entry"));
}

TEST_F(FhirApiTest, ImmunizationSearchPagesWithTotalAndNext) {
  json::object page1 = Fhir(client_->Get("/fhir/Immunization?patient=Patient/1&_count=2", staff_),
                            200);
  EXPECT_EQ(page1.at("total"), 3);
  ASSERT_EQ(page1.at("entry").as_array().size(), 2u);
  std::string next;
  for (const auto& l : page1.at("link").as_array()) {
    if (l.at("relation") == "next") next = std::string(l.at("url").as_string());
  }
  ASSERT_FALSE(next.empty()) << page1;
  // The next link is absolute; follow its path and query on this server.
  const size_t path = next.find("/fhir/");
  ASSERT_NE(path, std::string::npos);
  json::object page2 = Fhir(client_->Get(next.substr(path), staff_), 200);
  ASSERT_EQ(page2.at("entry").as_array().size(), 1u);
  for (const auto& l : page2.at("link").as_array()) EXPECT_NE(l.at("relation"), "next");

  const json::object& facility_dose = page1.at("entry").as_array()[0].at("resource").as_object();
  EXPECT_EQ(facility_dose.at("status"), "completed");
  EXPECT_EQ(facility_dose.at("primarySource"), true);
  EXPECT_EQ(facility_dose.at("patient").at("reference"), "Patient/1");
  EXPECT_EQ(facility_dose.at("vaccineCode").at("coding").as_array()[0].at("code"), "208");
  EXPECT_EQ(facility_dose.at("protocolApplied").as_array()[0].at("doseNumberPositiveInt"), 1);
  const json::object& declared = page2.at("entry").as_array()[0].at("resource").as_object();
  EXPECT_EQ(declared.at("primarySource"), false);
  EXPECT_EQ(declared.at("reportOrigin").at("coding").as_array()[0].at("code"), "record");

  // Read one dose by its id.
  const std::string id(facility_dose.at("id").as_string());
  json::object one = Fhir(client_->Get("/fhir/Immunization/" + id, staff_), 200);
  EXPECT_EQ(one.at("id").as_string(), id);
}

TEST_F(FhirApiTest, ErrorsAreOperationOutcomes) {
  json::object unknown =
      Fhir(client_->Get("/fhir/Immunization?patient=1&date=2021", staff_), 400);
  EXPECT_EQ(unknown.at("resourceType"), "OperationOutcome");
  EXPECT_EQ(unknown.at("issue").as_array()[0].at("code"), "invalid");
  EXPECT_NE(std::string(unknown.at("issue").as_array()[0].at("diagnostics").as_string())
                .find("date"),
            std::string::npos);
  Fhir(client_->Get("/fhir/Immunization", staff_), 400);
  Fhir(client_->Get("/fhir/Immunization?patient=1&_count=0", staff_), 400);
  Fhir(client_->Get("/fhir/Patient", staff_), 400);
  json::object missing = Fhir(client_->Get("/fhir/Patient/999999", staff_), 404);
  EXPECT_EQ(missing.at("issue").as_array()[0].at("code"), "not-found");
  Fhir(client_->Get("/fhir/Immunization/999999", staff_), 404);
}

TEST_F(FhirApiTest, CitizensReadOnlyTheirOwnRecord) {
  Fhir(client_->Get("/fhir/Patient/1", citizen_), 200);
  json::object own = Fhir(client_->Get("/fhir/Immunization?patient=1", citizen_), 200);
  EXPECT_EQ(own.at("total"), 3);
  // Someone else's record is "not found" to a citizen; their search is empty.
  Fhir(client_->Get("/fhir/Patient/2", citizen_), 404);
  json::object other = Fhir(client_->Get("/fhir/Immunization?patient=2", citizen_), 200);
  EXPECT_EQ(other.at("total"), 0);
  // Without a token: 401.
  EXPECT_EQ(client_->Get("/fhir/Patient/1").status, 401);
  // Citizens do not search the register.
  EXPECT_EQ(client_->Get("/fhir/Patient?identifier=" + std::string(kOtherCitizen), citizen_).status,
            403);
}

TEST_F(FhirApiTest, GenerateHealthCertificateAnswersADdccDocumentOfTheSignedCertificate) {
  const std::string op = "/fhir/Patient/1/$generateHealthCertificate";
  const std::string params = R"({"resourceType":"Parameters","parameter":[]})";
  // No certificate yet: the rule is broken, 422.
  json::object before = Fhir(client_->Post(op, params, citizen_), 422);
  EXPECT_EQ(before.at("issue").as_array()[0].at("code"), "business-rule");

  ASSERT_EQ(client_->Post("/api/v1/facilities/HN-BACHMAI/sign-doses", "{}", staff_).status, 200);
  auto issued = client_->Post("/api/v1/certificates", R"({"person_id":1})", signer_);
  ASSERT_EQ(issued.status, 201) << issued.body;
  const std::string uvci(issued.Json().at("uvci").as_string());

  json::object doc = Fhir(client_->Post(op, params, citizen_), 200);
  EXPECT_EQ(doc.at("resourceType"), "Bundle");
  EXPECT_EQ(doc.at("type"), "document");
  EXPECT_EQ(doc.at("identifier").at("value").as_string(), uvci);
  const json::array& entries = doc.at("entry").as_array();
  ASSERT_GE(entries.size(), 4u);
  const json::object& composition = entries[0].at("resource").as_object();
  EXPECT_EQ(composition.at("resourceType"), "Composition");
  EXPECT_EQ(composition.at("type").at("coding").as_array()[0].at("code"), "82593-5");
  EXPECT_EQ(composition.at("identifier").at("value").as_string(), uvci);
  std::map<std::string, int> types;
  for (const auto& e : entries) ++types[std::string(e.at("resource").at("resourceType").as_string())];
  EXPECT_EQ(types["Patient"], 1);
  EXPECT_EQ(types["Organization"], 1);
  EXPECT_EQ(types["Immunization"], 1);  // the certificate's vaccination entry: dose 2 of 2
  for (const auto& e : entries) {
    const json::object& r = e.at("resource").as_object();
    if (r.at("resourceType") == "Patient") {
      EXPECT_EQ(r.at("name").as_array()[0].at("text"), "Nguyễn Văn An");
    }
    if (r.at("resourceType") != "Immunization") continue;
    const json::object& protocol = r.at("protocolApplied").as_array()[0].as_object();
    EXPECT_EQ(protocol.at("doseNumberPositiveInt"), 2);
    EXPECT_EQ(protocol.at("seriesDosesPositiveInt"), 2);
    EXPECT_EQ(r.at("occurrenceDateTime"), "2021-08-29");
    // The lot and the facility come from the registry's record of that dose.
    EXPECT_EQ(r.at("lotNumber"), "FK0042");
    EXPECT_EQ(r.at("location").at("display"), "HN-BACHMAI");
  }
  // Signers too; the empty body is accepted; other citizens and staff are not.
  Fhir(client_->Post(op, "", signer_), 200);
  EXPECT_EQ(client_->Post(op, params, staff_).status, 403);
  Fhir(client_->Post(op, R"({"resourceType":"Patient"})", signer_), 400);
}

}  // namespace
}  // namespace vaxreg::testing
