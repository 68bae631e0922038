// ProcessPhoto on real images made with libvips: the accepted formats, the resize rule, metadata
// stripping (EXIF with GPS, XMP, ICC, comments), orientation, and every refusal, including a
// decompression bomb refused from its header alone.

#include "media/photo.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

#include "common/crypto_util.h"
#include "tests/unit/media/test_images.h"

namespace vaxreg::media {
namespace {

using testing::Decode;
using testing::Encode;
using testing::HasField;
using testing::Picture;

void ExpectReason(const Result<ProcessedPhoto>& r, StatusCode code, std::string_view reason) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), code) << r.status().ToString();
  EXPECT_EQ(PhotoErrorReason(r.status()), reason) << r.status().ToString();
}

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

void ExpectCleanJpeg(const ProcessedPhoto& p) {
  ASSERT_GT(p.full_jpeg.size(), 3u);
  EXPECT_TRUE(p.full_jpeg.starts_with("\xFF\xD8\xFF"));
  EXPECT_TRUE(p.thumb_jpeg.starts_with("\xFF\xD8\xFF"));
  EXPECT_EQ(p.sha256, HexEncode(Sha256(p.full_jpeg)));
  EXPECT_EQ(p.thumb_sha256, HexEncode(Sha256(p.thumb_jpeg)));
  testing::ImagePtr full = Decode(p.full_jpeg);
  EXPECT_EQ(vips_image_get_width(full.get()), p.width);
  EXPECT_EQ(vips_image_get_height(full.get()), p.height);
  testing::ImagePtr thumb = Decode(p.thumb_jpeg);
  EXPECT_EQ(vips_image_get_width(thumb.get()), p.thumb_width);
  EXPECT_EQ(vips_image_get_height(thumb.get()), p.thumb_height);
  EXPECT_LE(std::max(p.thumb_width, p.thumb_height), 320);
}

// A PNG of `width` x `height` that holds a one-byte IDAT: valid chunks and CRCs, absurd size.
std::string PngHeaderOnly(uint32_t width, uint32_t height) {
  auto be32 = [](uint32_t v) {
    std::string s(4, '\0');
    for (int i = 0; i < 4; ++i) s[i] = static_cast<char>(v >> (24 - 8 * i));
    return s;
  };
  auto chunk = [&](std::string_view type, const std::string& data) {
    const std::string body = std::string(type) + data;
    const uLong crc =
        crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
    return be32(static_cast<uint32_t>(data.size())) + body + be32(static_cast<uint32_t>(crc));
  };
  // Depth 8, colour type 2 (RGB), deflate, adaptive filtering, no interlace.
  const std::string ihdr = be32(width) + be32(height) + std::string("\x08\x02\x00\x00\x00", 5);
  Bytef z[16];
  uLongf z_len = sizeof z;
  const Bytef zero = 0;
  EXPECT_EQ(compress(z, &z_len, &zero, 1), Z_OK);
  return std::string("\x89PNG\r\n\x1A\n", 8) + chunk("IHDR", ihdr) +
         chunk("IDAT", std::string(reinterpret_cast<const char*>(z), z_len)) + chunk("IEND", "");
}

// Rewrites the height and width of the first start-of-frame segment of a JPEG.
std::string WithJpegSize(std::string jpeg, uint16_t width, uint16_t height) {
  for (size_t i = 2; i + 9 < jpeg.size(); ++i) {
    const auto m = static_cast<unsigned char>(jpeg[i + 1]);
    if (static_cast<unsigned char>(jpeg[i]) == 0xFF && (m == 0xC0 || m == 0xC2)) {
      jpeg[i + 5] = static_cast<char>(height >> 8);
      jpeg[i + 6] = static_cast<char>(height & 0xFF);
      jpeg[i + 7] = static_cast<char>(width >> 8);
      jpeg[i + 8] = static_cast<char>(width & 0xFF);
      return jpeg;
    }
  }
  ADD_FAILURE() << "no SOF segment";
  return jpeg;
}

TEST(ProcessPhotoTest, AcceptsJpegPngAndWebp) {
  testing::ImagePtr picture = Picture(640, 480);
  const struct {
    const char* suffix;
    const char* type;
  } cases[] = {{".jpg[Q=90]", "image/jpeg"},
               {".png", "image/png"},
               {".webp[Q=80]", "image/webp"},
               {".webp[lossless]", "image/webp"}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.suffix);
    std::string bytes = Encode(picture.get(), c.suffix);
    for (int simple = 0; simple < (std::string_view(c.type) == "image/webp" ? 2 : 1); ++simple) {
      // WebP both as libvips writes it (extended) and as phones mostly do (simple).
      if (simple == 1) bytes = testing::SimpleWebp(bytes);
      Result<ProcessedPhoto> p = ProcessPhoto(bytes, c.type);
      ASSERT_TRUE(p.ok()) << p.status().ToString();
      EXPECT_EQ(p->width, 640);
      EXPECT_EQ(p->height, 480);
      EXPECT_EQ(p->thumb_width, 320);
      EXPECT_EQ(p->thumb_height, 240);
      ExpectCleanJpeg(*p);
    }
  }
}

TEST(ProcessPhotoTest, IgnoresParametersAndCaseOfTheDeclaredType) {
  const std::string jpeg = Encode(Picture(64, 48).get(), ".jpg");
  EXPECT_TRUE(ProcessPhoto(jpeg, "IMAGE/JPEG; charset=binary").ok());
  EXPECT_TRUE(ProcessPhoto(jpeg, " image/jpg").ok());
}

TEST(ProcessPhotoTest, ShrinksTheLongSideTo2000AndMakesA320Thumbnail) {
  const std::string wide = Encode(Picture(3000, 1500).get(), ".jpg[Q=85]");
  Result<ProcessedPhoto> p = ProcessPhoto(wide, "image/jpeg");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->width, 2000);
  EXPECT_EQ(p->height, 1000);
  EXPECT_EQ(p->thumb_width, 320);
  EXPECT_EQ(p->thumb_height, 160);
  ExpectCleanJpeg(*p);

  const std::string tall = Encode(Picture(1500, 3000).get(), ".png[compression=1]");
  p = ProcessPhoto(tall, "image/png");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->width, 1000);
  EXPECT_EQ(p->height, 2000);
  EXPECT_EQ(p->thumb_width, 160);
  EXPECT_EQ(p->thumb_height, 320);
}

TEST(ProcessPhotoTest, NeverEnlarges) {
  const std::string small = Encode(Picture(200, 100).get(), ".jpg");
  Result<ProcessedPhoto> p = ProcessPhoto(small, "image/jpeg");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->width, 200);
  EXPECT_EQ(p->height, 100);
  EXPECT_EQ(p->thumb_width, 200);
  EXPECT_EQ(p->thumb_height, 100);
}

TEST(ProcessPhotoTest, StripsExifGpsXmpAndComments) {
  const std::string plain = Encode(Picture(800, 600).get(), ".jpg[Q=90,strip]");
  const std::string input = testing::WithMetadata(plain, "taken at 12 Tran Phu street");
  {
    // The metadata is really there, as a decoder sees it.
    testing::ImagePtr in = Decode(input);
    ASSERT_TRUE(HasField(in.get(), VIPS_META_EXIF_NAME));
    ASSERT_TRUE(HasField(in.get(), "exif-ifd3-GPSLatitude"));
    ASSERT_TRUE(HasField(in.get(), "exif-ifd3-GPSLongitude"));
    ASSERT_TRUE(HasField(in.get(), "exif-ifd0-Make"));
    ASSERT_TRUE(HasField(in.get(), VIPS_META_XMP_NAME));
    const char* lat = nullptr;
    ASSERT_EQ(vips_image_get_string(in.get(), "exif-ifd3-GPSLatitude", &lat), 0);
    EXPECT_TRUE(std::strstr(lat, "21/1 1/1 30/1") != nullptr) << lat;
    ASSERT_TRUE(Contains(input, "GPS"));
  }
  Result<ProcessedPhoto> p = ProcessPhoto(input, "image/jpeg");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ExpectCleanJpeg(*p);
  for (const std::string* out : {&p->full_jpeg, &p->thumb_jpeg}) {
    for (std::string_view needle :
         {"Exif", "GPS", "PhoneCam", "http://ns.adobe.com", "xmpmeta", "Tran Phu", "ICC_PROFILE"}) {
      EXPECT_FALSE(Contains(*out, needle)) << needle;
    }
    testing::ImagePtr decoded = Decode(*out);
    char** fields = vips_image_get_fields(decoded.get());
    for (char** f = fields; *f != nullptr; ++f) {
      const std::string_view name(*f);
      EXPECT_FALSE(name.starts_with("exif") || name.starts_with("xmp") ||
                   name.starts_with("iptc") || name.starts_with("icc") ||
                   name.starts_with("jpeg-comment"))
          << name;
    }
    g_strfreev(fields);
  }
}

TEST(ProcessPhotoTest, DropsTheIccProfileAfterConvertingToSrgb) {
  testing::ImagePtr srgb = Picture(400, 300);
  VipsImage* p3 = nullptr;
  ASSERT_EQ(vips_icc_transform(srgb.get(), &p3, "p3", "input_profile", "srgb", nullptr), 0)
      << vips_error_buffer();
  testing::ImagePtr wide(p3);
  const std::string input = Encode(wide.get(), ".jpg[Q=90]");
  ASSERT_TRUE(Contains(input, "ICC_PROFILE"));
  Result<ProcessedPhoto> p = ProcessPhoto(input, "image/jpeg");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_FALSE(Contains(p->full_jpeg, "ICC_PROFILE"));
  EXPECT_FALSE(HasField(Decode(p->full_jpeg).get(), VIPS_META_ICC_NAME));
}

TEST(ProcessPhotoTest, TurnsThePhotoUprightByItsExifOrientation) {
  // Orientation 6: the camera was turned a quarter clockwise; upright, the picture is portrait.
  const std::string plain = Encode(Picture(300, 200).get(), ".jpg[strip]");
  Result<ProcessedPhoto> p = ProcessPhoto(testing::WithMetadata(plain, "rotated", 6), "image/jpeg");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->width, 200);
  EXPECT_EQ(p->height, 300);
  EXPECT_FALSE(HasField(Decode(p->full_jpeg).get(), VIPS_META_ORIENTATION));
}

TEST(ProcessPhotoTest, FlattensTransparencyOnWhiteAndAcceptsGreyAnd16Bit) {
  Result<ProcessedPhoto> p = ProcessPhoto(Encode(Picture(200, 100, 4).get(), ".png"), "image/png");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  testing::ImagePtr out = Decode(p->full_jpeg);
  EXPECT_EQ(out->Bands, 3);
  double* pixel = nullptr;
  int n = 0;
  ASSERT_EQ(vips_getpoint(out.get(), &pixel, &n, 190, 50, nullptr), 0);
  for (int i = 0; i < n; ++i) EXPECT_GE(pixel[i], 250.0);  // the transparent half
  g_free(pixel);

  p = ProcessPhoto(Encode(Picture(200, 100, 1).get(), ".png"), "image/png");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(Decode(p->full_jpeg)->Bands, 1);

  VipsImage* wide = nullptr;
  ASSERT_EQ(vips_cast_ushort(Picture(200, 100).get(), &wide, nullptr), 0);
  testing::ImagePtr sixteen(wide);
  sixteen->Type = VIPS_INTERPRETATION_RGB16;
  p = ProcessPhoto(Encode(sixteen.get(), ".png"), "image/png");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ExpectCleanJpeg(*p);
}

TEST(ProcessPhotoTest, RefusesADecompressionBombFromItsHeaderAlone) {
  const std::string bomb = PngHeaderOnly(100000, 100000);
  const auto start = std::chrono::steady_clock::now();
  Result<ProcessedPhoto> p = ProcessPhoto(bomb, "image/png");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ExpectReason(p, StatusCode::kResourceExhausted, kReasonTooManyPixels);
  EXPECT_TRUE(Contains(p.status().message(), "100000x100000")) << p.status().message();
  EXPECT_LT(elapsed, std::chrono::milliseconds(100));

  // Within each side but over the pixel count; over one side alone.
  ExpectReason(ProcessPhoto(PngHeaderOnly(10000, 10000), "image/png"),
               StatusCode::kResourceExhausted, kReasonTooManyPixels);
  ExpectReason(ProcessPhoto(PngHeaderOnly(25000, 10), "image/png"), StatusCode::kResourceExhausted,
               kReasonTooManyPixels);
  // The same limits for a JPEG whose frame header lies about its size.
  const std::string jpeg = Encode(Picture(64, 48).get(), ".jpg");
  ExpectReason(ProcessPhoto(WithJpegSize(jpeg, 9000, 9000), "image/jpeg"),
               StatusCode::kResourceExhausted, kReasonTooManyPixels);
  // Limits are the caller's: a tighter one applies.
  PhotoLimits tight;
  tight.max_pixels = 1000;
  ExpectReason(ProcessPhoto(jpeg, "image/jpeg", tight), StatusCode::kResourceExhausted,
               kReasonTooManyPixels);
}

TEST(ProcessPhotoTest, RefusesAWebpCanvasOverTheLimit) {
  // VP8X header: canvas 16384 x 16384, no frame data.
  std::string webp = "RIFF";
  webp += std::string("\x16\x00\x00\x00", 4);
  webp += "WEBPVP8X";
  webp += std::string("\x0A\x00\x00\x00", 4);
  webp += std::string("\x00\x00\x00\x00", 4);
  webp += std::string("\xFF\x3F\x00\xFF\x3F\x00", 6);
  ExpectReason(ProcessPhoto(webp, "image/webp"), StatusCode::kResourceExhausted,
               kReasonTooManyPixels);
}

TEST(ProcessPhotoTest, RefusesWhatIsNotAnImageOfTheDeclaredType) {
  std::mt19937 rng(7);
  std::string random(4096, '\0');
  for (char& c : random) c = static_cast<char>(rng());
  ASSERT_EQ(SniffImageType(random), "");
  ExpectReason(ProcessPhoto(random, "image/jpeg"), StatusCode::kInvalidArgument, kReasonNotAnImage);
  ExpectReason(ProcessPhoto("Dear ministry, my second dose is missing.\n", "image/jpeg"),
               StatusCode::kInvalidArgument, kReasonNotAnImage);
  ExpectReason(ProcessPhoto("", "image/png"), StatusCode::kInvalidArgument, kReasonNotAnImage);

  const std::string png = Encode(Picture(64, 48).get(), ".png");
  Result<ProcessedPhoto> p = ProcessPhoto(png, "image/jpeg");
  ExpectReason(p, StatusCode::kInvalidArgument, kReasonTypeMismatch);
  EXPECT_TRUE(Contains(p.status().message(), "the file is not a JPEG image"))
      << p.status().message();
  EXPECT_EQ(p.status().field(), "photo");
  ExpectReason(ProcessPhoto(png, "image/webp"), StatusCode::kInvalidArgument, kReasonTypeMismatch);

  ExpectReason(ProcessPhoto(png, "image/gif"), StatusCode::kInvalidArgument,
               kReasonUnsupportedType);
  ExpectReason(ProcessPhoto(png, "application/octet-stream"), StatusCode::kInvalidArgument,
               kReasonUnsupportedType);
  ExpectReason(ProcessPhoto(png, ""), StatusCode::kInvalidArgument, kReasonUnsupportedType);
}

TEST(ProcessPhotoTest, RefusesTruncatedAndDamagedFiles) {
  const std::string jpeg = Encode(testing::Noise(400, 300).get(), ".jpg[Q=90]");
  ExpectReason(ProcessPhoto(jpeg.substr(0, jpeg.size() * 6 / 10), "image/jpeg"),
               StatusCode::kInvalidArgument, kReasonUnreadable);
  ExpectReason(ProcessPhoto(jpeg.substr(0, 40), "image/jpeg"), StatusCode::kInvalidArgument,
               kReasonUnreadable);
  const std::string png = Encode(testing::Noise(400, 300).get(), ".png");
  ExpectReason(ProcessPhoto(png.substr(0, png.size() / 2), "image/png"),
               StatusCode::kInvalidArgument, kReasonUnreadable);
  const std::string webp = Encode(testing::Noise(400, 300).get(), ".webp");
  ExpectReason(ProcessPhoto(webp.substr(0, webp.size() / 2), "image/webp"),
               StatusCode::kInvalidArgument, kReasonUnreadable);
  // A PNG chunk whose CRC does not match.
  std::string bad_crc = png;
  bad_crc[30] = static_cast<char>(bad_crc[30] ^ 0x55);
  EXPECT_FALSE(ProcessPhoto(bad_crc, "image/png").ok());
}

TEST(ProcessPhotoTest, RefusesInputOverTheSizeLimit) {
  std::string big = Encode(Picture(64, 48).get(), ".jpg");
  big.resize(11u << 20, '\0');
  Result<ProcessedPhoto> p = ProcessPhoto(big, "image/jpeg");
  ExpectReason(p, StatusCode::kResourceExhausted, kReasonTooLarge);
  EXPECT_TRUE(Contains(p.status().message(), "11.0 MiB")) << p.status().message();
  EXPECT_TRUE(Contains(p.status().message(), "10.0 MiB")) << p.status().message();
}

TEST(ProcessPhotoTest, LeavesLibvipsAbleToLoadOnlyJpegPngAndWebp) {
  // TIFF and GIF parsers are trusted by libvips yet never needed here: blocked with the rest.
  const std::string tiff = Encode(Picture(32, 24).get(), ".tif");
  const std::string gif = Encode(Picture(32, 24).get(), ".gif");
  ASSERT_TRUE(ProcessPhoto(Encode(Picture(32, 24).get(), ".png"), "image/png").ok());
  for (const std::string* other : {&tiff, &gif}) {
    VipsImage* image = vips_image_new_from_buffer(other->data(), other->size(), "", nullptr);
    EXPECT_EQ(image, nullptr);
    if (image != nullptr) g_object_unref(image);
    vips_error_clear();
  }
  EXPECT_NE(Decode(Encode(Picture(32, 24).get(), ".webp")), nullptr);
}

TEST(ProcessPhotoTest, ReasonIsEmptyForOtherStatuses) {
  EXPECT_EQ(PhotoErrorReason(Status::Ok()), "");
  EXPECT_EQ(PhotoErrorReason(InvalidArgumentError("photo: something")), "");
  EXPECT_EQ(PhotoErrorReason(InvalidArgumentError("no colon here")), "");
}

TEST(ProcessPhotoTest, IsSafeToCallFromSeveralThreads) {
  const std::string jpeg = Encode(Picture(900, 700).get(), ".jpg");
  Result<ProcessedPhoto> first = ProcessPhoto(jpeg, "image/jpeg");
  ASSERT_TRUE(first.ok());
  std::vector<std::thread> threads;
  std::atomic<int> same{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 3; ++i) {
        Result<ProcessedPhoto> p = ProcessPhoto(jpeg, "image/jpeg");
        if (p.ok() && p->sha256 == first->sha256) ++same;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(same.load(), 12);  // and deterministic: the same bytes give the same address
}

}  // namespace
}  // namespace vaxreg::media
