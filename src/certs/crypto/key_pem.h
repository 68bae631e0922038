#pragma once
// Private keys at rest: PKCS#8 PEM encrypted with a passphrase, PBES2 with AES-256-CBC and a key
// from PBKDF2-HMAC-SHA256 at kKeyPbkdf2Iterations iterations over a 16-byte random salt (the
// current OWASP figure for PBKDF2-HMAC-SHA256; OpenSSL 3.0 cannot read back scrypt at a cost worth
// having, its scrypt memory limit is 32 MiB). Keys written by earlier versions (PBKDF2 at 2,048
// iterations) still decrypt; `vaxreg keys rotate-passphrase` re-encrypts them. Thread-safe.

#include <cstdint>
#include <string>
#include <string_view>

#include "certs/crypto/openssl_ptr.h"
#include "common/status.h"

namespace vaxreg::certs {

// The shortest passphrase accepted for keys at rest.
inline constexpr size_t kMinKeyPassphraseBytes = 12;
// PBKDF2-HMAC-SHA256 iterations of keys written now (about 0.2 s per key on one core).
inline constexpr int64_t kKeyPbkdf2Iterations = 600000;

// "-----BEGIN ENCRYPTED PRIVATE KEY-----" PEM of `key`. kInvalidArgument for a passphrase
// shorter than kMinKeyPassphraseBytes; kInternal when OpenSSL fails.
Result<std::string> EncryptPrivateKeyPem(EVP_PKEY* key, std::string_view passphrase);

// Decrypts an encrypted PKCS#8 PEM. kUnauthenticated for a wrong passphrase (or a corrupt
// file: the two cannot be told apart); kInvalidArgument when the text is not an encrypted PEM key
// (an unencrypted key is refused, so a key left in clear is noticed).
Result<EvpPkeyPtr> DecryptPrivateKeyPem(std::string_view pem, std::string_view passphrase);

// How an encrypted PKCS#8 PEM key is protected, read without the passphrase.
struct KeyEncryption {
  std::string scheme;      // "PBES2", or the OpenSSL name of another scheme
  std::string kdf;         // "PBKDF2", "id-scrypt", ...
  std::string prf;         // PBKDF2's PRF: "hmacWithSHA256", "hmacWithSHA1" (the default), ...
  int64_t iterations = 0;  // PBKDF2 iteration count (0 for other KDFs)
  std::string cipher;      // "aes-256-cbc", ...
};
// kInvalidArgument when `pem` is not an encrypted PKCS#8 PEM.
Result<KeyEncryption> InspectEncryptedKeyPem(std::string_view pem);
// True for what EncryptPrivateKeyPem writes now (PBES2, PBKDF2-HMAC-SHA256 with at least
// kKeyPbkdf2Iterations iterations, AES-256-CBC): keys that need no re-encryption.
bool IsCurrentKeyEncryption(const KeyEncryption& e);

// "-----BEGIN PRIVATE KEY-----" PEM (PKCS#8, not encrypted) and its reader, only for throwaway
// test keys that nothing trusts (keys/test_signer.h). kInvalidArgument for text that is not
// such a PEM.
Result<std::string> PlainPrivateKeyPem(EVP_PKEY* key);
Result<EvpPkeyPtr> ReadPlainPrivateKeyPem(std::string_view pem);

}  // namespace vaxreg::certs
