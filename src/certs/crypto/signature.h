#pragma once
// The two DCC signature schemes over OpenSSL's EVP interface:
//   ES256: ECDSA on P-256 with SHA-256; signatures are raw r||s (64 bytes), as COSE requires.
//   PS256: RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt; RSA keys of >= 2048 bits.
// Functions are thread-safe: an EVP_PKEY may be shared by threads for signing and verifying.
// SignEs256 and VerifyEs256 each keep, per thread, prepared contexts for the last 8 keys they saw;
// each holds a reference to its key, so up to 8 retired keys per thread stay allocated until
// evicted or the thread exits.
//
// Error codes: kInvalidArgument when the key does not fit the scheme or the signature has the
// wrong shape (length, DER); kUnauthenticated when a well-formed signature does not verify;
// kInternal when OpenSSL fails for another reason.

#include <openssl/evp.h>

#include <string>
#include <string_view>

#include "certs/crypto/openssl_ptr.h"
#include "common/crypto_util.h"
#include "common/status.h"

namespace vaxreg::certs {

// Converts raw r||s (two equal halves) to a DER ECDSA-Sig-Value.
Result<std::string> EcdsaRawToDer(std::string_view raw);
// Converts DER to raw r||s with each half left-padded to `half_size` bytes.
Result<std::string> EcdsaDerToRaw(std::string_view der, size_t half_size);

// True when `key` is an EC key on P-256.
bool IsP256Key(EVP_PKEY* key);
// True when `key` is an RSA (or RSA-PSS) key.
bool IsRsaKey(EVP_PKEY* key);

Status VerifyEs256(EVP_PKEY* key, std::string_view data, std::string_view raw_signature);
// As VerifyEs256, for a caller that already hashed the data with SHA-256.
Status VerifyEs256Digest(EVP_PKEY* key, const Sha256Digest& digest,
                         std::string_view raw_signature);
Status VerifyPs256(EVP_PKEY* key, std::string_view data, std::string_view signature);

// Signs `data` with a P-256 private key; returns raw r||s (64 bytes).
Result<std::string> SignEs256(EVP_PKEY* private_key, std::string_view data);

// A fresh P-256 key pair (for tests, tools and key ceremonies).
Result<EvpPkeyPtr> GenerateP256Key();
// A fresh RSA key pair of `bits` bits.
Result<EvpPkeyPtr> GenerateRsaKey(int bits);
// Loads a PEM private key (PKCS#8 or traditional, unencrypted).
Result<EvpPkeyPtr> LoadPrivateKeyPem(std::string_view pem);

}  // namespace vaxreg::certs
