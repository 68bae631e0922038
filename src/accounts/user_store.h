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
};

// Who performs a write, for the audit row.
struct Actor {
  std::string id;          // Principal::ActorId(), or "system", "cli:<user>"
  std::string request_id;  // "" outside HTTP
};

// Checks the shape of a new account: username 3-64 chars of [A-Za-z0-9._@-] (a 12-digit CCCD for
// citizens), a password hash for every role but citizen, facility_code only and always for
// facility_staff, admin_unit_code only for health_authority ("VN" for national, or the GSO code
// of an existing province, district or commune). kInvalidArgument with the field named.
Status ValidateNewUser(const NewUser& user);

// Inserts the user (after ValidateNewUser). kAlreadyExists if the username is taken.
Result<User> CreateUser(storage::Connection& writer, const Clock& clock, const NewUser& user,
                        const Actor& actor);
Result<std::optional<User>> FindUserByUsername(storage::Connection& conn, std::string_view username);
Result<std::optional<User>> FindUserById(storage::Connection& conn, int64_t id);
// Ordered by id, starting after `after_id`, at most `limit`.
Result<std::vector<User>> ListUsers(storage::Connection& conn, int64_t after_id, int limit);

}  // namespace vaxreg::accounts
