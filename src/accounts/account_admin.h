#pragma once
// The account lifecycle after creation: disable and enable, password reset, role and binding
// change, and the account's sessions (list, revoke). Used by the API (users_api.cc) and the CLI
// (`vaxreg user ...`); who may do what is decided by the caller (admins any account, health
// authorities facility staff of their area).
//
// Writes take the group-commit writer's connection and append their audit row in the same
// transaction. Every change that must end the account's sessions (disable, password reset, role
// or binding change) revokes them in that transaction; once it has committed, call
// AccountService::ForgetUserSessions(user_id) so this process stops accepting them at once.
// Other processes stop within auth.session_cache_seconds (their cache entry expires and the
// authenticator reads the session and the account again).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/user_store.h"

namespace vaxreg::accounts {

// An active session as shown to administrators: `id` is a handle derived from the token hash
// (neither the token nor its hash is shown).
struct SessionInfo {
  std::string id;
  int64_t created_at = 0;
  int64_t expires_at = 0;
};

// The handle of the session whose token hash is `token_hash`: 16 hex digits.
std::string SessionHandle(std::string_view token_hash);

// Disables (revoking every active session) or enables the account. Doing what is already so
// changes and audits nothing. kNotFound for an unknown id.
Result<User> SetUserDisabled(storage::Connection& writer, const Clock& clock, int64_t user_id,
                             bool disabled, std::string_view reason, const Actor& actor);

// Replaces the password hash and revokes every active session. kFailedPrecondition for a
// citizen (they log in with one-time codes); kNotFound for an unknown id.
Result<User> SetUserPassword(storage::Connection& writer, const Clock& clock, int64_t user_id,
                             const std::string& password_hash, const Actor& actor);

// What SetUserBinding sets: the role and its binding (rules of ValidateNewUser).
struct Binding {
  auth::Role role = auth::Role::kFacilityStaff;
  std::string facility_code;
  std::string admin_unit_code;
};

// Changes the role and/or binding (facility_code, admin_unit_code) and revokes every active
// session, so the account works under its new rights only after logging in again. Unchanged
// values change and audit nothing. kInvalidArgument (field named) for a binding that
// ValidateNewUser refuses, or a change to or from the citizen role (a citizen's username is
// their CCCD and they have no password); kNotFound for an unknown id.
Result<User> SetUserBinding(storage::Connection& writer, const Clock& clock, int64_t user_id,
                            const Binding& binding, const Actor& actor);

// Sets a citizen's birth date ('YYYY-MM-DD'; that it is a real day agreeing with the CCCD is the
// caller's check, as for ValidateNewUser), which with the CCCD decides the record the citizen
// sees (accounts/citizen_record.h). The same date changes and audits nothing. kInvalidArgument
// for another shape, kFailedPrecondition for an account that is not a citizen's, kNotFound for
// an unknown id.
Result<User> SetCitizenBirthDate(storage::Connection& writer, const Clock& clock, int64_t user_id,
                                 const std::string& birth_date, const Actor& actor);

// The account's sessions that are neither expired nor revoked at `now`, newest first.
Result<std::vector<SessionInfo>> ListActiveSessions(storage::Connection& conn, int64_t user_id,
                                                    int64_t now);

// Revokes the account's active sessions, or only the one with handle `session_id` when it is
// not empty (kNotFound when no active session of the account has it). Returns how many were
// revoked; audited when there was at least one.
Result<int64_t> RevokeUserSessions(storage::Connection& writer, const Clock& clock, int64_t user_id,
                                   std::string_view session_id, const Actor& actor);

}  // namespace vaxreg::accounts
