// Facility signatures over dose records on a real database of each backend (migration 4 on
// SQLite and PostgreSQL): signing a facility's doses as a batch, verifying batches and doses
// against the facility certificate chain, a dose edited in the database after signing being
// reported and no longer counting for a certificate, voiding after signing not being a problem,
// and a certificate issued on each backend only from signed doses.

#include <gtest/gtest.h>

#include <filesystem>

#include "certs/service/certificate_authority.h"
#include "certs/service/dose_signing.h"
#include "certs/service/facility_keys.h"
#include "fakes/fake_clock.h"
#include "registry/dose.h"
#include "common/crypto_util.h"
#include "registry/facility.h"
#include "registry/person.h"
#include "registry/person_store.h"
#include "registry/vaccine_store.h"
#include "storage/group_commit.h"
#include "storage/migrate.h"
#include "support/migrated_db.h"

namespace vaxreg::certs {
namespace {

namespace fs = std::filesystem;

constexpr char kPass[] = "a dose signing test passphrase";

class DoseSigningTest : public testing::MigratedDbTest {
 protected:
  void SetUp() override {
    MigratedDbTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    clock_.Set(SystemClock::Get().Now());
    key_dir_ = fs::temp_directory_path() /
               ("vaxreg_dose_sign_" + std::to_string(::getpid()) + "_" +
                std::to_string(reinterpret_cast<uintptr_t>(this)));
    ASSERT_TRUE(KeyStore::Init(key_dir_, kPass, clock_.Now()).ok());
    ASSERT_TRUE(Write([&](storage::Connection& c) -> Status {
                  RETURN_IF_ERROR(registry::SeedBuiltInVaccines(c, clock_));
                  for (const char* code : {"HN-A", "HN-B", "HN-NEW"}) {
                    registry::Facility f{code, "Trạm y tế", "01", "006", "00199", "",
                                         "applied", 100, "", 0};
                    RETURN_IF_ERROR(registry::ApplyFacility(c, clock_, f, actor_).status());
                    if (std::string(code) != "HN-NEW") {
                      RETURN_IF_ERROR(
                          registry::DecideFacility(c, clock_, code, "active", "", actor_).status());
                    }
                  }
                  return Status::Ok();
                }).ok());
    registry::NewPerson np;
    np.cccd = "001090012345";
    np.full_name = "Nguyễn Văn Ánh";
    np.dob = "1990-04-12";
    np.sex = "M";
    np.province_code = "01";
    auto valid = registry::ValidateNewPerson(np, std::chrono::floor<std::chrono::days>(clock_.Now()));
    ASSERT_TRUE(valid.ok()) << valid.status().ToString();
    ASSERT_TRUE(Write([&](storage::Connection& c) {
                  auto p = registry::InsertPerson(c, clock_, *valid, actor_);
                  if (p.ok()) person_ = p->id;
                  return p.status();
                }).ok());
    dose1_ = AddDose("HN-A", 1, 1627808400);  // 2021-08-01
    dose2_ = AddDose("HN-A", 2, 1630227600);  // 2021-08-29
    dose_b_ = AddDose("HN-B", 3, 1641805200);  // 2022-01-10
    CertificateAuthorityOptions o;
    o.key_dir = key_dir_.string();
    o.passphrase = kPass;
    o.run_scheduler = false;
    auto ca = CertificateAuthority::Start(o, *db_, *writer_, clock_);
    ASSERT_TRUE(ca.ok()) << ca.status().ToString();
    ca_ = std::move(*ca);
  }

  void TearDown() override {
    ca_.reset();
    writer_.reset();
    std::error_code ec;
    fs::remove_all(key_dir_, ec);
  }

  int64_t AddDose(const std::string& facility, int number, int64_t at) {
    registry::Dose d;
    d.person_id = person_;
    d.vaccine_code = "COMIRNATY";
    d.lot = "FK1234";
    d.dose_number = number;
    d.administered_at = at;
    d.facility_code = facility;
    d.vaccinator = "Trần Thị B";
    d.source = "facility";
    d.review_status = "none";
    d.province_code = "01";
    d.status = "active";
    d.recorded_by = "test";
    int64_t id = 0;
    Status st = Write([&](storage::Connection& c) {
      auto r = registry::InsertDose(c, d);
      if (r.ok()) id = r->id;
      return r.status();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return id;
  }

  SignatureReport Verify(const std::string& facility = "") {
    auto conn = db_->Acquire();
    EXPECT_TRUE(conn.ok());
    auto csca = KeyStore::LoadPublic(key_dir_).value().csca();
    auto r = VerifyDoseSignatures(**conn, *csca, facility);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.value_or(SignatureReport{});
  }

  Status Exec(const std::string& sql) {
    auto conn = db_->Acquire();
    if (!conn.ok()) return conn.status();
    return (*conn)->Execute(sql, {}).status();
  }

  testing::FakeClock clock_;
  fs::path key_dir_;
  std::unique_ptr<CertificateAuthority> ca_;
  registry::Actor actor_{"test", ""};
  int64_t person_ = 0, dose1_ = 0, dose2_ = 0, dose_b_ = 0;
};

TEST_F(DoseSigningTest, CanonicalBytesAreLengthPrefixedAndStable) {
  DoseSigningFacts f{7, 3, "cccd:001090012345", "COMIRNATY", "A:1\n", 2, 1630227600,
                     "HN-A", "B", "facility", "active"};
  const std::string bytes = CanonicalDoseBytes(f);
  EXPECT_EQ(bytes.substr(0, 15), "vaxreg-dose-v1\n");
  EXPECT_NE(bytes.find("lot:4:A:1\n\n"), std::string::npos) << bytes;
  EXPECT_EQ(DoseDigest(f), DoseDigest(f));
  DoseSigningFacts g = f;
  g.lot = "A";
  g.vaccinator = ":1\n";
  EXPECT_NE(DoseDigest(f), DoseDigest(g));
  EXPECT_EQ(CanonicalBatchBytes("HN-A", "ab", {{2, "y"}, {1, "x"}}),
            "vaxreg-dose-batch-v1\nfacility:4:HN-A\nkid:2:ab\n1 x\n2 y\n");
}

TEST_F(DoseSigningTest, OnlySignedDosesCountAndTamperingIsCaught) {
  // Nothing signed: no counted dose.
  EXPECT_EQ(ca_->IssueForPerson(person_, actor_).status().code(), StatusCode::kFailedPrecondition);

  auto batch = ca_->SignFacilityDoses("HN-A", 100, actor_);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_EQ(batch->doses_signed, 2);
  EXPECT_EQ(batch->remaining, 0);
  EXPECT_GT(batch->batch_id, 0);
  auto again = ca_->SignFacilityDoses("HN-A", 100, actor_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->doses_signed, 0);
  EXPECT_EQ(again->batch_id, 0);

  SignatureReport r = Verify();
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.batches_checked, 1);
  EXPECT_EQ(r.doses_checked, 2);
  EXPECT_EQ(r.unsigned_doses, 1);  // HN-B's dose

  auto cert = ca_->IssueForPerson(person_, actor_);
  ASSERT_TRUE(cert.ok()) << cert.status().ToString();
  EXPECT_EQ(cert->doses, "2/2");  // HN-B's unsigned booster does not count

  // The lot of a signed dose edited directly in the database.
  ASSERT_TRUE(Exec("UPDATE doses SET lot = 'FORGED' WHERE id = " + std::to_string(dose1_)).ok());
  r = Verify("HN-A");
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].dose_id, dose1_);
  EXPECT_EQ(r.problems[0].batch_id, batch->batch_id);
  EXPECT_TRUE(Verify("HN-B").ok());
  {
    auto conn = db_->Acquire();
    ASSERT_TRUE(conn.ok());
    auto doses = registry::ListPersonDoses(**conn, person_);
    ASSERT_TRUE(doses.ok());
    auto kept = KeepSignedDoses(**conn, *doses);
    ASSERT_TRUE(kept.ok());
    ASSERT_EQ(kept->size(), 1u);
    EXPECT_EQ((*kept)[0].id, dose2_);
  }
  auto reissued = ca_->IssueForPerson(person_, actor_);
  ASSERT_TRUE(reissued.ok()) << reissued.status().ToString();
  EXPECT_EQ(reissued->doses, "1/2");

  // A stored digest rewritten to match: the batch signature no longer verifies.
  ASSERT_TRUE(Exec("UPDATE dose_signatures SET digest = 'ff' WHERE dose_id = " +
                   std::to_string(dose2_)).ok());
  r = Verify();
  bool batch_problem = false;
  for (const auto& p : r.problems) batch_problem |= (p.dose_id == 0 && p.batch_id == batch->batch_id);
  EXPECT_TRUE(batch_problem);
}

TEST_F(DoseSigningTest, VoidingAfterSigningIsNotAProblem) {
  ASSERT_TRUE(ca_->SignFacilityDoses("HN-A", 1, actor_).ok());  // a batch of one
  auto second = ca_->SignFacilityDoses("HN-A", 5, actor_);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->doses_signed, 1);
  ASSERT_TRUE(Write([&](storage::Connection& c) {
                return registry::MarkDoseVoided(c, dose2_, "entered twice", "test", 1700000000);
              }).ok());
  SignatureReport r = Verify();
  EXPECT_TRUE(r.ok()) << r.problems.size();
  EXPECT_EQ(r.batches_checked, 2);
  EXPECT_EQ(r.voided_after_signing, 1);
}

TEST_F(DoseSigningTest, FacilityKeysAreCertifiedByTheCsca) {
  EXPECT_EQ(ca_->SignFacilityDoses("HN-NEW", 10, actor_).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(ca_->SignFacilityDoses("NO-SUCH", 10, actor_).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ca_->SignFacilityDoses("../x", 10, actor_).status().code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(ca_->SignFacilityDoses("HN-A", 10, actor_).ok());
  auto key = LoadFacilityKey(key_dir_, kPass, "HN-A");
  ASSERT_TRUE(key.ok() && key->has_value());
  auto csca = KeyStore::LoadPublic(key_dir_).value().csca();
  EXPECT_TRUE(VerifyIssuedBy(*(*key)->certificate, *csca).ok());
  EXPECT_EQ((*key)->certificate->extended_key_usages(),
            std::vector<std::string>{"1.3.6.1.5.5.7.3.36"});  // documentSigning, not a DSC
  // A rotated key signs new batches; the old batch still verifies.
  ASSERT_TRUE(CreateFacilityKey(key_dir_, kPass, "HN-A", clock_.Now()).ok());
  AddDose("HN-A", 3, 1641805200);
  CertificateAuthorityOptions o;
  o.key_dir = key_dir_.string();
  o.passphrase = kPass;
  o.run_scheduler = false;
  auto fresh = CertificateAuthority::Start(o, *db_, *writer_, clock_);
  ASSERT_TRUE(fresh.ok());
  auto b2 = (*fresh)->SignFacilityDoses("HN-A", 10, actor_);
  ASSERT_TRUE(b2.ok());
  EXPECT_NE(b2->kid_hex, HexEncode((*key)->certificate->kid()));
  EXPECT_TRUE(Verify().ok());

  // Against another platform's CSCA nothing verifies.
  const fs::path other = key_dir_.string() + "_other";
  ASSERT_TRUE(KeyStore::Init(other, kPass, clock_.Now()).ok());
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  auto r = VerifyDoseSignatures(**conn, *KeyStore::LoadPublic(other).value().csca(), "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->problems.size(), 2u);
  std::error_code ec;
  fs::remove_all(other, ec);
}

}  // namespace
}  // namespace vaxreg::certs
