#include "text/name_key.h"

#include <gtest/gtest.h>

namespace vaxreg::text {
namespace {

TEST(NameKeyTest, BothTonePlacementsGiveOneKey) {
  EXPECT_EQ(NameKey("Nguyễn Thị Hoà"), NameKey("Nguyễn Thị Hòa"));
  EXPECT_EQ(NameKey("Lê Thuý Hằng"), NameKey("Lê Thúy Hằng"));
  EXPECT_EQ(NameKey("Trần Văn Khoẻ"), "tran van khoe");
}

TEST(NameKeyTest, DecomposedInputEqualsComposed) {
  // "Nguyễn Văn Đức" with combining marks (NFD).
  const std::string nfd = "Nguye\xcc\x82\xcc\x83n Va\xcc\x86n \xc4\x90u\xcc\x9b\xcc\x81\x63";
  EXPECT_EQ(NameKey(nfd), "nguyen van duc");
  EXPECT_EQ(NameKey(nfd), NameKey("Nguyễn Văn Đức"));
}

TEST(NameKeyTest, DStrokeAndScanConfusions) {
  EXPECT_EQ(NameKey("Đặng Đình Đạt"), "dang dinh dat");
  EXPECT_EQ(NameKey("Đỗ Thị Thư"), NameKey("Do Thi Thu"));
  EXPECT_EQ(NameKey("Vương Ánh Dương"), NameKey("Vuong Anh Duong"));
  EXPECT_EQ(NameKey("Phạm Thị Ngọc Ánh"), NameKey("Phạm Thị Ngoc Anh"));
  EXPECT_EQ(NameKey("Lâm Ngọc Trâm"), NameKey("Lăm Ngọc Tram"));
}

TEST(NameKeyTest, CaseAndSpacing) {
  EXPECT_EQ(NameKey("  NGUYỄN   văn  anh "), "nguyen van anh");
  EXPECT_EQ(NameKey("TrỊnh Thị\tMai"), "trinh thi mai");
  EXPECT_EQ(NameKey("Lê-Thị.Hà"), "le thi ha");
  EXPECT_EQ(NameKey(""), "");
  EXPECT_EQ(NameKey(" 123 "), "");
}

TEST(NameKeyTest, TelexLeftovers) {
  EXPECT_EQ(NameKey("Nguyeenx Vawn Ddwcs"), NameKey("Nguyễn Văn Đức"));
  EXPECT_EQ(NameKey("Traanf Thij Huwowngf"), "tran thi huong");
  EXPECT_EQ(NameKey("Phaamj Quoocs Khanhs"), "pham quoc khanh");
  EXPECT_EQ(NameKey("Hoangf Thuyr"), NameKey("Hoàng Thủy"));
  EXPECT_EQ(NameKey("Nguyeexn"), "nguyen");
}

TEST(NameKeyTest, CleanSyllablesAreKept) {
  for (std::string_view s : {"nguyen", "tran", "truong", "xuan", "sang", "rang", "thuy", "giang",
                             "khoa", "phuoc", "nghia", "quynh", "doan", "dao"}) {
    EXPECT_EQ(StripTelexLeftovers(s), s);
  }
  EXPECT_EQ(StripTelexLeftovers("nguyeenx"), "nguyen");
  EXPECT_EQ(StripTelexLeftovers(StripTelexLeftovers("ddaauf")), "dau");
}

TEST(NameKeyTest, TokensSplitOnSeparators) {
  auto t = NameKeyTokens("Hồ  Thị-Kim\tLiên");
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0], "ho");
  EXPECT_EQ(t[3], "lien");
}

}  // namespace
}  // namespace vaxreg::text
