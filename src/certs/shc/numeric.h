#pragma once
// The numeric QR form of a SMART Health Card: "shc:/" followed by two decimal digits per
// character of the compact JWS (the character's code minus 45, so '-' is 00 and 'z' is 77). QR
// numeric mode packs those digits at 3.33 bits each, which is what lets a ~1,200-character JWS fit
// one version-22 symbol at error correction level L. Pure functions; thread-safe.

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vaxreg::certs::shc {

inline constexpr std::string_view kShcPrefix = "shc:/";
// The longest JWS that fits one QR code (version 22, level L, numeric mode after "shc:/" in byte
// mode), the limit the SMART Health Cards specification sets since chunking was deprecated.
inline constexpr size_t kMaxSingleQrJwsChars = 1195;

// "shc:/" + digits. `jws` must hold only characters '-' .. 'z' (every base64url character and
// '.'); kInvalidArgument otherwise.
Result<std::string> EncodeShcNumeric(std::string_view jws);

// The JWS inside a QR text. Accepted: "shc:/<digits>" and, as the specification's validator does,
// "shc:/1/1/<digits>" (one chunk of one). kInvalidArgument, with a message naming the defect, for
// another prefix, a non-digit, an odd digit count, a pair above 77, a chunk of a multi-part card
// (chunking is deprecated: "shc:/C/N/..." with N > 1), a chunk index outside 1..N, or an empty
// payload. The caller rejects surrounding whitespace before (see verifier.h).
Result<std::string> DecodeShcNumeric(std::string_view text);

}  // namespace vaxreg::certs::shc
