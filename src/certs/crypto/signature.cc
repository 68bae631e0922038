#include "certs/crypto/signature.h"

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

namespace vaxreg::certs {
namespace {

const unsigned char* U8(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

constexpr size_t kP256HalfSize = 32;

}  // namespace

namespace {

// Largest raw half (P-521) and the DER that two such integers need.
constexpr size_t kMaxHalf = 66;
using DerBuffer = std::array<uint8_t, 2 * (kMaxHalf + 3) + 4>;

// Appends a DER INTEGER holding the unsigned big-endian `v`: leading zeros dropped, a zero byte
// added when the top bit is set.
size_t PutDerInteger(const uint8_t* v, size_t n, uint8_t* out) {
  while (n > 1 && v[0] == 0) {
    ++v;
    --n;
  }
  const bool pad = (v[0] & 0x80) != 0;
  size_t o = 0;
  out[o++] = 0x02;
  out[o++] = static_cast<uint8_t>(n + (pad ? 1 : 0));
  if (pad) out[o++] = 0x00;
  std::memcpy(out + o, v, n);
  return o + n;
}

// Encodes raw r||s (validated by the caller: even, non-empty, halves <= kMaxHalf) as a DER
// ECDSA-Sig-Value without allocating; returns the length used in `out`.
size_t RawToDer(std::string_view raw, DerBuffer& out) {
  const size_t half = raw.size() / 2;
  uint8_t body[2 * (kMaxHalf + 3)];
  size_t len = PutDerInteger(U8(raw), half, body);
  len += PutDerInteger(U8(raw) + half, half, body + len);
  size_t o = 0;
  out[o++] = 0x30;
  if (len >= 0x80) out[o++] = 0x81;
  out[o++] = static_cast<uint8_t>(len);
  std::memcpy(out.data() + o, body, len);
  return o + len;
}

bool ValidRawLength(size_t n) { return n > 0 && n % 2 == 0 && n <= 2 * kMaxHalf; }

}  // namespace

Result<std::string> EcdsaRawToDer(std::string_view raw) {
  if (!ValidRawLength(raw.size())) {
    return InvalidArgumentError("raw ECDSA signature has invalid length " +
                                std::to_string(raw.size()));
  }
  DerBuffer der;
  const size_t len = RawToDer(raw, der);
  return std::string(reinterpret_cast<const char*>(der.data()), len);
}

Result<std::string> EcdsaDerToRaw(std::string_view der, size_t half_size) {
  const unsigned char* p = U8(der);
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig || p != U8(der) + der.size()) return InvalidArgumentError("malformed DER signature");
  const BIGNUM* r = ECDSA_SIG_get0_r(sig.get());
  const BIGNUM* s = ECDSA_SIG_get0_s(sig.get());
  std::string out(2 * half_size, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  if (BN_bn2binpad(r, o, static_cast<int>(half_size)) < 0 ||
      BN_bn2binpad(s, o + half_size, static_cast<int>(half_size)) < 0) {
    return InvalidArgumentError("ECDSA signature component too large");
  }
  return out;
}

bool IsP256Key(EVP_PKEY* key) {
  if (key == nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) return false;
  char name[64] = {0};
  size_t len = 0;
  if (EVP_PKEY_get_group_name(key, name, sizeof name, &len) != 1) return false;
  return std::strcmp(name, "prime256v1") == 0 || std::strcmp(name, "P-256") == 0;
}

bool IsRsaKey(EVP_PKEY* key) {
  if (key == nullptr) return false;
  const int id = EVP_PKEY_get_base_id(key);
  return id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS;
}

namespace {

// A signing or verification context prepared for one key. Creating one (EVP_PKEY_CTX_new +
// EVP_PKEY_{sign,verify}_init) fetches the algorithm from the provider each time, a measurable
// share of a whole signature or verification, so each thread keeps the contexts of the keys it
// used last. A context holds a reference to its key, so a cached key pointer can never be reused
// by another key; the small bound limits how long retired keys stay alive.
struct CachedContext {
  EVP_PKEY* key = nullptr;
  EvpPkeyCtxPtr ctx;
  bool p256 = false;
};
constexpr size_t kContextCacheSize = 8;

// The cached context for `key` on this thread, initialised with `Init` (one cache per Init),
// creating it if needed; nullptr on failure.
template <int (*Init)(EVP_PKEY_CTX*)>
CachedContext* ContextFor(EVP_PKEY* key) {
  thread_local std::vector<CachedContext> cache;
  for (CachedContext& c : cache) {
    if (c.key == key) return &c;
  }
  CachedContext fresh;
  fresh.key = key;
  fresh.p256 = IsP256Key(key);
  if (fresh.p256) {
    fresh.ctx.reset(EVP_PKEY_CTX_new(key, nullptr));
    if (!fresh.ctx || Init(fresh.ctx.get()) != 1) {
      ERR_clear_error();
      return nullptr;
    }
  }
  if (cache.size() >= kContextCacheSize) cache.erase(cache.begin());
  cache.push_back(std::move(fresh));
  return &cache.back();
}

int VerifyInit(EVP_PKEY_CTX* ctx) { return EVP_PKEY_verify_init(ctx); }
int SignInit(EVP_PKEY_CTX* ctx) { return EVP_PKEY_sign_init(ctx); }

}  // namespace

Status VerifyEs256(EVP_PKEY* key, std::string_view data, std::string_view raw_signature) {
  return VerifyEs256Digest(key, Sha256(data), raw_signature);
}

Status VerifyEs256Digest(EVP_PKEY* key, const Sha256Digest& digest,
                         std::string_view raw_signature) {
  if (key == nullptr) return InvalidArgumentError("ES256 needs a P-256 public key");
  CachedContext* verifier = ContextFor<VerifyInit>(key);
  if (verifier == nullptr) return InternalError("EVP_PKEY_verify_init failed");
  if (!verifier->p256) return InvalidArgumentError("ES256 needs a P-256 public key");
  if (raw_signature.size() != 2 * kP256HalfSize) {
    return InvalidArgumentError("ES256 signature must be 64 bytes (raw r||s), got " +
                                std::to_string(raw_signature.size()));
  }
  DerBuffer der;
  const size_t der_len = RawToDer(raw_signature, der);
  const int rc =
      EVP_PKEY_verify(verifier->ctx.get(), der.data(), der_len, digest.data(), digest.size());
  if (rc != 1) {
    ERR_clear_error();  // only a failure queues errors; clearing costs a thread-state lookup
    return UnauthenticatedError("ES256 signature does not verify");
  }
  return Status::Ok();
}

Status VerifyPs256(EVP_PKEY* key, std::string_view data, std::string_view signature) {
  if (!IsRsaKey(key)) return InvalidArgumentError("PS256 needs an RSA public key");
  if (EVP_PKEY_get_bits(key) < 2048) {
    return InvalidArgumentError("PS256 key is shorter than 2048 bits");
  }
  if (signature.size() != static_cast<size_t>(EVP_PKEY_get_size(key))) {
    return InvalidArgumentError("PS256 signature length does not match the key size");
  }
  EvpMdCtxPtr md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by md
  if (!md || EVP_DigestVerifyInit(md.get(), &pctx, EVP_sha256(), nullptr, key) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) != 1 ||
      EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32) != 1) {
    ERR_clear_error();
    return InternalError("PS256 verifier setup failed");
  }
  const int rc = EVP_DigestVerify(md.get(), U8(signature), signature.size(), U8(data), data.size());
  ERR_clear_error();
  if (rc != 1) return UnauthenticatedError("PS256 signature does not verify");
  return Status::Ok();
}

Result<std::string> SignEs256(EVP_PKEY* private_key, std::string_view data) {
  if (private_key == nullptr) return InvalidArgumentError("ES256 needs a P-256 private key");
  CachedContext* signer = ContextFor<SignInit>(private_key);
  if (signer == nullptr) return InternalError("ES256 signer setup failed");
  if (!signer->p256) return InvalidArgumentError("ES256 needs a P-256 private key");
  const Sha256Digest digest = Sha256(data);
  DerBuffer der;
  size_t len = der.size();
  if (EVP_PKEY_sign(signer->ctx.get(), der.data(), &len, digest.data(), digest.size()) != 1) {
    ERR_clear_error();
    return InternalError("ES256 signing failed");
  }
  return EcdsaDerToRaw(std::string_view(reinterpret_cast<const char*>(der.data()), len),
                       kP256HalfSize);
}

Result<EvpPkeyPtr> GenerateP256Key() {
  EvpPkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) {
    ERR_clear_error();
    return InternalError("P-256 key generation failed");
  }
  return key;
}

Result<EvpPkeyPtr> GenerateRsaKey(int bits) {
  EvpPkeyPtr key(EVP_RSA_gen(static_cast<unsigned int>(bits)));
  if (!key) {
    ERR_clear_error();
    return InternalError("RSA key generation failed");
  }
  return key;
}

Result<EvpPkeyPtr> LoadPrivateKeyPem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return InternalError("BIO_new_mem_buf failed");
  // A callback that refuses, so an encrypted key fails instead of prompting on the terminal.
  pem_password_cb* no_password = [](char*, int, int, void*) -> int { return -1; };
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_password, nullptr));
  ERR_clear_error();
  if (!key) return InvalidArgumentError("not a PEM private key");
  return key;
}

}  // namespace vaxreg::certs
