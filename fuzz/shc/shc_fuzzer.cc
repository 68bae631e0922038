// libFuzzer target: SMART Health Card verification of arbitrary input (numeric QR text, compact
// JWS or health card file) against a fixed issuer whose key has a revocation list, so that the
// whole pipeline runs on inputs that decode: numeric digits, base64url, the JWS header, capped raw
// DEFLATE (16 KiB), the claims, the key, ES256, time, revocation and the FHIR bundle checks.
// Checks that a result is valid exactly when it has no failure, that its JSON view builds, that
// numeric decoding round-trips, and that a revocation list that parses re-parses from its JSON.
// The seeds (fuzz/corpus/shc) include a card signed with this key by tests/interop/shc_interop.mjs.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "certs/shc/crl.h"
#include "certs/shc/numeric.h"
#include "certs/shc/verification_json.h"
#include "certs/shc/verifier.h"

namespace {

using namespace vaxreg::certs::shc;

constexpr std::string_view kJwks =
    R"({"keys":[{"kty":"EC","x":"WTlaToyZQQZ1Su8o_yCKtJWKKh9PansjsAm73G0nl7Q",)"
    R"("y":"AZt2F275MPatMSFCwLlGQRe9gpniQVRBOHECWHJ27_I","crv":"P-256",)"
    R"("kid":"Tt4ZSsAyTS-3vOrxBFpxDPxrwFLEpIaQvSddRnRpWPM","use":"sig","alg":"ES256",)"
    R"("crlVersion":1}]})";
constexpr std::string_view kCrl =
    R"({"kid":"Tt4ZSsAyTS-3vOrxBFpxDPxrwFLEpIaQvSddRnRpWPM","method":"rid","ctr":1,)"
    R"("rids":["MKyCxh7p6uQ","vwAjHdarZuc.1687450765"]})";

const ShcTrust& Trust() {
  static const ShcTrust* trust = [] {
    auto* t = new ShcTrust();
    t->issuer = "https://fuzz.example";
    auto keys = ShcKeySet::Parse(kJwks);
    auto crl = ParseShcCrl(kCrl);
    if (!keys.ok() || !crl.ok()) std::abort();
    t->keys = std::move(*keys);
    t->crls.emplace(crl->kid, std::move(*crl));
    return t;
  }();
  return *trust;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto now = vaxreg::FromUnixSeconds(1800000000);  // 2027-01-15, after the seed's nbf
  for (const ShcVerificationResult& r : VerifyShcInput(text, Trust(), now)) {
    if (r.valid != r.failures.empty()) std::abort();
    (void)ShcVerificationResultToJson(r, false);
    (void)ShcVerificationResultToJson(r, true);
  }
  if (auto jws = DecodeShcNumeric(text); jws.ok()) {
    auto again = EncodeShcNumeric(*jws);
    if (!again.ok() || DecodeShcNumeric(*again).value_or("") != *jws) std::abort();
  }
  if (auto crl = ParseShcCrl(text); crl.ok()) {
    auto reparsed = ParseShcCrl(crl->ToJson());
    if (!reparsed.ok() || reparsed->rids != crl->rids || reparsed->ctr != crl->ctr) std::abort();
  }
  (void)ShcKeySet::Parse(text);
  return 0;
}
