#include "certs/iso_time.h"

#include <gtest/gtest.h>

#include "test_pki.h"

namespace vaxreg::certs {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using testing::Utc;

TEST(IsoTimeTest, ParsesEveryValidationClockShape) {
  const SystemTime base = Utc(2021, 5, 3, 18);
  struct Case {
    const char* text;
    SystemTime want;
  };
  const Case cases[] = {
      {"2021-05-03T18:00:00Z", base},
      {"2021-05-03T18:00:00z", base},
      {"2021-05-03t18:00:00Z", base},
      {"2021-05-03 18:00:00Z", base},
      {"2021-05-03T18:00Z", base},
      {"2021-05-03T20:00:00+02:00", base},
      {"2021-05-03T20:00:00+0200", base},
      {"2021-05-03T20:00:00+02", base},
      {"2021-05-03T16:30:00-01:30", base},
      {"2021-05-03T18:00:00", base},
      {"2021-05-03T18:00:00.5Z", base + milliseconds(500)},
      {"2021-05-03T18:00:00,25Z", base + milliseconds(250)},
      {"2021-05-03T18:00:00.123456789Z", base + nanoseconds(123456789)},
      {"2021-05-03T18:00:00.185473", base + nanoseconds(185473000)},
      {"2021-05-03T20:00:00.686+0200", base + milliseconds(686)},
      {"2021-05-04T00:00:00+06:00", base},
  };
  for (const Case& c : cases) {
    std::optional<SystemTime> t = ParseIsoDateTime(c.text);
    ASSERT_TRUE(t.has_value()) << c.text;
    EXPECT_EQ(*t, c.want) << c.text;
  }
}

TEST(IsoTimeTest, RejectsMalformedInstants) {
  for (const char* text :
       {"", "2021-05-03", "2021-05-03T", "2021-05-03T18", "2021-05-03T18:00:00.Z",
        "2021-05-03T18:00:00.1234567890Z", "2021-13-01T00:00:00Z", "2021-02-30T00:00:00Z",
        "2021-05-03T24:00:00Z", "2021-05-03T18:60:00Z", "2021-05-03T18:00:00+2",
        "2021-05-03T18:00:00+02:0", "2021-05-03T18:00:00 Z", "2021-05-03T18:00:00ZZ",
        "21-05-03T18:00:00Z", "2021-5-3T18:00:00Z", "2021-05-03T18:00:00+25:00"}) {
    EXPECT_FALSE(ParseIsoDateTime(text).has_value()) << text;
  }
}

TEST(IsoTimeTest, DateOnlyWhenAllowed) {
  EXPECT_EQ(ParseIsoDateOrDateTime("2021-05-03"), Utc(2021, 5, 3));
  EXPECT_EQ(ParseIsoDateOrDateTime("2021-05-03T18:00:00Z"), Utc(2021, 5, 3, 18));
  EXPECT_FALSE(ParseIsoDateOrDateTime("2021-05").has_value());
}

TEST(IsoTimeTest, Formats) {
  EXPECT_EQ(FormatIsoInstant(Utc(2021, 5, 3, 18)), "2021-05-03T18:00:00Z");
  EXPECT_EQ(FormatIsoInstant(Utc(2021, 5, 3, 18) + milliseconds(250)), "2021-05-03T18:00:00.25Z");
}

}  // namespace
}  // namespace vaxreg::certs
