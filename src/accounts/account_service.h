#pragma once
// Logging in and out. Staff, authorities, signers and admins log in with username + password
// (Argon2id); citizens with their CCCD and a one-time code sent by the Notifier. A successful
// login returns an opaque random bearer token; only its SHA-256 is stored, with an expiry.
//
// Attempts are throttled per account and per client address (RateLimiter); failures answer
// kUnauthenticated with one message whatever was wrong, so callers cannot probe which usernames
// exist.
//
// Methods split reads from writes: methods taking `storage::Connection& writer` must run inside
// the group-commit writer (GroupCommitWriter::Submit); the others read through the Database pool
// and may block on it (and, for CheckPassword, on Argon2id: run it off the I/O threads).
// Thread-safe.

#include <chrono>
#include <string>

#include "accounts/notifier.h"
#include "accounts/password.h"
#include "accounts/rate_limiter.h"
#include "accounts/session_cache.h"
#include "accounts/user_store.h"
#include "auth/role.h"
#include "common/clock.h"
#include "storage/database.h"

namespace vaxreg::accounts {

struct AccountOptions {
  std::chrono::seconds session_ttl{std::chrono::hours(12)};
  std::chrono::seconds otp_ttl{std::chrono::minutes(5)};
  int otp_max_attempts = 5;
  // Failed logins allowed per account per window, and attempts per client address per window.
  int account_failures_per_window = 5;
  std::chrono::seconds account_window{std::chrono::minutes(15)};
  int address_attempts_per_window = 30;
  std::chrono::seconds address_window{std::chrono::minutes(1)};
  PasswordCost password_cost = PasswordCost::Interactive();
  // How long an authenticated token is remembered in-process (accounts/session_cache.h);
  // 0 reads the session from the database on every request.
  std::chrono::seconds session_cache_ttl{5};
};

struct Session {
  std::string token;  // shown once to the client; never stored or logged
  int64_t expires_at = 0;
  User user;
};

class AccountService final {
 public:
  AccountService(storage::Database& db, const Clock& clock, Notifier& notifier,
                 AccountOptions options);

  const AccountOptions& options() const { return options_; }

  // kResourceExhausted (with the wait in the message) if the address or account is throttled.
  // Call before any credential check; it also counts the attempt against the address.
  Status CheckThrottle(std::string_view username, std::string_view remote_address);

  // Read + Argon2id. kUnauthenticated "invalid username or password" for every failure.
  Result<User> CheckPassword(std::string_view username, std::string_view password);

  // Writer: creates a session for a user whose credentials were checked.
  Result<Session> CreateSession(storage::Connection& writer, const User& user,
                                const std::string& request_id);

  // Writer: issues a one-time code to the citizen account `cccd` through the Notifier. Unknown or
  // non-citizen usernames return OK without sending anything (no account enumeration).
  Status IssueOtp(storage::Connection& writer, std::string_view cccd, const std::string& request_id);

  // Writer: checks the newest unexpired code for the citizen and, if it matches, consumes it and
  // creates a session. Wrong codes count towards otp_max_attempts, after which the code is dead.
  // A wrong code returns kUnauthenticated after writing the attempt count: the WriteFn must let
  // that outcome commit (return OK to the writer) or the count would be rolled back.
  Result<Session> LoginWithOtp(storage::Connection& writer, std::string_view cccd,
                               std::string_view code, const std::string& request_id);

  // Records the outcome of a login for throttling.
  void RecordLoginFailure(std::string_view username);
  void RecordLoginSuccess(std::string_view username);

  // Read: the principal behind a bearer token. kUnauthenticated if unknown, expired, revoked or
  // the account is disabled; kUnavailable if the database is down. Answered from the session
  // cache when the token was seen in the last options().session_cache_ttl.
  Result<auth::Principal> Authenticate(std::string_view token);

  // Writer: revokes the session behind `token` (logout). kUnauthenticated if it is not active.
  // Once the write has committed, call ForgetSession(token) so this process stops accepting it.
  Status RevokeSession(storage::Connection& writer, std::string_view token, const Actor& actor);

  // Drops `token` from the session cache (after its revocation committed).
  void ForgetSession(std::string_view token);

 private:
  storage::Database& db_;
  const Clock& clock_;
  Notifier& notifier_;
  AccountOptions options_;
  RateLimiter account_failures_;
  RateLimiter address_attempts_;
  SessionCache sessions_;
};

// SHA-256 hex of a bearer token, as stored in sessions.token_hash.
std::string HashToken(std::string_view token);

}  // namespace vaxreg::accounts
