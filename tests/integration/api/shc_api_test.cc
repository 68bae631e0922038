// SMART Health Cards over HTTP: every certificate issued is also an SHC (in the certificate's
// JSON, as a .smart-health-card file and as a QR code at level L); the key set and revocation
// lists under /.well-known are public with CORS and let a verifier check a card offline; a
// re-issue revokes the old card by its rid; POST /api/v1/verify takes shc:/ text, files and QR
// images; FHIR $health-cards-issue answers Parameters to the holder and to signers; certificates
// issued before SHC support get their card on first request.

#include <boost/json.hpp>

#include "api_fixture.h"
#include "certs/qr_image.h"
#include "certs/shc/crl.h"
#include "certs/shc/jwk.h"
#include "certs/shc/numeric.h"
#include "certs/shc/verifier.h"
#include "registry_fixture.h"

namespace vaxreg::testing {
namespace {

namespace http_ = boost::beast::http;
namespace json = boost::json;

constexpr char kCitizen[] = "001090012345";  // person 1 of the registry fixture

class ShcApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    SeedRegistryFixture(*runtime_, 0);  // person 1 with one Comirnaty dose at HN-BACHMAI
    CreateAccount("shc.signer", auth::Role::kSigner);
    signer_ = Login("shc.signer", auth::Role::kSigner);
    CreateAccount("shc.staff", auth::Role::kFacilityStaff);
    const std::string staff = Login("shc.staff", auth::Role::kFacilityStaff);
    auto second = client_->Post(
        "/api/v1/doses",
        R"({"person_id":1,"vaccine":"COMIRNATY","dose_number":2,"lot":"FK0042",)"
        R"("administered_at":"2021-08-29T09:00:00+07:00","facility_code":"HN-BACHMAI"})",
        staff);
    ASSERT_EQ(second.status, 201) << second.body;
    auto signed_doses = client_->Post("/api/v1/facilities/HN-BACHMAI/sign-doses", "{}", staff);
    ASSERT_EQ(signed_doses.status, 200) << signed_doses.body;
    CreateAccount(kCitizen, auth::Role::kCitizen);
    citizen_ = Login(kCitizen, auth::Role::kCitizen);
  }

  json::object Issue() {
    auto r = client_->Post("/api/v1/certificates", R"({"person_id":1})", signer_);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().as_object();
  }

  json::object Verify(const std::string& body, const std::string& content_type = "text/plain") {
    auto r = client_->Send(http_::verb::post, "/api/v1/verify", body,
                           {{"Content-Type", content_type}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json().as_object();
  }

  // What a browser holds after fetching the issuer's /.well-known documents.
  certs::shc::ShcTrust FetchTrust(const std::string& issuer) {
    certs::shc::ShcTrust trust;
    trust.issuer = issuer;
    auto jwks = client_->Get("/.well-known/jwks.json");
    EXPECT_EQ(jwks.status, 200);
    trust.keys = certs::shc::ShcKeySet::Parse(jwks.body).value();
    for (const auto& k : trust.keys.keys()) {
      auto crl = client_->Get("/.well-known/crl/" + k.kid + ".json");
      EXPECT_EQ(crl.status, 200);
      trust.crls.emplace(k.kid, certs::shc::ParseShcCrl(crl.body).value());
    }
    return trust;
  }

  std::string signer_;
  std::string citizen_;
};

TEST_F(ShcApiTest, EveryCertificateIsAlsoASmartHealthCardThatVerifies) {
  json::object cert = Issue();
  ASSERT_TRUE(cert["shc"].is_object()) << json::serialize(cert);
  const std::string qr(cert["shc"].at("qr").as_string());
  ASSERT_TRUE(qr.starts_with("shc:/"));
  const std::string jws = certs::shc::DecodeShcNumeric(qr).value();
  EXPECT_LE(jws.size(), certs::shc::kMaxSingleQrJwsChars);

  json::object v = Verify(qr);
  EXPECT_TRUE(v["valid"].as_bool()) << json::serialize(v);
  EXPECT_EQ(v["format"].as_string(), "shc");
  EXPECT_EQ(v["holder"].at("name").as_string(), "Nguyễn Văn An");
  EXPECT_EQ(v["holder"].at("date_of_birth").as_string(), "1990-05-01");
  const json::object& card = v["certificate"].as_object();
  EXPECT_EQ(card.at("rid").as_string(), cert["shc"].at("rid").as_string());
  EXPECT_EQ(card.at("expires_at").as_string(), cert["expires_at"].as_string());
  ASSERT_EQ(card.at("doses").as_int64(), 2);
  const json::object& second = card.at("vaccinations").as_array()[1].as_object();
  EXPECT_EQ(second.at("code").as_string(), "208");
  EXPECT_EQ(second.at("vaccine").as_string(), "Comirnaty (Pfizer-BioNTech)");
  EXPECT_EQ(second.at("lot").as_string(), "FK0042");
  EXPECT_EQ(second.at("performer").as_string(), "Facility HN-BACHMAI");
  json::object minimal = client_->Post("/api/v1/verify?view=minimal",
                                       json::serialize(json::object{{"shc", qr}}))
                             .Json()
                             .as_object();
  EXPECT_EQ(json::serialize(minimal),
            R"({"valid":true,"failures":[],"name":"Nguyễn Văn An"})");

  // The citizen's file, QR image and SVG.
  auto file = client_->Get("/api/v1/me/certificate.smart-health-card", citizen_);
  ASSERT_EQ(file.status, 200) << file.body;
  EXPECT_EQ(file.headers["Content-Type"], "application/smart-health-card");
  EXPECT_NE(file.headers["Content-Disposition"].find("attachment; filename="), std::string::npos);
  EXPECT_NE(file.headers["Content-Disposition"].find(".smart-health-card"), std::string::npos);
  EXPECT_EQ(file.Json().at("verifiableCredential").as_array()[0].as_string(), jws);
  EXPECT_TRUE(Verify(file.body, "application/smart-health-card")["valid"].as_bool());
  EXPECT_TRUE(Verify(file.body, "application/json")["valid"].as_bool());
  auto png = client_->Get("/api/v1/me/certificate/shc-qr.png", citizen_);
  ASSERT_EQ(png.status, 200);
  EXPECT_EQ(png.headers["Content-Type"], "image/png");
  EXPECT_EQ(certs::DecodeQrFromImage(png.body).value_or(""), qr);
  EXPECT_TRUE(Verify(png.body, "image/png")["valid"].as_bool());
  auto svg = client_->Get("/api/v1/me/certificate/shc-qr.svg", citizen_);
  ASSERT_EQ(svg.status, 200);
  EXPECT_NE(svg.body.find("<svg"), std::string::npos);
  EXPECT_EQ(client_->Get("/api/v1/me/certificate.smart-health-card", signer_).status, 403);

  // A changed character fails with a reason code.
  std::string tampered = qr;
  tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == '1' ? '2' : '1';
  json::object bad = Verify(tampered);
  EXPECT_FALSE(bad["valid"].as_bool());
  EXPECT_FALSE(bad["failures"].as_array().empty());
}

TEST_F(ShcApiTest, KeySetAndRevocationListsArePublicAndRevokeTheReplacedCard) {
  auto jwks = client_->Get("/.well-known/jwks.json");
  ASSERT_EQ(jwks.status, 200) << jwks.body;
  EXPECT_EQ(jwks.headers["Access-Control-Allow-Origin"], "*");
  const json::value doc = jwks.Json();
  const json::object& key = doc.at("keys").as_array()[0].as_object();
  EXPECT_EQ(key.at("kty").as_string(), "EC");
  EXPECT_EQ(key.at("crv").as_string(), "P-256");
  EXPECT_EQ(key.at("use").as_string(), "sig");
  EXPECT_EQ(key.at("alg").as_string(), "ES256");
  EXPECT_EQ(key.at("crlVersion").as_int64(), 1);
  EXPECT_FALSE(key.contains("d"));
  const std::string kid(key.at("kid").as_string());
  const std::string etag = jwks.headers["ETag"];
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(client_->Send(http_::verb::get, "/.well-known/jwks.json", "", {{"If-None-Match", etag}})
                .status,
            304);
  auto crl = client_->Get("/.well-known/crl/" + kid + ".json");
  ASSERT_EQ(crl.status, 200);
  EXPECT_EQ(crl.headers["Access-Control-Allow-Origin"], "*");
  EXPECT_EQ(crl.body, R"({"kid":")" + kid + R"(","method":"rid","ctr":1,"rids":[]})");
  EXPECT_EQ(client_->Get("/.well-known/crl/" + kid).status, 404);

  const json::object first = Issue();
  EXPECT_EQ(first.at("shc").at("kid").as_string(), kid);
  const std::string issuer = [&] {
    const std::string jws = certs::shc::DecodeShcNumeric(first.at("shc").at("qr").as_string()).value();
    return std::string(certs::shc::VerifyShc(jws, {}, SystemClock::Get().Now()).issuer);
  }();
  ASSERT_TRUE(issuer.starts_with("https://")) << issuer;
  // Offline, as a browser would: the fetched key set and list verify the card.
  const std::string old_qr(first.at("shc").at("qr").as_string());
  EXPECT_TRUE(certs::shc::VerifyShc(old_qr, FetchTrust(issuer), SystemClock::Get().Now()).valid);

  const json::object second = Issue();  // supersedes: the first card is revoked by its rid
  crl = client_->Get("/.well-known/crl/" + kid + ".json");
  EXPECT_EQ(crl.body, R"({"kid":")" + kid + R"(","method":"rid","ctr":2,"rids":[")" +
                          std::string(first.at("shc").at("rid").as_string()) + R"("]})");
  jwks = client_->Get("/.well-known/jwks.json");
  EXPECT_EQ(jwks.Json().at("keys").as_array()[0].at("crlVersion").as_int64(), 2);
  EXPECT_NE(jwks.headers["ETag"], etag);
  json::object v = Verify(old_qr);
  EXPECT_FALSE(v["valid"].as_bool());
  EXPECT_EQ(v["failures"].as_array()[0].at("code").as_string(), "revoked");
  EXPECT_TRUE(Verify(std::string(second.at("shc").at("qr").as_string()))["valid"].as_bool());
  const auto offline = certs::shc::VerifyShc(old_qr, FetchTrust(issuer), SystemClock::Get().Now());
  EXPECT_TRUE(offline.Has(certs::shc::ShcFailureCode::kRevoked));
}

TEST_F(ShcApiTest, HealthCardsIssueAnswersTheHolderAndSigners) {
  const std::string jws =
      certs::shc::DecodeShcNumeric(Issue().at("shc").at("qr").as_string()).value();
  const std::string immunization =
      R"({"resourceType":"Parameters","parameter":[{"name":"credentialType",)"
      R"("valueUri":"https://smarthealth.cards#immunization"}]})";
  for (const std::string& token : {citizen_, signer_}) {
    auto r = client_->Post("/fhir/Patient/1/$health-cards-issue", immunization, token);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.headers["Content-Type"], "application/fhir+json");
    EXPECT_EQ(json::serialize(r.Json()),
              R"({"resourceType":"Parameters","parameter":[{"name":"verifiableCredential",)"
              R"("valueString":")" + jws + R"("}]})");
  }
  // A type vaxreg does not issue: no credential.
  auto lab = client_->Post(
      "/fhir/Patient/1/$health-cards-issue",
      R"({"resourceType":"Parameters","parameter":[{"name":"credentialType","valueUri":"https://smarthealth.cards#laboratory"}]})",
      citizen_);
  ASSERT_EQ(lab.status, 200);
  EXPECT_TRUE(lab.Json().at("parameter").as_array().empty());
  // Someone else's or a missing person: not found, as an OperationOutcome; bad input: 400.
  auto missing = client_->Post("/fhir/Patient/99/$health-cards-issue", immunization, citizen_);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Json().at("resourceType").as_string(), "OperationOutcome");
  EXPECT_EQ(missing.Json().at("issue").as_array()[0].at("code").as_string(), "not-found");
  auto not_parameters = client_->Post("/fhir/Patient/1/$health-cards-issue",
                                      R"({"resourceType":"Patient"})", signer_);
  EXPECT_EQ(not_parameters.status, 400);
  EXPECT_EQ(not_parameters.Json().at("issue").as_array()[0].at("code").as_string(), "invalid");
  auto no_type = client_->Post("/fhir/Patient/1/$health-cards-issue",
                               R"({"resourceType":"Parameters","parameter":[]})", signer_);
  EXPECT_EQ(no_type.status, 400);
}

TEST_F(ShcApiTest, CertificatesFromBeforeShcSupportGetTheirCardOnFirstRequest) {
  const json::object cert = Issue();
  ASSERT_TRUE(runtime_->writer()
                  .SubmitAndWait([](storage::Connection& c) {
                    return c.Execute("UPDATE certificates SET shc_jws = NULL, shc_rid = NULL, "
                                     "shc_kid = NULL")
                        .status();
                  })
                  .ok());
  auto before = client_->Get("/api/v1/me/certificate", citizen_);
  ASSERT_EQ(before.status, 200);
  EXPECT_TRUE(before.Json().at("shc").is_null());
  auto file = client_->Get("/api/v1/me/certificate.smart-health-card", citizen_);
  ASSERT_EQ(file.status, 200) << file.body;
  const std::string jws(file.Json().at("verifiableCredential").as_array()[0].as_string());
  EXPECT_TRUE(Verify(jws)["valid"].as_bool());
  auto after = client_->Get("/api/v1/me/certificate", citizen_);
  EXPECT_EQ(after.Json().at("shc").at("qr").as_string(),
            certs::shc::EncodeShcNumeric(jws).value());
  EXPECT_EQ(after.Json().at("id"), cert.at("id"));
  auto conn = runtime_->db().Acquire();
  ASSERT_TRUE(conn.ok());
  auto audited = (*conn)->Query("SELECT COUNT(*) FROM audit_log WHERE action = $1",
                                {std::string("certificate.shc_issue")});
  ASSERT_TRUE(audited.ok());
  EXPECT_EQ(audited->at(0).Int(0), 1);
}

}  // namespace
}  // namespace vaxreg::testing
