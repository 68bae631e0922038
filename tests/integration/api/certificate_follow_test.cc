// Certificates follow the record across servers (certs/service/refresh_queue.h): two vaxreg
// servers on one database. A dose voided through one server makes the other refuse the old
// certificate within seconds; a re-issue duty left by a process that died after its commit is
// taken over by a surviving server's refresh worker; two servers handling the same duty at once
// re-issue the certificate exactly once. Built for SQLite (label integration) and PostgreSQL
// (label pg).

#include <atomic>
#include <thread>

#include "certs/service/certificate_authority.h"
#include "certs/service/refresh_queue.h"
#include "registry/dose_service.h"
#include "registry_fixture.h"
#include "two_servers.h"

namespace vaxreg::testing {
namespace {

class CertificateFollowTest : public TwoServerTest {
 protected:
  void Configure(app::Config& config) override { config.cert_refresh_poll_ms = 100; }

  void SetUp() override {
    TwoServerTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    SeedRegistryFixture(*runtime_, 0);  // person 1 with dose 1 at HN-BACHMAI
    ASSERT_TRUE(runtime_->writer()
                    .SubmitAndWait([&](storage::Connection& c) -> Status {
                      registry::NewDose d;
                      d.person_id = kPerson;
                      d.vaccine_code = "COMIRNATY";
                      d.dose_number = 2;
                      d.administered_at = 1630486800;  // 2021-09-01
                      d.facility_code = "HN-BACHMAI";
                      ASSIGN_OR_RETURN(auto dose, registry::RecordDose(
                                                      c, SystemClock::Get(),
                                                      registry::BuiltInVaccines(), d,
                                                      registry::DoseWriter::System("test")));
                      dose2_ = dose.dose.id;
                      return Status::Ok();
                    })
                    .ok());
    CreateAccount("follow.staff", auth::Role::kFacilityStaff);  // bound to HN-BACHMAI
    staff_ = Login("follow.staff", auth::Role::kFacilityStaff);
    CreateAccount("follow.signer", auth::Role::kSigner);
    signer_ = Login("follow.signer", auth::Role::kSigner);
    auto signed_doses = client_->Post("/api/v1/facilities/HN-BACHMAI/sign-doses", "{}", staff_);
    ASSERT_EQ(signed_doses.status, 200) << signed_doses.body;
    auto issued = client_->Post("/api/v1/certificates", R"({"person_id":1})", signer_);
    ASSERT_EQ(issued.status, 201) << issued.body;
    old_hc1_ = std::string(issued.Json().at("hc1").as_string());
    StartSecondServer();
  }

  // Voids dose 2 and queues the duty in one transaction, as a server does, but without handling
  // it afterwards: what a server that died right after its commit leaves behind.
  void VoidWithoutFollowing(int64_t grace_seconds) {
    ASSERT_TRUE(runtime_->writer()
                    .SubmitAndWait([&](storage::Connection& c) -> Status {
                      RETURN_IF_ERROR(registry::VoidDose(c, SystemClock::Get(),
                                                         registry::BuiltInVaccines(), dose2_,
                                                         "entered in error",
                                                         registry::DoseWriter::System("test"))
                                          .status());
                      const int64_t people[] = {kPerson};
                      ASSIGN_OR_RETURN(int64_t queued,
                                       certs::EnqueueCertificateRefresh(
                                           c, ToUnixSeconds(SystemClock::Get().Now()), people, {},
                                           false, grace_seconds));
                      EXPECT_EQ(queued, 1);
                      return Status::Ok();
                    })
                    .ok());
  }

  static constexpr int64_t kPerson = 1;
  int64_t dose2_ = 0;
  std::string staff_;
  std::string signer_;
  std::string old_hc1_;
};

TEST_F(CertificateFollowTest, AVoidOnOneServerIsRefusedByTheOtherWithinSeconds) {
  ASSERT_EQ(VerifyVerdict(second_->port(), old_hc1_), "valid");
  auto voided = client_->Post("/api/v1/doses/" + std::to_string(dose2_) + "/void",
                              R"({"reason":"entered in error"})", staff_);
  ASSERT_EQ(voided.status, 200) << voided.body;
  // The server that voided re-issued at once and refuses the old certificate at once.
  EXPECT_EQ(VerifyVerdict(runtime_->port(), old_hc1_), "revoked");
  // The other learns it from the revocation epoch at its next poll.
  EXPECT_TRUE(Eventually([&] { return VerifyVerdict(second_->port(), old_hc1_) == "revoked"; }))
      << VerifyVerdict(second_->port(), old_hc1_);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM certificate_refresh_queue"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM certificates WHERE person_id = 1 AND status = 'active' "
                  "AND doses = '1/2'"),
            1);
}

TEST_F(CertificateFollowTest, ADutyLeftByADeadServerIsTakenOverOnce) {
  VoidWithoutFollowing(/*grace_seconds=*/0);
  // Both servers' workers race for the duty; exactly one re-issue happens.
  ASSERT_TRUE(Eventually([&] {
    return Count("SELECT COUNT(*) FROM certificate_refresh_queue") == 0;
  }));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM certificates WHERE person_id = 1"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM certificates WHERE person_id = 1 AND status = 'active' "
                  "AND doses = '1/2'"),
            1);
  EXPECT_TRUE(Eventually([&] {
    return VerifyVerdict(runtime_->port(), old_hc1_) == "revoked" &&
           VerifyVerdict(second_->port(), old_hc1_) == "revoked";
  }));
}

TEST_F(CertificateFollowTest, TwoServersHandlingTheSameDutyReissueOnce) {
  VoidWithoutFollowing(/*grace_seconds=*/600);  // the workers leave it alone
  std::atomic<int> ready{0};
  std::vector<size_t> issued(2, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] {
      certs::CertificateAuthority* ca =
          i == 0 ? runtime_->certificates() : second_->certificates();
      ready.fetch_add(1);
      while (ready.load() < 2) std::this_thread::yield();
      const int64_t people[] = {kPerson};
      auto handled = ca->HandleRefreshes(people, {"test", ""});
      ASSERT_TRUE(handled.ok()) << handled.status().ToString();
      issued[static_cast<size_t>(i)] = handled->size();
    });
  }
  for (auto& t : threads) t.join();
  // At most one of them re-issues (none when the renewal sweep, which also sees the doses
  // changed, happened to re-issue first); either way the person has exactly one new certificate.
  EXPECT_LE(issued[0] + issued[1], 1u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM certificate_refresh_queue"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM certificates WHERE person_id = 1"), 2);
}

// The signer's bulk issue pressed on two servers at once (two signers, or a retry through the
// other server of the load balancer): every person awaiting gets exactly one certificate.
TEST_F(CertificateFollowTest, BulkIssueOnTwoServersAtOnceGivesEachPersonOneCertificate) {
  constexpr int kPeople = 12;
  for (int i = 0; i < kPeople; ++i) {
    const std::string cccd = "00108000" + std::to_string(4100 + i);
    auto p = client_->Post("/api/v1/people",
                           R"({"cccd":")" + cccd +
                               R"(","full_name":"Hoàng Văn Hai","dob":"1980-02-02","sex":"M","province_code":"01"})",
                           staff_);
    ASSERT_EQ(p.status, 201) << p.body;
    auto d = client_->Post("/api/v1/doses",
                           R"({"person_id":)" + std::to_string(p.Json().at("id").as_int64()) +
                               R"(,"vaccine":"COMIRNATY","lot":"FK9","dose_number":1,"administered_at":"2021-09-01T08:00:00+07:00"})",
                           staff_);
    ASSERT_EQ(d.status, 201) << d.body;
  }
  ASSERT_EQ(client_->Post("/api/v1/facilities/HN-BACHMAI/sign-doses", "{}", staff_).status, 200);
  ASSERT_EQ(Count("SELECT COUNT(*) FROM certificates"), 1);

  std::atomic<int> ready{0};
  std::vector<int64_t> issued(2, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] {
      TestHttpClient client(i == 0 ? runtime_->port() : second_->port());
      ready.fetch_add(1);
      while (ready.load() < 2) std::this_thread::yield();
      auto r = client.Post("/api/v1/certificates/issue-awaiting", "{}", signer_);
      ASSERT_EQ(r.status, 200) << r.body;
      issued[static_cast<size_t>(i)] = r.Json().at("issued").as_int64();
    });
  }
  for (auto& t : threads) t.join();
  // A person both servers picked is issued by whichever locks them first; the other sees the
  // certificate and leaves it: the two counts add up to the people, never a second certificate.
  EXPECT_EQ(issued[0] + issued[1], kPeople);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM certificates"), kPeople + 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM certificates WHERE status = 'active'"), kPeople + 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM (SELECT person_id FROM certificates WHERE status = "
                  "'active' GROUP BY person_id HAVING COUNT(*) > 1) twice"),
            0);
  EXPECT_EQ(client_->Get("/api/v1/certificates/awaiting", signer_).Json().at("total").as_int64(),
            0);
}

TEST_F(CertificateFollowTest, AChangeDuringAClaimIsNotLost) {
  VoidWithoutFollowing(/*grace_seconds=*/600);
  std::vector<certs::RefreshDuty> first;
  ASSERT_TRUE(runtime_->writer()
                  .SubmitAndWait([&](storage::Connection& c) -> Status {
                    const int64_t people[] = {kPerson};
                    ASSIGN_OR_RETURN(first, certs::ClaimCertificateRefreshes(
                                                c, "claim-a", ToUnixSeconds(SystemClock::Get().Now()),
                                                60, 10, people));
                    // A newer change for the same person while claim-a works.
                    const std::string facility[] = {"HN-OTHER"};
                    return certs::EnqueueCertificateRefresh(
                               c, ToUnixSeconds(SystemClock::Get().Now()), people, facility, true,
                               600)
                        .status();
                  })
                  .ok());
  ASSERT_EQ(first.size(), 1u);
  bool finished = true;
  ASSERT_TRUE(runtime_->writer()
                  .SubmitAndWait([&](storage::Connection& c) -> Status {
                    ASSIGN_OR_RETURN(finished, certs::FinishCertificateRefresh(c, kPerson, "claim-a"));
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_FALSE(finished) << "the newer duty must stay";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM certificate_refresh_queue WHERE identity_changed = 1 AND "
                  "facilities LIKE '%HN-OTHER%' AND claim_token IS NULL"),
            1);
}

}  // namespace
}  // namespace vaxreg::testing
