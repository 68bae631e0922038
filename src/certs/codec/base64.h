#pragma once
// Standard base64 (RFC 4648 section 4, '+' and '/'), used for bare DER certificates and embedded
// PNG images in trust lists and test vectors. Pure functions; thread-safe.

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vaxreg::certs {

std::string Base64Encode(std::string_view bytes);

// Decodes base64 with or without '=' padding; ASCII whitespace (line breaks in PEM-like dumps) is
// skipped. Returns kInvalidArgument for any other character, misplaced padding, a dangling
// character or non-zero trailing bits; kResourceExhausted when `text` exceeds `max_text_bytes`.
Result<std::string> Base64Decode(std::string_view text, size_t max_text_bytes = 4 * 1024 * 1024);

}  // namespace vaxreg::certs
