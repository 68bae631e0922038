#pragma once
// Logging in and out. Staff, authorities, signers and admins log in with username + password
// (Argon2id); citizens with their CCCD and a one-time code sent by the Notifier to their phone
// (an account without a phone gets no code). Citizens create their own accounts (SignUp,
// accounts/citizen_signup.h); the first login with a code sent to the phone verifies it.
// A successful login returns an opaque random bearer token; only its SHA-256 is stored, with an
// expiry.
//
// Attempts are throttled per client address and per account, with counters in the database
// (accounts/throttle_store.h), so every server process on one database shares them; failures
// answer kUnauthenticated with one message whatever was wrong, so callers cannot probe which
// usernames exist. Citizens' one-time codes are limited per CCCD and per phone number when they
// are issued and per code when they are tried; a wrong code never locks the account itself.
//
// Methods split reads from writes: methods taking `storage::Connection& writer` must run inside
// the group-commit writer (GroupCommitWriter::Submit); the others read through the Database pool
// and may block on it (and, for CheckPassword, on Argon2id: run it off the I/O threads).
// Thread-safe.

#include <chrono>
#include <string>

#include "accounts/citizen_signup.h"
#include "accounts/notifier.h"
#include "accounts/password.h"
#include "accounts/session_cache.h"
#include "accounts/throttle_store.h"
#include "accounts/user_store.h"
#include "auth/role.h"
#include "common/clock.h"
#include "storage/database.h"

namespace vaxreg::accounts {

struct AccountOptions {
  std::chrono::seconds session_ttl{std::chrono::hours(12)};
  std::chrono::seconds otp_ttl{std::chrono::minutes(5)};
  // Wrong guesses allowed per issued code; after them that code is dead (a new code may be
  // requested, within the issuance limits below).
  int otp_max_attempts = 5;
  // Codes issued per CCCD and per phone number: at most otp_codes_per_window within otp_window
  // and otp_codes_per_day within a day.
  int otp_codes_per_window = 3;
  std::chrono::seconds otp_window{std::chrono::minutes(15)};
  int otp_codes_per_day = 10;
  // POST /api/v1/auth/otp and /api/v1/auth/signup answer no sooner than this after they started,
  // so an existing account (code written, message queued) cannot be told from a missing one by
  // timing.
  std::chrono::milliseconds otp_min_response{100};
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

  // Writer. kResourceExhausted (with the wait in the message) if the client address has used
  // its attempts; otherwise counts this attempt against the address. Call before any credential
  // check. A refusal writes nothing; an OK must commit for the count to hold.
  Status CheckAddressThrottle(storage::Connection& writer, std::string_view remote_address);

  // Read. kResourceExhausted if the account has used its failed password logins.
  Status CheckAccountThrottle(storage::Connection& conn, std::string_view username);

  // Writer: both of the above, for password logins. When the account check refuses, the
  // address count has been written: the WriteFn should let that outcome commit.
  Status CheckThrottle(storage::Connection& writer, std::string_view username,
                       std::string_view remote_address);

  // Read + Argon2id. kUnauthenticated "invalid username or password" for every failure.
  Result<User> CheckPassword(std::string_view username, std::string_view password);

  // Writer: creates a session for a user whose credentials were checked.
  Result<Session> CreateSession(storage::Connection& writer, const User& user,
                                const std::string& request_id);

  // Writer: issues a one-time code to the citizen account `cccd` through the Notifier.
  // kResourceExhausted (nothing written) once `cccd` has had its codes for the window or the day;
  // this is counted for every CCCD asked for, existing or not, so the answer does not tell
  // whether an account exists. Unknown, disabled or non-citizen accounts then return OK without
  // sending anything, and so do an account without a phone (a code goes to the account's phone
  // and nowhere else) and an account whose phone number has had its codes (several accounts may
  // share one phone).
  Status IssueOtp(storage::Connection& writer, std::string_view cccd,
                  const std::string& request_id);

  // Writer: a citizen's sign-up (accounts/citizen_signup.h), `in` checked and normalised by the
  // caller. kResourceExhausted (nothing written) once the CCCD or the phone number has had its
  // codes for the window or the day (the limits of IssueOtp, shared with it). Otherwise both are
  // counted, whatever follows, and the sign-up is applied: a code is sent to in.phone, and only
  // there, for a new or pending account; nothing is changed or sent for any other account, and
  // the result is the same OK, so a caller cannot tell the cases apart.
  Status SignUp(storage::Connection& writer, const CitizenSignUp& in,
                const std::string& request_id);

  // Writer: checks the newest unexpired code for the citizen and, if it matches, consumes it and
  // creates a session; the first such login marks the account's phone verified (a code sent to
  // it came back). Wrong codes count towards otp_max_attempts of that code only, after which
  // the code is dead; a newly issued code starts again (there is no account-wide lockout, so a
  // stranger's guesses cannot lock the owner out).
  // A wrong code returns kUnauthenticated after writing the attempt count: the WriteFn must let
  // that outcome commit (return OK to the writer) or the count would be rolled back.
  Result<Session> LoginWithOtp(storage::Connection& writer, std::string_view cccd,
                               std::string_view code, const std::string& request_id);

  // Writer: records the outcome of a password login for the account throttle.
  Status RecordLoginFailure(storage::Connection& writer, std::string_view username);
  Status RecordLoginSuccess(storage::Connection& writer, std::string_view username);

  // Read: the principal behind a bearer token. kUnauthenticated if unknown, expired, revoked or
  // the account is disabled; kUnavailable if the database is down. Answered from the session
  // cache when the token was seen in the last options().session_cache_ttl.
  Result<auth::Principal> Authenticate(std::string_view token);

  // Writer: revokes the session behind `token` (logout). kUnauthenticated if it is not active.
  // Once the write has committed, call ForgetSession(token) so this process stops accepting it.
  Status RevokeSession(storage::Connection& writer, std::string_view token, const Actor& actor);

  // Drops `token` from the session cache (after its revocation committed).
  void ForgetSession(std::string_view token);

  // Drops every cached session of the user (after their sessions were revoked, the account
  // disabled or its role changed, once that committed). Other processes see the change within
  // options().session_cache_ttl, when their entry expires and the database is read again.
  void ForgetUserSessions(int64_t user_id);

 private:
  // Writes a new code for `user`, audits it and sends it to user.phone; `signup` picks the text.
  Status SendCode(storage::Connection& writer, const User& user, bool signup,
                  const std::string& request_id);

  storage::Database& db_;
  const Clock& clock_;
  Notifier& notifier_;
  AccountOptions options_;
  SessionCache sessions_;
};

// SHA-256 hex of a bearer token, as stored in sessions.token_hash.
std::string HashToken(std::string_view token);

}  // namespace vaxreg::accounts
