#pragma once
// Standard base64 (RFC 4648 section 4, '+' and '/'), used for bare DER certificates and embedded
// PNG images in trust lists and test vectors, and the strict unpadded base64url of JOSE (section
// 5, '-' and '_'; encoding is common/crypto_util.h's Base64UrlEncode). Pure functions;
// thread-safe.

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

// Unpadded base64url of `bytes`, as common/crypto_util.h's Base64UrlEncode but table-driven and
// not constant-time: for public data (JWS parts), where libsodium's constant-time encoder costs
// as much as a tenth of an ES256 signature for a 550-byte card payload.
std::string EncodeBase64Url(std::string_view bytes);

// Decodes base64url as JWS and JWK use it: the URL-safe alphabet only, no padding, no
// whitespace, no dangling character and zero trailing bits, so every byte string has exactly one
// accepted text. kInvalidArgument otherwise; kResourceExhausted beyond `max_text_bytes`.
Result<std::string> Base64UrlDecode(std::string_view text, size_t max_text_bytes = 1024 * 1024);

}  // namespace vaxreg::certs
