#include "accounts/citizen_signup.h"

#include <array>

namespace vaxreg::accounts {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// Mobile prefixes after the 2018 renumbering (the first three digits of the 10-digit form):
// Viettel 032-039, 086, 096-098; Vinaphone 081-085, 088, 091, 094; MobiFone 070, 076-079, 089,
// 090, 093; Vietnamobile 052, 056, 058, 092; Reddi 055; Gmobile 059, 099; iTel 087.
bool IsMobilePrefix(std::string_view p) {
  static constexpr std::array<std::string_view, 36> kPrefixes = {
      "032", "033", "034", "035", "036", "037", "038", "039", "052", "055", "056", "058",
      "059", "070", "076", "077", "078", "079", "081", "082", "083", "084", "085", "086",
      "087", "088", "089", "090", "091", "092", "093", "094", "096", "097", "098", "099"};
  for (std::string_view k : kPrefixes) {
    if (k == p) return true;
  }
  return false;
}

}  // namespace

Result<std::string> NormaliseMobilePhone(std::string_view text) {
  const auto bad = [] {
    return InvalidArgumentError(
        "phone must be a Vietnamese mobile number: 10 digits starting 03, 05, 07, 08 or 09, or "
        "the same with +84 instead of the leading 0",
        "phone");
  };
  if (text.size() > 32) return bad();
  std::string digits;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c == '+' && digits.empty() && i + 1 < text.size()) {
      // "+" only as the international prefix, which must be Viet Nam's.
      if (text.substr(i + 1, 2) != "84") return bad();
    } else if (c != ' ' && c != '.' && c != '-' && c != '(' && c != ')') {
      return bad();
    }
  }
  // "0084 912...", then "84 912..." and "+84 (0) 912...", then "912..." without its 0.
  if (digits.rfind("0084", 0) == 0) digits.erase(0, 2);
  if (digits.size() == 11 && digits.rfind("84", 0) == 0) digits.replace(0, 2, "0");
  if (digits.size() == 12 && digits.rfind("840", 0) == 0) digits.erase(0, 2);
  if (digits.size() == 9 && digits[0] != '0') digits.insert(0, "0");
  if (digits.size() != 10 || digits[0] != '0' || !IsMobilePrefix(digits.substr(0, 3))) {
    return bad();
  }
  return digits;
}

Status ValidateCitizenSignUp(const CitizenSignUp& in) {
  if (in.cccd.size() != 12 || !AllDigits(in.cccd)) {
    return InvalidArgumentError("cccd must be 12 digits", "cccd");
  }
  if (in.birth_date.size() != 10 || in.birth_date[4] != '-' || in.birth_date[7] != '-') {
    return InvalidArgumentError("birth_date must be YYYY-MM-DD", "birth_date");
  }
  auto phone = NormaliseMobilePhone(in.phone);
  if (!phone.ok()) return phone.status();
  if (*phone != in.phone) {
    return InvalidArgumentError("phone must be in stored form (NormaliseMobilePhone)", "phone");
  }
  return Status::Ok();
}

Result<std::optional<User>> ApplyCitizenSignUp(storage::Connection& writer, const Clock& clock,
                                               const CitizenSignUp& in,
                                               const std::string& request_id) {
  RETURN_IF_ERROR(ValidateCitizenSignUp(in));
  const int64_t now = ToUnixSeconds(clock.Now());
  ASSIGN_OR_RETURN(std::optional<User> existing, FindUserByUsername(writer, in.cccd));
  if (!existing) {
    // ON CONFLICT: another server may have created the account since the read above; then this
    // sign-up changes nothing, as for any existing account that is not pending.
    ASSIGN_OR_RETURN(
        storage::Rows rows,
        writer.Query(
            "INSERT INTO users (username, role, display_name, phone, disabled, created_at, "
            "birth_date, signup_pending) VALUES ($1, 'citizen', '', $2, 0, $3, $4, 1) "
            "ON CONFLICT (username) DO NOTHING RETURNING id",
            {in.cccd, in.phone, now, in.birth_date}));
    if (rows.empty()) return std::optional<User>();
    User u;
    u.id = rows[0].Int(0);
    u.username = in.cccd;
    u.role = auth::Role::kCitizen;
    u.phone = in.phone;
    u.birth_date = in.birth_date;
    u.signup_pending = true;
    u.created_at = now;
    RETURN_IF_ERROR(
        audit::AppendAudit(writer, clock,
                           {u.ToPrincipal().ActorId(), "user.create",
                            "user:" + std::to_string(u.id), "null", u.ToJson(), request_id}));
    return std::optional<User>(std::move(u));
  }
  const User& old = *existing;
  const bool claimable = old.role == auth::Role::kCitizen && !old.disabled &&
                         old.phone_verified_at == 0 && (old.signup_pending || old.phone.empty());
  if (!claimable) return std::optional<User>();
  User u = old;
  u.phone = in.phone;
  u.birth_date = in.birth_date;
  u.signup_pending = true;
  // The guard repeats the checks above, so a concurrent verification elsewhere wins.
  ASSIGN_OR_RETURN(storage::Rows rows,
                   writer.Query("UPDATE users SET phone = $1, birth_date = $2, signup_pending = 1 "
                                "WHERE id = $3 AND phone_verified_at IS NULL AND disabled = 0 "
                                "RETURNING id",
                                {u.phone, u.birth_date, u.id}));
  if (rows.empty()) return std::optional<User>();
  // Codes sent to the earlier phone die with it.
  RETURN_IF_ERROR(writer
                      .Execute("UPDATE otp_codes SET expires_at = $1 WHERE user_id = $2 AND "
                               "used_at IS NULL AND expires_at > $1",
                               {now, u.id})
                      .status());
  RETURN_IF_ERROR(
      audit::AppendAudit(writer, clock,
                         {u.ToPrincipal().ActorId(), "user.signup", "user:" + std::to_string(u.id),
                          old.ToJson(), u.ToJson(), request_id}));
  return std::optional<User>(std::move(u));
}

Result<User> MarkPhoneVerified(storage::Connection& writer, const Clock& clock, const User& user,
                               const std::string& request_id) {
  if (user.phone_verified_at != 0 || user.phone.empty()) return user;
  User u = user;
  u.phone_verified_at = ToUnixSeconds(clock.Now());
  u.signup_pending = false;
  RETURN_IF_ERROR(writer
                      .Execute("UPDATE users SET phone_verified_at = $1, signup_pending = 0 "
                               "WHERE id = $2 AND phone_verified_at IS NULL",
                               {u.phone_verified_at, u.id})
                      .status());
  RETURN_IF_ERROR(
      audit::AppendAudit(writer, clock,
                         {u.ToPrincipal().ActorId(), "user.phone_verify",
                          "user:" + std::to_string(u.id), user.ToJson(), u.ToJson(), request_id}));
  return u;
}

}  // namespace vaxreg::accounts
