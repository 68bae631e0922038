// Certificates end to end over HTTP: issuing for a registry person, QR codes decoded back, the
// signed trust list verifying issued certificates offline, re-issue revoking the superseded
// certificate (revocation list with ETag/304, verify says "revoked"), renewal after a dose change
// and before expiry, and POST /api/v1/verify with text, JSON and a PNG image. Doses count only
// once their facility has signed them (POST /api/v1/facilities/{code}/sign-doses, staff of that
// facility only); citizens read their own certificate at /api/v1/me/certificate, and print it
// at /api/v1/me/certificate.pdf.

#include <boost/json.hpp>

#include "api_fixture.h"
#include "certs/pdf/certificate_pdf_record.h"
#include "certs/qr_image.h"
#include "certs/service/certificate_authority.h"
#include "certs/trust/signed_lists.h"
#include "fakes/fake_clock.h"
#include "accounts/user_store.h"
#include "registry/dose.h"
#include "registry/dose_service.h"
#include "registry/facility.h"
#include "registry/person.h"
#include "registry/person_store.h"

namespace vaxreg::testing {
namespace {

namespace http_ = boost::beast::http;

class CertificatesApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    CreateAccount("cert.signer", auth::Role::kSigner);
    token_ = Login("cert.signer", auth::Role::kSigner);
    CreateAccount("cert.staff", auth::Role::kFacilityStaff);  // bound to HN-BACHMAI
    staff_token_ = Login("cert.staff", auth::Role::kFacilityStaff);
    ASSERT_TRUE(Write([&](storage::Connection& c) -> Status {
      for (const char* code : {"HN-BACHMAI", "HN-OTHER"}) {
        registry::Facility f{code, "Bệnh viện", "01", "006", "00199", "", "applied", 100, "", 0};
        RETURN_IF_ERROR(registry::ApplyFacility(c, SystemClock::Get(), f, {"test", ""}).status());
        RETURN_IF_ERROR(registry::DecideFacility(c, SystemClock::Get(), code, "active", "",
                                                 {"test", ""})
                            .status());
      }
      return Status::Ok();
    }).ok());
    registry::NewPerson np;
    np.cccd = "001090012345";
    np.full_name = "Nguyễn Văn Ánh";
    np.dob = "1990-04-12";
    np.sex = "M";
    auto person = registry::ValidateNewPerson(np, std::chrono::floor<std::chrono::days>(
                                                      SystemClock::Get().Now()));
    ASSERT_TRUE(person.ok()) << person.status().ToString();
    ASSERT_TRUE(Write([&](storage::Connection& c) {
      auto inserted = registry::InsertPerson(c, SystemClock::Get(), *person, {"test", ""});
      if (inserted.ok()) person_id_ = inserted->id;
      return inserted.status();
    }).ok());
    AddDose(1, "2021-08-01");
    AddDose(2, "2021-08-29");
    EXPECT_EQ(SignDoses(staff_token_).at("doses_signed").as_int64(), 2);
  }

  // POST /api/v1/facilities/HN-BACHMAI/sign-doses with `token`; the JSON answer.
  boost::json::object SignDoses(const std::string& token, int expected_status = 200) {
    auto r = client_->Post("/api/v1/facilities/HN-BACHMAI/sign-doses", "{}", token);
    EXPECT_EQ(r.status, expected_status) << r.body;
    return r.Json().as_object();
  }

  Status Write(const storage::WriteFn& fn) { return runtime_->writer().SubmitAndWait(fn); }

  // A dose recorded by HN-BACHMAI (counts once the facility has signed it).
  void AddDose(int number, const std::string& day) {
    std::chrono::sys_days d;
    ASSERT_TRUE(registry::ParseDay(day, &d));
    registry::Dose dose;
    dose.person_id = person_id_;
    dose.vaccine_code = "COMIRNATY";
    dose.dose_number = number;
    dose.administered_at = ToUnixSeconds(SystemTime(d)) + 3600;
    dose.source = "facility";
    dose.facility_code = "HN-BACHMAI";
    dose.lot = "FK" + std::to_string(number);
    dose.review_status = "none";
    dose.province_code = "01";
    dose.status = "active";
    dose.recorded_by = "test";
    ASSERT_TRUE(Write([&](storage::Connection& c) {
      return registry::InsertDose(c, dose).status();
    }).ok());
  }

  boost::json::object Issue() {
    auto r = client_->Post("/api/v1/certificates",
                           "{\"person_id\":" + std::to_string(person_id_) + "}", token_);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().as_object();
  }

  boost::json::object Verify(const std::string& hc1) {
    auto r = client_->Send(http_::verb::post, "/api/v1/verify", hc1,
                           {{"Content-Type", "text/plain"}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json().as_object();
  }

  std::string token_;
  std::string staff_token_;
  int64_t person_id_ = 0;
};

TEST_F(CertificatesApiTest, IssueQrTrustListAndVerify) {
  boost::json::object cert = Issue();
  const std::string hc1(cert["hc1"].as_string());
  EXPECT_EQ(cert["doses"].as_string(), "2/2");
  EXPECT_EQ(cert["status"].as_string(), "active");
  const std::string id = std::to_string(cert["id"].as_int64());

  boost::json::object v = Verify(hc1);
  EXPECT_TRUE(v["valid"].as_bool()) << boost::json::serialize(v);
  EXPECT_EQ(v["holder"].at("name").as_string(), "Nguyễn Văn Ánh");

  auto png = client_->Get("/api/v1/certificates/" + id + "/qr.png", token_);
  ASSERT_EQ(png.status, 200);
  EXPECT_EQ(certs::DecodeQrFromImage(png.body).value_or(""), hc1);
  auto svg = client_->Get("/api/v1/certificates/" + id + "/qr.svg", token_);
  ASSERT_EQ(svg.status, 200);
  EXPECT_NE(svg.body.find("<svg"), std::string::npos);
  // POST /verify with the image and with JSON; minimal view.
  auto by_image = client_->Send(http_::verb::post, "/api/v1/verify", png.body,
                                {{"Content-Type", "image/png"}});
  ASSERT_EQ(by_image.status, 200);
  EXPECT_TRUE(by_image.Json().at("valid").as_bool());
  auto minimal = client_->Post("/api/v1/verify?view=minimal",
                               boost::json::serialize(boost::json::object{{"hc1", hc1}}));
  ASSERT_EQ(minimal.status, 200);
  EXPECT_EQ(minimal.Json().as_object().size(), 3u) << minimal.body;

  auto tl = client_->Get("/api/v1/trust-list");
  ASSERT_EQ(tl.status, 200);
  auto list = certs::ParseSignedTrustList(tl.body);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  auto trust = certs::MakeTrustStore(*list);
  EXPECT_TRUE(certs::VerifyHc1(hc1, *trust, SystemClock::Get().Now()).valid);

  auto bad = Verify("HC1:" + hc1.substr(4, 100));
  EXPECT_FALSE(bad["valid"].as_bool());
  EXPECT_EQ(client_->Post("/api/v1/certificates", "{\"person_id\":\"x\"}", token_).status, 400);
}

TEST_F(CertificatesApiTest, TheSignersDeskIssuesWhatAwaitsAndRevokesWithAReason) {
  // The fixture person's doses are signed and they have no certificate: they await one.
  auto awaiting = client_->Get("/api/v1/certificates/awaiting", token_);
  ASSERT_EQ(awaiting.status, 200) << awaiting.body;
  const boost::json::value waiting = awaiting.Json();
  EXPECT_EQ(waiting.at("total").as_int64(), 1);
  ASSERT_EQ(waiting.at("items").as_array().size(), 1u);
  EXPECT_EQ(waiting.at("items").at(0).at("person_id").as_int64(), person_id_);
  EXPECT_EQ(waiting.at("items").at(0).at("signed_doses").as_int64(), 2);

  auto issued = client_->Post("/api/v1/certificates/issue-awaiting", R"({"limit":50})", token_);
  ASSERT_EQ(issued.status, 200) << issued.body;
  EXPECT_EQ(issued.Json().at("issued").as_int64(), 1);
  EXPECT_TRUE(issued.Json().at("done").as_bool());
  EXPECT_EQ(client_->Get("/api/v1/certificates/awaiting", token_).Json().at("total").as_int64(), 0);

  auto active = client_->Get("/api/v1/certificates?status=active", token_);
  ASSERT_EQ(active.status, 200) << active.body;
  const boost::json::value list = active.Json();
  ASSERT_EQ(list.at("items").as_array().size(), 1u);
  EXPECT_FALSE(list.at("items").at(0).as_object().contains("hc1")) << "a list holds no credential";
  const int64_t id = list.at("items").at(0).at("id").as_int64();
  const std::string hc1(client_->Get("/api/v1/certificates/" + std::to_string(id), token_)
                            .Json()
                            .at("hc1")
                            .as_string());
  EXPECT_TRUE(Verify(hc1)["valid"].as_bool());

  const std::string revoke = "/api/v1/certificates/" + std::to_string(id) + "/revoke";
  EXPECT_EQ(client_->Post(revoke, R"({"reason":""})", token_).status, 400);
  auto revoked = client_->Post(revoke, R"({"reason":"issued on a forged record"})", token_);
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(revoked.Json().at("status").as_string(), "revoked");
  EXPECT_FALSE(Verify(hc1)["valid"].as_bool()) << "refused as soon as it is revoked";
  EXPECT_EQ(client_->Post(revoke, R"({"reason":"again"})", token_).status, 404);
  auto by_status = client_->Get("/api/v1/certificates?status=revoked", token_);
  EXPECT_EQ(by_status.Json().at("items").as_array().size(), 1u);
  // Revoked, the person awaits a certificate again.
  EXPECT_EQ(client_->Get("/api/v1/certificates/awaiting", token_).Json().at("total").as_int64(), 1);

  auto status = client_->Get("/api/v1/signing/status", token_);
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(status.Json().at("signer").at("status").as_string(), "ok");
  EXPECT_GE(status.Json().at("revocation_list").at("entries").as_int64(), 1);
  EXPECT_EQ(status.Json().at("awaiting_certificate").as_int64(), 1);
  // The published trust list, as a verifier parses it, holds the active signer certificate.
  const boost::json::value status_json = status.Json();
  const auto& trust = status_json.at("trust_list");
  EXPECT_TRUE(trust.at("published").as_bool()) << status.body;
  EXPECT_GE(trust.at("dscs").as_int64(), 1);
  EXPECT_TRUE(trust.at("has_active_dsc").as_bool());

  EXPECT_EQ(client_->Get("/api/v1/certificates?state=active", token_).status, 400);
  EXPECT_EQ(client_->Get("/api/v1/certificates?status=valid", token_).status, 400);
  EXPECT_EQ(client_->Post("/api/v1/certificates/issue-awaiting", R"({"limit":501})", token_).status,
            400);
}

TEST_F(CertificatesApiTest, ReissueRevokesTheSupersededCertificate) {
  boost::json::object first = Issue();
  auto rl = client_->Get("/api/v1/revocation-list");
  ASSERT_EQ(rl.status, 200);
  const std::string etag0 = rl.headers["ETag"];
  ASSERT_FALSE(etag0.empty());

  boost::json::object second = Issue();
  EXPECT_EQ(second["supersedes"].as_int64(), first["id"].as_int64());
  auto old = client_->Get("/api/v1/certificates/" + std::to_string(first["id"].as_int64()), token_);
  EXPECT_EQ(old.Json().at("status").as_string(), "superseded");

  boost::json::object v = Verify(std::string(first["hc1"].as_string()));
  EXPECT_FALSE(v["valid"].as_bool());
  EXPECT_EQ(v["failures"].as_array()[0].at("code").as_string(), "revoked");
  EXPECT_TRUE(Verify(std::string(second["hc1"].as_string()))["valid"].as_bool());

  rl = client_->Get("/api/v1/revocation-list");
  ASSERT_EQ(rl.status, 200);
  const std::string etag1 = rl.headers["ETag"];
  EXPECT_NE(etag1, etag0);
  auto tl = certs::ParseSignedTrustList(client_->Get("/api/v1/trust-list").body);
  ASSERT_TRUE(tl.ok());
  auto revoked = certs::ParseSignedRevocationList(rl.body, *tl->csca);
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
  EXPECT_TRUE((*revoked)->IsRevoked(std::string(first["uvci"].as_string())));
  EXPECT_FALSE((*revoked)->IsRevoked(std::string(second["uvci"].as_string())));
  auto again = client_->Send(http_::verb::get, "/api/v1/revocation-list", "",
                             {{"If-None-Match", etag1}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
}

TEST_F(CertificatesApiTest, RenewalAfterDoseChangeAndBeforeExpiry) {
  FakeClock clock;
  clock.Set(SystemClock::Get().Now());
  certs::CertificateAuthorityOptions o;
  o.key_dir = key_dir_.string();
  o.passphrase = kKeyPassphrase;
  o.run_scheduler = false;
  auto ca = certs::CertificateAuthority::Start(o, runtime_->db(), runtime_->writer(), clock);
  ASSERT_TRUE(ca.ok()) << ca.status().ToString();
  auto first = (*ca)->IssueForPerson(person_id_, {"test", ""});
  ASSERT_TRUE(first.ok()) << first.status().ToString();

  auto report = (*ca)->RenewDue({"test", ""});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->checked, 1);
  EXPECT_EQ(report->renewed_expiring + report->renewed_doses_changed, 0);

  AddDose(3, "2022-01-10");  // a booster changes the doses once it is signed
  report = (*ca)->RenewDue({"test", ""});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->renewed_doses_changed, 0);  // not signed yet: does not count
  ASSERT_TRUE((*ca)->SignFacilityDoses("HN-BACHMAI", 10, {"test", ""}).ok());
  report = (*ca)->RenewDue({"test", ""});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->renewed_doses_changed, 1);
  auto conn = runtime_->db().Acquire();
  ASSERT_TRUE(conn.ok());
  auto current = certs::ActiveCertificate(**conn, person_id_);
  ASSERT_TRUE(current.ok() && current->has_value());
  EXPECT_EQ((*current)->doses, "3/3");
  EXPECT_EQ((*current)->supersedes, first->id);
  EXPECT_TRUE((*ca)->revocations().IsRevoked(first->uvci));

  // 11 months later the certificate is within 30 days of expiry and is re-issued.
  clock.Advance(std::chrono::hours(24 * 340));
  report = (*ca)->RenewDue({"test", ""});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->renewed_expiring, 1);
  auto history = certs::ListPersonCertificates(**conn, person_id_);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].status, "active");
  EXPECT_EQ((*history)[1].status, "superseded");
  EXPECT_EQ((*history)[2].status, "superseded");
  EXPECT_GT((*history)[0].expires_at, (*history)[1].expires_at);
  // Renewal is not revocation: the certificate renewed before its expiry still verifies (a
  // printed copy keeps working) while the one whose doses changed stays revoked.
  EXPECT_FALSE((*history)[1].in_revocation_list);
  EXPECT_FALSE((*ca)->revocations().IsRevoked((*history)[1].uvci));
  EXPECT_TRUE((*ca)->revocations().IsRevoked(first->uvci));

  // A dose voided later makes every certificate listing it wrong, the renewed-out one too.
  ASSERT_TRUE(Write([&](storage::Connection& c) {
    return registry::VoidDose(c, clock, registry::BuiltInVaccines(), 3, "entered in error",
                              registry::DoseWriter::System("test"))
        .status();
  }).ok());
  auto refreshed = (*ca)->RefreshPerson(person_id_, false, {"test", ""});
  ASSERT_TRUE(refreshed.ok() && refreshed->has_value()) << refreshed.status().ToString();
  EXPECT_EQ((**refreshed).doses, "2/2");
  EXPECT_TRUE((*ca)->revocations().IsRevoked((*history)[0].uvci));
  EXPECT_TRUE((*ca)->revocations().IsRevoked((*history)[1].uvci));
}

TEST_F(CertificatesApiTest, AVoidedDoseLeavesTheCertificateAtOnce) {
  const boost::json::object issued = Issue();
  const std::string old_hc1(issued.at("hc1").as_string());
  ASSERT_TRUE(Verify(old_hc1)["valid"].as_bool());
  auto voided = client_->Post("/api/v1/doses/2/void", R"({"reason":"entered in error"})",
                              staff_token_);
  ASSERT_EQ(voided.status, 200) << voided.body;
  // No renewal sweep ran: the void itself re-issued the certificate and revoked the old one.
  auto v = Verify(old_hc1);
  EXPECT_FALSE(v["valid"].as_bool());
  EXPECT_EQ(v["failures"].as_array()[0].at("code").as_string(), "revoked");
  auto conn = runtime_->db().Acquire();
  ASSERT_TRUE(conn.ok());
  auto current = certs::ActiveCertificate(**conn, person_id_);
  ASSERT_TRUE(current.ok() && current->has_value());
  EXPECT_EQ((*current)->doses, "1/2");
  EXPECT_TRUE(Verify((*current)->hc1)["valid"].as_bool());
}

TEST_F(CertificatesApiTest, OnlyStaffOfTheFacilitySignItsDoses) {
  AddDose(3, "2022-01-10");
  accounts::NewUser other;
  other.username = "other.staff";
  other.role = auth::Role::kFacilityStaff;
  other.facility_code = "HN-OTHER";
  other.password_hash =
      accounts::HashPassword(kPassword, accounts::PasswordCost::MinimumForTest()).value();
  ASSERT_TRUE(Write([&](storage::Connection& c) {
    return accounts::CreateUser(c, SystemClock::Get(), other, {"test", ""}).status();
  }).ok());
  const std::string other_token = Login("other.staff", auth::Role::kFacilityStaff);
  auto denied = SignDoses(other_token, 403);
  EXPECT_EQ(denied["error"].at("code").as_string(), "PERMISSION_DENIED");
  EXPECT_EQ(Issue()["doses"].as_string(), "2/2");  // the booster is not signed yet

  boost::json::object batch = SignDoses(staff_token_);
  EXPECT_EQ(batch["doses_signed"].as_int64(), 1);
  EXPECT_EQ(batch["remaining"].as_int64(), 0);
  EXPECT_EQ(batch["kid"].as_string().size(), 16u);
  EXPECT_EQ(Issue()["doses"].as_string(), "3/3");
  EXPECT_TRUE(SignDoses(staff_token_)["batch_id"].is_null());
  auto bad = client_->Post("/api/v1/facilities/HN-BACHMAI/sign-doses", "{\"limit\":0}",
                           staff_token_);
  EXPECT_EQ(bad.status, 400) << bad.body;
}

TEST_F(CertificatesApiTest, CitizensReadOnlyTheirOwnCertificate) {
  CreateAccount("001090012345", auth::Role::kCitizen, "1990-04-12");  // the person's birth date
  const std::string mine = Login("001090012345", auth::Role::kCitizen);
  EXPECT_EQ(client_->Get("/api/v1/me/certificate", mine).status, 404);
  Issue();
  boost::json::object newest = Issue();
  auto r = client_->Get("/api/v1/me/certificate", mine);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json().at("uvci").as_string(), newest["uvci"].as_string());
  auto png = client_->Get("/api/v1/me/certificate/qr.png", mine);
  ASSERT_EQ(png.status, 200);
  EXPECT_EQ(certs::DecodeQrFromImage(png.body).value_or(""),
            std::string(newest["hc1"].as_string()));
  auto svg = client_->Get("/api/v1/me/certificate/qr.svg", mine);
  ASSERT_EQ(svg.status, 200);
  EXPECT_NE(svg.body.find("<svg"), std::string::npos);

  // Another citizen (not in the registry) sees nothing, and the route takes no person id.
  CreateAccount("079190000001", auth::Role::kCitizen);
  const std::string theirs = Login("079190000001", auth::Role::kCitizen);
  EXPECT_EQ(client_->Get("/api/v1/me/certificate", theirs).status, 404);
  EXPECT_EQ(client_->Get("/api/v1/me/certificate/qr.png", theirs).status, 404);
  EXPECT_EQ(client_->Get("/api/v1/me/certificate", token_).status, 403);
}

TEST_F(CertificatesApiTest, PrintableCertificateAsPdf) {
  CreateAccount("001090012345", auth::Role::kCitizen, "1990-04-12");  // the person's birth date
  const std::string mine = Login("001090012345", auth::Role::kCitizen);
  EXPECT_EQ(client_->Get("/api/v1/me/certificate.pdf", mine).status, 404);  // none issued yet
  const boost::json::object first = Issue();
  const boost::json::object cert = Issue();
  const std::string id = std::to_string(cert.at("id").as_int64());

  auto pdf = client_->Get("/api/v1/me/certificate.pdf", mine);
  ASSERT_EQ(pdf.status, 200) << pdf.body;
  EXPECT_EQ(pdf.headers["Content-Type"], "application/pdf");
  EXPECT_EQ(pdf.headers["Content-Disposition"],
            "attachment; filename=\"covid19-certificate-" + id + ".pdf\"");
  EXPECT_EQ(pdf.headers["Cache-Control"], "private, no-store");
  EXPECT_TRUE(pdf.body.starts_with("%PDF-"));
  EXPECT_EQ(pdf.body.find("001090012345"), std::string::npos);  // the CCCD is printed masked
  // The signer prints any current certificate; a superseded one is refused (409).
  auto by_id = client_->Get("/api/v1/certificates/" + id + "/certificate.pdf", token_);
  ASSERT_EQ(by_id.status, 200) << by_id.body;
  EXPECT_TRUE(by_id.body.starts_with("%PDF-"));
  EXPECT_EQ(client_->Get("/api/v1/certificates/" + std::to_string(first.at("id").as_int64()) +
                             "/certificate.pdf",
                         token_)
                .status,
            409);
  EXPECT_EQ(client_->Get("/api/v1/certificates/" + id + "/certificate.pdf", mine).status, 403);

  // What the page says, read from the registry: the signed doses the certificate was made from.
  auto conn = runtime_->db().Acquire();
  ASSERT_TRUE(conn.ok());
  auto record = certs::FindCertificate(**conn, cert.at("id").as_int64());
  ASSERT_TRUE(record.ok() && record->has_value());
  auto page = certs::CertificatePdfInputFor(**conn, **record, registry::BuiltInVaccines());
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->full_name, "Nguyễn Văn Ánh");
  EXPECT_EQ(page->id_kind, certs::IdentityKind::kCccd);
  EXPECT_EQ(page->status, certs::PrintedStatus::kFullyVaccinated);
  ASSERT_EQ(page->doses.size(), 2u);
  EXPECT_EQ(page->doses[1].number, 2);
  EXPECT_EQ(certs::FormatDayDmy(page->doses[1].date), "29/08/2021");
  EXPECT_EQ(page->doses[1].lot, "FK2");
  EXPECT_EQ(page->doses[1].facility, "Bệnh viện");
  EXPECT_EQ(page->hc1, std::string(cert.at("hc1").as_string()));
  EXPECT_EQ(page->uvci, std::string(cert.at("uvci").as_string()));

  // A citizen without a certificate gets the 404 of a missing one.
  CreateAccount("079190000001", auth::Role::kCitizen);
  const std::string theirs = Login("079190000001", auth::Role::kCitizen);
  EXPECT_EQ(client_->Get("/api/v1/me/certificate.pdf", theirs).status, 404);
}

}  // namespace
}  // namespace vaxreg::testing
