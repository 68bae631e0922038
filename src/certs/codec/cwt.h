#pragma once
// CBOR Web Token claims (RFC 8392) carrying an EU DCC: {1: iss, 4: exp, 6: iat,
// -260: {1: DCC}}. Pure functions; thread-safe.

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "certs/codec/cbor.h"
#include "common/status.h"

namespace vaxreg::certs {

inline constexpr int64_t kCwtClaimIss = 1;
inline constexpr int64_t kCwtClaimExp = 4;
inline constexpr int64_t kCwtClaimIat = 6;
inline constexpr int64_t kCwtClaimHcert = -260;
inline constexpr int64_t kHcertEuDcc = 1;

struct CwtClaims {
  std::optional<std::string> issuer;  // claim 1, usually the ISO 3166 country code
  std::optional<int64_t> issued_at;   // claim 6, seconds since the epoch
  std::optional<int64_t> expires_at;  // claim 4, seconds since the epoch
  boost::json::value dcc;             // claim -260 / 1
};

// Decodes a CWT claims map. iss must be text; exp and iat are NumericDates: integers, or floats
// rounded down to whole seconds (a tag 1 around them is tolerated). The map must carry -260
// whose key 1 is the DCC, converted with CborToJson (tag 0/1 date-times become their text or
// number). kInvalidArgument for malformed CBOR, a non-map, duplicate keys, wrongly typed claims,
// a missing or non-object DCC; kResourceExhausted beyond `limits`.
Result<CwtClaims> DecodeCwt(std::string_view bytes, const CborLimits& limits = {});

// Encodes claims in the order iss, exp, iat, hcert (absent optional claims are left out).
// kInvalidArgument when the DCC is not a JSON object or holds non-finite numbers.
Result<std::string> EncodeCwt(const CwtClaims& claims);

}  // namespace vaxreg::certs
