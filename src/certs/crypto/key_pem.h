#pragma once
// Private keys at rest: PKCS#8 PEM encrypted with a passphrase (AES-256-CBC, key from PBKDF2 as
// OpenSSL's PKCS#8 writer does it). Thread-safe.

#include <string>
#include <string_view>

#include "certs/crypto/openssl_ptr.h"
#include "common/status.h"

namespace vaxreg::certs {

// The shortest passphrase accepted for keys at rest.
inline constexpr size_t kMinKeyPassphraseBytes = 12;

// "-----BEGIN ENCRYPTED PRIVATE KEY-----" PEM of `key`. kInvalidArgument for a passphrase
// shorter than kMinKeyPassphraseBytes; kInternal when OpenSSL fails.
Result<std::string> EncryptPrivateKeyPem(EVP_PKEY* key, std::string_view passphrase);

// Decrypts an encrypted PKCS#8 PEM. kUnauthenticated for a wrong passphrase (or a corrupt
// file: the two cannot be told apart); kInvalidArgument when the text is not an encrypted PEM key
// (an unencrypted key is refused, so a key left in clear is noticed).
Result<EvpPkeyPtr> DecryptPrivateKeyPem(std::string_view pem, std::string_view passphrase);

}  // namespace vaxreg::certs
