#pragma once
// JSON Web Keys (RFC 7517) as SMART Health Cards use them: ES256 keys on P-256, published in a
// key set at <issuer>/.well-known/jwks.json, each named by its RFC 7638 thumbprint.
//
// A key set read from outside (ShcKeySet::Parse) keeps every key whose kid it can read, with the
// reasons it may not be used: a verifier reports them ("key") only when a card names that kid,
// as a key set may carry other keys (encryption keys, keys of other algorithms) beside the
// signing keys. A ShcKeySet is immutable once built and safe to share between threads.

#include <boost/json/object.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "certs/crypto/openssl_ptr.h"
#include "common/status.h"

namespace vaxreg::certs::shc {

struct ShcKey {
  std::string kid;                    // as the key set names it
  std::shared_ptr<EVP_PKEY> key;      // the public key; null when x/y do not give one
  std::vector<std::string> problems;  // why the key may not verify cards; empty when it may
  std::optional<int64_t> crl_version;  // "crlVersion": the key has a revocation list
  std::vector<std::string> x5c;        // DER certificates, leaf first ("x5c")
};

class ShcKeySet final {
 public:
  // Reads {"keys":[...]} (at most 1 MiB). kInvalidArgument when the text is not such a document
  // or a key has no string "kid"; keys breaking the SHC rules (kty EC, crv P-256, use sig, alg
  // ES256, no "d", x/y a P-256 point, kid its thumbprint, crlVersion a positive integer, x5c
  // base64 DER) are kept with their problems.
  static Result<ShcKeySet> Parse(std::string_view jwks_json);

  void Add(ShcKey key) { keys_.push_back(std::move(key)); }
  // The first key with this kid, or null.
  const ShcKey* Find(std::string_view kid) const;
  const std::vector<ShcKey>& keys() const { return keys_; }

 private:
  std::vector<ShcKey> keys_;
};

// RFC 7638 thumbprint of a P-256 key: base64url(SHA-256(`{"crv":"P-256","kty":"EC","x":X,"y":Y}`))
// with X and Y the base64url coordinates. kInvalidArgument for a key that is not on P-256.
Result<std::string> JwkThumbprint(EVP_PKEY* key);

// The public JWK of a P-256 key as vaxreg publishes it, members in this order: kty, kid
// (thumbprint), use "sig", alg "ES256", crv, x, y, then crlVersion when given.
Result<boost::json::object> PublicJwk(EVP_PKEY* key, std::optional<int64_t> crl_version = {});

// A private P-256 key from a JWK carrying "d" (the example issuer's published test keys, tools).
// kInvalidArgument when the JWK is not an EC P-256 private key or d does not match x/y.
Result<EvpPkeyPtr> PrivateKeyFromJwk(const boost::json::object& jwk);

}  // namespace vaxreg::certs::shc
