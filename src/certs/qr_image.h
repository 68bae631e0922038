#pragma once
// Reads the text of a QR code from a PNG image (for conformance vectors and verifier tools).
// Thread-safe.

#include <string>
#include <string_view>

#include "common/status.h"

namespace vaxreg::certs {

// The largest PNG accepted, and the largest image in pixels (width * height).
inline constexpr size_t kMaxPngBytes = 4 * 1024 * 1024;
inline constexpr size_t kMaxPngPixels = 16 * 1024 * 1024;

// Decodes `png` and returns the text of the QR code in it. kInvalidArgument when the bytes are
// not a readable PNG or hold no readable QR code; kResourceExhausted beyond the limits above.
Result<std::string> DecodeQrFromPng(std::string_view png);

}  // namespace vaxreg::certs
