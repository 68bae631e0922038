#include "certs/trust/signed_lists.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>

#include "certs/codec/base64.h"
#include "certs/issue/dcc_issuer.h"
#include "certs/verification_json.h"
#include "common/crypto_util.h"
#include "tests/unit/certs/test_pki.h"

namespace vaxreg::certs {
namespace {

namespace fs = std::filesystem;
using testing::Utc;

constexpr char kPass[] = "correct horse battery";

class SignedListsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("vaxreg-lists-" + HexEncode(RandomBytes(6)));
    ASSERT_TRUE(KeyStore::Init(dir_, kPass, Utc(2024, 1, 1)).ok());
    ASSERT_TRUE(KeyStore::Rotate(dir_, kPass, Utc(2024, 2, 1)).ok());
    keys_ = std::move(*KeyStore::Open(dir_, kPass));
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  KeyStore keys_;
};

// Replaces the "content" of a signed envelope without re-signing.
std::string WithContent(const std::string& signed_text, const std::string& from,
                        const std::string& to) {
  boost::json::object env = boost::json::parse(signed_text).as_object();
  std::string content(env["content"].as_string());
  const size_t at = content.find(from);
  EXPECT_NE(at, std::string::npos);
  content.replace(at, from.size(), to);
  env["content"] = content;
  return boost::json::serialize(env);
}

TEST_F(SignedListsTest, TrustListRoundTripsAndVerifiesCertificatesOfEveryDsc) {
  Result<std::string> text = BuildSignedTrustList(keys_, Utc(2024, 3, 1));
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  Result<TrustList> list = ParseSignedTrustList(*text, keys_.csca().get());
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->dscs.size(), 2u);
  EXPECT_EQ(list->dscs[1]->kid(), keys_.active_dsc().certificate->kid());
  EXPECT_EQ(list->issued_at, Utc(2024, 3, 1));
  // Certificates by the old and the new DSC verify against the list.
  auto trust = MakeTrustStore(*list);
  IssueRequest r{"Lê Thị Hoa", "1970-01-02", {{"VAXZEVRIA", std::chrono::sys_days{}}}, ""};
  r.doses[0].date = std::chrono::floor<std::chrono::days>(Utc(2021, 7, 1));
  DccIssuer fresh(keys_.active_dsc(), registry::BuiltInVaccines());
  auto issued = fresh.Issue(r, Utc(2024, 3, 1));
  ASSERT_TRUE(issued.ok());
  EXPECT_TRUE(VerifyHc1(issued->hc1, *trust, Utc(2024, 3, 2)).valid);
}

TEST_F(SignedListsTest, TamperedOrForeignTrustListsAreRejected) {
  const std::string text = *BuildSignedTrustList(keys_, Utc(2024, 3, 1));
  EXPECT_EQ(ParseSignedTrustList(WithContent(text, "2024-03-01", "2024-03-02")).status().code(),
            StatusCode::kUnauthenticated);
  // Another country's keys: valid by themselves, but not the pinned CSCA.
  const fs::path other = dir_ / "other";
  ASSERT_TRUE(KeyStore::Init(other, kPass, Utc(2024, 1, 1)).ok());
  const std::string foreign = *BuildSignedTrustList(*KeyStore::Open(other, kPass), Utc(2024, 3, 1));
  EXPECT_TRUE(ParseSignedTrustList(foreign).ok());
  EXPECT_EQ(ParseSignedTrustList(foreign, keys_.csca().get()).status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(ParseSignedTrustList("{").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseSignedTrustList("[]").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseSignedTrustList(std::string(kMaxSignedListBytes + 1, ' ')).status().code(),
            StatusCode::kResourceExhausted);
}

TEST_F(SignedListsTest, RevocationListRoundTrips) {
  const std::string uvci = "URN:UVCI:01:VN:ABC#D";
  Result<std::string> text =
      BuildSignedRevocationList({DccRevocationHash(uvci)}, keys_.list_signer(), Utc(2024, 3, 1));
  ASSERT_TRUE(text.ok());
  auto list = ParseSignedRevocationList(*text, *keys_.csca());
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_TRUE((*list)->IsRevoked(uvci));
  EXPECT_FALSE((*list)->IsRevoked("URN:UVCI:01:VN:ABD#D"));
  const std::string hash64 = Base64Encode(DccRevocationHash(uvci));
  EXPECT_EQ(ParseSignedRevocationList(WithContent(*text, hash64, Base64Encode(std::string(16, 'x'))),
                                      *keys_.csca())
                .status()
                .code(),
            StatusCode::kUnauthenticated);
  // A trust list is not a revocation list.
  EXPECT_FALSE(ParseSignedRevocationList(*BuildSignedTrustList(keys_, Utc(2024, 3, 1)), *keys_.csca())
                   .ok());
}

TEST_F(SignedListsTest, VerificationJsonHasStepsHolderAndMinimalView) {
  IssueRequest r{"Nguyễn Văn Ánh", "1985-04-12", {}, ""};
  r.doses.push_back({"COMIRNATY", std::chrono::floor<std::chrono::days>(Utc(2021, 8, 1))});
  DccIssuer issuer(keys_.active_dsc(), registry::BuiltInVaccines());
  auto issued = issuer.Issue(r, Utc(2024, 3, 1));
  ASSERT_TRUE(issued.ok());
  InMemoryTrustStore trust;
  for (const auto& d : keys_.dscs()) trust.Add(d);
  InMemoryRevocationList revoked;
  revoked.AddUvci(issued->uvci);
  VerificationResult v = VerifyHc1(issued->hc1, trust, Utc(2024, 3, 2), &revoked);
  boost::json::object full = VerificationResultToJson(v, false);
  EXPECT_FALSE(full["valid"].as_bool());
  EXPECT_EQ(full["failures"].as_array()[0].at("code").as_string(), "revoked");
  EXPECT_EQ(full["steps"].at("revoked").as_string(), "failed");
  EXPECT_EQ(full["steps"].at("signature").as_string(), "ok");
  EXPECT_EQ(full["holder"].at("name").as_string(), "Nguyễn Văn Ánh");
  EXPECT_EQ(full["holder"].at("date_of_birth").as_string(), "1985-04-12");
  EXPECT_EQ(full["certificate"].at("doses").as_string(), "1/2");
  boost::json::object minimal = VerificationResultToJson(v, true);
  EXPECT_EQ(minimal.size(), 3u);
  EXPECT_EQ(minimal["name"].as_string(), "Nguyễn Văn Ánh");
  EXPECT_EQ(minimal["failures"].as_array()[0].as_string(), "revoked");

  VerificationResult bad = VerifyHc1("HC1:%%%", trust, Utc(2024, 3, 2));
  boost::json::object b = VerificationResultToJson(bad, false);
  EXPECT_EQ(b["steps"].at("base45").as_string(), "failed");
  EXPECT_EQ(b["steps"].at("zlib").as_string(), "skipped");
  EXPECT_EQ(b["steps"].at("key_usage").as_string(), "skipped");
  EXPECT_FALSE(b.contains("holder"));
}

}  // namespace
}  // namespace vaxreg::certs
