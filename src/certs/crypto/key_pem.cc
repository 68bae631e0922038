#include "certs/crypto/key_pem.h"

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

namespace vaxreg::certs {
namespace {

constexpr int kSaltBytes = 16;

struct P8InfoFree {
  void operator()(PKCS8_PRIV_KEY_INFO* p) const { PKCS8_PRIV_KEY_INFO_free(p); }
};
struct X509SigFree {
  void operator()(X509_SIG* p) const { X509_SIG_free(p); }
};
struct Pbe2Free {
  void operator()(PBE2PARAM* p) const { PBE2PARAM_free(p); }
};
struct Pbkdf2Free {
  void operator()(PBKDF2PARAM* p) const { PBKDF2PARAM_free(p); }
};

std::string ObjectName(const ASN1_OBJECT* obj) {
  const int nid = OBJ_obj2nid(obj);
  if (nid != NID_undef) return OBJ_nid2sn(nid);
  char buf[128];
  OBJ_obj2txt(buf, sizeof buf, obj, 1);
  return buf;
}

}  // namespace

Result<std::string> EncryptPrivateKeyPem(EVP_PKEY* key, std::string_view passphrase) {
  if (passphrase.size() < kMinKeyPassphraseBytes) {
    return InvalidArgumentError("the key passphrase must have at least " +
                                std::to_string(kMinKeyPassphraseBytes) + " characters");
  }
  unsigned char salt[kSaltBytes];
  if (RAND_bytes(salt, sizeof salt) != 1) {
    ERR_clear_error();
    return InternalError("no random salt for the private key");
  }
  std::unique_ptr<PKCS8_PRIV_KEY_INFO, P8InfoFree> p8(EVP_PKEY2PKCS8(key));
  if (!p8) {
    ERR_clear_error();
    return InternalError("encrypting the private key failed");
  }
  // PBES2 (pbe_nid -1) with AES-256-CBC and a random IV; PBKDF2's PRF is then HMAC-SHA256.
  std::unique_ptr<X509_SIG, X509SigFree> encrypted(
      PKCS8_encrypt(-1, EVP_aes_256_cbc(), passphrase.data(), static_cast<int>(passphrase.size()),
                    salt, sizeof salt, static_cast<int>(kKeyPbkdf2Iterations), p8.get()));
  if (!encrypted) {
    ERR_clear_error();
    return InternalError("encrypting the private key failed");
  }
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PKCS8(bio.get(), encrypted.get()) != 1) {
    ERR_clear_error();
    return InternalError("encrypting the private key failed");
  }
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

Result<KeyEncryption> InspectEncryptedKeyPem(std::string_view pem) {
  if (pem.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") == std::string_view::npos) {
    return InvalidArgumentError("not an encrypted PKCS#8 PEM private key");
  }
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return InternalError("BIO_new_mem_buf failed");
  std::unique_ptr<X509_SIG, X509SigFree> sig(
      PEM_read_bio_PKCS8(bio.get(), nullptr, nullptr, nullptr));
  if (!sig) {
    ERR_clear_error();
    return InvalidArgumentError("not an encrypted PKCS#8 PEM private key");
  }
  const X509_ALGOR* alg = nullptr;
  X509_SIG_get0(sig.get(), &alg, nullptr);
  const ASN1_OBJECT* scheme = nullptr;
  const void* param = nullptr;
  int param_type = 0;
  X509_ALGOR_get0(&scheme, &param_type, &param, alg);
  KeyEncryption e;
  e.scheme = ObjectName(scheme);
  if (OBJ_obj2nid(scheme) != NID_pbes2 || param_type != V_ASN1_SEQUENCE) return e;
  std::unique_ptr<PBE2PARAM, Pbe2Free> pbe2(static_cast<PBE2PARAM*>(
      ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), alg->parameter)));
  if (!pbe2) {
    ERR_clear_error();
    return InvalidArgumentError("malformed PBES2 parameters");
  }
  e.kdf = ObjectName(pbe2->keyfunc->algorithm);
  e.cipher = ObjectName(pbe2->encryption->algorithm);
  if (OBJ_obj2nid(pbe2->keyfunc->algorithm) == NID_id_pbkdf2) {
    std::unique_ptr<PBKDF2PARAM, Pbkdf2Free> kdf(static_cast<PBKDF2PARAM*>(
        ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM), pbe2->keyfunc->parameter)));
    if (!kdf) {
      ERR_clear_error();
      return InvalidArgumentError("malformed PBKDF2 parameters");
    }
    e.iterations = ASN1_INTEGER_get(kdf->iter);
    e.prf = kdf->prf == nullptr ? "hmacWithSHA1" : ObjectName(kdf->prf->algorithm);
  }
  return e;
}

bool IsCurrentKeyEncryption(const KeyEncryption& e) {
  return e.scheme == "PBES2" && e.kdf == "PBKDF2" && e.prf == "hmacWithSHA256" &&
         e.iterations >= kKeyPbkdf2Iterations && e.cipher == "AES-256-CBC";
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

Result<std::string> PlainPrivateKeyPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PKCS8PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    ERR_clear_error();
    return InternalError("writing the private key failed");
  }
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

Result<EvpPkeyPtr> ReadPlainPrivateKeyPem(std::string_view pem) {
  if (pem.find("-----BEGIN PRIVATE KEY-----") == std::string_view::npos) {
    return InvalidArgumentError("not an unencrypted PKCS#8 PEM private key");
  }
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return InternalError("BIO_new_mem_buf failed");
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (!key) return InvalidArgumentError("corrupt private key file");
  return key;
}

}  // namespace vaxreg::certs
