#include <gtest/gtest.h>

#include "common/clock.h"
#include "common/crypto_util.h"
#include "common/status.h"

namespace vaxreg {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgumentError("odd", "x");
  return x / 2;
}

Result<int> Quarter(int x) {
  ASSIGN_OR_RETURN(int h, Half(x));
  ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckEven(int x) {
  RETURN_IF_ERROR(Half(x).status());
  return Status::Ok();
}

TEST(StatusTest, ResultCarriesValueOrError) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> bad = Quarter(6);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().field(), "x");
  EXPECT_EQ(bad.status().ToString(), "INVALID_ARGUMENT: odd [x]");
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_FALSE(CheckEven(3).ok());
}

TEST(StatusTest, WithContextKeepsCodeAndField) {
  Status s = NotFoundError("no such user").WithContext("loading");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "loading: no such user");
}

TEST(StatusDeathTest, ValueOfErrorResultCrashes) {
  Result<int> bad = Half(3);
  EXPECT_DEATH((void)bad.value(), "value\\(\\) on an error Result");
}

TEST(ClockTest, Iso8601RoundTripAndRejects) {
  SystemTime t;
  ASSERT_TRUE(ParseIso8601("2021-08-15T10:20:30Z", &t));
  EXPECT_EQ(FormatIso8601(t), "2021-08-15T10:20:30Z");
  ASSERT_TRUE(ParseIso8601("2021-08-15T17:20:30+07:00", &t));
  EXPECT_EQ(FormatIso8601(t), "2021-08-15T10:20:30Z");
  ASSERT_TRUE(ParseIso8601("2021-08-15", &t));
  EXPECT_EQ(FormatIso8601(t), "2021-08-15T00:00:00Z");
  ASSERT_TRUE(ParseIso8601("2021-08-15T10:20:30.123Z", &t));
  for (const char* bad : {"", "2021-13-01", "2021-02-30", "2021-08-15T25:00:00Z", "21-08-15",
                          "2021-08-15T10:20:30X", "2021-08-15T10:20"}) {
    EXPECT_FALSE(ParseIso8601(bad, &t)) << bad;
  }
}

TEST(CryptoUtilTest, Sha256KnownAnswer) {
  EXPECT_EQ(HexEncode(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CryptoUtilTest, Sha256HasherInPiecesAndNested) {
  Sha256Hasher outer;
  outer.Update("a");
  {
    Sha256Hasher inner;  // a second hasher alive on the same thread gets its own context
    inner.Update("xyz");
    EXPECT_EQ(inner.Finish(), Sha256("xyz"));
  }
  outer.Update("bc");
  EXPECT_EQ(outer.Finish(), Sha256("abc"));
  EXPECT_EQ(Sha256(""), Sha256(std::string_view()));
}

TEST(CryptoUtilTest, HexRoundTrip) {
  std::string out;
  ASSERT_TRUE(HexDecode("00ff10Ab", &out));
  EXPECT_EQ(HexEncode(out), "00ff10ab");
  EXPECT_FALSE(HexDecode("abc", &out));
  EXPECT_FALSE(HexDecode("zz", &out));
}

TEST(CryptoUtilTest, RandomBytesAndBase64Url) {
  InitCrypto();
  std::string a = RandomBytes(32), b = RandomBytes(32);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_TRUE(ConstantTimeEquals("same", "same"));
  EXPECT_FALSE(ConstantTimeEquals("same", "diff"));
  EXPECT_FALSE(ConstantTimeEquals("same", "samey"));
}

}  // namespace
}  // namespace vaxreg
