#pragma once
// What an image file says about itself before anything is decoded: its format by the magic
// bytes, and the width and height its header declares. Pure byte parsing (no image library), so
// an absurd image can be refused before a decoder sees it. Thread-safe (no state).

#include <cstdint>
#include <optional>
#include <string_view>

namespace vaxreg::media {

// "image/jpeg", "image/png" or "image/webp" by the first bytes of `bytes`; "" for anything else.
std::string_view SniffImageType(std::string_view bytes);

struct ImageDimensions {
  uint32_t width = 0;
  uint32_t height = 0;
  uint64_t pixels() const { return uint64_t{width} * height; }
};

// The dimensions declared by a PNG (IHDR), a JPEG (its first start-of-frame segment) or a WebP
// (VP8, VP8L or VP8X canvas) header. nullopt when the format is none of these or the header is
// missing or cut short. A zero width or height is returned as declared.
std::optional<ImageDimensions> ReadDeclaredDimensions(std::string_view bytes);

}  // namespace vaxreg::media
