#include "certs/issue/dcc_issuer.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>

#include "certs/codec/base45.h"
#include "certs/dcc/schema_check.h"
#include "certs/issue/uvci.h"
#include "certs/verifier.h"
#include "common/crypto_util.h"
#include "tests/unit/certs/test_pki.h"

namespace vaxreg::certs {
namespace {

namespace fs = std::filesystem;
using std::chrono::sys_days;
using testing::Utc;

constexpr char kPass[] = "correct horse battery";

sys_days Day(int y, unsigned m, unsigned d) {
  return sys_days(std::chrono::year_month_day{std::chrono::year(y), std::chrono::month(m),
                                              std::chrono::day(d)});
}

class DccIssuerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("vaxreg-issuer-" + HexEncode(RandomBytes(6)));
    ASSERT_TRUE(KeyStore::Init(dir_, kPass, Utc(2024, 1, 1)).ok());
    auto ks = KeyStore::Open(dir_, kPass);
    ASSERT_TRUE(ks.ok());
    keys_ = std::move(*ks);
    issuer_ = std::make_unique<DccIssuer>(keys_.active_dsc(), registry::BuiltInVaccines());
    for (const auto& dsc : keys_.dscs()) trust_.Add(dsc);
  }
  void TearDown() override { fs::remove_all(dir_); }

  IssueRequest Anh() const {
    IssueRequest r;
    r.full_name = "Nguyễn Văn Ánh";
    r.date_of_birth = "1985-04-12";
    r.doses = {{"COMIRNATY", Day(2021, 8, 1)}, {"COMIRNATY", Day(2021, 8, 29)}};
    return r;
  }

  fs::path dir_;
  KeyStore keys_;
  std::unique_ptr<DccIssuer> issuer_;
  InMemoryTrustStore trust_;
};

TEST_F(DccIssuerTest, IssuedCertificateVerifiesAndCarriesTheContent) {
  const SystemTime now = Utc(2024, 3, 10, 9);
  Result<IssuedDcc> issued = issuer_->Issue(Anh(), now);
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  EXPECT_TRUE(issued->hc1.starts_with("HC1:"));
  // A standard zlib stream: CMF 0x78 (deflate, 32 KiB window), as every DCC verifier expects.
  Result<std::string> zlib = Base45Decode(std::string_view(issued->hc1).substr(4));
  ASSERT_TRUE(zlib.ok());
  ASSERT_GE(zlib->size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>((*zlib)[0]), 0x78);
  EXPECT_EQ(
      ((static_cast<unsigned char>((*zlib)[0]) << 8) | static_cast<unsigned char>((*zlib)[1])) % 31,
      0);
  EXPECT_TRUE(UvciChecksumValid(issued->uvci)) << issued->uvci;
  EXPECT_TRUE(issued->uvci.starts_with("URN:UVCI:01:VN:"));
  EXPECT_EQ(issued->expires_at, Utc(2025, 3, 10, 9));

  VerificationResult v = VerifyHc1(issued->hc1, trust_, now + std::chrono::hours(1));
  ASSERT_TRUE(v.valid) << (v.failures.empty() ? "" : v.failures[0].message);
  EXPECT_EQ(v.family_name, "Nguyễn");
  EXPECT_EQ(v.given_name, "Văn Ánh");
  EXPECT_EQ(v.doses, "2/2");
  EXPECT_EQ(v.uvci, issued->uvci);
  EXPECT_EQ(v.issuer, "VN");
  const auto& nam = v.dcc->at("nam").as_object();
  EXPECT_EQ(nam.at("fnt").as_string(), "NGUYEN");
  EXPECT_EQ(nam.at("gnt").as_string(), "VAN<ANH");
  const auto& entry = v.dcc->at("v").as_array()[0].as_object();
  EXPECT_EQ(entry.at("co").as_string(), "VN");
  EXPECT_EQ(entry.at("is").as_string(), "Ministry of Health of Viet Nam");
  EXPECT_EQ(entry.at("dt").as_string(), "2021-08-29");
  EXPECT_EQ(entry.at("mp").as_string(), "EU/1/20/1528");
  EXPECT_TRUE(CheckDccSchema(*v.dcc).empty());
  EXPECT_TRUE(CheckDccValueSets(*v.dcc).empty());
  // Expired a year later; not valid before issuance.
  EXPECT_TRUE(VerifyHc1(issued->hc1, trust_, Utc(2025, 3, 11)).Has(FailureCode::kExpired));
  EXPECT_TRUE(VerifyHc1(issued->hc1, trust_, Utc(2024, 3, 9)).Has(FailureCode::kNotYetValid));
}

TEST_F(DccIssuerTest, DoseNumbersFollowTheSeriesRules) {
  IssueRequest r = Anh();
  r.doses.push_back({"SPIKEVAX", Day(2022, 1, 5)});
  auto dcc = issuer_->BuildDcc(r, "URN:UVCI:01:VN:X#A");
  ASSERT_TRUE(dcc.ok());
  const auto& v = dcc->at("v").as_array()[0];
  EXPECT_EQ(v.at("dn").as_int64(), 3);
  EXPECT_EQ(v.at("sd").as_int64(), 3);
  EXPECT_EQ(v.at("mp").as_string(), "EU/1/20/1507");

  IssueRequest janssen;
  janssen.full_name = "Trần Thị Đào";
  janssen.date_of_birth = "1990";
  janssen.doses = {{"JANSSEN", Day(2021, 10, 1)}};
  dcc = issuer_->BuildDcc(janssen, "URN:UVCI:01:VN:X#A");
  ASSERT_TRUE(dcc.ok());
  EXPECT_EQ(dcc->at("v").as_array()[0].at("dn").as_int64(), 1);
  EXPECT_EQ(dcc->at("v").as_array()[0].at("sd").as_int64(), 1);
  EXPECT_EQ(dcc->at("nam").at("gnt").as_string(), "THI<DAO");
  EXPECT_EQ(dcc->at("dob").as_string(), "1990");
  EXPECT_TRUE(CheckDccSchema(*dcc).empty());
}

TEST_F(DccIssuerTest, RefusesWithoutCountedDosesOrWithBadData) {
  IssueRequest r = Anh();
  for (auto& d : r.doses) d.voided = true;
  EXPECT_EQ(issuer_->Issue(r, Utc(2024, 3, 1)).status().code(), StatusCode::kFailedPrecondition);
  r = Anh();
  r.date_of_birth = "1985-13-01";
  EXPECT_EQ(issuer_->Issue(r, Utc(2024, 3, 1)).status().code(), StatusCode::kInvalidArgument);
  r = Anh();
  r.full_name = "  ";
  EXPECT_EQ(issuer_->Issue(r, Utc(2024, 3, 1)).status().code(), StatusCode::kInvalidArgument);
  // The DSC (3 years from 2024-01-01) cannot sign a certificate that outlives it.
  EXPECT_EQ(issuer_->Issue(Anh(), Utc(2026, 6, 1)).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(DccIssuerTest, RotatedKeysKeepOldCertificatesValid) {
  Result<IssuedDcc> old = issuer_->Issue(Anh(), Utc(2024, 2, 1));
  ASSERT_TRUE(old.ok());
  ASSERT_TRUE(KeyStore::Rotate(dir_, kPass, Utc(2024, 6, 1)).ok());
  auto ks = KeyStore::Open(dir_, kPass);
  ASSERT_TRUE(ks.ok());
  DccIssuer next(ks->active_dsc(), registry::BuiltInVaccines());
  Result<IssuedDcc> fresh = next.Issue(Anh(), Utc(2024, 7, 1));
  ASSERT_TRUE(fresh.ok());
  EXPECT_NE(old->kid, fresh->kid);
  InMemoryTrustStore trust;
  for (const auto& dsc : ks->dscs()) trust.Add(dsc);
  EXPECT_TRUE(VerifyHc1(old->hc1, trust, Utc(2024, 8, 1)).valid);
  EXPECT_TRUE(VerifyHc1(fresh->hc1, trust, Utc(2024, 8, 1)).valid);
}

TEST(AddCalendarMonthsTest, ClampsToMonthEnd) {
  EXPECT_EQ(AddCalendarMonths(Utc(2024, 2, 29, 5), 12), Utc(2025, 2, 28, 5));
  EXPECT_EQ(AddCalendarMonths(Utc(2024, 1, 31), 1), Utc(2024, 2, 29));
  EXPECT_EQ(AddCalendarMonths(Utc(2024, 5, 15), 12), Utc(2025, 5, 15));
}

}  // namespace
}  // namespace vaxreg::certs
