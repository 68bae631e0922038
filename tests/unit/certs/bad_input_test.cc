// Bad input against certificates this platform issues: one bit flipped anywhere (in the COSE
// message and in the compressed stream), every truncation, oversized text, a zip bomb and a
// certificate signed by another key each give the expected reason code and never crash.

#include <gtest/gtest.h>

#include <filesystem>

#include "certs/codec/base45.h"
#include "certs/codec/zlib_codec.h"
#include "certs/issue/dcc_issuer.h"
#include "certs/verifier.h"
#include "common/crypto_util.h"
#include "tests/unit/certs/test_pki.h"

namespace vaxreg::certs {
namespace {

namespace fs = std::filesystem;
using testing::Utc;

class BadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("vaxreg-bad-" + HexEncode(RandomBytes(6)));
    ASSERT_TRUE(KeyStore::Init(dir_, "bad input passphrase", Utc(2024, 1, 1)).ok());
    keys_ = std::move(*KeyStore::Open(dir_, "bad input passphrase"));
    trust_.Add(keys_.active_dsc().certificate);
    DccIssuer issuer(keys_.active_dsc(), registry::BuiltInVaccines());
    IssueRequest r{"Nguyễn Văn Ánh", "1985-04-12", {}, ""};
    r.doses.push_back({"COMIRNATY", std::chrono::floor<std::chrono::days>(Utc(2021, 8, 1))});
    auto issued = issuer.Issue(r, Utc(2024, 3, 1));
    ASSERT_TRUE(issued.ok());
    hc1_ = issued->hc1;
    compressed_ = *Base45Decode(hc1_.substr(4));
    cose_ = *Inflate(compressed_);
    ASSERT_TRUE(Verify(hc1_).valid);
  }
  void TearDown() override { fs::remove_all(dir_); }

  VerificationResult Verify(const std::string& text) {
    return VerifyHc1(text, trust_, Utc(2024, 3, 2));
  }
  static std::string Wrap(std::string_view bytes) {
    Deflater d;
    return "HC1:" + Base45Encode(*d.Compress(bytes));
  }

  fs::path dir_;
  KeyStore keys_;
  InMemoryTrustStore trust_;
  std::string hc1_, compressed_, cose_;
};

TEST_F(BadInputTest, EveryBitFlipOfTheCoseMessageFails) {
  for (size_t bit = 0; bit < cose_.size() * 8; ++bit) {
    std::string t = cose_;
    t[bit / 8] = static_cast<char>(t[bit / 8] ^ (1 << (bit % 8)));
    VerificationResult r = Verify(Wrap(t));
    ASSERT_FALSE(r.valid) << "bit " << bit;
    ASSERT_FALSE(r.failures.empty());
    const FailureCode c = r.failures[0].code;
    EXPECT_TRUE(c == FailureCode::kCose || c == FailureCode::kCbor ||
                c == FailureCode::kUnknownKid || c == FailureCode::kSignature)
        << "bit " << bit << ": " << FailureCodeName(c);
  }
}

TEST_F(BadInputTest, EveryBitFlipOfTheCompressedStreamFails) {
  for (size_t bit = 0; bit < compressed_.size() * 8; ++bit) {
    std::string t = compressed_;
    t[bit / 8] = static_cast<char>(t[bit / 8] ^ (1 << (bit % 8)));
    VerificationResult r = Verify("HC1:" + Base45Encode(t));
    ASSERT_FALSE(r.valid) << "bit " << bit << " of " << compressed_.size() * 8;
    ASSERT_FALSE(r.failures.empty());
  }
}

TEST_F(BadInputTest, EveryTruncationFailsAtDecoding) {
  for (size_t n = 0; n < hc1_.size(); ++n) {
    VerificationResult r = Verify(hc1_.substr(0, n));
    ASSERT_FALSE(r.valid) << n;
    const FailureCode c = r.failures.at(0).code;
    EXPECT_TRUE(c == FailureCode::kPrefix || c == FailureCode::kBase45 || c == FailureCode::kZlib)
        << n << ": " << FailureCodeName(c);
  }
}

TEST_F(BadInputTest, OversizedZipBombAndWrongKey) {
  EXPECT_TRUE(Verify(hc1_ + std::string(9000, '0')).Has(FailureCode::kBase45));
  Deflater d;
  const std::string bomb = "HC1:" + Base45Encode(*d.Compress(std::string(2 << 20, '\0')));
  EXPECT_TRUE(Verify(bomb).Has(FailureCode::kZlib));
  // Same kid, another key: the signature fails. Another kid: unknown.
  testing::TestSigner other = testing::MakeSigner({std::string(kOidDccVaccination)});
  const auto dcc = Verify(hc1_).dcc;
  const std::string forged = testing::MakeHc1(*dcc, Utc(2024, 3, 1), Utc(2025, 3, 1),
                                              other.key.get(), keys_.active_dsc().certificate->kid());
  EXPECT_EQ(Verify(forged).failures.at(0).code, FailureCode::kSignature);
  const std::string foreign = testing::MakeHc1(*dcc, Utc(2024, 3, 1), Utc(2025, 3, 1),
                                               other.key.get(), other.cert->kid());
  EXPECT_EQ(Verify(foreign).failures.at(0).code, FailureCode::kUnknownKid);
}

}  // namespace
}  // namespace vaxreg::certs
