#pragma once
// Base45 (RFC 9285), the text encoding of HC1 QR payloads. Pure functions; thread-safe.

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vaxreg::certs {

// The largest base45 text Base45Decode accepts by default (an HC1 QR code holds at most ~4 KiB).
inline constexpr size_t kMaxBase45TextBytes = 8 * 1024;

// Encodes arbitrary bytes: every 2 bytes become 3 characters, a trailing byte becomes 2.
std::string Base45Encode(std::string_view bytes);

// Decodes base45 text. Strict: returns kInvalidArgument for a character outside the 45-character
// alphabet (lower case included), a length of 3n+1, a 3-character group above 0xFFFF or a final
// 2-character group above 0xFF; kResourceExhausted when `text` is longer than `max_text_bytes`.
Result<std::string> Base45Decode(std::string_view text,
                                 size_t max_text_bytes = kMaxBase45TextBytes);

}  // namespace vaxreg::certs
