#include "certs/crypto/key_pem.h"

#include <openssl/err.h>
#include <openssl/pem.h>

namespace vaxreg::certs {

Result<std::string> EncryptPrivateKeyPem(EVP_PKEY* key, std::string_view passphrase) {
  if (passphrase.size() < kMinKeyPassphraseBytes) {
    return InvalidArgumentError("the key passphrase must have at least " +
                                std::to_string(kMinKeyPassphraseBytes) + " characters");
  }
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PKCS8PrivateKey(bio.get(), key, EVP_aes_256_cbc(), passphrase.data(),
                                    static_cast<int>(passphrase.size()), nullptr, nullptr) != 1) {
    ERR_clear_error();
    return InternalError("encrypting the private key failed");
  }
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

Result<EvpPkeyPtr> DecryptPrivateKeyPem(std::string_view pem, std::string_view passphrase) {
  if (pem.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") == std::string_view::npos) {
    return InvalidArgumentError("not an encrypted PKCS#8 PEM private key");
  }
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return InternalError("BIO_new_mem_buf failed");
  std::string pass(passphrase);
  pem_password_cb* cb = [](char* buf, int size, int, void* u) -> int {
    const auto* p = static_cast<const std::string*>(u);
    if (p->size() > static_cast<size_t>(size)) return -1;
    p->copy(buf, p->size());
    return static_cast<int>(p->size());
  };
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, cb, &pass));
  ERR_clear_error();
  OPENSSL_cleanse(pass.data(), pass.size());
  if (!key) return UnauthenticatedError("wrong key passphrase or corrupt key file");
  return key;
}

}  // namespace vaxreg::certs
