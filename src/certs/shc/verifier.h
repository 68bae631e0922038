#pragma once
// Offline verification of SMART Health Cards:
//   "shc:/<digits>" -> compact JWS -> header {alg ES256, zip DEF, kid} -> raw DEFLATE payload
//   (at most 16 KiB) -> claims {iss, nbf, exp?, vc} -> ES256 over the issuer's key with that kid,
// then issuer, key rules, time, revocation (vc.rid against the key's revocation list), vc.type
// and the FHIR bundle's shape. Every failure carries a stable reason code, in the style of the
// EU DCC verifier (certs/verifier.h); the functions never throw or crash on any input and bound
// every size (ShcVerifyOptions).
//
// Thread-safety: the functions are thread-safe; a ShcTrust is an immutable value once built.

#include <boost/json/value.hpp>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "certs/shc/crl.h"
#include "certs/shc/jwk.h"
#include "common/clock.h"
#include "common/status.h"

namespace vaxreg::certs::shc {

// Why a card is not valid. ShcFailureCodeName gives the stable lower-case names used in APIs,
// logs and metrics. prefix .. payload are decoding failures: they end verification.
enum class ShcFailureCode {
  kPrefix,       // "prefix": not a numeric QR (shc:/...), a compact JWS or a health card file
  kNumeric,      // "numeric": bad shc:/ digits, surrounding whitespace, or a multi-part chunk
  kFile,         // "file": not a health card file {"verifiableCredential":["<JWS>", ...]}
  kJws,          // "jws": not three base64url parts, surrounding whitespace, or over the limit
  kHeader,       // "header": the protected header is not JSON with alg ES256, zip DEF and a kid
  kDeflate,      // "deflate": the payload is not raw DEFLATE or inflates beyond the limit
  kPayload,      // "payload": not JSON claims with iss, nbf (seconds) and vc; bad exp or rid
  kIssuer,       // "issuer": iss is not https without a trailing '/', or not the trusted issuer
  kUnknownKid,   // "unknown_kid": the issuer's key set has no key with the header's kid
  kKey,          // "key": that key breaks the JWK rules, or its x5c chain does not check out
  kSignature,    // "signature": the ES256 signature (64-byte r||s) does not verify
  kExpired,      // "expired": now is at or after exp
  kNotYetValid,  // "not_yet_valid": now is before nbf
  kRevoked,      // "revoked": vc.rid is on the key's revocation list
  kCrl,          // "crl": the key has a crlVersion but no usable list of that version
  kVcType,       // "vc_type": vc.type lacks https://smarthealth.cards#health-card
  kFhir,         // "fhir": no fhirVersion, or the bundle is not a Bundle with resource:N refs
};
inline constexpr int kShcDecodingSteps = 7;  // kPrefix .. kPayload

std::string_view ShcFailureCodeName(ShcFailureCode code);
// Every code in pipeline order.
const std::vector<ShcFailureCode>& AllShcFailureCodes();

struct ShcFailure {
  ShcFailureCode code;
  std::string message;  // human-readable detail; safe to show to the verifier
};

// What the verifier trusts: one issuer's keys and revocation lists.
struct ShcTrust {
  // Every card must name exactly this iss; "" accepts these keys for any https issuer (a key set
  // handed to the verifier without its issuer).
  std::string issuer;
  ShcKeySet keys;
  // Revocation lists by kid, and why a key's list could not be used (fail closed).
  std::map<std::string, ShcCrl, std::less<>> crls;
  std::map<std::string, std::string, std::less<>> crl_errors;
};

struct ShcVerifyOptions {
  size_t max_text_bytes = 64 * 1024;     // longer input fails with prefix/jws/file
  size_t max_payload_bytes = 16 * 1024;  // inflated payload cap (zip bombs fail with deflate)
  // Tolerance for clocks that run behind the issuer's: nbf may be this far in the future.
  std::chrono::seconds clock_skew{0};
  bool check_x5c = true;   // check an x5c chain on the key (chain, validity, leaf key, SAN = iss)
  bool check_fhir = true;  // check fhirVersion and the bundle's shape
};

struct ShcImmunization {
  std::string status;      // "completed"
  std::string system;      // vaccineCode.coding[0].system
  std::string code;        // vaccineCode.coding[0].code
  std::string date;        // occurrenceDateTime
  std::string lot;         // lotNumber
  std::string performer;   // performer[0].actor.display
};

struct ShcVerificationResult {
  bool valid = false;  // true exactly when `failures` is empty
  std::vector<ShcFailure> failures;
  std::string jws;
  std::string kid;
  // The decoded claims, when decoding got that far (also when a later check failed; they are
  // then untrusted data).
  std::optional<boost::json::value> payload;
  std::string issuer;
  std::optional<double> nbf;  // Unix seconds, as written (may be fractional)
  std::optional<double> exp;
  std::string rid;
  std::vector<std::string> types;
  std::string family_name;    // Patient.name[0].family
  std::string given_name;     // Patient.name[0].given, joined by spaces
  std::string date_of_birth;  // Patient.birthDate
  std::vector<ShcImmunization> immunizations;
  // Whether the key's revocation list was consulted (the key has a crlVersion).
  bool revocation_checked = false;

  bool Has(ShcFailureCode code) const;
};

// True when `text` is meant as a SMART Health Card: it starts with "shc:/", looks like a compact
// JWS ("eyJ"), or is a JSON object with "verifiableCredential" (surrounding whitespace ignored).
bool LooksLikeShc(std::string_view text);

// Verifies a numeric QR text or a compact JWS at time `now`.
ShcVerificationResult VerifyShc(std::string_view text, const ShcTrust& trust, SystemTime now,
                                const ShcVerifyOptions& options = {});

// Verifies a health card file: one result per JWS in its verifiableCredential array, or one
// result failing with "file" when the text is not such a file.
std::vector<ShcVerificationResult> VerifyShcFile(std::string_view text, const ShcTrust& trust,
                                                 SystemTime now,
                                                 const ShcVerifyOptions& options = {});

// A file when `text` starts with '{', else VerifyShc.
std::vector<ShcVerificationResult> VerifyShcInput(std::string_view text, const ShcTrust& trust,
                                                  SystemTime now,
                                                  const ShcVerifyOptions& options = {});

}  // namespace vaxreg::certs::shc
