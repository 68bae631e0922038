#pragma once
// Real images for the media tests, made with libvips at run time (no binary fixtures), and
// hand-built metadata blocks (EXIF with GPS, XMP, a comment) spliced into JPEG files.

#include <gtest/gtest.h>
#include <vips/vips.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace vaxreg::media::testing {

struct ImageUnref {
  void operator()(VipsImage* image) const { g_object_unref(image); }
};
using ImagePtr = std::unique_ptr<VipsImage, ImageUnref>;

inline void StartVipsForTest() {
  static const bool started = vips_init("media_test") == 0;
  ASSERT_TRUE(started);
}

// A smooth colour picture (ramps and a sine pattern): compresses like a photo, not like noise.
// `bands` 1 (grey), 3 (sRGB) or 4 (sRGB + alpha: left half opaque, right half transparent).
inline ImagePtr Picture(int width, int height, int bands = 3) {
  StartVipsForTest();
  VipsImage *ramp = nullptr, *sines = nullptr, *sines8 = nullptr, *rgb = nullptr;
  EXPECT_EQ(vips_grey(&ramp, width, height, "uchar", TRUE, nullptr), 0);
  EXPECT_EQ(vips_sines(&sines, width, height, "hfreq", 3.0, "vfreq", 2.0, nullptr), 0);
  EXPECT_EQ(vips_linear1(sines, &sines8, 100.0, 128.0, "uchar", TRUE, nullptr), 0);
  VipsImage* in[3] = {ramp, sines8, ramp};
  EXPECT_EQ(vips_bandjoin(in, &rgb, 3, nullptr), 0);
  g_object_unref(ramp);
  g_object_unref(sines);
  g_object_unref(sines8);
  ImagePtr out(rgb);
  out->Type = VIPS_INTERPRETATION_sRGB;
  if (bands == 1) {
    VipsImage* grey = nullptr;
    EXPECT_EQ(vips_extract_band(out.get(), &grey, 1, nullptr), 0);
    grey->Type = VIPS_INTERPRETATION_B_W;
    out.reset(grey);
  } else if (bands == 4) {
    VipsImage *alpha = nullptr, *left = nullptr, *rgba = nullptr;
    EXPECT_EQ(vips_black(&alpha, width, height, nullptr), 0);
    EXPECT_EQ(vips_draw_rect1(alpha, 255.0, 0, 0, width / 2, height, "fill", TRUE, nullptr), 0);
    EXPECT_EQ(vips_cast_uchar(alpha, &left, nullptr), 0);
    EXPECT_EQ(vips_bandjoin2(out.get(), left, &rgba, nullptr), 0);
    g_object_unref(alpha);
    g_object_unref(left);
    rgba->Type = VIPS_INTERPRETATION_sRGB;
    out.reset(rgba);
  }
  return out;
}

// Gaussian noise around mid-grey on three bands: the worst case for a compressor.
inline ImagePtr Noise(int width, int height, double sigma = 40.0) {
  StartVipsForTest();
  VipsImage* bands[3];
  for (auto& b : bands) {
    VipsImage *noise = nullptr, *cast = nullptr;
    EXPECT_EQ(vips_gaussnoise(&noise, width, height, "mean", 128.0, "sigma", sigma, nullptr), 0);
    EXPECT_EQ(vips_cast_uchar(noise, &cast, nullptr), 0);
    g_object_unref(noise);
    b = cast;
  }
  VipsImage* rgb = nullptr;
  EXPECT_EQ(vips_bandjoin(bands, &rgb, 3, nullptr), 0);
  for (auto* b : bands) g_object_unref(b);
  rgb->Type = VIPS_INTERPRETATION_sRGB;
  return ImagePtr(rgb);
}

// `suffix` selects the saver and its options, e.g. ".jpg[Q=90]", ".png", ".webp[lossless]".
inline std::string Encode(VipsImage* image, const char* suffix) {
  void* buffer = nullptr;
  size_t length = 0;
  EXPECT_EQ(vips_image_write_to_buffer(image, suffix, &buffer, &length, nullptr), 0)
      << vips_error_buffer();
  std::string out(static_cast<const char*>(buffer), length);
  g_free(buffer);
  return out;
}

// libvips writes every WebP in the extended format (a VP8X chunk first). Phones and browsers
// mostly write the simple one: "RIFF" size "WEBP" and a single VP8 (lossy) or VP8L (lossless)
// chunk. This rewraps the image chunk of `extended` that way.
inline std::string SimpleWebp(std::string_view extended) {
  for (size_t at = 12; at + 8 <= extended.size();) {
    const std::string_view fourcc = extended.substr(at, 4);
    const size_t size = static_cast<unsigned char>(extended[at + 4]) |
                        (static_cast<unsigned char>(extended[at + 5]) << 8) |
                        (static_cast<unsigned char>(extended[at + 6]) << 16) |
                        (static_cast<size_t>(static_cast<unsigned char>(extended[at + 7])) << 24);
    const size_t padded = size + (size & 1);
    if (fourcc == "VP8 " || fourcc == "VP8L") {
      const std::string chunk(extended.substr(at, 8 + padded));
      const size_t riff = 4 + chunk.size();
      std::string out = "RIFF";
      for (int i = 0; i < 4; ++i) out += static_cast<char>((riff >> (8 * i)) & 0xFF);
      return out + "WEBP" + chunk;
    }
    at += 8 + padded;
  }
  ADD_FAILURE() << "no VP8 or VP8L chunk";
  return std::string(extended);
}

inline ImagePtr Decode(std::string_view bytes) {
  VipsImage* image = vips_image_new_from_buffer(bytes.data(), bytes.size(), "", nullptr);
  EXPECT_NE(image, nullptr) << vips_error_buffer();
  return ImagePtr(image);
}

inline bool HasField(VipsImage* image, const char* name) {
  return vips_image_get_typeof(image, name) != 0;
}

// A TIFF-structured EXIF block ("Exif\0\0" + little-endian TIFF) with IFD0 {Make, Orientation,
// GPS IFD pointer} and a GPS IFD {version, N 21deg 1' 30", E 105deg 51' 0"} (Ha Noi).
inline std::string ExifWithGps(int orientation) {
  std::string t;
  auto u16 = [&t](uint32_t v) {
    t += static_cast<char>(v & 0xFF);
    t += static_cast<char>((v >> 8) & 0xFF);
  };
  auto u32 = [&](uint32_t v) {
    u16(v & 0xFFFF);
    u16(v >> 16);
  };
  auto entry = [&](uint32_t tag, uint32_t type, uint32_t count, uint32_t value) {
    u16(tag);
    u16(type);
    u32(count);
    u32(value);
  };
  constexpr uint32_t kByte = 1, kAscii = 2, kShort = 3, kLong = 4, kRational = 5;
  const std::string make = std::string("PhoneCam", 9);  // with its NUL
  // Layout: header 8 | IFD0 (3 entries) 42 | make 9 + pad 1 | GPS IFD (5 entries) 66 | 2 x 24.
  const uint32_t ifd0 = 8, make_at = ifd0 + 2 + 3 * 12 + 4, gps_ifd = make_at + 10;
  const uint32_t lat_at = gps_ifd + 2 + 5 * 12 + 4, lon_at = lat_at + 24;
  t += "II";
  u16(42);
  u32(ifd0);
  u16(3);
  entry(0x010F, kAscii, static_cast<uint32_t>(make.size()), make_at);  // Make
  entry(0x0112, kShort, 1, static_cast<uint32_t>(orientation));        // Orientation
  entry(0x8825, kLong, 1, gps_ifd);                                    // GPSInfo
  u32(0);
  t += make;
  t += '\0';
  u16(5);
  entry(0x0000, kByte, 4, 0x00000202);  // GPSVersionID 2.2.0.0
  entry(0x0001, kAscii, 2, 'N');        // GPSLatitudeRef
  entry(0x0002, kRational, 3, lat_at);  // GPSLatitude
  entry(0x0003, kAscii, 2, 'E');        // GPSLongitudeRef
  entry(0x0004, kRational, 3, lon_at);  // GPSLongitude
  u32(0);
  for (uint32_t v : {21u, 1u, 1u, 1u, 30u, 1u, 105u, 1u, 51u, 1u, 0u, 1u}) u32(v);
  return std::string("Exif\0\0", 6) + t;
}

inline std::string XmpWithGps() {
  return std::string("http://ns.adobe.com/xap/1.0/\0", 29) +
         "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
         "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description "
         "xmlns:exif=\"http://ns.adobe.com/exif/1.0/\" exif:GPSLatitude=\"21,1.5N\" "
         "exif:GPSLongitude=\"105,51.0E\"/></rdf:RDF></x:xmpmeta>";
}

inline std::string Segment(unsigned char marker, std::string_view payload) {
  const size_t length = payload.size() + 2;
  std::string s;
  s += '\xFF';
  s += static_cast<char>(marker);
  s += static_cast<char>(length >> 8);
  s += static_cast<char>(length & 0xFF);
  s += payload;
  return s;
}

// `jpeg` with EXIF (APP1), XMP (APP1) and a comment (COM) inserted after its JFIF APP0.
inline std::string WithMetadata(const std::string& jpeg, const std::string& comment,
                                int orientation = 1) {
  size_t at = 2;
  if (jpeg.size() > 4 && static_cast<unsigned char>(jpeg[3]) == 0xE0) {
    at = 4 + ((static_cast<unsigned char>(jpeg[4]) << 8) | static_cast<unsigned char>(jpeg[5]));
  }
  return jpeg.substr(0, at) + Segment(0xE1, ExifWithGps(orientation)) +
         Segment(0xE1, XmpWithGps()) + Segment(0xFE, comment) + jpeg.substr(at);
}

}  // namespace vaxreg::media::testing
