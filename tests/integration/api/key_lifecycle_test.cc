// The signing keys' life on two servers sharing a key folder and a database
// (certs/keys/key_store.h, certs/service/certificate_authority.h): a DSC too close to its end
// for a full-length certificate is rotated by one server and loaded by the other, and shows in
// /readyz and /metrics; a DSC withdrawn with `keys compromise` leaves both servers' trust within
// seconds and every certificate it signed is re-issued with the active DSC. Built for SQLite
// (label integration) and PostgreSQL (label pg).

#include <boost/json/parse.hpp>

#include "audit/audit_log.h"
#include "certs/keys/key_store.h"
#include "certs/service/certificate_authority.h"
#include "certs/service/certificate_store.h"
#include "common/crypto_util.h"
#include "registry/dose_service.h"
#include "registry_fixture.h"
#include "two_servers.h"

namespace vaxreg::testing {
namespace {

namespace json = boost::json;

class KeyLifecycleTest : public TwoServerTest {
 protected:
  void Configure(app::Config& config) override { config.cert_refresh_poll_ms = 100; }

  void SetUp() override {
    TwoServerTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    SeedRegistryFixture(*runtime_, 0);  // person 1 with dose 1 at HN-BACHMAI
    CreateAccount("keys.staff", auth::Role::kFacilityStaff);  // bound to HN-BACHMAI
    staff_ = Login("keys.staff", auth::Role::kFacilityStaff);
    CreateAccount("keys.signer", auth::Role::kSigner);
    signer_ = Login("keys.signer", auth::Role::kSigner);
    auto signed_doses = client_->Post("/api/v1/facilities/HN-BACHMAI/sign-doses", "{}", staff_);
    ASSERT_EQ(signed_doses.status, 200) << signed_doses.body;
    StartSecondServer();
  }

  json::object Issue() {
    auto r = client_->Post("/api/v1/certificates", R"({"person_id":1})", signer_);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().as_object();
  }

  static std::string ActiveKid(app::Runtime& rt) {
    return rt.certificates()->keys()->active_dsc().certificate->kid();
  }

  std::string staff_;
  std::string signer_;
};

TEST_F(KeyLifecycleTest, AWithdrawnDscLeavesBothServersAndItsCertificatesAreReissued) {
  const json::object issued = Issue();
  const std::string old_hc1(issued.at("hc1").as_string());
  ASSERT_EQ(VerifyVerdict(second_->port(), old_hc1), "valid");
  const std::string old_kid = ActiveKid(*runtime_);

  auto withdrawn = certs::KeyStore::Compromise(key_dir_, kKeyPassphrase, old_kid,
                                               SystemClock::Get().Now(), "key file exposed");
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.status().ToString();
  ASSERT_NE(withdrawn->replacement, nullptr) << "the active DSC is replaced first";
  auto reissued = runtime_->certificates()->ReissueSignedBy(HexEncode(old_kid), {"test", ""});
  ASSERT_TRUE(reissued.ok()) << reissued.status().ToString();
  EXPECT_EQ(*reissued, 1);

  // Both servers stop trusting the withdrawn DSC and sign with the new one.
  for (app::Runtime* rt : {runtime_.get(), second_.get()}) {
    EXPECT_TRUE(Eventually([&] {
      return ActiveKid(*rt) == withdrawn->replacement->kid() &&
             VerifyVerdict(rt->port(), old_hc1) == "unknown_kid";
    })) << VerifyVerdict(rt->port(), old_hc1);
  }
  std::string new_hc1;
  {
    auto conn = runtime_->db().Acquire();
    ASSERT_TRUE(conn.ok());
    auto current = certs::ActiveCertificate(**conn, 1);
    ASSERT_TRUE(current.ok() && current->has_value());
    EXPECT_EQ((*current)->kid_hex, HexEncode(withdrawn->replacement->kid()));
    new_hc1 = (*current)->hc1;
  }
  EXPECT_NE(new_hc1, old_hc1);
  {
    // One audit entry for the page, whose digest of "new:old:uvci" links the rows confirm, in an
    // intact chain.
    auto conn = runtime_->db().Acquire();
    ASSERT_TRUE(conn.ok());
    auto entry = (*conn)->Query(
        "SELECT after_json FROM audit_log WHERE action = 'certificate.reissue_withdrawn_key'");
    ASSERT_TRUE(entry.ok()) << entry.status().ToString();
    ASSERT_EQ(entry->size(), 1u);
    const json::object summary = json::parse(entry->at(0).Text(0)).as_object();
    EXPECT_EQ(summary.at("reissued").as_int64(), 1);
    EXPECT_EQ(summary.at("withdrawn_kid").as_string(), HexEncode(old_kid));
    auto links = (*conn)->Query(
        "SELECT id, supersedes, uvci FROM certificates WHERE id BETWEEN $1 AND $2 ORDER BY id",
        {summary.at("first_id").as_int64(), summary.at("last_id").as_int64()});
    ASSERT_TRUE(links.ok());
    std::string lines;
    for (const auto& r : *links) {
      lines += std::to_string(r.Int(0)) + ":" + std::to_string(r.Int(1)) + ":" + r.Text(2) + "\n";
    }
    EXPECT_EQ(summary.at("links_sha256").as_string(), HexEncode(Sha256(lines)));
    auto chain = audit::VerifyAuditChain(**conn);
    ASSERT_TRUE(chain.ok()) << chain.status().ToString();
    EXPECT_TRUE(chain->ok) << chain->first_bad_seq;
  }
  // Each server trusts the replacement once it has read the key folder again (within seconds;
  // on a loaded machine its verifier can lag the signer by one reload).
  for (app::Runtime* rt : {runtime_.get(), second_.get()}) {
    EXPECT_TRUE(Eventually([&] { return VerifyVerdict(rt->port(), new_hc1) == "valid"; }))
        << VerifyVerdict(rt->port(), new_hc1);
  }
  // Running it again (after an interrupted re-issue) is harmless.
  auto again = certs::KeyStore::Compromise(key_dir_, kKeyPassphrase, old_kid,
                                           SystemClock::Get().Now(), "");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->already);
  EXPECT_EQ(runtime_->certificates()->ReissueSignedBy(HexEncode(old_kid), {"test", ""}).value(), 0);
}

class ShortLivedDscTest : public KeyLifecycleTest {
 protected:
  // A first DSC valid 300 days: too short for a 12-month certificate from the start.
  certs::KeyStoreOptions KeyOptions() override {
    certs::KeyStoreOptions o;
    o.dsc_validity = std::chrono::hours(24 * 300);
    return o;
  }
};

TEST_F(ShortLivedDscTest, ADscTooCloseToItsEndIsRotatedOnceAndLoadedEverywhere) {
  // The renewal run at start rotates; the other server loads the new DSC from the folder.
  for (app::Runtime* rt : {runtime_.get(), second_.get()}) {
    EXPECT_TRUE(Eventually([&] {
      return rt->certificates()->keys()->dscs().size() == 2 &&
             !rt->certificates()->signer_health().rotation_due;
    }));
  }
  EXPECT_EQ(ActiveKid(*runtime_), ActiveKid(*second_));
  EXPECT_EQ(runtime_->certificates()->keys()->dscs().size(), 2u) << "rotated exactly once";
  const json::object issued = Issue();
  EXPECT_EQ(VerifyVerdict(second_->port(), std::string(issued.at("hc1").as_string())), "valid");

  auto ready = client_->Get("/readyz");
  ASSERT_EQ(ready.status, 200);
  const auto signer = ready.Json().at("signer").as_object();
  EXPECT_EQ(signer.at("status").as_string(), "ok");
  EXPECT_GT(signer.at("days_left").as_int64(), 365 * 2);
  auto metrics = client_->Get("/metrics");
  EXPECT_NE(metrics.body.find("vaxreg_dsc_rotation_due 0"), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("vaxreg_certificate_refresh_queued 0"), std::string::npos);
}

}  // namespace
}  // namespace vaxreg::testing
