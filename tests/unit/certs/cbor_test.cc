#include "certs/codec/cbor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <limits>

#include "common/crypto_util.h"
#include "test_pki.h"

namespace vaxreg::certs {
namespace {

namespace json = boost::json;
using testing::Unhex;

std::string HexOf(std::string_view bytes) { return HexEncode(bytes); }

TEST(CborWellFormedTest, AcceptsWellFormedItems) {
  const char* cases[] = {
      "00",
      "17",
      "1818",
      "190100",
      "1a00010000",
      "1b0000000100000000",
      "20",
      "3903e7",
      "40",
      "4401020304",
      "60",
      "6161",
      "80",
      "83010203",
      "a0",
      "a16161 01",
      "9f0102ff",
      "bf616101ff",
      "5f42010243030405ff",
      "7f616161 62ff",
      "c074323032312d30312d30315430303a30303a30305a",
      "d28440a0f640",
      "d83dd28440a0f640",
      "f4",
      "f5",
      "f6",
      "f7",
      "f93c00",
      "fa3f800000",
      "fb3ff0000000000000",
  };
  for (const char* hex : cases) {
    std::string h = hex;
    h.erase(std::remove(h.begin(), h.end(), ' '), h.end());
    EXPECT_TRUE(CheckCborWellFormed(Unhex(h)).ok()) << hex;
    EXPECT_TRUE(DecodeCbor(Unhex(h)).ok()) << hex;
  }
}

TEST(CborWellFormedTest, RejectsMalformedItems) {
  struct Case {
    const char* hex;
    const char* why;
  };
  const Case cases[] = {
      {"", "empty"},
      {"18", "truncated argument"},
      {"1c", "reserved additional information 28"},
      {"5c", "reserved additional information in a string"},
      {"ff", "break outside an indefinite item"},
      {"81", "array missing its item"},
      {"0000", "two items"},
      {"4301", "byte string longer than the data"},
      {"5affffffff00", "byte string length beyond the data"},
      {"9bffffffffffffffff00", "array count beyond the data"},
      {"bbffffffffffffffff00", "map count beyond the data"},
      {"9f01", "indefinite array without break"},
      {"bf6161ff", "indefinite map with a key but no value"},
      {"5f01ff", "integer chunk inside an indefinite byte string"},
      {"5f5f4101ffff", "nested indefinite chunk"},
      {"1f", "indefinite length on an integer"},
      {"df00", "indefinite length on a tag"},
      {"f818", "simple value below 32 in two-byte form"},
      {"f820", "simple value 32 (unsupported)"},
      {"e0", "simple value 0 (unsupported)"},
      {"fc", "reserved additional information in major type 7"},
      {"d2", "tag without content"},
  };
  for (const Case& c : cases) {
    Status s = CheckCborWellFormed(Unhex(c.hex));
    EXPECT_FALSE(s.ok()) << c.why;
    EXPECT_FALSE(DecodeCbor(Unhex(c.hex)).ok()) << c.why;
  }
}

TEST(CborWellFormedTest, EnforcesDepthAndSizeLimits) {
  CborLimits limits;
  limits.max_depth = 16;
  const std::string ok = std::string(16, '\x81') + '\x00';
  const std::string too_deep = std::string(17, '\x81') + '\x00';
  EXPECT_TRUE(CheckCborWellFormed(ok, limits).ok());
  EXPECT_FALSE(CheckCborWellFormed(too_deep, limits).ok());
  // A deep nest does not reach libcbor (whose tree free is recursive).
  const std::string very_deep = std::string(60000, '\x81') + '\x00';
  EXPECT_FALSE(DecodeCbor(very_deep).ok());
  const std::string tags = std::string(17, '\xc1') + '\x00';
  EXPECT_FALSE(CheckCborWellFormed(tags, limits).ok());

  limits.max_bytes = 10;
  Status s = CheckCborWellFormed(Unhex("4a00000000000000000000"), limits);
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
}

TEST(CborTest, DecodesOneByteTagsThatLibcborMisreads) {
  // 0xd2 (tag 18) is rejected by libcbor 0.8 unless rewritten; check the tree is right.
  Result<CborPtr> item = DecodeCbor(Unhex("d83dd28443a10126a042686940"));
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  ASSERT_TRUE(cbor_isa_tag(item->get()));
  EXPECT_EQ(cbor_tag_value(item->get()), 61u);
  const cbor_item_t* inner = CborTagged(item->get());
  ASSERT_TRUE(cbor_isa_tag(inner));
  EXPECT_EQ(cbor_tag_value(inner), 18u);
  const cbor_item_t* arr = CborTagged(inner);
  ASSERT_TRUE(cbor_isa_array(arr));
  EXPECT_EQ(CborAsBytes(cbor_array_handle(arr)[0]), Unhex("a10126"));
  EXPECT_EQ(CborAsBytes(cbor_array_handle(arr)[2]), "hi");
}

TEST(CborTest, ConvertsToJson) {
  struct Case {
    const char* hex;
    const char* json;
  };
  const Case cases[] = {
      {"00", "0"},
      {"1864", "100"},
      {"1bffffffffffffffff", "18446744073709551615"},
      {"20", "-1"},
      {"3903e7", "-1000"},
      {"3b7fffffffffffffff", "-9223372036854775808"},
      {"f93e00", "1.5E0"},
      {"fa47c35000", "1E5"},
      {"fb3ff199999999999a", "1.1E0"},
      {"6449455446", "\"IETF\""},
      {"62c3bc", "\"\xc3\xbc\""},
      {"7f6161626263ff", "\"abc\""},
      {"83010203", "[1,2,3]"},
      {"9f0102ff", "[1,2]"},
      {"a26161016162820203", "{\"a\":1,\"b\":[2,3]}"},
      {"f4", "false"},
      {"f5", "true"},
      {"f6", "null"},
      {"c074323032312d30322d32305431323a33343a35365a", "\"2021-02-20T12:34:56Z\""},
      {"c11a514b67b0", "1363896240"},
      {"c1fb41d452d9ec200000", "1.3638962405E9"},
  };
  for (const Case& c : cases) {
    Result<json::value> v = DecodeCborToJson(Unhex(c.hex));
    ASSERT_TRUE(v.ok()) << c.hex << ": " << v.status().ToString();
    EXPECT_EQ(*v, json::parse(c.json)) << c.hex << " -> " << json::serialize(*v);
  }
}

TEST(CborTest, RejectsItemsWithoutAJsonForm) {
  struct Case {
    const char* hex;
    const char* why;
  };
  const Case cases[] = {
      {"4101", "byte string"},
      {"3bffffffffffffffff", "negative integer below int64"},
      {"f7", "undefined"},
      {"f0", "simple value 16"},
      {"f97e00", "NaN"},
      {"f97c00", "infinity"},
      {"a10101", "integer map key"},
      {"a2616101616102", "duplicate key"},
      {"62c328", "invalid UTF-8"},
      {"63eda080", "UTF-16 surrogate"},
      {"62c0af", "overlong UTF-8"},
      {"d82000", "tag 32 (URI) around a number"},
      {"d25f4100ff", "tag 18"},
      {"c001", "tag 0 around a number"},
      {"c16161", "tag 1 around text"},
      {"a161614100", "byte string inside a map"},
  };
  for (const Case& c : cases) {
    Result<json::value> v = DecodeCborToJson(Unhex(c.hex));
    ASSERT_FALSE(v.ok()) << c.why;
    EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument) << c.why;
  }
}

TEST(CborTest, EncodesJsonWithShortestHeads) {
  struct Case {
    const char* json;
    const char* hex;
  };
  const Case cases[] = {
      {"0", "00"},
      {"23", "17"},
      {"24", "1818"},
      {"255", "18ff"},
      {"256", "190100"},
      {"65536", "1a00010000"},
      {"4294967296", "1b0000000100000000"},
      {"-1", "20"},
      {"-500", "3901f3"},
      {"-9223372036854775808", "3b7fffffffffffffff"},
      {"18446744073709551615", "1bffffffffffffffff"},
      {"1.5", "fb3ff8000000000000"},
      {"\"a\"", "6161"},
      {"[]", "80"},
      {"{\"a\":1}", "a1616101"},
      {"[true,false,null]", "83f5f4f6"},
  };
  for (const Case& c : cases) {
    Result<std::string> cbor = JsonToCbor(json::parse(c.json));
    ASSERT_TRUE(cbor.ok());
    EXPECT_EQ(*cbor, Unhex(c.hex)) << c.json;
  }
}

TEST(CborTest, RoundTripsADcc) {
  const json::value dcc = testing::SampleVaccinationDcc();
  Result<std::string> cbor = JsonToCbor(dcc);
  ASSERT_TRUE(cbor.ok());
  Result<json::value> back = DecodeCborToJson(*cbor);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, dcc);
}

TEST(CborTest, MapHelpers) {
  Result<CborPtr> map = DecodeCbor(Unhex("a3012603182a3903e7616b"));
  ASSERT_TRUE(map.ok());
  EXPECT_EQ(CborAsInt64(CborMapFindInt(map->get(), 1)), -7);
  EXPECT_EQ(CborAsInt64(CborMapFindInt(map->get(), 3)), 42);
  EXPECT_EQ(CborAsText(CborMapFindInt(map->get(), -1000)), "k");
  EXPECT_EQ(CborMapFindInt(map->get(), 4), nullptr);
  EXPECT_FALSE(CborMapHasDuplicateKeys(map->get()));
  Result<CborPtr> dup = DecodeCbor(Unhex("a20126012e"));
  ASSERT_TRUE(dup.ok());
  EXPECT_TRUE(CborMapHasDuplicateKeys(dup->get()));
}

TEST(CborTest, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("Nguy\xe1\xbb\x85n \xc4\x90\xe1\xbb\xa9\x63"));
  EXPECT_TRUE(IsValidUtf8("\xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\x80"));
  EXPECT_FALSE(IsValidUtf8("\xc3"));
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\xaf"));
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
}

}  // namespace
}  // namespace vaxreg::certs

namespace vaxreg::certs {
namespace {

// The one-pass reader behind DecodeCborToJson must agree with libcbor + CborToJson.
void ExpectPathsAgree(std::string_view bytes) {
  Result<json::value> fast = DecodeCborToJson(bytes);
  Result<CborPtr> tree = DecodeCbor(bytes);
  Result<json::value> slow =
      tree.ok() ? CborToJson(tree->get()) : Result<json::value>(tree.status());
  ASSERT_EQ(fast.ok(), slow.ok()) << HexOf(bytes) << " fast: " << fast.status().ToString()
                                  << " slow: " << slow.status().ToString();
  if (fast.ok()) {
    EXPECT_EQ(*fast, *slow) << HexOf(bytes);
  }
}

TEST(CborTest, OnePassReaderAgreesWithLibcbor) {
  for (const char* hex : {"00",
                          "1bffffffffffffffff",
                          "3b7fffffffffffffff",
                          "3bffffffffffffffff",
                          "f93e00",
                          "f97e00",
                          "fa47c35000",
                          "fb3ff199999999999a",
                          "6449455446",
                          "7f6161626263ff",
                          "62c328",
                          "83010203",
                          "9f0102ff",
                          "a26161016162820203",
                          "bf6161f5ff",
                          "a2616101616102",
                          "a10101",
                          "f4",
                          "f5",
                          "f6",
                          "f7",
                          "4101",
                          "c074323032312d30322d32305431323a33343a35365a",
                          "c11a514b67b0",
                          "c1f93c00",
                          "c16161",
                          "c001",
                          "d82000",
                          "d25f4100ff",
                          "c0c06161",
                          "a1616180"}) {
    ExpectPathsAgree(Unhex(hex));
  }
  // Every single-byte change of a DCC encoding.
  Result<std::string> dcc = JsonToCbor(testing::SampleVaccinationDcc());
  ASSERT_TRUE(dcc.ok());
  for (size_t i = 0; i < dcc->size(); ++i) {
    for (int delta : {1, 0x20, 0x80, 0xff}) {
      std::string m = *dcc;
      m[i] = static_cast<char>(m[i] + delta);
      ExpectPathsAgree(m);
    }
  }
}

}  // namespace
}  // namespace vaxreg::certs
