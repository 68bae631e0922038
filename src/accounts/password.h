#pragma once
// Password hashing with Argon2id (libsodium crypto_pwhash_str_alg). The encoded string carries
// its own salt and cost, so costs can be raised later without invalidating stored hashes.
// Thread-safe; hashing is deliberately slow (tens of ms at the default cost), so HTTP handlers
// run it off the I/O threads.

#include <string>
#include <string_view>

#include "common/status.h"

namespace vaxreg::accounts {

struct PasswordCost {
  unsigned long long ops_limit;
  size_t mem_limit_bytes;
  // libsodium's "interactive" Argon2id cost: 2 passes over 64 MiB.
  static PasswordCost Interactive();
  // The smallest cost libsodium accepts; for tests only.
  static PasswordCost MinimumForTest();
};

// kInvalidArgument for a password shorter than 8 or longer than 1024 bytes; kInternal if
// libsodium cannot allocate.
Result<std::string> HashPassword(std::string_view password, const PasswordCost& cost);
// False for a wrong password or a malformed hash.
bool VerifyPassword(std::string_view encoded_hash, std::string_view password);
// Spends the same time as a verification, so an unknown username cannot be told apart by timing.
void BurnPasswordVerification(const PasswordCost& cost);

}  // namespace vaxreg::accounts
