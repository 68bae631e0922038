#include "certs/codec/base45.h"

#include <gtest/gtest.h>

#include <random>

namespace vaxreg::certs {
namespace {

struct KnownAnswer {
  std::string bytes;
  std::string text;
};

// RFC 9285 section 4.3 and 4.4 examples, plus edge cases.
const KnownAnswer kKnownAnswers[] = {
    {"", ""},
    {"AB", "BB8"},
    {"Hello!!", "%69 VD92EX0"},
    {"base-45", "UJCLQE7W581"},
    {"ietf!", "QED8WEX0"},
    {std::string("\x00", 1), "00"},
    {std::string("\xff", 1), "U5"},
    {std::string("\xff\xff", 2), "FGW"},
    {std::string("\x00\x00", 2), "000"},
};

TEST(Base45Test, EncodesKnownAnswers) {
  for (const KnownAnswer& ka : kKnownAnswers) {
    EXPECT_EQ(Base45Encode(ka.bytes), ka.text) << ka.text;
  }
}

TEST(Base45Test, DecodesKnownAnswers) {
  for (const KnownAnswer& ka : kKnownAnswers) {
    Result<std::string> r = Base45Decode(ka.text);
    ASSERT_TRUE(r.ok()) << ka.text << ": " << r.status().ToString();
    EXPECT_EQ(*r, ka.bytes);
  }
}

TEST(Base45Test, RejectsMalformedText) {
  struct Case {
    const char* text;
    const char* why;
  };
  const Case cases[] = {
      {"A", "dangling single character"},
      {"BB8A", "3n+1 length"},
      {"GGW", "group 65536 > 0xFFFF"},
      {":::", "group 91124 > 0xFFFF"},
      {"::", "final pair 2024 > 0xFF"},
      {"V5", "final pair 256 > 0xFF"},
      {"bb8", "lower case is outside the alphabet"},
      {"BB#", "'#' is outside the alphabet"},
      {"BB\n", "newline"},
      {"%69 VD92EX_", "'_' is outside the alphabet"},
  };
  for (const Case& c : cases) {
    Result<std::string> r = Base45Decode(c.text);
    ASSERT_FALSE(r.ok()) << c.why;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.why;
  }
  EXPECT_FALSE(Base45Decode(std::string("BB\0", 3)).ok());
}

TEST(Base45Test, EnforcesTheSizeLimit) {
  const std::string at_limit(kMaxBase45TextBytes - kMaxBase45TextBytes % 3, '0');
  EXPECT_TRUE(Base45Decode(at_limit).ok());
  const std::string over(kMaxBase45TextBytes + 3, '0');
  Result<std::string> r = Base45Decode(over);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(Base45Decode(over, over.size()).ok());
}

TEST(Base45Test, RoundTripsRandomBytes) {
  std::mt19937 rng(45);
  for (int n = 0; n < 300; ++n) {
    std::string bytes(static_cast<size_t>(n), '\0');
    for (char& c : bytes) c = static_cast<char>(rng() & 0xff);
    const std::string text = Base45Encode(bytes);
    EXPECT_EQ(text.size(), bytes.size() / 2 * 3 + bytes.size() % 2 * 2);
    Result<std::string> back = Base45Decode(text, 1 << 20);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, bytes);
  }
}

}  // namespace
}  // namespace vaxreg::certs
