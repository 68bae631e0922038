#pragma once
// Issues SMART Health Cards, beside the EU DCC of the same person and doses:
//   FHIR bundle (shc/fhir_bundle.h) -> claims {"iss", "nbf", "exp"?, "vc": {"type": [...],
//   "credentialSubject": {"fhirVersion": "4.0.1", "fhirBundle"}, "rid"}} minified -> raw DEFLATE
//   (libdeflate, shc/raw_deflate.h) -> compact JWS with header
//   {"zip":"DEF","alg":"ES256","kid": RFC 7638 thumbprint} and the
//   64-byte r||s ES256 signature -> one numeric QR ("shc:/...", shc/numeric.h).
// A card whose JWS is longer than one QR code holds (kMaxSingleQrJwsChars) is refused: chunking
// is deprecated, so such a card could not be scanned.
//
// Thread-safe: Issue may be called from many threads at once (each thread keeps its own deflate
// stream and signing context).

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "certs/crypto/openssl_ptr.h"
#include "certs/shc/fhir_bundle.h"
#include "common/clock.h"
#include "common/status.h"
#include "registry/vaccine_catalogue.h"

namespace vaxreg::certs::shc {

inline constexpr std::string_view kHealthCardVcType = "https://smarthealth.cards#health-card";
inline constexpr std::string_view kImmunizationVcType = "https://smarthealth.cards#immunization";
inline constexpr std::string_view kCovid19VcType = "https://smarthealth.cards#covid19";

struct ShcIssuerOptions {
  // The issuer URL (iss): https://, no trailing '/'; its key set is served at
  // <iss>/.well-known/jwks.json (config certs.shc_issuer).
  std::string issuer_url;
  // Also list #immunization and #covid19 in vc.type: deprecated since SHC 1.4.0 (verifiers must
  // ignore types they do not know), but verifier apps written before still look for them.
  bool legacy_types = true;
};

struct ShcIssueRequest {
  std::string full_name;      // Vietnamese, family name first
  std::string date_of_birth;  // "YYYY-MM-DD" or "YYYY"
  std::vector<ShcDose> doses;
  std::string rid;  // revocation id (1..24 base64url characters); empty: a new random one
  SystemTime not_before;
  std::optional<SystemTime> expires_at;  // exp; nullopt = the card does not expire
};

struct IssuedShc {
  std::string jws;
  std::string rid;
  std::string kid;
  SystemTime not_before;
  std::optional<SystemTime> expires_at;
};

// OK for "https://host[:port][/path]" without a trailing '/', query, fragment or whitespace;
// kInvalidArgument (field "certs.shc_issuer") otherwise.
Status ValidateShcIssuerUrl(std::string_view url);

// A new random rid: 8 random bytes, base64url (11 characters).
std::string NewShcRid();

class ShcIssuer final {
 public:
  // kInvalidArgument for a key that is not a P-256 private key or an invalid issuer URL.
  static Result<std::unique_ptr<ShcIssuer>> Create(std::shared_ptr<EVP_PKEY> key,
                                                   ShcIssuerOptions options);

  // The minified claims for `request` with `rid`. Errors as BuildShcBundle.
  Result<std::string> BuildPayload(const ShcIssueRequest& request, std::string_view rid,
                                   const std::vector<registry::VaccineProduct>& catalogue) const;
  // Compresses and signs `payload` into a compact JWS.
  Result<std::string> SignPayload(std::string_view payload) const;
  // Builds and signs. kResourceExhausted (saying how long it is) when the JWS does not fit one
  // QR code; kInvalidArgument for a bad rid; otherwise BuildPayload's errors.
  Result<IssuedShc> Issue(const ShcIssueRequest& request,
                          const std::vector<registry::VaccineProduct>& catalogue) const;

  const std::string& kid() const { return kid_; }
  const std::string& issuer_url() const { return options_.issuer_url; }
  EVP_PKEY* key() const { return key_.get(); }

 private:
  ShcIssuer() = default;
  std::shared_ptr<EVP_PKEY> key_;
  ShcIssuerOptions options_;
  std::string kid_;
  std::string header_b64_;  // base64url of {"zip":"DEF","alg":"ES256","kid":...}
  std::string claims_prefix_;  // {"iss":"...","nbf":
  std::string types_;          // "type":[...]
};

}  // namespace vaxreg::certs::shc
