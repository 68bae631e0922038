#include "registry/identity_number.h"

#include <gtest/gtest.h>

namespace vaxreg::registry {
namespace {

TEST(CccdTest, DecodesProvinceSexAndYear) {
  struct Case {
    const char* cccd;
    const char* province;
    Sex sex;
    int year;
  } cases[] = {
      {"001090012345", "01", Sex::kMale, 1990},
      {"079185000001", "79", Sex::kFemale, 1985},
      {"048203000002", "48", Sex::kMale, 2003},
      {"001310000003", "01", Sex::kFemale, 2010},
      {"096999000004", "96", Sex::kFemale, 1899},
  };
  for (const Case& c : cases) {
    auto info = ParseCccd(c.cccd);
    ASSERT_TRUE(info.ok()) << c.cccd << ": " << info.status().ToString();
    EXPECT_EQ(info->province_code, c.province) << c.cccd;
    EXPECT_EQ(info->sex, c.sex) << c.cccd;
    EXPECT_EQ(info->birth_year, c.year) << c.cccd;
  }
}

TEST(CccdTest, RejectsBadStructure) {
  for (const char* bad : {"", "00109001234", "0010900123456", "00109001234a", "100090012345",
                          "003090012345" /* 03 is not a province code */,
                          "099090012345"}) {
    auto info = ParseCccd(bad);
    EXPECT_EQ(info.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(info.status().field(), "cccd") << bad;
  }
}

TEST(CccdTest, MustMatchSexAndBirthYear) {
  CccdInfo info = ParseCccd("001090012345").value();
  EXPECT_TRUE(CheckCccdMatchesPerson(info, Sex::kMale, 1990).ok());
  EXPECT_TRUE(CheckCccdMatchesPerson(info, std::nullopt, 0).ok());
  EXPECT_EQ(CheckCccdMatchesPerson(info, Sex::kFemale, 1990).field(), "sex");
  EXPECT_EQ(CheckCccdMatchesPerson(info, Sex::kMale, 1991).field(), "dob");
}

TEST(CmndTest, NineDigits) {
  EXPECT_TRUE(IsCmnd("012345678"));
  EXPECT_FALSE(IsCmnd("01234567"));
  EXPECT_FALSE(IsCmnd("01234567a"));
}

}  // namespace
}  // namespace vaxreg::registry
