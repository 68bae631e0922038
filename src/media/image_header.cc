#include "media/image_header.h"

#include <cstddef>

namespace vaxreg::media {
namespace {

uint32_t Byte(std::string_view b, size_t at) { return static_cast<unsigned char>(b[at]); }

uint32_t BigEndian(std::string_view b, size_t at, size_t n) {
  uint32_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | Byte(b, at + i);
  return v;
}

uint32_t LittleEndian(std::string_view b, size_t at, size_t n) {
  uint32_t v = 0;
  for (size_t i = n; i > 0; --i) v = (v << 8) | Byte(b, at + i - 1);
  return v;
}

std::optional<ImageDimensions> PngDimensions(std::string_view b) {
  // Signature (8), chunk length (4), "IHDR" (4), width (4), height (4).
  if (b.size() < 24 || b.substr(12, 4) != "IHDR") return std::nullopt;
  return ImageDimensions{BigEndian(b, 16, 4), BigEndian(b, 20, 4)};
}

std::optional<ImageDimensions> JpegDimensions(std::string_view b) {
  // Marker segments after SOI until a start-of-frame: FF Cn, length (2), precision (1),
  // height (2), width (2). C4 (DHT), C8 (JPG) and CC (DAC) are not frames.
  size_t at = 2;
  while (at + 4 <= b.size()) {
    if (Byte(b, at) != 0xFF) return std::nullopt;
    const uint32_t marker = Byte(b, at + 1);
    if (marker == 0xFF) {  // fill byte
      ++at;
      continue;
    }
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD9)) {  // no length
      at += 2;
      continue;
    }
    if (marker == 0xDA) return std::nullopt;  // scan data before any frame header
    const size_t length = BigEndian(b, at + 2, 2);
    const bool frame =
        marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (frame) {
      if (at + 9 > b.size()) return std::nullopt;
      return ImageDimensions{BigEndian(b, at + 7, 2), BigEndian(b, at + 5, 2)};
    }
    if (length < 2) return std::nullopt;
    at += 2 + length;
  }
  return std::nullopt;
}

std::optional<ImageDimensions> WebpDimensions(std::string_view b) {
  // "RIFF" size "WEBP", then the first chunk: fourcc (4), size (4), data from byte 20.
  if (b.size() < 30) return std::nullopt;
  const std::string_view chunk = b.substr(12, 4);
  if (chunk == "VP8 ") {
    // Lossy: frame tag (3), start code 9D 01 2A, then 14-bit width and height (little-endian;
    // the top two bits are a scale that decoders do not apply).
    if (Byte(b, 23) != 0x9D || Byte(b, 24) != 0x01 || Byte(b, 25) != 0x2A) return std::nullopt;
    return ImageDimensions{LittleEndian(b, 26, 2) & 0x3FFF, LittleEndian(b, 28, 2) & 0x3FFF};
  }
  if (chunk == "VP8L") {
    // Lossless: signature 0x2F, then width - 1 and height - 1 in 14 bits each.
    if (Byte(b, 20) != 0x2F) return std::nullopt;
    const uint32_t bits = LittleEndian(b, 21, 4);
    return ImageDimensions{(bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1};
  }
  if (chunk == "VP8X") {
    // Extended (alpha, animation, metadata): flags (4), canvas width - 1 and height - 1 in
    // 24 bits each. Every frame of an animation lies within the canvas.
    return ImageDimensions{LittleEndian(b, 24, 3) + 1, LittleEndian(b, 27, 3) + 1};
  }
  return std::nullopt;
}

}  // namespace

std::string_view SniffImageType(std::string_view b) {
  if (b.starts_with("\xFF\xD8\xFF")) return "image/jpeg";
  if (b.starts_with("\x89PNG\r\n\x1A\n")) return "image/png";
  if (b.size() >= 12 && b.starts_with("RIFF") && b.substr(8, 4) == "WEBP") return "image/webp";
  return "";
}

std::optional<ImageDimensions> ReadDeclaredDimensions(std::string_view b) {
  const std::string_view type = SniffImageType(b);
  if (type == "image/png") return PngDimensions(b);
  if (type == "image/jpeg") return JpegDimensions(b);
  if (type == "image/webp") return WebpDimensions(b);
  return std::nullopt;
}

}  // namespace vaxreg::media
