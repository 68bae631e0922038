#pragma once
// Reads the text of a QR code from a PNG or JPEG image (conformance vectors, scanned
// certificates posted to the verifier).
// Thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vaxreg::certs {

// The largest PNG accepted, and the largest image in pixels (width * height).
inline constexpr size_t kMaxPngBytes = 4 * 1024 * 1024;
inline constexpr size_t kMaxPngPixels = 16 * 1024 * 1024;

// Decodes `png` and returns the text of the QR code in it. kInvalidArgument when the bytes are
// not a readable PNG, hold no readable QR code, or declare more than kMaxPngPixels pixels;
// kResourceExhausted for more than kMaxPngBytes bytes.
Result<std::string> DecodeQrFromPng(std::string_view png);

// The same for a baseline or progressive JPEG (same limits).
Result<std::string> DecodeQrFromJpeg(std::string_view jpeg);

// The dimensions an image header declares, read without decoding anything (to refuse an
// absurd image before it is queued), are media::ReadDeclaredDimensions (media/image_header.h).

// True when `bytes` start like a PNG or a JPEG file.
bool LooksLikePng(std::string_view bytes);
bool LooksLikeJpeg(std::string_view bytes);

// PNG or JPEG by their magic bytes; kInvalidArgument for anything else.
Result<std::string> DecodeQrFromImage(std::string_view image);

}  // namespace vaxreg::certs
