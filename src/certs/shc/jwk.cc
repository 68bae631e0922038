#include "certs/shc/jwk.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#include <boost/json.hpp>

#include "certs/codec/base64.h"
#include "certs/crypto/signature.h"
#include "common/crypto_util.h"

namespace vaxreg::certs::shc {
namespace {

namespace json = boost::json;

constexpr size_t kCoordinateBytes = 32;
constexpr size_t kMaxJwksBytes = 1024 * 1024;

using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, OpenSslDeleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, OpenSslDeleter<OSSL_PARAM, OSSL_PARAM_free>>;

std::string_view StringMember(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

// The public key at (x, y) on P-256, and, with `d`, the key pair. kInvalidArgument when the
// point is not on the curve or d does not match it.
Result<EvpPkeyPtr> FromCoordinates(std::string_view x, std::string_view y,
                                   std::string_view d = {}) {
  std::string point;
  point.reserve(1 + 2 * kCoordinateBytes);
  point.push_back('\x04');
  point.append(x);
  point.append(y);
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  BignumPtr priv;
  if (!d.empty()) {
    priv.reset(BN_bin2bn(reinterpret_cast<const unsigned char*>(d.data()),
                         static_cast<int>(d.size()), nullptr));
  }
  if (!bld || (!d.empty() && !priv) ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1 ||
      (priv && OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, priv.get()) != 1)) {
    ERR_clear_error();
    return InternalError("cannot build EC key parameters");
  }
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                        params.get()) != 1) {
    ERR_clear_error();
    return InvalidArgumentError("x/y is not a point on P-256");
  }
  EvpPkeyPtr key(raw);
  // fromdata does not check that the point lies on the curve, nor that d matches it.
  EvpPkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  const bool ok = check && (priv ? EVP_PKEY_pairwise_check(check.get())
                                 : EVP_PKEY_public_check(check.get())) == 1;
  ERR_clear_error();
  if (!ok) {
    return InvalidArgumentError(priv ? "d does not match x/y on P-256"
                                     : "x/y is not a point on P-256");
  }
  return key;
}

// x and y of a P-256 key, 32 bytes each.
Result<std::pair<std::string, std::string>> Coordinates(EVP_PKEY* key) {
  if (!IsP256Key(key)) return InvalidArgumentError("not a P-256 key");
  BIGNUM* x = nullptr;
  BIGNUM* y = nullptr;
  const bool got = EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &x) == 1 &&
                   EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &y) == 1;
  BignumPtr bx(x), by(y);
  std::pair<std::string, std::string> out{std::string(kCoordinateBytes, '\0'),
                                          std::string(kCoordinateBytes, '\0')};
  if (!got ||
      BN_bn2binpad(x, reinterpret_cast<unsigned char*>(out.first.data()), kCoordinateBytes) < 0 ||
      BN_bn2binpad(y, reinterpret_cast<unsigned char*>(out.second.data()), kCoordinateBytes) < 0) {
    ERR_clear_error();
    return InternalError("cannot read the EC public key");
  }
  return out;
}

std::string Thumbprint(std::string_view x_b64, std::string_view y_b64) {
  // RFC 7638 section 3.2: the required members in lexicographic order, no whitespace.
  const std::string canonical = std::string(R"({"crv":"P-256","kty":"EC","x":")") +
                                std::string(x_b64) + R"(","y":")" + std::string(y_b64) + "\"}";
  const Sha256Digest digest = Sha256(canonical);
  return Base64UrlEncode(
      std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

// A 32-byte coordinate from base64url, or a problem.
std::optional<std::string> Coordinate(const json::object& jwk, std::string_view name,
                                      std::vector<std::string>& problems) {
  auto bytes = Base64UrlDecode(StringMember(jwk, name), 64);
  if (!bytes.ok() || bytes->size() != kCoordinateBytes) {
    problems.push_back(std::string(name) + " is not a 32-byte base64url coordinate");
    return std::nullopt;
  }
  return *bytes;
}

ShcKey ReadKey(const json::object& jwk, std::string kid) {
  ShcKey k;
  k.kid = std::move(kid);
  auto require = [&](std::string_view member, std::string_view want) {
    if (StringMember(jwk, member) != want) {
      k.problems.push_back(std::string(member) + " must be \"" + std::string(want) + "\"");
    }
  };
  require("kty", "EC");
  require("crv", "P-256");
  require("use", "sig");
  require("alg", "ES256");
  if (jwk.contains("d")) k.problems.push_back("the key set publishes a private key (d)");
  const auto x = Coordinate(jwk, "x", k.problems);
  const auto y = Coordinate(jwk, "y", k.problems);
  if (x && y) {
    auto key = FromCoordinates(*x, *y);
    if (key.ok()) {
      k.key = std::shared_ptr<EVP_PKEY>(key->release(), EVP_PKEY_free);
      const std::string thumbprint = Thumbprint(Base64UrlEncode(*x), Base64UrlEncode(*y));
      if (thumbprint != k.kid) {
        k.problems.push_back("kid is not the key's RFC 7638 thumbprint (" + thumbprint + ")");
      }
    } else {
      k.problems.push_back(key.status().message());
    }
  }
  if (const json::value* v = jwk.if_contains("crlVersion")) {
    if (v->is_int64() && v->get_int64() >= 1) {
      k.crl_version = v->get_int64();
    } else {
      k.problems.push_back("crlVersion must be a positive integer");
    }
  }
  if (const json::value* v = jwk.if_contains("x5c")) {
    if (!v->is_array() || v->get_array().empty()) {
      k.problems.push_back("x5c must be a non-empty array of base64 certificates");
    } else {
      for (const json::value& c : v->get_array()) {
        Result<std::string> der = std::string();
        if (c.is_string()) der = Base64Decode(c.get_string());
        if (!der.ok() || der->empty()) {
          k.problems.push_back("x5c holds an entry that is not base64 DER");
          k.x5c.clear();
          break;
        }
        k.x5c.push_back(std::move(*der));
      }
    }
  }
  return k;
}

}  // namespace

Result<ShcKeySet> ShcKeySet::Parse(std::string_view jwks_json) {
  if (jwks_json.size() > kMaxJwksBytes) return ResourceExhaustedError("the key set is too large");
  boost::system::error_code ec;
  json::value doc = json::parse(jwks_json, ec);
  if (ec || !doc.is_object()) return InvalidArgumentError("the key set is not a JSON object");
  const json::value* keys = doc.get_object().if_contains("keys");
  if (keys == nullptr || !keys->is_array()) {
    return InvalidArgumentError("the key set has no \"keys\" array");
  }
  ShcKeySet set;
  for (const json::value& k : keys->get_array()) {
    if (!k.is_object()) return InvalidArgumentError("a key in the set is not a JSON object");
    const std::string_view kid = StringMember(k.get_object(), "kid");
    if (kid.empty()) return InvalidArgumentError("a key in the set has no kid");
    set.Add(ReadKey(k.get_object(), std::string(kid)));
  }
  return set;
}

const ShcKey* ShcKeySet::Find(std::string_view kid) const {
  for (const ShcKey& k : keys_) {
    if (k.kid == kid) return &k;
  }
  return nullptr;
}

Result<std::string> JwkThumbprint(EVP_PKEY* key) {
  ASSIGN_OR_RETURN(auto xy, Coordinates(key));
  return Thumbprint(Base64UrlEncode(xy.first), Base64UrlEncode(xy.second));
}

Result<json::object> PublicJwk(EVP_PKEY* key, std::optional<int64_t> crl_version) {
  ASSIGN_OR_RETURN(auto xy, Coordinates(key));
  const std::string x = Base64UrlEncode(xy.first);
  const std::string y = Base64UrlEncode(xy.second);
  json::object jwk{{"kty", "EC"},  {"kid", Thumbprint(x, y)}, {"use", "sig"}, {"alg", "ES256"},
                   {"crv", "P-256"}, {"x", x},                  {"y", y}};
  if (crl_version) jwk["crlVersion"] = *crl_version;
  return jwk;
}

Result<EvpPkeyPtr> PrivateKeyFromJwk(const json::object& jwk) {
  if (StringMember(jwk, "kty") != "EC" || StringMember(jwk, "crv") != "P-256") {
    return InvalidArgumentError("not an EC P-256 JWK");
  }
  std::vector<std::string> problems;
  const auto x = Coordinate(jwk, "x", problems);
  const auto y = Coordinate(jwk, "y", problems);
  const auto d = Coordinate(jwk, "d", problems);
  if (!x || !y || !d) return InvalidArgumentError(problems.front());
  return FromCoordinates(*x, *y, *d);
}

}  // namespace vaxreg::certs::shc
