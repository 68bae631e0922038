// Sniffing and header dimensions, against files libvips writes in each format and variant.

#include "media/image_header.h"

#include <gtest/gtest.h>

#include "tests/unit/media/test_images.h"

namespace vaxreg::media {
namespace {

TEST(ImageHeaderTest, ReadsTheDimensionsOfEveryVariant) {
  testing::ImagePtr rgb = testing::Picture(321, 123);
  testing::ImagePtr rgba = testing::Picture(321, 123, 4);
  const struct {
    VipsImage* image;
    const char* suffix;
    std::string_view type;
    std::string_view webp_chunk;  // which WebP header this variant has
  } cases[] = {
      {rgb.get(), ".jpg", "image/jpeg", ""},
      {rgb.get(), ".jpg[interlace]", "image/jpeg", ""},  // progressive: SOF2
      {rgb.get(), ".png", "image/png", ""},
      {rgba.get(), ".png[interlace]", "image/png", ""},
      {rgb.get(), ".webp[strip]", "image/webp", "VP8 "},
      {rgb.get(), ".webp[lossless,strip]", "image/webp", "VP8L"},
      {rgba.get(), ".webp[strip]", "image/webp", "VP8X"},  // alpha with lossy colour
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.suffix);
    std::string bytes = testing::Encode(c.image, c.suffix);
    if (c.webp_chunk == "VP8 " || c.webp_chunk == "VP8L") bytes = testing::SimpleWebp(bytes);
    EXPECT_EQ(SniffImageType(bytes), c.type);
    if (!c.webp_chunk.empty()) {
      ASSERT_EQ(std::string_view(bytes).substr(12, 4), c.webp_chunk);
    }
    const auto dims = ReadDeclaredDimensions(bytes);
    ASSERT_TRUE(dims.has_value());
    EXPECT_EQ(dims->width, 321u);
    EXPECT_EQ(dims->height, 123u);
    EXPECT_EQ(dims->pixels(), 321u * 123u);
    // Cut inside the header: nothing is read, nothing is guessed.
    EXPECT_FALSE(ReadDeclaredDimensions(bytes.substr(0, 20)).has_value());
  }
}

TEST(ImageHeaderTest, SniffsOnlyTheThreeFormats) {
  EXPECT_EQ(SniffImageType(""), "");
  EXPECT_EQ(SniffImageType("\xFF\xD8"), "");
  EXPECT_EQ(SniffImageType("GIF89a..."), "");
  EXPECT_EQ(SniffImageType("RIFF\x10\x00\x00\x00WAVEfmt "), "");
  EXPECT_EQ(SniffImageType("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), "");
  EXPECT_EQ(SniffImageType("%PDF-1.7"), "");
  EXPECT_FALSE(ReadDeclaredDimensions("GIF89a\x10\x00\x10\x00").has_value());
}

TEST(ImageHeaderTest, AJpegWithoutAFrameHeaderHasNoDimensions) {
  // SOI, an APP0 segment, then scan data with no SOF before it.
  const std::string jpeg("\xFF\xD8\xFF\xE0\x00\x04\x00\x00\xFF\xDA\x00\x02", 12);
  EXPECT_FALSE(ReadDeclaredDimensions(jpeg).has_value());
  // A segment length under 2 is malformed.
  EXPECT_FALSE(
      ReadDeclaredDimensions(std::string("\xFF\xD8\xFF\xE1\x00\x01\x00\x00", 8)).has_value());
}

}  // namespace
}  // namespace vaxreg::media
