#pragma once
// Accounts: who may log in, with which role and binding. Reads take any connection; writes take
// the group-commit writer's connection and record an audit row in the same transaction.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "auth/role.h"
#include "common/clock.h"
#include "common/status.h"
#include "storage/database.h"

namespace vaxreg::accounts {

struct User {
  int64_t id = 0;
  std::string username;
  auth::Role role = auth::Role::kCitizen;
  std::string display_name;
  std::string password_hash;  // empty for citizens (they log in with a one-time code)
  std::string facility_code;
  std::string admin_unit_code;
  std::string phone;
  bool disabled = false;
  int64_t created_at = 0;
  // Citizens: the birth date given at sign-up ('YYYY-MM-DD'; "" for accounts created before
  // sign-up existed), when a code sent to `phone` was first used to log in (0: never), and
  // whether the account waits for that since a sign-up (accounts/citizen_signup.h).
  std::string birth_date;
  int64_t phone_verified_at = 0;
  bool signup_pending = false;

  auth::Principal ToPrincipal() const;
  // JSON for the API and the audit log; never includes the password hash.
  std::string ToJson() const;
};

struct NewUser {
  std::string username;
  auth::Role role = auth::Role::kCitizen;
  std::string display_name;
  std::string password_hash;
  std::string facility_code;
  std::string admin_unit_code;
  std::string phone;
  std::string birth_date;  // citizens only, 'YYYY-MM-DD' or ""
};

// Who performs a write, for the audit row.
struct Actor {
  std::string id;          // Principal::ActorId(), or "system", "cli:<user>"
  std::string request_id;  // "" outside HTTP
};

// Checks the shape of a new account: username 3-64 chars of [A-Za-z0-9._@-] (a 12-digit CCCD for
// citizens), a password hash for every role but citizen, facility_code only and always for
// facility_staff, admin_unit_code only for health_authority ("VN" for national, or the GSO code
// of an existing province, district or commune), birth_date only for citizens and shaped
// 'YYYY-MM-DD' (that it is a real day agreeing with the CCCD is checked by the caller, which
// knows the registry's rules: api/citizen_fields.h). kInvalidArgument with the field named.
Status ValidateNewUser(const NewUser& user);

// Inserts the user (after ValidateNewUser). kAlreadyExists if the username is taken.
Result<User> CreateUser(storage::Connection& writer, const Clock& clock, const NewUser& user,
                        const Actor& actor);
Result<std::optional<User>> FindUserByUsername(storage::Connection& conn, std::string_view username);
Result<std::optional<User>> FindUserById(storage::Connection& conn, int64_t id);
// Ordered by id, starting after `after_id`, at most `limit`; only `role` ("citizen", ...) unless
// it is empty.
// With `staff_unit`, only facility staff of facilities in that unit (a province, district or
// commune code; "" for every facility): what a health authority manages.
Result<std::vector<User>> ListUsers(storage::Connection& conn, int64_t after_id, int limit,
                                    std::string_view role = "",
                                    std::optional<std::string> staff_unit = std::nullopt);

}  // namespace vaxreg::accounts
