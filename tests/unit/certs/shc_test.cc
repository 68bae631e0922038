// SMART Health Cards: numeric QR coding, base64url, raw DEFLATE, JWK thumbprints and key sets,
// revocation lists, the verifier over the specification's own examples (and cards signed here
// with the example issuer's published test key), and vaxreg's issuer end to end.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "certs/codec/base64.h"
#include "certs/codec/zlib_codec.h"
#include "certs/crypto/signature.h"
#include "certs/shc/crl.h"
#include "certs/shc/issuer.h"
#include "certs/shc/jwk.h"
#include "certs/shc/numeric.h"
#include "certs/shc/verification_json.h"
#include "certs/shc/verifier.h"
#include "common/crypto_util.h"
#include "registry/vaccine_catalogue.h"

namespace vaxreg::certs::shc {
namespace {

namespace json = boost::json;

constexpr char kCorpus[] = VAXREG_SHARED_DIR "/conformance/shc";
constexpr char kSpecIssuer[] = "https://spec.smarthealth.cards/examples/issuer";
constexpr char kSpecKid[] = "3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s";

std::string Read(const std::string& relative) {
  std::ifstream in(std::string(kCorpus) + "/" + relative, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

SystemTime Now() { return SystemClock::Get().Now(); }

std::chrono::sys_days Day(int y, unsigned m, unsigned d) {
  return std::chrono::sys_days(
      std::chrono::year_month_day{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)});
}

class ShcSpecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kCorpus)) GTEST_SKIP() << "no corpus at " << kCorpus;
    auto keys = ShcKeySet::Parse(Read("issuer/.well-known/jwks.json"));
    ASSERT_TRUE(keys.ok()) << keys.status().ToString();
    trust_.issuer = kSpecIssuer;
    trust_.keys = std::move(*keys);
    auto crl = ParseShcCrl(Read(std::string("issuer/.well-known/crl/") + kSpecKid + ".json"));
    ASSERT_TRUE(crl.ok()) << crl.status().ToString();
    trust_.crls.emplace(kSpecKid, std::move(*crl));
  }

  // The example issuer's private key 0 (published test key).
  EvpPkeyPtr SpecKey() {
    json::value keys = json::parse(Read("keys/issuer.jwks.private.json"));
    auto key = PrivateKeyFromJwk(keys.at("keys").at(0).as_object());
    EXPECT_TRUE(key.ok()) << key.status().ToString();
    return key.ok() ? std::move(*key) : nullptr;
  }

  ShcTrust trust_;
};

TEST(ShcNumericTest, EncodesTwoDigitsPerCharacterAndDecodesBack) {
  EXPECT_EQ(*EncodeShcNumeric("-.z"), "shc:/000177");
  EXPECT_EQ(*DecodeShcNumeric("shc:/000177"), "-.z");
  EXPECT_FALSE(EncodeShcNumeric("a b").ok());
  EXPECT_EQ(*DecodeShcNumeric("shc:/1/1/0001"), "-.");  // one chunk of one
  for (std::string_view bad : {"shc:/", "shc:/0", "shc:/78", "shc:/12a4", "shc:1234", "HC1:00",
                               "shc:/1/3/0001", "shc:/3/2/0001", "shc:/0/1/00", "shc:/1/1/"}) {
    EXPECT_FALSE(DecodeShcNumeric(bad).ok()) << bad;
  }
  EXPECT_NE(DecodeShcNumeric("shc:/2/3/0001").status().message().find("deprecated"),
            std::string::npos);
}

TEST(ShcCodecTest, Base64UrlIsStrictAndRawDeflateRoundTrips) {
  EXPECT_EQ(*Base64UrlDecode("_-8"), "\xff\xef");
  EXPECT_FALSE(Base64UrlDecode("_-9").ok());   // non-zero trailing bits
  EXPECT_FALSE(Base64UrlDecode("ab+/").ok());  // standard alphabet
  EXPECT_FALSE(Base64UrlDecode("abc=").ok());  // padding
  EXPECT_FALSE(Base64UrlDecode("a").ok());
  Deflater raw(9, 15, 4, DeflateFormat::kRaw);
  Inflater raw_in(DeflateFormat::kRaw);
  const std::string text(300, 'x');
  auto z = raw.Compress(text);
  ASSERT_TRUE(z.ok());
  EXPECT_EQ(*raw_in.Inflate(*z), text);
  EXPECT_FALSE(Inflate(*z).ok());  // not a zlib stream
  Deflater wrapped;
  EXPECT_FALSE(raw_in.Inflate(*wrapped.Compress(text)).ok());  // zlib-wrapped is not raw
  EXPECT_EQ(raw_in.Inflate(*z, 100).status().code(), StatusCode::kResourceExhausted);
}

TEST(ShcCrlTest, ParsesStrictlyAndRevokesByTime) {
  auto crl = ParseShcCrl(R"({"kid":"k","method":"rid","ctr":2,"rids":["abc","def.1000"]})");
  ASSERT_TRUE(crl.ok()) << crl.status().ToString();
  EXPECT_TRUE(crl->Revokes("abc", 5000));
  EXPECT_TRUE(crl->Revokes("def", 999.5));
  EXPECT_FALSE(crl->Revokes("def", 1000));
  EXPECT_FALSE(crl->Revokes("xyz", 1));
  EXPECT_EQ(ParseShcCrl(crl->ToJson())->rids.size(), 2u);
  for (std::string_view bad :
       {R"({"kid":"k","method":"x","ctr":1,"rids":[]})", R"({"kid":"k","method":"rid","ctr":0,"rids":[]})",
        R"({"kid":"k","method":"rid","ctr":1,"rids":["a","a.5"]})",
        R"({"kid":"k","method":"rid","ctr":1,"rids":["base64=="]})",
        R"({"kid":"k","method":"rid","ctr":1,"rids":["this-rid-is-longer-than-the-24-char-max"]})",
        R"({"method":"rid","ctr":1,"rids":[]})", R"([1])"}) {
    EXPECT_FALSE(ParseShcCrl(bad).ok()) << bad;
  }
}

TEST_F(ShcSpecTest, ThumbprintsAndKeyRulesMatchTheExampleKeySet) {
  EvpPkeyPtr key = SpecKey();
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(*JwkThumbprint(key.get()), kSpecKid);
  auto jwk = PublicJwk(key.get(), 1);
  ASSERT_TRUE(jwk.ok());
  EXPECT_EQ(jwk->at("kid").as_string(), kSpecKid);
  EXPECT_FALSE(jwk->contains("d"));
  const ShcKey* k = trust_.keys.Find(kSpecKid);
  ASSERT_NE(k, nullptr);
  EXPECT_TRUE(k->problems.empty());
  EXPECT_EQ(k->crl_version, 1);
  EXPECT_EQ(EVP_PKEY_eq(k->key.get(), key.get()), 1);
  // The private key set read as a key set: every key is refused for publishing d.
  auto priv = ShcKeySet::Parse(Read("keys/issuer.jwks.private.json"));
  ASSERT_TRUE(priv.ok());
  ASSERT_NE(priv->Find(kSpecKid), nullptr);
  EXPECT_FALSE(priv->Find(kSpecKid)->problems.empty());
}

TEST_F(ShcSpecTest, ExamplePayloadInflatesToTheMinifiedClaimsAndVerifies) {
  const std::string jws = Read("examples/example-00-d-jws.txt");
  const std::string payload_b64 = jws.substr(jws.find('.') + 1, jws.rfind('.') - jws.find('.') - 1);
  Inflater raw(DeflateFormat::kRaw);
  EXPECT_EQ(*raw.Inflate(*Base64UrlDecode(payload_b64)),
            Read("examples/example-00-c-jws-payload-minified.json"));
  EXPECT_EQ(*DecodeShcNumeric(Read("examples/example-00-f-qr-code-numeric-value-0.txt")), jws);

  ShcVerificationResult r = VerifyShc(jws, trust_, Now());
  EXPECT_TRUE(r.valid) << json::serialize(ShcVerificationResultToJson(r, false));
  EXPECT_EQ(r.issuer, kSpecIssuer);
  EXPECT_EQ(r.rid, "MKyCxh7p6uQ");
  EXPECT_EQ(r.family_name, "Anyperson");
  EXPECT_EQ(r.given_name, "John B.");
  EXPECT_EQ(r.date_of_birth, "1951-01-20");
  ASSERT_EQ(r.immunizations.size(), 3u);
  EXPECT_EQ(r.immunizations[0].code, "207");
  EXPECT_EQ(r.immunizations[2].date, "2022-09-05");
  EXPECT_TRUE(r.revocation_checked);
  const auto files = VerifyShcFile(Read("examples/example-00-e-file.smart-health-card"), trust_,
                                   Now());
  ASSERT_EQ(files.size(), 1u);
  EXPECT_TRUE(files[0].valid);

  // Before nbf, on a list with the rid timed after nbf, under another issuer, tampered.
  EXPECT_TRUE(VerifyShc(jws, trust_, FromUnixSeconds(1687450000)).Has(
      ShcFailureCode::kNotYetValid));
  ShcTrust revoked = trust_;
  revoked.crls.at(kSpecKid).rids.emplace("MKyCxh7p6uQ", 1687450765);
  EXPECT_TRUE(VerifyShc(jws, revoked, Now()).Has(ShcFailureCode::kRevoked));
  revoked.crls.at(kSpecKid).ctr = 2;
  EXPECT_TRUE(VerifyShc(jws, revoked, Now()).Has(ShcFailureCode::kCrl));
  ShcTrust other = trust_;
  other.issuer = "https://vaxreg.example.vn";
  EXPECT_TRUE(VerifyShc(jws, other, Now()).Has(ShcFailureCode::kIssuer));
  std::string tampered = jws;
  tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_TRUE(VerifyShc(tampered, trust_, Now()).Has(ShcFailureCode::kSignature));
  EXPECT_TRUE(VerifyShc(jws + "\n", trust_, Now()).Has(ShcFailureCode::kJws));
  EXPECT_TRUE(VerifyShc("HC1:NCF", trust_, Now()).Has(ShcFailureCode::kPrefix));
}

TEST_F(ShcSpecTest, CardsSignedHereWithTheExampleKeyVerifyAgainstItsKeySet) {
  EvpPkeyPtr key = SpecKey();
  ASSERT_NE(key, nullptr);
  auto issuer = ShcIssuer::Create(std::shared_ptr<EVP_PKEY>(key.release(), EVP_PKEY_free),
                                  {kSpecIssuer, false});
  ASSERT_TRUE(issuer.ok()) << issuer.status().ToString();
  EXPECT_EQ((*issuer)->kid(), kSpecKid);
  auto jws = (*issuer)->SignPayload(Read("examples/example-00-c-jws-payload-minified.json"));
  ASSERT_TRUE(jws.ok());
  EXPECT_NE(*jws, Read("examples/example-00-d-jws.txt"));  // ECDSA is randomised
  ShcVerificationResult r = VerifyShc(*EncodeShcNumeric(*jws), trust_, Now());
  EXPECT_TRUE(r.valid) << json::serialize(ShcVerificationResultToJson(r, false));
}

class ShcIssuerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = GenerateP256Key();
    ASSERT_TRUE(key.ok());
    key_ = std::shared_ptr<EVP_PKEY>(key->release(), EVP_PKEY_free);
    auto issuer = ShcIssuer::Create(key_, {"https://vaxreg.example.vn", true});
    ASSERT_TRUE(issuer.ok()) << issuer.status().ToString();
    issuer_ = std::move(*issuer);
    trust_.issuer = "https://vaxreg.example.vn";
    ShcKey k;
    k.kid = issuer_->kid();
    k.key = key_;
    k.crl_version = 1;
    trust_.keys.Add(k);
    trust_.crls.emplace(k.kid, ShcCrl{k.kid, 1, {}});
    request_.full_name = "Nguyễn Văn Ánh";
    request_.date_of_birth = "1985-04-12";
    request_.doses = {{"COMIRNATY", Day(2021, 8, 1), "FF1234", "Bệnh viện Bạch Mai"},
                      {"COMIRNATY", Day(2021, 8, 29), "FF5678", "Bệnh viện Bạch Mai"},
                      {"SPIKEVAX", Day(2022, 2, 1), "", "Trạm y tế phường Kim Liên"},
                      {"ABDALA", Day(2022, 3, 1), "", "", true}};  // voided: left out
    request_.not_before = Now() - std::chrono::minutes(1);
    request_.expires_at = Now() + std::chrono::hours(24 * 365);
  }

  std::shared_ptr<EVP_PKEY> key_;
  std::unique_ptr<ShcIssuer> issuer_;
  ShcTrust trust_;
  ShcIssueRequest request_;
};

TEST_F(ShcIssuerTest, IssuesAMinimisedCardThatVerifies) {
  auto issued = issuer_->Issue(request_, registry::BuiltInVaccines());
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  EXPECT_LE(issued->jws.size(), kMaxSingleQrJwsChars);
  EXPECT_EQ(issued->rid.size(), 11u);
  const std::string qr = *EncodeShcNumeric(issued->jws);
  ShcVerificationResult r = VerifyShc(qr, trust_, Now());
  ASSERT_TRUE(r.valid) << json::serialize(ShcVerificationResultToJson(r, false));
  EXPECT_EQ(r.family_name, "Nguyễn");
  EXPECT_EQ(r.given_name, "Văn Ánh");
  EXPECT_EQ(r.rid, issued->rid);
  ASSERT_EQ(r.immunizations.size(), 3u);
  EXPECT_EQ(r.immunizations[0].system, "http://hl7.org/fhir/sid/cvx");
  EXPECT_EQ(r.immunizations[0].code, "208");
  EXPECT_EQ(r.immunizations[0].lot, "FF1234");
  EXPECT_EQ(r.immunizations[0].performer, "Bệnh viện Bạch Mai");
  EXPECT_EQ(r.immunizations[2].code, "207");
  EXPECT_EQ(r.immunizations[2].lot, "");
  EXPECT_EQ(r.types.size(), 3u);

  // The header and the minimisation rules of the payload.
  const std::string header = *Base64UrlDecode(issued->jws.substr(0, issued->jws.find('.')));
  EXPECT_EQ(header, R"({"zip":"DEF","alg":"ES256","kid":")" + issuer_->kid() + "\"}");
  const std::string payload = json::serialize(*r.payload);
  for (std::string_view absent : {"\"id\"", "\"meta\"", "\"text\""}) {
    EXPECT_EQ(payload.find(absent), std::string::npos) << absent;
  }
  // Coding.display is left out; the performer is named by Reference.display, as in the
  // specification's examples.
  for (const json::value& e : r.payload->at_pointer("/vc/credentialSubject/fhirBundle/entry").as_array()) {
    const json::value& res = e.at("resource");
    EXPECT_TRUE(std::string_view(e.at("fullUrl").as_string()).starts_with("resource:"));
    if (res.at("resourceType") != "Immunization") continue;
    EXPECT_FALSE(res.at_pointer("/vaccineCode/coding/0").as_object().contains("display"));
    EXPECT_EQ(res.at_pointer("/patient/reference").as_string(), "resource:0");
  }
  EXPECT_EQ(r.payload->at("vc").at("credentialSubject").at("fhirVersion").as_string(), "4.0.1");

  // Revoked by rid; the minimal view names the holder.
  ShcTrust revoked = trust_;
  revoked.keys = {};
  ShcKey k = *trust_.keys.Find(issuer_->kid());
  k.crl_version = 2;
  revoked.keys.Add(k);
  revoked.crls[k.kid] = ShcCrl{k.kid, 2, {{issued->rid, std::nullopt}}};
  ShcVerificationResult rr = VerifyShc(qr, revoked, Now());
  EXPECT_TRUE(rr.Has(ShcFailureCode::kRevoked));
  json::object minimal = ShcVerificationResultToJson(rr, true);
  EXPECT_EQ(minimal.at("name").as_string(), "Nguyễn Văn Ánh");
  EXPECT_EQ(json::serialize(minimal.at("failures")), R"(["revoked"])");
}

TEST_F(ShcIssuerTest, RefusesWhatOneQrCodeCannotHoldAndBadInput) {
  request_.doses.clear();
  for (int i = 0; i < 12; ++i) {
    request_.doses.push_back({"COMIRNATY", Day(2021, 1, 1) + std::chrono::days(40 * i),
                              HexEncode(RandomBytes(8)), "Cơ sở " + HexEncode(RandomBytes(6))});
  }
  auto big = issuer_->Issue(request_, registry::BuiltInVaccines());
  ASSERT_EQ(big.status().code(), StatusCode::kResourceExhausted) << big.status().ToString();
  EXPECT_NE(big.status().message().find("1195"), std::string::npos);
  request_.doses.resize(1);
  request_.doses[0].voided = true;
  EXPECT_EQ(issuer_->Issue(request_, registry::BuiltInVaccines()).status().code(),
            StatusCode::kFailedPrecondition);
  for (std::string_view bad : {"http://vaxreg.vn", "https://vaxreg.vn/", "https://", "https://a b",
                               "https://x.vn?q=1", "vaxreg.vn"}) {
    EXPECT_FALSE(ValidateShcIssuerUrl(bad).ok()) << bad;
  }
  EXPECT_TRUE(ValidateShcIssuerUrl("https://vaxreg.example.vn:8443/shc").ok());
}

TEST_F(ShcIssuerTest, NeverCrashesOnMangledCards) {
  auto issued = issuer_->Issue(request_, registry::BuiltInVaccines());
  ASSERT_TRUE(issued.ok());
  const std::string qr = *EncodeShcNumeric(issued->jws);
  for (size_t i = 0; i < qr.size(); i += 7) {
    std::string m = qr;
    m[i] = m[i] == '9' ? '0' : static_cast<char>(m[i] + 1);
    EXPECT_FALSE(VerifyShc(m, trust_, Now()).valid) << i;
    EXPECT_FALSE(VerifyShc(qr.substr(0, i), trust_, Now()).valid) << i;
  }
}

}  // namespace
}  // namespace vaxreg::certs::shc
