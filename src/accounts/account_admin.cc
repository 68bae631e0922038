#include "accounts/account_admin.h"

#include <boost/json.hpp>

#include "common/crypto_util.h"

namespace vaxreg::accounts {
namespace {

std::string Target(int64_t user_id) { return "user:" + std::to_string(user_id); }

Result<User> RequireUser(storage::Connection& conn, int64_t user_id) {
  ASSIGN_OR_RETURN(std::optional<User> user, FindUserById(conn, user_id));
  if (!user) return NotFoundError("no user with id " + std::to_string(user_id));
  return *std::move(user);
}

// Revokes every active session of the user; returns how many.
Result<int64_t> RevokeAll(storage::Connection& writer, int64_t user_id, int64_t now) {
  return writer.Execute(
      "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL AND "
      "expires_at > $1",
      {now, user_id});
}

std::string JsonWith(const User& u, std::string_view key, boost::json::value value) {
  boost::json::object o = boost::json::parse(u.ToJson()).as_object();
  o[key] = std::move(value);
  return boost::json::serialize(o);
}

}  // namespace

std::string SessionHandle(std::string_view token_hash) {
  return HexEncode(Sha256("session:" + std::string(token_hash))).substr(0, 16);
}

Result<User> SetUserDisabled(storage::Connection& writer, const Clock& clock, int64_t user_id,
                             bool disabled, std::string_view reason, const Actor& actor) {
  if (reason.size() > 500) {
    return InvalidArgumentError("reason must be at most 500 bytes", "reason");
  }
  ASSIGN_OR_RETURN(User user, RequireUser(writer, user_id));
  if (user.disabled == disabled) return user;
  const int64_t now = ToUnixSeconds(clock.Now());
  const User before = user;
  RETURN_IF_ERROR(writer
                      .Execute("UPDATE users SET disabled = $1 WHERE id = $2",
                               {int64_t{disabled ? 1 : 0}, user_id})
                      .status());
  user.disabled = disabled;
  int64_t revoked = 0;
  if (disabled) {
    ASSIGN_OR_RETURN(revoked, RevokeAll(writer, user_id, now));
  }
  boost::json::object after = boost::json::parse(user.ToJson()).as_object();
  if (!reason.empty()) after["reason"] = std::string(reason);
  if (disabled) after["sessions_revoked"] = revoked;
  RETURN_IF_ERROR(
      audit::AppendAudit(writer, clock,
                         {actor.id, disabled ? "user.disable" : "user.enable", Target(user_id),
                          before.ToJson(), boost::json::serialize(after), actor.request_id}));
  return user;
}

Result<User> SetUserPassword(storage::Connection& writer, const Clock& clock, int64_t user_id,
                             const std::string& password_hash, const Actor& actor) {
  ASSIGN_OR_RETURN(User user, RequireUser(writer, user_id));
  if (user.role == auth::Role::kCitizen) {
    return FailedPreconditionError("citizens log in with a one-time code and have no password",
                                   "password");
  }
  if (password_hash.empty()) return InvalidArgumentError("a password is required", "password");
  const int64_t now = ToUnixSeconds(clock.Now());
  RETURN_IF_ERROR(
      writer.Execute("UPDATE users SET password_hash = $1 WHERE id = $2", {password_hash, user_id})
          .status());
  ASSIGN_OR_RETURN(int64_t revoked, RevokeAll(writer, user_id, now));
  user.password_hash = password_hash;
  // The audit row says that the password changed, never what it is or was.
  RETURN_IF_ERROR(
      audit::AppendAudit(writer, clock,
                         {actor.id, "user.password_reset", Target(user_id), user.ToJson(),
                          JsonWith(user, "sessions_revoked", revoked), actor.request_id}));
  return user;
}

Result<User> SetCitizenBirthDate(storage::Connection& writer, const Clock& clock, int64_t user_id,
                                 const std::string& birth_date, const Actor& actor) {
  ASSIGN_OR_RETURN(User user, RequireUser(writer, user_id));
  if (user.role != auth::Role::kCitizen) {
    return FailedPreconditionError("only citizen accounts have a birth date", "birth_date");
  }
  NewUser check;
  check.username = user.username;
  check.role = user.role;
  check.birth_date = birth_date;
  RETURN_IF_ERROR(ValidateNewUser(check));
  if (birth_date.empty()) return InvalidArgumentError("birth_date is required", "birth_date");
  if (user.birth_date == birth_date) return user;
  const User before = user;
  RETURN_IF_ERROR(
      writer.Execute("UPDATE users SET birth_date = $1 WHERE id = $2", {birth_date, user_id})
          .status());
  user.birth_date = birth_date;
  RETURN_IF_ERROR(audit::AppendAudit(writer, clock,
                                     {actor.id, "user.birth_date", Target(user_id), before.ToJson(),
                                      user.ToJson(), actor.request_id}));
  return user;
}

Result<User> SetUserBinding(storage::Connection& writer, const Clock& clock, int64_t user_id,
                            const Binding& binding, const Actor& actor) {
  ASSIGN_OR_RETURN(User user, RequireUser(writer, user_id));
  if ((user.role == auth::Role::kCitizen) != (binding.role == auth::Role::kCitizen)) {
    return InvalidArgumentError(
        "an account cannot change to or from the citizen role; create a new account", "role");
  }
  NewUser check;
  check.username = user.username;
  check.role = binding.role;
  check.display_name = user.display_name;
  check.password_hash = user.password_hash;
  check.facility_code = binding.facility_code;
  check.admin_unit_code = binding.admin_unit_code;
  check.phone = user.phone;
  RETURN_IF_ERROR(ValidateNewUser(check));
  if (user.role == binding.role && user.facility_code == binding.facility_code &&
      user.admin_unit_code == binding.admin_unit_code) {
    return user;
  }
  const int64_t now = ToUnixSeconds(clock.Now());
  const User before = user;
  auto null_if_empty = [](const std::string& s) {
    return s.empty() ? storage::Value(nullptr) : storage::Value(s);
  };
  RETURN_IF_ERROR(
      writer
          .Execute("UPDATE users SET role = $1, facility_code = $2, "
                   "admin_unit_code = $3 WHERE id = $4",
                   {std::string(auth::RoleName(binding.role)), null_if_empty(binding.facility_code),
                    null_if_empty(binding.admin_unit_code), user_id})
          .status());
  ASSIGN_OR_RETURN(int64_t revoked, RevokeAll(writer, user_id, now));
  user.role = binding.role;
  user.facility_code = binding.facility_code;
  user.admin_unit_code = binding.admin_unit_code;
  RETURN_IF_ERROR(
      audit::AppendAudit(writer, clock,
                         {actor.id, "user.update", Target(user_id), before.ToJson(),
                          JsonWith(user, "sessions_revoked", revoked), actor.request_id}));
  return user;
}

Result<std::vector<SessionInfo>> ListActiveSessions(storage::Connection& conn, int64_t user_id,
                                                    int64_t now) {
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT token_hash, created_at, expires_at FROM sessions "
                              "WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 "
                              "ORDER BY created_at DESC, token_hash",
                              {user_id, now}));
  std::vector<SessionInfo> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    out.push_back({SessionHandle(row.Text(0)), row.Int(1), row.Int(2)});
  }
  return out;
}

Result<int64_t> RevokeUserSessions(storage::Connection& writer, const Clock& clock, int64_t user_id,
                                   std::string_view session_id, const Actor& actor) {
  ASSIGN_OR_RETURN(User user, RequireUser(writer, user_id));
  const int64_t now = ToUnixSeconds(clock.Now());
  int64_t revoked = 0;
  if (session_id.empty()) {
    ASSIGN_OR_RETURN(revoked, RevokeAll(writer, user_id, now));
  } else {
    ASSIGN_OR_RETURN(storage::Rows rows,
                     writer.Query("SELECT token_hash FROM sessions WHERE user_id = $1 AND "
                                  "revoked_at IS NULL AND expires_at > $2",
                                  {user_id, now}));
    for (const auto& row : rows) {
      if (SessionHandle(row.Text(0)) != session_id) continue;
      ASSIGN_OR_RETURN(revoked,
                       writer.Execute("UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2",
                                      {now, row.Text(0)}));
      break;
    }
    if (revoked == 0) {
      return NotFoundError("the account has no active session with that id");
    }
  }
  if (revoked == 0) return revoked;
  boost::json::object after{{"sessions_revoked", revoked}};
  if (!session_id.empty()) after["session_id"] = std::string(session_id);
  RETURN_IF_ERROR(audit::AppendAudit(writer, clock,
                                     {actor.id, "session.revoke", Target(user.id), "null",
                                      boost::json::serialize(after), actor.request_id}));
  return revoked;
}

}  // namespace vaxreg::accounts
