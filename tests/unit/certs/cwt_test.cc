#include "certs/codec/cwt.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "common/crypto_util.h"
#include "test_pki.h"

namespace vaxreg::certs {
namespace {

namespace json = boost::json;
using testing::Unhex;

// {"ver": "1.3.0"} as CBOR, a minimal DCC map.
const std::string kDcc = Unhex("a16376657265312e332e30");

std::string Claims(std::initializer_list<std::pair<int64_t, std::string>> entries) {
  CborWriter w;
  w.MapHeader(entries.size());
  for (const auto& [key, encoded_value] : entries) {
    w.Int(key);
    w.Raw(encoded_value);
  }
  return w.Take();
}

std::string Hcert(std::string_view dcc) {
  CborWriter w;
  w.MapHeader(1);
  w.Int(1);
  w.Raw(dcc);
  return w.Take();
}

TEST(CwtTest, DecodesClaims) {
  const std::string cwt = Claims({{1, Unhex("624154")},
                                  {4, Unhex("1a60b29429")},
                                  {6, Unhex("1a60abfd29")},
                                  {-260, Hcert(kDcc)}});
  Result<CwtClaims> c = DecodeCwt(cwt);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->issuer, "AT");
  EXPECT_EQ(c->expires_at, 0x60b29429);
  EXPECT_EQ(c->issued_at, 0x60abfd29);
  EXPECT_EQ(c->dcc, json::parse(R"({"ver":"1.3.0"})"));
}

TEST(CwtTest, NumericDatesAndOptionalClaims) {
  struct Case {
    std::string encoded;
    std::optional<int64_t> want;
  };
  const Case cases[] = {
      {Unhex("1a60b29429"), 0x60b29429},
      {Unhex("fb41d82ca40a400000"), 1622315049},  // 1622315049.0
      {Unhex("fb41d82ca40a600000"), 1622315049},  // 1622315049.5 rounds down
      {Unhex("c11a60b29429"), 0x60b29429},        // tolerated tag 1
      {Unhex("20"), -1},
      {Unhex("6131"), std::nullopt},                // text
      {Unhex("fb7ff0000000000000"), std::nullopt},  // infinity
      {Unhex("fb46293e5939a08cea"), std::nullopt},  // 1e30
      {Unhex("1bffffffffffffffff"), std::nullopt},  // beyond int64
  };
  for (const Case& c : cases) {
    Result<CwtClaims> r = DecodeCwt(Claims({{4, c.encoded}, {-260, Hcert(kDcc)}}));
    if (c.want) {
      ASSERT_TRUE(r.ok()) << HexEncode(c.encoded) << ": " << r.status().ToString();
      EXPECT_EQ(r->expires_at, *c.want);
    } else {
      EXPECT_FALSE(r.ok()) << HexEncode(c.encoded);
    }
  }
  Result<CwtClaims> bare = DecodeCwt(Claims({{-260, Hcert(kDcc)}}));
  ASSERT_TRUE(bare.ok());
  EXPECT_FALSE(bare->issuer.has_value());
  EXPECT_FALSE(bare->issued_at.has_value());
  EXPECT_FALSE(bare->expires_at.has_value());
}

TEST(CwtTest, SkipsUnknownClaimsAndAcceptsIndefiniteMaps) {
  // {_ "x": [10, {2: h'00'}], 7: 32("u"), -260: {_ 2: 1, 1: {"ver": "1.3.0"}}}
  Result<CwtClaims> c = DecodeCwt(Unhex("bf6178820aa1024100"
                                        "07d8206175"
                                        "390103bf020101") +
                                  kDcc + Unhex("ffff"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->dcc, json::parse(R"({"ver":"1.3.0"})"));
}

TEST(CwtTest, RejectsMalformedClaims) {
  struct Case {
    std::string cwt;
    const char* why;
  };
  const Case cases[] = {
      {"", "empty"},
      {Unhex("80"), "not a map"},
      {Claims({{1, Unhex("624154")}}), "no hcert"},
      {Claims({{-260, Unhex("a0")}}), "hcert without key 1"},
      {Claims({{-260, Unhex("80")}}), "hcert not a map"},
      {Claims({{-260, Hcert(Unhex("80"))}}), "DCC not a map"},
      {Claims({{-260, Hcert(Unhex("a1010a"))}}), "DCC with an integer key"},
      {Claims({{-260, Hcert(Unhex("a1616141ff"))}}), "DCC with a byte string"},
      {Claims({{1, Unhex("01")}, {-260, Hcert(kDcc)}}), "iss not text"},
      {Claims({{1, Unhex("62c328")}, {-260, Hcert(kDcc)}}), "iss not UTF-8"},
      {Claims({{4, Unhex("01")}, {4, Unhex("02")}, {-260, Hcert(kDcc)}}), "exp twice"},
      {Claims({{-260, Hcert(kDcc)}, {-260, Hcert(kDcc)}}), "hcert twice"},
      {Claims({{-260, Hcert(kDcc)}}) + std::string(1, '\0'), "trailing bytes"},
      {Claims({{-260, Unhex("a2") + Unhex("01") + kDcc + Unhex("01") + kDcc}}), "DCC twice"},
  };
  for (const Case& c : cases) EXPECT_FALSE(DecodeCwt(c.cwt).ok()) << c.why;
}

TEST(CwtTest, EncodeRoundTrips) {
  CwtClaims claims;
  claims.issuer = "VN";
  claims.issued_at = 1640995200;
  claims.expires_at = 1672531200;
  claims.dcc = testing::SampleVaccinationDcc();
  Result<std::string> cwt = EncodeCwt(claims);
  ASSERT_TRUE(cwt.ok());
  // Known prefix: map(4), 1: "VN", 4: 1672531200, 6: 1640995200, -260: {1: ...}
  EXPECT_EQ(cwt->substr(0, 22), Unhex("a40162564e041a63b0cd00061a61cf9980390103a101"));
  Result<CwtClaims> back = DecodeCwt(*cwt);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->issuer, claims.issuer);
  EXPECT_EQ(back->issued_at, claims.issued_at);
  EXPECT_EQ(back->expires_at, claims.expires_at);
  EXPECT_EQ(back->dcc, claims.dcc);
  claims.dcc = json::array{};
  EXPECT_FALSE(EncodeCwt(claims).ok());
}

}  // namespace
}  // namespace vaxreg::certs
