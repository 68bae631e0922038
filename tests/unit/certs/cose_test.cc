#include "certs/codec/cose.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "certs/crypto/signature.h"
#include "test_pki.h"

namespace vaxreg::certs {
namespace {

using testing::Unhex;

// [protected, unprotected, payload, signature] with the given pieces (already encoded CBOR).
std::string Sign1(std::string_view protected_bytes, std::string_view unprotected_cbor,
                  std::string_view payload, std::string_view signature) {
  CborWriter w;
  w.ArrayHeader(4);
  w.Bytes(protected_bytes);
  w.Raw(unprotected_cbor);
  w.Bytes(payload);
  w.Bytes(signature);
  return w.Take();
}

const std::string kKid = "\x01\x02\x03\x04\x05\x06\x07\x08";

TEST(CoseParseTest, AcceptsTag18UntaggedAndTag61AroundTag18) {
  // protected {1: -7, 4: kid}
  const std::string prot = Unhex("a2012604480102030405060708");
  const std::string body = Sign1(prot, "\xa0", "payload", std::string(64, 's'));
  for (const std::string& msg : {"\xd2" + body, body, "\xd8\x3d\xd2" + body, "\xd8\x12" + body}) {
    Result<CoseSign1> c = ParseCoseSign1(msg);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ(c->protected_header, prot);
    EXPECT_EQ(c->alg, kCoseAlgEs256);
    EXPECT_EQ(c->kid, kKid);
    EXPECT_TRUE(c->kid_protected);
    EXPECT_EQ(c->payload, "payload");
    EXPECT_EQ(c->signature, std::string(64, 's'));
  }
}

TEST(CoseParseTest, RejectsOtherTagsAndShapes) {
  const std::string prot = Unhex("a10126");
  const std::string body = Sign1(prot, "\xa0", "p", "s");
  struct Case {
    std::string bytes;
    const char* why;
  };
  const Case cases[] = {
      {"\xd1" + body, "tag 17 (COSE_Mac0)"},
      {"\xd8\x62" + body, "tag 98 (COSE_Sign)"},
      {"\xd8\x3d" + body, "tag 61 without tag 18"},
      {"\xd2\xd2" + body, "tag 18 twice"},
      {"\xd8\x3d\xd8\x3d\xd2" + body, "tag 61 twice"},
      {"\xd2" + body + std::string(1, '\0'), "trailing bytes"},
      {Unhex("d28340a040"), "3 elements"},
      {Unhex("d28540a0404040"), "5 elements, truncated"},
      {Unhex("d28440a0f640"), "detached (nil) payload"},
      {Unhex("d2846161a0404140"), "protected header is text"},
      {Unhex("d2844040404140"), "unprotected header is a byte string"},
      {Unhex("d28443a1013aa0404140"), "protected header map truncated"},
      {Unhex("d2844281a0a0404140"), "protected header is an array"},
      {Unhex("d28443a10161a0404140"), "protected alg is text"},
      {Unhex("d28440a10401404140"), "unprotected kid is an integer"},
      {Unhex("d28440a04060"), "signature is text"},
      {Unhex("d28445a201260126a0404140"), "duplicate alg label"},
      {"", "empty"},
      {Unhex("00"), "an integer"},
  };
  for (const Case& c : cases) {
    Result<CoseSign1> r = ParseCoseSign1(c.bytes);
    EXPECT_FALSE(r.ok()) << c.why;
  }
  // An empty map encoded inside the protected byte string is fine.
  EXPECT_TRUE(ParseCoseSign1(Unhex("d28441a0a0404140")).ok());
}

TEST(CoseParseTest, ChunkedStringsIndefiniteContainersAndOtherLabels) {
  // Indefinite array; indefinite unprotected map holding a text label, a byte-string label and
  // a chunked kid; chunked payload.
  Result<CoseSign1> r = ParseCoseSign1(
      Unhex("d29f43a10126bf617801417802045f4101420203ffff5f4170ff4173ff"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->alg, -7);
  EXPECT_EQ(r->kid, std::string("\x01\x02\x03", 3));
  EXPECT_FALSE(r->kid_protected);
  EXPECT_EQ(r->payload, "p");
  EXPECT_EQ(r->signature, "s");
  // Repeated text labels are refused; equal byte-string labels are not compared.
  EXPECT_FALSE(ParseCoseSign1(Unhex("d28440a2617801617802404140")).ok());
  EXPECT_TRUE(ParseCoseSign1(Unhex("d28440a2417801417802404140")).ok());
  // Indefinite array with 3 or 5 items.
  EXPECT_FALSE(ParseCoseSign1(Unhex("d29f40a040ff")).ok());
  EXPECT_FALSE(ParseCoseSign1(Unhex("d29f40a04041404040ff")).ok());
}

TEST(CoseParseTest, HeaderPrecedence) {
  const std::string kid_a(8, 'a'), kid_b(8, 'b');
  auto kid_map = [](std::string_view kid, bool with_alg) {
    CborWriter w;
    w.MapHeader(with_alg ? 2 : 1);
    if (with_alg) {
      w.Int(1);
      w.Int(kCoseAlgEs256);
    }
    w.Int(4);
    w.Bytes(kid);
    return w.Take();
  };
  // Protected kid wins over unprotected kid.
  Result<CoseSign1> c =
      ParseCoseSign1(Sign1(kid_map(kid_a, true), kid_map(kid_b, false), "p", "s"));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->kid, kid_a);
  EXPECT_TRUE(c->kid_protected);
  // Only unprotected kid.
  c = ParseCoseSign1(Sign1(Unhex("a10126"), kid_map(kid_b, false), "p", "s"));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->kid, kid_b);
  EXPECT_FALSE(c->kid_protected);
  EXPECT_EQ(c->alg, kCoseAlgEs256);
  // Zero-length protected header; kid and alg only unprotected (the CO20 shape).
  c = ParseCoseSign1(Sign1("", kid_map(kid_b, true), "p", "s"));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->protected_header, "");
  EXPECT_EQ(c->kid, kid_b);
  EXPECT_EQ(c->alg, kCoseAlgEs256);
  // Protected alg wins over unprotected alg.
  CborWriter unprot;
  unprot.MapHeader(1);
  unprot.Int(1);
  unprot.Int(kCoseAlgPs256);
  c = ParseCoseSign1(Sign1(Unhex("a10126"), unprot.bytes(), "p", "s"));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->alg, kCoseAlgEs256);
  // No kid anywhere.
  c = ParseCoseSign1(Sign1(Unhex("a10126"), "\xa0", "p", "s"));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->kid.empty());
}

TEST(CoseTest, SigStructureDigestMatchesTheBuiltStructure) {
  const std::string big(300, 'x');
  for (const auto& [prot, payload] : {std::pair<std::string, std::string>{"", ""},
                                      {Unhex("a10126"), "ab"},
                                      {Unhex("a10126"), big}}) {
    EXPECT_EQ(SigStructureSha256(prot, payload), Sha256(BuildSigStructure(prot, payload)));
  }
}

TEST(CoseTest, SigStructureKnownAnswer) {
  EXPECT_EQ(BuildSigStructure(Unhex("a10126"), "ab"),
            Unhex("846a5369676e61747572653143a1012640426162"));
  EXPECT_EQ(BuildSigStructure("", ""), Unhex("846a5369676e617475726531404040"));
}

TEST(CoseTest, SignVerifyRoundTripAndEveryBitFlipFails) {
  Result<EvpPkeyPtr> key = GenerateP256Key();
  ASSERT_TRUE(key.ok());
  const std::string payload = "\xa1\x01\x63kid";  // any bytes
  Result<std::string> msg = SignCoseSign1Es256(payload, kKid, key->get());
  ASSERT_TRUE(msg.ok()) << msg.status().ToString();
  EXPECT_EQ(static_cast<unsigned char>((*msg)[0]), 0xd2);
  Result<CoseSign1> parsed = ParseCoseSign1(*msg);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->protected_header, Unhex("a2012604480102030405060708"));
  EXPECT_EQ(parsed->kid, kKid);
  EXPECT_EQ(parsed->payload, payload);
  EXPECT_EQ(parsed->signature.size(), 64u);
  ASSERT_TRUE(VerifyCoseSign1(*parsed, key->get()).ok());

  for (size_t bit = 0; bit < msg->size() * 8; ++bit) {
    std::string flipped = *msg;
    flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
    Result<CoseSign1> p = ParseCoseSign1(flipped);
    if (!p.ok()) continue;
    EXPECT_FALSE(VerifyCoseSign1(*p, key->get()).ok())
        << "bit " << bit << " flipped still verifies";
  }
}

TEST(CoseTest, WrongKeyAndMalformedSignaturesFailCleanly) {
  Result<EvpPkeyPtr> key = GenerateP256Key();
  Result<EvpPkeyPtr> other = GenerateP256Key();
  ASSERT_TRUE(key.ok() && other.ok());
  Result<std::string> msg = SignCoseSign1Es256("hello", kKid, key->get());
  ASSERT_TRUE(msg.ok());
  Result<CoseSign1> parsed = ParseCoseSign1(*msg);
  ASSERT_TRUE(parsed.ok());
  Status wrong = VerifyCoseSign1(*parsed, other->get());
  EXPECT_EQ(wrong.code(), StatusCode::kUnauthenticated);

  CoseSign1 short_sig = *parsed;
  short_sig.signature = "\x01\x02\x03";  // the CO5 shape
  EXPECT_EQ(VerifyCoseSign1(short_sig, key->get()).code(), StatusCode::kInvalidArgument);
  short_sig.signature.clear();
  EXPECT_FALSE(VerifyCoseSign1(short_sig, key->get()).ok());
  // A DER signature where raw r||s is required.
  CoseSign1 der_sig = *parsed;
  Result<std::string> der = EcdsaRawToDer(parsed->signature);
  ASSERT_TRUE(der.ok());
  der_sig.signature = *der;
  EXPECT_FALSE(VerifyCoseSign1(der_sig, key->get()).ok());
  // r = 0, s = 0.
  CoseSign1 zero = *parsed;
  zero.signature = std::string(64, '\0');
  EXPECT_EQ(VerifyCoseSign1(zero, key->get()).code(), StatusCode::kUnauthenticated);
  // Unsupported and missing alg.
  CoseSign1 alg = *parsed;
  alg.alg = -8;  // EdDSA
  EXPECT_EQ(VerifyCoseSign1(alg, key->get()).code(), StatusCode::kInvalidArgument);
  alg.alg.reset();
  EXPECT_EQ(VerifyCoseSign1(alg, key->get()).code(), StatusCode::kInvalidArgument);
  // ES256 with an RSA key.
  Result<EvpPkeyPtr> rsa = GenerateRsaKey(2048);
  ASSERT_TRUE(rsa.ok());
  EXPECT_EQ(VerifyCoseSign1(*parsed, rsa->get()).code(), StatusCode::kInvalidArgument);
}

// Signs like a PS256 issuer: RSASSA-PSS, SHA-256, MGF1-SHA-256, 32-byte salt.
std::string SignPs256(EVP_PKEY* key, std::string_view data) {
  EvpMdCtxPtr md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  EXPECT_EQ(EVP_DigestSignInit(md.get(), &pctx, EVP_sha256(), nullptr, key), 1);
  EXPECT_EQ(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING), 1);
  EXPECT_EQ(EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()), 1);
  EXPECT_EQ(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32), 1);
  size_t len = 0;
  EXPECT_EQ(EVP_DigestSign(md.get(), nullptr, &len,
                           reinterpret_cast<const unsigned char*>(data.data()), data.size()),
            1);
  std::string sig(len, '\0');
  EXPECT_EQ(EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                           reinterpret_cast<const unsigned char*>(data.data()), data.size()),
            1);
  sig.resize(len);
  return sig;
}

TEST(CoseTest, VerifiesPs256) {
  Result<EvpPkeyPtr> rsa = GenerateRsaKey(2048);
  ASSERT_TRUE(rsa.ok());
  CoseSign1 msg;
  CborWriter prot;
  prot.MapHeader(1);
  prot.Int(1);
  prot.Int(kCoseAlgPs256);
  msg.protected_header = prot.Take();
  msg.alg = kCoseAlgPs256;
  msg.payload = "claims";
  msg.signature = SignPs256(rsa->get(), BuildSigStructure(msg.protected_header, msg.payload));
  EXPECT_TRUE(VerifyCoseSign1(msg, rsa->get()).ok());
  CoseSign1 tampered = msg;
  tampered.payload = "claimz";
  EXPECT_EQ(VerifyCoseSign1(tampered, rsa->get()).code(), StatusCode::kUnauthenticated);
  tampered = msg;
  tampered.signature.resize(100);
  EXPECT_EQ(VerifyCoseSign1(tampered, rsa->get()).code(), StatusCode::kInvalidArgument);
  Result<EvpPkeyPtr> ec = GenerateP256Key();
  ASSERT_TRUE(ec.ok());
  EXPECT_EQ(VerifyCoseSign1(msg, ec->get()).code(), StatusCode::kInvalidArgument);
}

TEST(SignatureTest, EcdsaRawDerConversion) {
  const std::string raw =
      std::string(31, '\0') + "\x01" + std::string(1, '\x80') + std::string(31, '\x11');
  Result<std::string> der = EcdsaRawToDer(raw);
  ASSERT_TRUE(der.ok());
  // SEQUENCE { INTEGER 1, INTEGER 0x00 80 11.. (leading zero for a set top bit) }
  EXPECT_EQ(der->substr(0, 5), Unhex("3026020101"));
  Result<std::string> back = EcdsaDerToRaw(*der, 32);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, raw);
  EXPECT_FALSE(EcdsaRawToDer("abc").ok());
  EXPECT_FALSE(EcdsaRawToDer("").ok());
  EXPECT_FALSE(EcdsaDerToRaw("\x30\x00junk", 32).ok());
}

}  // namespace
}  // namespace vaxreg::certs
