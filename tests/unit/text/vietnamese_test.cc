#include "text/vietnamese.h"

#include <gtest/gtest.h>

namespace vaxreg::text {
namespace {

TEST(NormalizeNameTest, ComposesAndCollapsesSpace) {
  // "Nguyễn" written decomposed: e + circumflex + tilde.
  const std::string decomposed = "Nguye\xcc\x82\xcc\x83n  Va\xcc\x86n   A\xcc\x81nh ";
  EXPECT_EQ(*NormalizeName(decomposed), "Nguyễn Văn Ánh");
  EXPECT_EQ(*NormalizeName("  Trần\tThị  Thu "), "Trần Thị Thu");
  EXPECT_EQ(NormalizeName("bad \xff utf8").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(NormalizeName("line\x01break").status().code(), StatusCode::kInvalidArgument);
}

TEST(FoldToAsciiTest, RemovesEveryDiacriticAndD) {
  EXPECT_EQ(FoldToAscii("Nguyễn Văn Đức"), "nguyen van duc");
  EXPECT_EQ(FoldToAscii("Hoà"), FoldToAscii("Hòa"));
  EXPECT_EQ(FoldToAscii("Thuý"), "thuy");
  EXPECT_EQ(FoldToAscii("Nguye\xcc\x82\xcc\x83n"), "nguyen");
  EXPECT_EQ(FoldToAscii("Phường Phúc Xá"), "phuong phuc xa");
  EXPECT_EQ(FoldToAscii("ƯỚC ƠN ĂN ÂM"), "uoc on an am");
}

TEST(IcaoTransliterateTest, Icao9303) {
  EXPECT_EQ(IcaoTransliterate("Nguyễn"), "NGUYEN");
  EXPECT_EQ(IcaoTransliterate("Văn Ánh"), "VAN<ANH");
  EXPECT_EQ(IcaoTransliterate("Đặng Thị  Ngọc-Hà"), "DANG<THI<NGOC<HA");
  EXPECT_EQ(IcaoTransliterate(" Lê "), "LE");
  EXPECT_EQ(IcaoTransliterate("O'Neil"), "ONEIL");
}

}  // namespace
}  // namespace vaxreg::text
