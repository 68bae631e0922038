#pragma once
// The seam between the HTTP server and whatever issues bearer tokens (accounts::AccountService
// in production, a fixed table in tests).

#include <string_view>

#include "auth/role.h"
#include "common/status.h"

namespace vaxreg::http {

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // Resolves a bearer token (without the "Bearer " prefix) to a principal. Called synchronously
  // on an I/O thread for every request that carries a token, so it must be fast and must not
  // block on I/O for long. Must be thread-safe.
  // Returns kUnauthenticated for an unknown, expired or revoked token (answered 401); other codes
  // (kUnavailable, kInternal) are answered with their own HTTP status.
  virtual Result<auth::Principal> Authenticate(std::string_view bearer_token) = 0;
};

}  // namespace vaxreg::http
