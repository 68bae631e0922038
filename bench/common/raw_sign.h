#pragma once
// The raw limit of certificate issuance: one ECDSA signature over a fixed SHA-256 digest with
// OpenSSL's EVP interface and nothing else, as a CountCalls body (bench/common/rate.h). Each
// thread signs with its own EVP_PKEY_CTX.

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cstdio>
#include <cstdlib>

#include "certs/crypto/openssl_ptr.h"

namespace vaxreg::bench {

struct RawSign {
  EVP_PKEY* key;
  unsigned char digest[SHA256_DIGEST_LENGTH];

  certs::EvpPkeyCtxPtr MakeState() const {
    certs::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
    if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1) Fail("EVP_PKEY_sign_init");
    return ctx;
  }
  void Run(certs::EvpPkeyCtxPtr& ctx) const {
    unsigned char sig[80];
    size_t len = sizeof sig;
    if (EVP_PKEY_sign(ctx.get(), sig, &len, digest, sizeof digest) != 1) Fail("raw sign failed");
  }
  [[noreturn]] static void Fail(const char* what) {
    std::fprintf(stderr, "raw sign: %s\n", what);
    std::exit(1);
  }
};

}  // namespace vaxreg::bench
