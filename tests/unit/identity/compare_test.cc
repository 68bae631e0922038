#include "identity/compare.h"

#include <gtest/gtest.h>

#include "identity/jaro_winkler.h"
#include "text/name_key.h"

namespace vaxreg::identity {
namespace {

int8_t Names(std::string_view a, std::string_view b) {
  return CompareNames(text::NameKey(a), text::NameKey(b));
}

TEST(JaroWinklerTest, KnownValues) {
  EXPECT_DOUBLE_EQ(JaroWinkler("martha", "martha"), 1.0);
  EXPECT_NEAR(JaroWinkler("martha", "marhta"), 0.9611, 1e-4);
  EXPECT_NEAR(JaroWinkler("dwayne", "duane"), 0.84, 1e-2);
  EXPECT_NEAR(JaroWinkler("dixon", "dicksonx"), 0.8133, 1e-4);
  EXPECT_DOUBLE_EQ(JaroWinkler("abc", ""), 0.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("abc", "xyz"), 0.0);
}

TEST(CompareTest, NameLevelsOnRealVariants) {
  EXPECT_EQ(Names("Nguyễn Thị Hoà", "NGUYEN THI HÒA"), 0);
  EXPECT_EQ(Names("Nguyễn Văn Đức", "Nguyeenx Vawn Dduwcs"), 0);
  EXPECT_EQ(Names("Phạm Quốc Quân", "PhạmQuốc Quân"), 1);
  EXPECT_EQ(Names("Nguyễn Văn Hùng", "Hùng Nguyễn Văn"), 1);
  EXPECT_EQ(Names("Trần Thị Ngọc Ánh", "Trần Ánh"), 2);
  EXPECT_EQ(Names("Lê Văn Tâm", "Tâm Lê"), 2);
  EXPECT_EQ(Names("Lê Văn Tâm", "Lê Văn Tan"), 3);
  EXPECT_EQ(Names("Lê Văn Tâm", "Lê Văn Ltam"), 3);
  EXPECT_EQ(Names("Nguyễn Thị Thanh Hương", "Nguyễn Thị Thanh Hườg"), 3);
  EXPECT_EQ(Names("Đỗ Minh Khoa", "Vũ Thị Lan"), 6);
  EXPECT_EQ(CompareNames("", "le van tam"), kNull);
}

TEST(CompareTest, BirthDateLevels) {
  const BirthDate d{1985, 3, 7};
  EXPECT_EQ(CompareBirthDates(d, {1985, 3, 7}), 0);
  EXPECT_EQ(CompareBirthDates(d, {1985, 7, 3}), 1);
  EXPECT_EQ(CompareBirthDates(d, {1985, 0, 0}), 2);
  EXPECT_EQ(CompareBirthDates(d, {1986, 0, 0}), 6);
  EXPECT_EQ(CompareBirthDates(d, {1965, 3, 7}), 3);
  EXPECT_EQ(CompareBirthDates(d, {1985, 3, 8}), 3);
  EXPECT_EQ(CompareBirthDates(d, {1979, 3, 7}), 4);
  EXPECT_EQ(CompareBirthDates(d, {1985, 11, 20}), 5);
  EXPECT_EQ(CompareBirthDates(d, {1990, 12, 24}), 6);
  EXPECT_EQ(CompareBirthDates(d, {}), kNull);
}

TEST(CompareTest, IdentityNumberLevels) {
  Person a, b;
  a.cccd = 1085012345;  // 001085012345
  b.cccd = 1085012345;
  EXPECT_EQ(CompareId(a, b), 0);
  b.cccd = 1085012395;
  EXPECT_EQ(CompareId(a, b), 1);
  b.cccd = 1085013245;  // 001085013245: digits 8 and 9 swapped
  EXPECT_EQ(CompareId(a, b), 2);
  b.cccd = 79190123456;
  EXPECT_EQ(CompareId(a, b), 3);
  b.cccd = 0;
  b.cmnd = 123456789;
  EXPECT_EQ(CompareId(a, b), kNull);
  a.cmnd = 123456789;
  EXPECT_EQ(CompareId(a, b), 0);
  EXPECT_TRUE(DifferByAdjacentSwap(123456789, 123456798, 9));
  EXPECT_FALSE(DifferByAdjacentSwap(123456789, 123456789, 9));
  EXPECT_FALSE(DifferInOneDigit(123456789, 123456798, 9));
}

TEST(CompareTest, SexAndAddress) {
  EXPECT_EQ(CompareSex(SexCode::kMale, SexCode::kMale), 0);
  EXPECT_EQ(CompareSex(SexCode::kMale, SexCode::kFemale), 1);
  EXPECT_EQ(CompareSex(SexCode::kUnknown, SexCode::kFemale), kNull);
  Person a, b;
  a.province = b.province = 1;
  a.district = b.district = 1;
  a.commune = b.commune = 1;
  EXPECT_EQ(CompareAddresses(a, b), 0);
  b.commune = 0;  // commune missing
  EXPECT_EQ(CompareAddresses(a, b), 1);
  b.district = 2;
  EXPECT_EQ(CompareAddresses(a, b), 2);
  b.province = 79;
  EXPECT_EQ(CompareAddresses(a, b), 3);
  b.province = 0;
  EXPECT_EQ(CompareAddresses(a, b), kNull);
}

TEST(CompareTest, WithinOneEdit) {
  EXPECT_TRUE(WithinOneEdit("hung", "hung"));
  EXPECT_TRUE(WithinOneEdit("hung", "hunh"));
  EXPECT_TRUE(WithinOneEdit("hung", "huung"));
  EXPECT_TRUE(WithinOneEdit("hung", "hug"));
  EXPECT_TRUE(WithinOneEdit("hung", "uhng"));
  EXPECT_FALSE(WithinOneEdit("hung", "hnug x"));
  EXPECT_FALSE(WithinOneEdit("hung", "dunh"));
}

}  // namespace
}  // namespace vaxreg::identity
