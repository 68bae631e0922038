#pragma once
// SMART Health Card revocation lists, served at <issuer>/.well-known/crl/<kid>.json for every key
// whose JWK carries "crlVersion":
//   {"kid": KID, "method": "rid", "ctr": N, "rids": ["rid", "rid.<unix seconds>", ...]}
// A card is revoked when its vc.rid is listed; "rid.<t>" revokes only cards whose nbf is before t.
// ctr must equal the key's crlVersion: a verifier holding an older list fetches the new one.
// Pure value types and functions; thread-safe.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vaxreg::certs::shc {

// The longest rid the specification allows.
inline constexpr size_t kMaxRidChars = 24;

// True for 1..24 base64url characters.
bool IsValidRid(std::string_view rid);

struct ShcCrl {
  std::string kid;
  int64_t ctr = 0;
  // rid -> revocation time (Unix seconds), or nullopt when every card with the rid is revoked.
  std::map<std::string, std::optional<int64_t>, std::less<>> rids;

  // True when a card with `rid` and not-before `nbf` (Unix seconds) is revoked.
  bool Revokes(std::string_view rid, double nbf) const;
  // The JSON document above, rids sorted.
  std::string ToJson() const;
};

// Reads a revocation list strictly, so that a verifier fails closed on a list it cannot trust:
// kInvalidArgument (the message names the defect) for a text that is not a JSON object, a missing
// or empty kid, a method other than "rid", a ctr that is not a positive integer, a rids member
// that is not an array of strings, an entry whose rid is not 1..24 base64url characters or whose
// ".<t>" is not an integer, or a rid listed twice.
Result<ShcCrl> ParseShcCrl(std::string_view text);

}  // namespace vaxreg::certs::shc
