#include "identity/person.h"

#include <gtest/gtest.h>

namespace vaxreg::identity {
namespace {

TEST(PersonTest, BirthDates) {
  EXPECT_EQ(ParseBirthDate("1985-03-07"), (BirthDate{1985, 3, 7}));
  EXPECT_EQ(ParseBirthDate("1985"), (BirthDate{1985, 0, 0}));
  EXPECT_EQ(ParseBirthDate("07/03/1985"), (BirthDate{1985, 3, 7}));
  EXPECT_EQ(ParseBirthDate("19850307"), (BirthDate{1985, 3, 7}));
  EXPECT_FALSE(ParseBirthDate("1985-02-30").known());
  EXPECT_FALSE(ParseBirthDate("1985-13-01").known());
  EXPECT_FALSE(ParseBirthDate("2001-02-29").known());
  EXPECT_TRUE(ParseBirthDate("2000-02-29").full());
  EXPECT_FALSE(ParseBirthDate("").known());
  EXPECT_FALSE(ParseBirthDate("abcd").known());
}

TEST(PersonTest, SexAndIdNumbers) {
  EXPECT_EQ(ParseSex("M"), SexCode::kMale);
  EXPECT_EQ(ParseSex("Nữ"), SexCode::kFemale);
  EXPECT_EQ(ParseSex("1"), SexCode::kUnknown);
  IdNumbers cccd = ParseIdNumber("001 085 012345");
  EXPECT_EQ(cccd.cccd, 1085012345u);
  EXPECT_EQ(FormatCccd(cccd.cccd), "001085012345");
  IdNumbers cmnd = ParseIdNumber("012345678");
  EXPECT_EQ(cmnd.cmnd, 12345678u);
  EXPECT_EQ(FormatCmnd(cmnd.cmnd), "012345678");
  EXPECT_EQ(ParseIdNumber("1085012345").cccd, 1085012345u);  // leading zeros dropped
  EXPECT_EQ(ParseIdNumber("12345").cccd, 0u);
  EXPECT_EQ(ParseIdNumber("00108501234x").cccd, 0u);
}

TEST(PersonTest, AddressCodesWithOrWithoutLeadingZeros) {
  Address a = ParseAddress("01", "001", "00001");
  EXPECT_EQ(a.province, 1);
  EXPECT_EQ(a.district, 1);
  EXPECT_EQ(a.commune, 1u);
  Address b = ParseAddress("1", "1", "1");
  EXPECT_EQ(b.province, a.province);
  EXPECT_EQ(b.commune, a.commune);
}

TEST(PersonTest, AddressNamesAndAbbreviations) {
  Address hcm = ParseAddress("TP. HCM", "Q. 1", "P. Tân Định");
  EXPECT_EQ(hcm.province, 79);
  EXPECT_EQ(hcm.district, 760);
  EXPECT_EQ(hcm.commune, 26734u);
  Address hn = ParseAddress("Thành phố Hà Nội", "Quan Ba Dinh", "phuong phuc xa");
  EXPECT_EQ(hn.province, 1);
  EXPECT_EQ(hn.district, 1);
  EXPECT_EQ(hn.commune, 1u);
  Address unknown = ParseAddress("Atlantis", "Q. 1", "");
  EXPECT_EQ(unknown.province, 0);
  EXPECT_EQ(unknown.district, 0);
}

TEST(PersonTest, AddressTextReadsTheLastThreeParts) {
  const Address full =
      ParseAddressText("Số 12 Nguyễn Huệ, Phường Tân Định, Quận 1, Thành phố Hồ Chí Minh");
  EXPECT_EQ(full.province, 79);
  EXPECT_EQ(full.district, 760);
  EXPECT_EQ(full.commune, 26734u);
  const Address two = ParseAddressText("Quận Ba Đình , Hà Nội");
  EXPECT_EQ(two.province, 1);
  EXPECT_EQ(two.district, 1);
  EXPECT_EQ(two.commune, 0u);
  // A house number in a unit's place is not a code, and nothing below an unknown unit is read.
  const Address numbers = ParseAddressText("12, 1, 1");
  EXPECT_EQ(numbers.province, 0);
  EXPECT_EQ(numbers.district, 0);
  const Address unknown = ParseAddressText("Phường Tân Định, Quận 1, Atlantis");
  EXPECT_EQ(unknown.province, 0);
  EXPECT_EQ(unknown.district, 0);
  EXPECT_EQ(unknown.commune, 0u);
  EXPECT_EQ(ParseAddressText("").province, 0);
}

TEST(PersonTest, AddressCodesAreZeroPadded) {
  const AddressCodes codes = FormatAddressCodes(ParseAddress("1", "1", "1"));
  EXPECT_EQ(codes.province, "01");
  EXPECT_EQ(codes.district, "001");
  EXPECT_EQ(codes.commune, "00001");
  const AddressCodes none = FormatAddressCodes(Address{});
  EXPECT_EQ(none.province, "");
  EXPECT_EQ(none.district, "");
  EXPECT_EQ(none.commune, "");
}

}  // namespace
}  // namespace vaxreg::identity
