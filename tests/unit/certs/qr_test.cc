// Every QR code rendered is decoded back with zxing-cpp: PNG directly, JPEG after re-encoding the
// pixels with libjpeg, SVG after rasterising its path (the renderer writes only "Mx,yhNv1h-Nz"
// runs, which this test parses).

#include <gtest/gtest.h>
#include <jpeglib.h>
#include <png.h>
#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <regex>
#include <string>
#include <vector>

#include "certs/qr/qr_render.h"
#include "certs/qr_image.h"
#include "media/image_header.h"

namespace vaxreg::certs {
namespace {

const std::string kHc1 =
    "HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH-R6IOO6+IDOEZ/18WA/3W-*9UR98R1GS9:S5+UK/A1EK09ABP"
    "$E1HBDMC6$L0-:EXG2MQ1T40PK1VK08/EOAKY%E5ZS%$BKL8H9TA5K5.2E:DQ9M7$8FZJ3$/NUVGOK9T3F:IA"
    "$3PGC6JK*U7F$EN1D58O-F0AZ1UM5L27B:K:DNKQ2V-0TQ7TI8$TGTDE6L7KDH93V4/2PH7%96ZIDG/3OS1"
    "LVV3L7VFJ.KBHU9QUEEG+YEPD97%2RXT0YO:H2DZU+I1FOOEFU2-NEFO0YK0N6%JBMXBVBSR2M2UJ$H8*B"
    "OAWG6DBTQ5-+UJTFSD6B74GL4VY0O.K5H3KZRA/8$.6:.3ZYLWS26GEL48I:U%BPSA2BX33HAR%I5CTZ2";

struct Gray {
  std::vector<uint8_t> pixels;
  int width = 0;
  int height = 0;
};

Gray PngToGray(const std::string& png) {
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  EXPECT_NE(png_image_begin_read_from_memory(&image, png.data(), png.size()), 0);
  image.format = PNG_FORMAT_GRAY;
  Gray g;
  g.width = static_cast<int>(image.width);
  g.height = static_cast<int>(image.height);
  g.pixels.resize(PNG_IMAGE_SIZE(image));
  EXPECT_NE(png_image_finish_read(&image, nullptr, g.pixels.data(), 0, nullptr), 0);
  return g;
}

std::string GrayToPng(const Gray& g) {
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(g.width);
  image.height = static_cast<png_uint_32>(g.height);
  image.format = PNG_FORMAT_GRAY;
  png_alloc_size_t size = 0;
  png_image_write_to_memory(&image, nullptr, &size, 0, g.pixels.data(), 0, nullptr);
  std::string out(size, '\0');
  EXPECT_NE(png_image_write_to_memory(&image, out.data(), &size, 0, g.pixels.data(), 0, nullptr),
            0);
  out.resize(size);
  return out;
}

std::string GrayToJpeg(const Gray& g) {
  jpeg_compress_struct cinfo;
  jpeg_error_mgr err;
  cinfo.err = jpeg_std_error(&err);
  jpeg_create_compress(&cinfo);
  unsigned char* buf = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&cinfo, &buf, &size);
  cinfo.image_width = static_cast<JDIMENSION>(g.width);
  cinfo.image_height = static_cast<JDIMENSION>(g.height);
  cinfo.input_components = 1;
  cinfo.in_color_space = JCS_GRAYSCALE;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, 85, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<uint8_t*>(g.pixels.data()) +
                   static_cast<size_t>(cinfo.next_scanline) * static_cast<size_t>(g.width);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  std::string out(reinterpret_cast<char*>(buf), size);
  free(buf);
  return out;
}

// Rasterises the renderer's SVG at 4 pixels per unit.
Gray RasteriseSvg(const std::string& svg) {
  std::smatch m;
  EXPECT_TRUE(std::regex_search(svg, m, std::regex("viewBox=\"0 0 (\\d+) (\\d+)\"")));
  const int units = std::stoi(m[1]);
  const int scale = 4;
  Gray g;
  g.width = g.height = units * scale;
  g.pixels.assign(static_cast<size_t>(g.width) * g.height, 255);
  std::regex run("M(\\d+),(\\d+)h(\\d+)v1h-\\d+z");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), run); it != std::sregex_iterator();
       ++it) {
    const int x = std::stoi((*it)[1]), y = std::stoi((*it)[2]), n = std::stoi((*it)[3]);
    for (int dy = 0; dy < scale; ++dy) {
      std::memset(g.pixels.data() + static_cast<size_t>(y * scale + dy) * g.width + x * scale, 0,
                  static_cast<size_t>(n * scale));
    }
  }
  return g;
}

TEST(QrRenderTest, PngDecodesBack) {
  for (int scale : {2, 4, 8}) {
    Result<std::string> png = RenderQrPng(kHc1, {scale, 4});
    ASSERT_TRUE(png.ok()) << png.status().ToString();
    EXPECT_TRUE(LooksLikePng(*png));
    Result<std::string> text = DecodeQrFromImage(*png);
    ASSERT_TRUE(text.ok()) << text.status().ToString();
    EXPECT_EQ(*text, kHc1);
  }
}

TEST(QrRenderTest, SvgDecodesBack) {
  Result<std::string> svg = RenderQrSvg(kHc1);
  ASSERT_TRUE(svg.ok());
  EXPECT_TRUE(svg->starts_with("<?xml"));
  EXPECT_NE(svg->find("<svg xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
  Result<std::string> text = DecodeQrFromPng(GrayToPng(RasteriseSvg(*svg)));
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, kHc1);
}

TEST(QrRenderTest, JpegScanDecodesBack) {
  Result<std::string> png = RenderQrPng(kHc1, {4, 4});
  ASSERT_TRUE(png.ok());
  const std::string jpeg = GrayToJpeg(PngToGray(*png));
  EXPECT_TRUE(LooksLikeJpeg(jpeg));
  Result<std::string> text = DecodeQrFromImage(jpeg);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, kHc1);
}

// The largest single-QR SMART Health Card of the shared vectors (a 1,194-character JWS) at level
// L fits version 22 (105 modules) and decodes back, from PNG and from SVG.
TEST(QrRenderTest, LargestSmartHealthCardFitsVersion22AtLevelL) {
  std::FILE* f = std::fopen(VAXREG_SHARED_DIR
                            "/conformance/shc/devtools-testdata/test-example-1195-byte-qrnumeric.txt",
                            "rb");
  if (f == nullptr) GTEST_SKIP() << "no shared SHC vectors";
  std::string shc(4096, '\0');
  shc.resize(std::fread(shc.data(), 1, shc.size(), f));
  std::fclose(f);
  ASSERT_TRUE(shc.starts_with("shc:/"));
  QrRenderOptions level_l;
  level_l.low_error_correction = true;
  Result<std::string> svg = RenderQrSvg(shc, level_l);
  ASSERT_TRUE(svg.ok()) << svg.status().ToString();
  std::smatch m;
  ASSERT_TRUE(std::regex_search(*svg, m, std::regex("viewBox=\"0 0 ([0-9]+) ")));
  EXPECT_LE(std::stoi(m[1]) - 2 * level_l.margin, 17 + 4 * 22);
  EXPECT_EQ(DecodeQrFromPng(GrayToPng(RasteriseSvg(*svg))).value_or(""), shc);
  Result<std::string> png = RenderQrPng(shc, level_l);
  ASSERT_TRUE(png.ok());
  EXPECT_EQ(DecodeQrFromImage(*png).value_or(""), shc);
  // At the DCC's level Q the same text needs a larger symbol.
  Result<std::string> q = RenderQrSvg(shc);
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE(std::regex_search(*q, m, std::regex("viewBox=\"0 0 ([0-9]+) ")));
  EXPECT_GT(std::stoi(m[1]) - 8, 17 + 4 * 22);
}

TEST(QrRenderTest, RejectsBadInput) {
  EXPECT_EQ(RenderQrPng("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RenderQrSvg(std::string(kMaxQrTextBytes + 1, 'A')).status().code(),
            StatusCode::kResourceExhausted);
  EXPECT_EQ(RenderQrPng("x", {0, 4}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeQrFromImage("GIF89a").status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(DecodeQrFromJpeg("\xff\xd8\xff\xe0 truncated").ok());
  Result<std::string> png = RenderQrPng(kHc1);
  ASSERT_TRUE(png.ok());
  EXPECT_FALSE(DecodeQrFromImage(png->substr(0, png->size() / 2)).ok());
}

// Patches the IHDR dimensions of a PNG and its CRC, as an attacker would.
std::string WithDeclaredSize(std::string png, uint32_t width, uint32_t height) {
  auto put = [&png](size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) png[at + i] = static_cast<char>((v >> (24 - 8 * i)) & 0xff);
  };
  put(16, width);
  put(20, height);
  // The chunk CRC covers the type and the 13 data bytes (offsets 12..28).
  const uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(png.data() + 12), 17);
  put(29, static_cast<uint32_t>(crc));
  return png;
}

TEST(ImageSizeTest, ReadsPngAndJpegHeadersWithoutDecoding) {
  Result<std::string> png = RenderQrPng(kHc1, {4, 4});
  ASSERT_TRUE(png.ok());
  const Gray gray = PngToGray(*png);
  auto size = media::ReadDeclaredDimensions(*png);
  ASSERT_TRUE(size.has_value());
  EXPECT_EQ(size->width, static_cast<uint32_t>(gray.width));
  EXPECT_EQ(size->height, static_cast<uint32_t>(gray.height));
  auto jpeg_size = media::ReadDeclaredDimensions(GrayToJpeg(gray));
  ASSERT_TRUE(jpeg_size.has_value());
  EXPECT_EQ(jpeg_size->width, static_cast<uint32_t>(gray.width));
  EXPECT_EQ(jpeg_size->height, static_cast<uint32_t>(gray.height));

  auto absurd = media::ReadDeclaredDimensions(WithDeclaredSize(*png, 100000, 100000));
  ASSERT_TRUE(absurd.has_value());
  EXPECT_EQ(absurd->pixels(), uint64_t{10000000000});
  EXPECT_FALSE(media::ReadDeclaredDimensions("GIF89a").has_value());
  EXPECT_FALSE(media::ReadDeclaredDimensions(png->substr(0, 20)).has_value());
  EXPECT_FALSE(media::ReadDeclaredDimensions("\xff\xd8\xff\xe0\x00").has_value());
}

TEST(ImageSizeTest, AnAbsurdImageIsBadInputNotARateLimit) {
  // 100000 x 100000 declared: refused as invalid input (HTTP 400), never as kResourceExhausted,
  // which the API maps to 429 "slow down".
  Result<std::string> png = RenderQrPng(kHc1, {4, 4});
  ASSERT_TRUE(png.ok());
  const Status st = DecodeQrFromImage(WithDeclaredSize(*png, 100000, 100000)).status();
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
}

}  // namespace
}  // namespace vaxreg::certs
