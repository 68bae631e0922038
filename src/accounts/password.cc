#include "accounts/password.h"

#include <sodium.h>

namespace vaxreg::accounts {

PasswordCost PasswordCost::Interactive() {
  return {crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
}

PasswordCost PasswordCost::MinimumForTest() {
  return {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
}

Result<std::string> HashPassword(std::string_view password, const PasswordCost& cost) {
  if (password.size() < 8) {
    return InvalidArgumentError("password must be at least 8 characters", "password");
  }
  if (password.size() > 1024) {
    return InvalidArgumentError("password must be at most 1024 bytes", "password");
  }
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.ops_limit,
                            cost.mem_limit_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return InternalError("password hashing ran out of memory");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view encoded_hash, std::string_view password) {
  if (encoded_hash.empty() || encoded_hash.size() >= crypto_pwhash_STRBYTES) return false;
  std::string hash(encoded_hash);  // NUL-terminated copy
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

void BurnPasswordVerification(const PasswordCost& cost) {
  static const std::string kDummy = [&] {
    auto h = HashPassword("not-a-real-password", cost);
    return h.ok() ? *h : std::string();
  }();
  (void)VerifyPassword(kDummy, "still-not-a-real-password");
}

}  // namespace vaxreg::accounts
