#include "accounts/user_store.h"

#include <boost/json.hpp>

#include "geo/admin_units.h"

namespace vaxreg::accounts {
namespace {

using storage::Value;

constexpr std::string_view kUserColumns =
    "id, username, role, display_name, password_hash, facility_code, admin_unit_code, phone, "
    "disabled, created_at, birth_date, phone_verified_at, signup_pending";

Result<User> UserFromRow(const storage::Row& row) {
  User u;
  u.id = row.Int(0);
  u.username = row.Text(1);
  ASSIGN_OR_RETURN(u.role, auth::ParseRole(row.Text(2)));
  u.display_name = row.Text(3);
  u.password_hash = row.IsNull(4) ? "" : row.Text(4);
  u.facility_code = row.IsNull(5) ? "" : row.Text(5);
  u.admin_unit_code = row.IsNull(6) ? "" : row.Text(6);
  u.phone = row.IsNull(7) ? "" : row.Text(7);
  u.disabled = row.Int(8) != 0;
  u.created_at = row.Int(9);
  u.birth_date = row.IsNull(10) ? "" : row.Text(10);
  u.phone_verified_at = row.IsNull(11) ? 0 : row.Int(11);
  u.signup_pending = row.Int(12) != 0;
  return u;
}

Value NullIfEmpty(const std::string& s) { return s.empty() ? Value(nullptr) : Value(s); }

bool AllDigits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// 'YYYY-MM-DD' by shape only.
bool IsIsoDateShape(std::string_view s) {
  return s.size() == 10 && s[4] == '-' && s[7] == '-' && AllDigits(s.substr(0, 4)) &&
         AllDigits(s.substr(5, 2)) && AllDigits(s.substr(8, 2));
}

Result<std::optional<User>> FindOne(storage::Connection& conn, std::string_view where, Value key) {
  std::string sql = "SELECT " + std::string(kUserColumns) + " FROM users WHERE " +
                    std::string(where);
  ASSIGN_OR_RETURN(storage::Rows rows, conn.Query(sql, {std::move(key)}));
  if (rows.empty()) return std::optional<User>();
  ASSIGN_OR_RETURN(User u, UserFromRow(rows[0]));
  return std::optional<User>(std::move(u));
}

}  // namespace

auth::Principal User::ToPrincipal() const {
  auth::Principal p;
  p.user_id = id;
  p.username = username;
  p.role = role;
  p.facility_code = facility_code;
  p.admin_unit_code = admin_unit_code;
  return p;
}

std::string User::ToJson() const {
  boost::json::object o;
  o["id"] = id;
  o["username"] = username;
  o["role"] = std::string(auth::RoleName(role));
  o["display_name"] = display_name;
  if (!facility_code.empty()) o["facility_code"] = facility_code;
  if (!admin_unit_code.empty()) o["admin_unit_code"] = admin_unit_code;
  if (!phone.empty()) o["phone"] = phone;
  if (!birth_date.empty()) o["birth_date"] = birth_date;
  if (phone_verified_at != 0) o["phone_verified_at"] = phone_verified_at;
  if (signup_pending) o["signup_pending"] = true;
  o["disabled"] = disabled;
  o["created_at"] = created_at;
  return boost::json::serialize(o);
}

Status ValidateNewUser(const NewUser& u) {
  if (u.role == auth::Role::kCitizen) {
    if (u.username.size() != 12 || !AllDigits(u.username)) {
      return InvalidArgumentError("a citizen's username is their 12-digit CCCD number",
                                  "username");
    }
  } else {
    if (u.username.size() < 3 || u.username.size() > 64 ||
        u.username.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                     "0123456789._@-") != std::string::npos) {
      return InvalidArgumentError(
          "username must be 3-64 characters of letters, digits, '.', '_', '@' or '-'", "username");
    }
    if (u.password_hash.empty()) {
      return InvalidArgumentError("a password is required for this role", "password");
    }
  }
  if (!u.birth_date.empty()) {
    if (u.role != auth::Role::kCitizen) {
      return InvalidArgumentError("only citizen accounts have a birth_date", "birth_date");
    }
    if (!IsIsoDateShape(u.birth_date)) {
      return InvalidArgumentError("birth_date must be YYYY-MM-DD", "birth_date");
    }
  }
  if (u.display_name.size() > 200) {
    return InvalidArgumentError("display_name must be at most 200 bytes", "display_name");
  }
  const bool staff = u.role == auth::Role::kFacilityStaff;
  if (staff && u.facility_code.empty()) {
    return InvalidArgumentError("facility_staff accounts must be bound to a facility",
                                "facility_code");
  }
  if (!staff && !u.facility_code.empty()) {
    return InvalidArgumentError("only facility_staff accounts have a facility", "facility_code");
  }
  if (!u.facility_code.empty() &&
      (u.facility_code.size() > 32 ||
       u.facility_code.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") !=
           std::string::npos)) {
    return InvalidArgumentError("facility_code must be up to 32 of A-Z, 0-9, '-', '_'",
                                "facility_code");
  }
  const bool authority = u.role == auth::Role::kHealthAuthority;
  if (authority) {
    if (geo::AdminUnits::Get().Find(u.admin_unit_code) == nullptr) {
      return InvalidArgumentError(
          "health_authority accounts need admin_unit_code: VN (national) or the GSO code of an "
          "existing province (2 digits), district (3) or commune (5)",
          "admin_unit_code");
    }
  } else if (!u.admin_unit_code.empty()) {
    return InvalidArgumentError("only health_authority accounts have an admin_unit_code",
                                "admin_unit_code");
  }
  return Status::Ok();
}

Result<User> CreateUser(storage::Connection& writer, const Clock& clock, const NewUser& nu,
                        const Actor& actor) {
  RETURN_IF_ERROR(ValidateNewUser(nu));
  const int64_t now = ToUnixSeconds(clock.Now());
  auto rows = writer.Query(
      "INSERT INTO users (username, role, display_name, password_hash, facility_code, "
      "admin_unit_code, phone, disabled, created_at, birth_date) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9) RETURNING id",
      {nu.username, std::string(auth::RoleName(nu.role)), nu.display_name,
       NullIfEmpty(nu.password_hash), NullIfEmpty(nu.facility_code),
       NullIfEmpty(nu.admin_unit_code), NullIfEmpty(nu.phone), now, NullIfEmpty(nu.birth_date)});
  if (!rows.ok()) {
    if (rows.status().code() == StatusCode::kAlreadyExists) {
      return AlreadyExistsError("username '" + nu.username + "' is taken", "username");
    }
    return rows.status();
  }
  User u;
  u.id = (*rows)[0].Int(0);
  u.username = nu.username;
  u.role = nu.role;
  u.display_name = nu.display_name;
  u.password_hash = nu.password_hash;
  u.facility_code = nu.facility_code;
  u.admin_unit_code = nu.admin_unit_code;
  u.phone = nu.phone;
  u.birth_date = nu.birth_date;
  u.created_at = now;
  RETURN_IF_ERROR(audit::AppendAudit(
      writer, clock,
      {actor.id, "user.create", "user:" + std::to_string(u.id), "null", u.ToJson(),
       actor.request_id}));
  return u;
}

Result<std::optional<User>> FindUserByUsername(storage::Connection& conn,
                                               std::string_view username) {
  return FindOne(conn, "username = $1", std::string(username));
}

Result<std::optional<User>> FindUserById(storage::Connection& conn, int64_t id) {
  return FindOne(conn, "id = $1", id);
}

Result<std::vector<User>> ListUsers(storage::Connection& conn, int64_t after_id, int limit,
                                    std::string_view role, std::optional<std::string> staff_unit) {
  std::string sql = "SELECT " + std::string(kUserColumns) +
                    " FROM users WHERE id > $1 AND ($3 = '' OR role = $3)";
  std::vector<storage::Value> params{after_id, int64_t{limit}, std::string(role)};
  if (staff_unit) {
    // Facility staff of facilities in the unit ("" = every facility).
    params.emplace_back(*staff_unit);
    sql += " AND role = 'facility_staff' AND ($4 = '' OR facility_code IN (SELECT code FROM "
           "facilities WHERE province_code = $4 OR district_code = $4 OR commune_code = $4))";
  }
  sql += " ORDER BY id LIMIT $2";
  ASSIGN_OR_RETURN(storage::Rows rows, conn.Query(sql, params));
  std::vector<User> out;
  for (const auto& row : rows) {
    ASSIGN_OR_RETURN(User u, UserFromRow(row));
    out.push_back(std::move(u));
  }
  return out;
}

}  // namespace vaxreg::accounts
