#include "certs/verifier.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <random>

#include "common/crypto_util.h"
#include "test_pki.h"

namespace vaxreg::certs {
namespace {

namespace json = boost::json;
using testing::MakeHc1;
using testing::MakeSigner;
using testing::SampleVaccinationDcc;
using testing::TestSigner;
using testing::Utc;
using testing::WrapHc1;

class VerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    signer_ = MakeSigner({std::string(kOidDccVaccination)});
    trust_.Add(signer_.cert);
  }

  std::string Issue(const json::value& dcc) {
    return MakeHc1(dcc, iat_, exp_, signer_.key.get(), signer_.cert->kid());
  }

  std::vector<FailureCode> Codes(const VerificationResult& r) {
    std::vector<FailureCode> out;
    for (const Failure& f : r.failures) out.push_back(f.code);
    return out;
  }

  VerificationResult Verify(std::string_view qr, SystemTime now) {
    return VerifyHc1(qr, trust_, now, nullptr);
  }

  TestSigner signer_;
  InMemoryTrustStore trust_;
  const SystemTime iat_ = Utc(2022, 1, 1);
  const SystemTime exp_ = Utc(2023, 1, 1);
  const SystemTime now_ = Utc(2022, 6, 1);
};

TEST_F(VerifierTest, AcceptsAValidCertificateAndSummarisesIt) {
  const std::string qr = Issue(SampleVaccinationDcc());
  EXPECT_LT(qr.size(), 1000u);
  VerificationResult r = Verify(qr, now_);
  ASSERT_TRUE(r.valid) << (r.failures.empty() ? "" : r.failures[0].message);
  EXPECT_TRUE(r.failures.empty());
  ASSERT_TRUE(r.dcc.has_value());
  EXPECT_EQ(*r.dcc, SampleVaccinationDcc());
  EXPECT_EQ(r.type, DccType::kVaccination);
  EXPECT_EQ(r.family_name, "Nguyễn");
  EXPECT_EQ(r.given_name, "Văn An");
  EXPECT_EQ(r.date_of_birth, "1985-04-12");
  EXPECT_EQ(r.doses, "2/2");
  EXPECT_EQ(r.uvci, "URN:UVCI:01:VN:0123456789ABCDEF#X");
  EXPECT_EQ(r.issuer, "VN");
  EXPECT_EQ(r.issued_at, iat_);
  EXPECT_EQ(r.expires_at, exp_);
  EXPECT_EQ(r.kid, signer_.cert->kid());
  EXPECT_EQ(r.signer, signer_.cert);
}

TEST_F(VerifierTest, ReasonCodesForBrokenEncodings) {
  const std::string qr = Issue(SampleVaccinationDcc());
  std::string dangling = qr;  // base45 part of length 3n+1
  while ((dangling.size() - 4) % 3 != 1) dangling += '0';
  Deflater deflater;
  Result<std::string> bomb = deflater.Compress(std::string(4 * 1024 * 1024, '\0'));
  ASSERT_TRUE(bomb.ok());
  struct Case {
    std::string qr;
    FailureCode want;
    const char* what;
  };
  const Case cases[] = {
      {"", FailureCode::kPrefix, "empty"},
      {"HC2:" + qr.substr(4), FailureCode::kPrefix, "HC2"},
      {"hc1:" + qr.substr(4), FailureCode::kPrefix, "lower-case prefix"},
      {qr.substr(4), FailureCode::kPrefix, "no prefix"},
      {"HC1:", FailureCode::kZlib, "nothing after the prefix"},
      {"HC1:abc", FailureCode::kBase45, "lower case base45"},
      {dangling, FailureCode::kBase45, "dangling base45 character"},
      {"HC1:" + std::string(9000, '0'), FailureCode::kBase45, "oversized"},
      {"HC1:" + Base45Encode("\xd2\x84\x40\xa0\x40\x40"), FailureCode::kZlib, "raw COSE, no zlib"},
      {qr.substr(0, qr.size() / 2 - (qr.size() / 2) % 3 + 1), FailureCode::kZlib, "truncated"},
      {"HC1:" + Base45Encode(*bomb), FailureCode::kZlib, "zip bomb (4 MiB of zeros)"},
      {WrapHc1("\x83\x01\x02\x03"), FailureCode::kCose, "CBOR that is not COSE"},
      {WrapHc1("\xd2\x84\x40\xa0\x40"), FailureCode::kCose, "truncated COSE"},
      {WrapHc1(std::string("\xd1\x84\x40\xa0\x40\x40", 6)), FailureCode::kCose, "tag 17"},
  };
  for (const Case& c : cases) {
    VerificationResult r = Verify(c.qr, now_);
    EXPECT_FALSE(r.valid) << c.what;
    ASSERT_EQ(r.failures.size(), 1u) << c.what;
    EXPECT_EQ(r.failures[0].code, c.want)
        << c.what << ": " << FailureCodeName(r.failures[0].code) << " " << r.failures[0].message;
    EXPECT_FALSE(r.failures[0].message.empty());
    EXPECT_FALSE(r.dcc.has_value());
  }
  EXPECT_LT(("HC1:" + Base45Encode(*bomb)).size(), 8 * 1024u) << "the bomb fits in a QR text";
}

TEST_F(VerifierTest, ReasonCbor) {
  auto signed_payload = [&](std::string_view payload) {
    Result<std::string> cose = SignCoseSign1Es256(payload, signer_.cert->kid(), signer_.key.get());
    EXPECT_TRUE(cose.ok());
    return WrapHc1(*cose);
  };
  for (std::string_view payload :
       {std::string_view("not cbor"), std::string_view("\x80", 1),
        std::string_view("\xa1\x01\x62VN", 4) /* no hcert */,
        std::string_view("\xa1\x39\x01\x03\xa1\x01\x41\x00", 8) /* DCC is bytes */}) {
    VerificationResult r = Verify(signed_payload(payload), now_);
    ASSERT_FALSE(r.valid);
    EXPECT_EQ(Codes(r), std::vector<FailureCode>{FailureCode::kCbor}) << r.failures[0].message;
  }
}

TEST_F(VerifierTest, UnknownKidAndWrongKey) {
  const json::value dcc = SampleVaccinationDcc();
  // Signed by a DSC nobody trusts.
  TestSigner stranger = MakeSigner();
  VerificationResult r =
      Verify(MakeHc1(dcc, iat_, exp_, stranger.key.get(), stranger.cert->kid()), now_);
  EXPECT_EQ(Codes(r), std::vector<FailureCode>{FailureCode::kUnknownKid});
  ASSERT_TRUE(r.dcc.has_value()) << "the untrusted content is still shown";
  // No kid at all.
  Result<std::string> no_kid =
      SignCoseSign1Es256(testing::MakeCwt(dcc, iat_, exp_), "", signer_.key.get());
  ASSERT_TRUE(no_kid.ok());
  EXPECT_EQ(Codes(Verify(WrapHc1(*no_kid), now_)),
            std::vector<FailureCode>{FailureCode::kUnknownKid});
  // The trusted kid, but signed with another key.
  r = Verify(MakeHc1(dcc, iat_, exp_, stranger.key.get(), signer_.cert->kid()), now_);
  EXPECT_EQ(Codes(r), std::vector<FailureCode>{FailureCode::kSignature});
  EXPECT_EQ(r.signer, nullptr);
}

// Returns every certificate it holds for any kid, to simulate 8-byte kid collisions.
class CollidingTrustStore final : public TrustStore {
 public:
  explicit CollidingTrustStore(std::vector<std::shared_ptr<const Certificate>> certs)
      : certs_(std::move(certs)) {}
  std::vector<std::shared_ptr<const Certificate>> FindByKid(std::string_view) const override {
    return certs_;
  }

 private:
  std::vector<std::shared_ptr<const Certificate>> certs_;
};

TEST_F(VerifierTest, TriesEveryCertificateWithTheKid) {
  TestSigner other = MakeSigner({}, "other");
  CollidingTrustStore store({other.cert, signer_.cert});
  VerificationResult r = VerifyHc1(Issue(SampleVaccinationDcc()), store, now_);
  EXPECT_TRUE(r.valid);
  EXPECT_EQ(r.signer, signer_.cert);
  CollidingTrustStore wrong_only({other.cert});
  EXPECT_EQ(Codes(VerifyHc1(Issue(SampleVaccinationDcc()), wrong_only, now_)),
            std::vector<FailureCode>{FailureCode::kSignature});
}

TEST_F(VerifierTest, TimeChecks) {
  const std::string qr = Issue(SampleVaccinationDcc());
  EXPECT_EQ(Codes(Verify(qr, exp_ + std::chrono::seconds(1))),
            std::vector<FailureCode>{FailureCode::kExpired});
  EXPECT_TRUE(Verify(qr, exp_).valid) << "valid up to and including exp";
  EXPECT_EQ(Codes(Verify(qr, iat_ - std::chrono::seconds(1))),
            std::vector<FailureCode>{FailureCode::kNotYetValid});
  EXPECT_TRUE(Verify(qr, iat_).valid);
  VerifyOptions skew;
  skew.clock_skew = std::chrono::minutes(5);
  EXPECT_TRUE(VerifyHc1(qr, trust_, iat_ - std::chrono::minutes(4), nullptr, skew).valid);

  // The DSC expires 2031-01-01: a certificate valid beyond that is rejected...
  const std::string too_long = MakeHc1(SampleVaccinationDcc(), iat_, Utc(2032, 1, 1),
                                       signer_.key.get(), signer_.cert->kid());
  EXPECT_EQ(Codes(Verify(too_long, now_)), std::vector<FailureCode>{FailureCode::kExpired});
  VerifyOptions lenient;
  lenient.check_dsc_validity = false;
  EXPECT_TRUE(VerifyHc1(too_long, trust_, now_, nullptr, lenient).valid);
  // ...and so is one signed before the DSC's notBefore (2021-01-01).
  const std::string early = MakeHc1(SampleVaccinationDcc(), Utc(2020, 6, 1), exp_,
                                    signer_.key.get(), signer_.cert->kid());
  EXPECT_EQ(Codes(Verify(early, now_)), std::vector<FailureCode>{FailureCode::kNotYetValid});
  // An expired DSC does not by itself invalidate what it signed while valid.
  EXPECT_TRUE(Verify(qr, Utc(2022, 12, 31)).valid);
}

TEST_F(VerifierTest, MissingTimeClaims) {
  CwtClaims claims;
  claims.dcc = SampleVaccinationDcc();
  Result<std::string> cwt = EncodeCwt(claims);
  ASSERT_TRUE(cwt.ok());
  Result<std::string> cose = SignCoseSign1Es256(*cwt, signer_.cert->kid(), signer_.key.get());
  ASSERT_TRUE(cose.ok());
  VerificationResult r = Verify(WrapHc1(*cose), now_);
  EXPECT_EQ(Codes(r), (std::vector<FailureCode>{FailureCode::kCbor, FailureCode::kCbor}));
}

TEST_F(VerifierTest, Revocation) {
  const std::string qr = Issue(SampleVaccinationDcc());
  EXPECT_EQ(HexEncode(DccRevocationHash("URN:UVCI:01:VN:0123456789ABCDEF#X")),
            "2d2569aee3a6ffd0a85522d54d95decc");
  InMemoryRevocationList list;
  list.AddUvci("URN:UVCI:01:VN:OTHER");
  EXPECT_TRUE(VerifyHc1(qr, trust_, now_, &list).valid);
  list.AddHash(DccRevocationHash("URN:UVCI:01:VN:0123456789ABCDEF#X"));
  VerificationResult r = VerifyHc1(qr, trust_, now_, &list);
  EXPECT_EQ(Codes(r), std::vector<FailureCode>{FailureCode::kRevoked});
}

TEST_F(VerifierTest, KeyUsageSchemaAndValueSets) {
  // The DSC may only sign vaccinations.
  json::value test_dcc = json::parse(R"({"ver":"1.3.0","nam":{"fnt":"TRAN"},"dob":"1990",
    "t":[{"tg":"840539006","tt":"LP6464-4","sc":"2021-12-20T08:00:00+07:00","tr":"260415000",
          "co":"VN","is":"Ministry of Health Viet Nam","ci":"URN:UVCI:01:VN:T1"}]})");
  EXPECT_EQ(Codes(Verify(Issue(test_dcc), now_)), std::vector<FailureCode>{FailureCode::kKeyUsage});

  json::value bad_schema = SampleVaccinationDcc();
  bad_schema.as_object().erase("dob");
  VerificationResult r = Verify(Issue(bad_schema), now_);
  EXPECT_EQ(Codes(r), std::vector<FailureCode>{FailureCode::kSchema});
  EXPECT_NE(r.failures[0].message.find("dob"), std::string::npos);

  json::value bad_code = SampleVaccinationDcc();
  bad_code.as_object()["v"].as_array()[0].as_object()["mp"] = "Vero-Not-A-Product";
  r = Verify(Issue(bad_code), now_);
  EXPECT_EQ(Codes(r), std::vector<FailureCode>{FailureCode::kValueSet});
  EXPECT_NE(r.failures[0].message.find("$.v[0].mp"), std::string::npos);
  VerifyOptions no_value_sets;
  no_value_sets.check_value_sets = false;
  EXPECT_TRUE(VerifyHc1(Issue(bad_code), trust_, now_, nullptr, no_value_sets).valid);

  // Several problems are all reported.
  r = Verify(Issue(bad_schema), exp_ + std::chrono::hours(1));
  EXPECT_EQ(Codes(r), (std::vector<FailureCode>{FailureCode::kExpired, FailureCode::kSchema}));
}

TEST_F(VerifierTest, TamperingNeverVerifiesAndNeverCrashes) {
  const std::string qr = Issue(SampleVaccinationDcc());
  static constexpr std::string_view kAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
  // Replace every character of the base45 text with another alphabet character.
  for (size_t i = 4; i < qr.size(); ++i) {
    std::string t = qr;
    t[i] = kAlphabet[(kAlphabet.find(t[i]) + 1 + i % 44) % kAlphabet.size()];
    VerificationResult r = Verify(t, now_);
    EXPECT_FALSE(r.valid) << "position " << i;
    EXPECT_FALSE(r.failures.empty());
  }
  // Flip bits inside the signed payload itself (so zlib is intact): the signature catches it.
  Result<std::string> cose = SignCoseSign1Es256(
      testing::MakeCwt(SampleVaccinationDcc(), iat_, exp_), signer_.cert->kid(), signer_.key.get());
  ASSERT_TRUE(cose.ok());
  for (size_t bit = 0; bit < cose->size() * 8; bit += 5) {
    std::string t = *cose;
    t[bit / 8] = static_cast<char>(t[bit / 8] ^ (1 << (bit % 8)));
    VerificationResult r = Verify(WrapHc1(t), now_);
    EXPECT_FALSE(r.valid) << "bit " << bit;
  }
}

TEST_F(VerifierTest, RandomInputNeverCrashes) {
  std::mt19937 rng(1);
  static constexpr std::string_view kAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
  for (int i = 0; i < 2000; ++i) {
    std::string t = "HC1:";
    const size_t n = rng() % 400;
    for (size_t k = 0; k < n; ++k) t.push_back(kAlphabet[rng() % kAlphabet.size()]);
    EXPECT_FALSE(Verify(t, now_).valid);
    std::string bytes(rng() % 300, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    EXPECT_FALSE(Verify(WrapHc1(bytes), now_).valid);
    EXPECT_FALSE(Verify(bytes, now_).valid);
  }
}

TEST(FailureCodeTest, StableNames) {
  const std::pair<FailureCode, std::string_view> names[] = {
      {FailureCode::kPrefix, "prefix"},
      {FailureCode::kBase45, "base45"},
      {FailureCode::kZlib, "zlib"},
      {FailureCode::kCose, "cose"},
      {FailureCode::kCbor, "cbor"},
      {FailureCode::kUnknownKid, "unknown_kid"},
      {FailureCode::kSignature, "signature"},
      {FailureCode::kExpired, "expired"},
      {FailureCode::kNotYetValid, "not_yet_valid"},
      {FailureCode::kRevoked, "revoked"},
      {FailureCode::kSchema, "schema"},
      {FailureCode::kValueSet, "value_set"},
      {FailureCode::kKeyUsage, "key_usage"},
  };
  for (const auto& [code, name] : names) EXPECT_EQ(FailureCodeName(code), name);
}

}  // namespace
}  // namespace vaxreg::certs
