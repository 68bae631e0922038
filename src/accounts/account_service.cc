#include "accounts/account_service.h"

#include <sodium.h>

#include "common/crypto_util.h"
#include "common/logging.h"

namespace vaxreg::accounts {
namespace {

const Status kBadCredentials = UnauthenticatedError("invalid username or password");
const Status kBadCode = UnauthenticatedError("invalid or expired one-time code");

std::string HashOtp(int64_t user_id, std::string_view code) {
  return HexEncode(Sha256(std::to_string(user_id) + ":" + std::string(code)));
}

constexpr std::chrono::seconds kDay = std::chrono::hours(24);

// Throttle keys (only their hashes are stored; accounts/throttle_store.h).
std::string AddressKey(std::string_view remote) { return "addr:" + std::string(remote); }
std::string FailureKey(std::string_view username) { return "fail:" + std::string(username); }

// One-time-code issuance limits, per CCCD and per phone number: a counter per window and one per
// day, under the keys "<kind>:<subject>" and "<kind>-day:<subject>".
constexpr std::string_view kCccdCodes = "otp-cccd";
constexpr std::string_view kPhoneCodes = "otp-phone";

struct CodeLimits {
  ThrottleLimit window;
  ThrottleLimit day;
};

CodeLimits Limits(const AccountOptions& o) {
  return {{o.otp_codes_per_window, o.otp_window}, {o.otp_codes_per_day, kDay}};
}

// Seconds until `subject` may have another code (0: now).
Result<int64_t> CodeWait(storage::Connection& conn, std::string_view kind, std::string_view subject,
                         const CodeLimits& limits, int64_t now) {
  const std::string s(subject);
  ASSIGN_OR_RETURN(int64_t window,
                   ThrottleRetryAfter(conn, std::string(kind) + ":" + s, limits.window, now));
  ASSIGN_OR_RETURN(int64_t day,
                   ThrottleRetryAfter(conn, std::string(kind) + "-day:" + s, limits.day, now));
  return std::max(window, day);
}

Status CountCode(storage::Connection& writer, std::string_view kind, std::string_view subject,
                 const CodeLimits& limits, int64_t now) {
  const std::string s(subject);
  RETURN_IF_ERROR(
      ThrottleHit(writer, std::string(kind) + ":" + s, limits.window.window, now).status());
  return ThrottleHit(writer, std::string(kind) + "-day:" + s, limits.day.window, now).status();
}

// The text with the code, in Vietnamese and English; the outbox keeps only stored_body.
Message CodeMessage(const std::string& phone, const std::string& code, std::chrono::seconds ttl,
                    bool signup) {
  const std::string minutes = std::to_string(ttl.count() / 60);
  Message m;
  m.channel = "sms";
  m.recipient = phone;
  m.subject = "Mã đăng nhập vaxreg / vaxreg login code";
  m.body = "Mã đăng nhập vaxreg của bạn là " + code + ", hết hạn sau " + minutes + " phút. ";
  if (signup) m.body += "Nếu bạn không đăng ký, hãy bỏ qua tin nhắn này. ";
  m.body += "Your vaxreg login code is " + code + ". It expires in " + minutes + " minutes.";
  if (signup) m.body += " If you did not sign up, ignore this message.";
  m.secret = code;
  m.stored_body = "Đã gửi mã đăng nhập vaxreg, hết hạn sau " + minutes +
                  " phút; mã không được lưu. A vaxreg login code was sent; it expires in " +
                  minutes + " minutes. The code is not stored.";
  return m;
}

std::string SixDigitCode() {
  // Uniform in [0, 10^6): randombytes_uniform avoids modulo bias.
  std::string code = std::to_string(randombytes_uniform(1000000));
  return std::string(6 - code.size(), '0') + code;
}

}  // namespace

std::string HashToken(std::string_view token) { return HexEncode(Sha256(token)); }

AccountService::AccountService(storage::Database& db, const Clock& clock, Notifier& notifier,
                               AccountOptions options)
    : db_(db),
      clock_(clock),
      notifier_(notifier),
      options_(options),
      sessions_(clock, options.session_cache_ttl) {}

Status AccountService::CheckAddressThrottle(storage::Connection& writer, std::string_view remote) {
  const int64_t now = ToUnixSeconds(clock_.Now());
  const std::string key = AddressKey(remote);
  ASSIGN_OR_RETURN(
      int64_t wait,
      ThrottleRetryAfter(writer, key,
                         {options_.address_attempts_per_window, options_.address_window}, now));
  if (wait > 0) {
    return ResourceExhaustedError("too many login attempts from this address; try again in " +
                                  std::to_string(wait) + " s");
  }
  return ThrottleHit(writer, key, options_.address_window, now).status();
}

Status AccountService::CheckAccountThrottle(storage::Connection& conn, std::string_view username) {
  ASSIGN_OR_RETURN(int64_t wait, ThrottleRetryAfter(conn, FailureKey(username),
                                                    {options_.account_failures_per_window,
                                                     options_.account_window},
                                                    ToUnixSeconds(clock_.Now())));
  if (wait > 0) {
    return ResourceExhaustedError("too many failed logins for this account; try again in " +
                                  std::to_string(wait) + " s");
  }
  return Status::Ok();
}

Status AccountService::CheckThrottle(storage::Connection& writer, std::string_view username,
                                     std::string_view remote) {
  RETURN_IF_ERROR(CheckAddressThrottle(writer, remote));
  return CheckAccountThrottle(writer, username);
}

Status AccountService::RecordLoginFailure(storage::Connection& writer, std::string_view username) {
  return ThrottleHit(writer, FailureKey(username), options_.account_window,
                     ToUnixSeconds(clock_.Now()))
      .status();
}

Status AccountService::RecordLoginSuccess(storage::Connection& writer, std::string_view username) {
  return ThrottleReset(writer, FailureKey(username));
}

Result<User> AccountService::CheckPassword(std::string_view username, std::string_view password) {
  if (username.empty() || username.size() > 64 || password.size() > 1024) return kBadCredentials;
  ASSIGN_OR_RETURN(auto conn, db_.Acquire());
  ASSIGN_OR_RETURN(std::optional<User> user, FindUserByUsername(*conn, username));
  if (!user || user->password_hash.empty() || user->disabled) {
    BurnPasswordVerification(options_.password_cost);
    return kBadCredentials;
  }
  if (!VerifyPassword(user->password_hash, password)) return kBadCredentials;
  return *std::move(user);
}

Result<Session> AccountService::CreateSession(storage::Connection& writer, const User& user,
                                              const std::string& request_id) {
  Session s;
  s.token = Base64UrlEncode(RandomBytes(32));
  const int64_t now = ToUnixSeconds(clock_.Now());
  s.expires_at = now + options_.session_ttl.count();
  s.user = user;
  RETURN_IF_ERROR(writer
                      .Execute("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) "
                               "VALUES ($1, $2, $3, $4)",
                               {HashToken(s.token), user.id, now, s.expires_at})
                      .status());
  RETURN_IF_ERROR(audit::AppendAudit(
      writer, clock_,
      {user.ToPrincipal().ActorId(), "session.create", "user:" + std::to_string(user.id), "null",
       "{\"expires_at\":" + std::to_string(s.expires_at) + "}", request_id}));
  return s;
}

Status AccountService::IssueOtp(storage::Connection& writer, std::string_view cccd,
                                const std::string& request_id) {
  const int64_t now = ToUnixSeconds(clock_.Now());
  // Issuance limits per CCCD, counted whether or not an account exists (the same answer and the
  // same writes for both), then per phone number for a real account.
  const CodeLimits limits = Limits(options_);
  ASSIGN_OR_RETURN(int64_t wait, CodeWait(writer, kCccdCodes, cccd, limits, now));
  if (wait > 0) {
    return ResourceExhaustedError("too many login codes requested for this CCCD; try again in " +
                                  std::to_string(wait) + " s");
  }
  RETURN_IF_ERROR(CountCode(writer, kCccdCodes, cccd, limits, now));

  ASSIGN_OR_RETURN(std::optional<User> user, FindUserByUsername(writer, cccd));
  if (!user || user->role != auth::Role::kCitizen || user->disabled) return Status::Ok();
  // A code goes to the account's own phone or nowhere: never to the CCCD or another address.
  if (user->phone.empty()) {
    spdlog::info("one-time code for user {} not sent: the account has no phone", user->id);
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(int64_t phone_wait, CodeWait(writer, kPhoneCodes, user->phone, limits, now));
  if (phone_wait > 0) {
    // Silent: the caller asked about this CCCD, whose own limit is not reached; answering
    // differently would tell that the account exists and shares its phone.
    spdlog::warn("one-time code for user {} not sent: its phone number has had its codes",
                 user->id);
    return Status::Ok();
  }
  RETURN_IF_ERROR(CountCode(writer, kPhoneCodes, user->phone, limits, now));
  return SendCode(writer, *user, false, request_id);
}

Status AccountService::SignUp(storage::Connection& writer, const CitizenSignUp& in,
                              const std::string& request_id) {
  RETURN_IF_ERROR(ValidateCitizenSignUp(in));
  const int64_t now = ToUnixSeconds(clock_.Now());
  // Both limits are checked and counted before the accounts table is read, so whether an account
  // exists changes neither the answer nor what the counters show later.
  const CodeLimits limits = Limits(options_);
  ASSIGN_OR_RETURN(int64_t cccd_wait, CodeWait(writer, kCccdCodes, in.cccd, limits, now));
  ASSIGN_OR_RETURN(int64_t phone_wait, CodeWait(writer, kPhoneCodes, in.phone, limits, now));
  if (const int64_t wait = std::max(cccd_wait, phone_wait); wait > 0) {
    return ResourceExhaustedError(
        "too many codes requested for this CCCD or phone number; try again in " +
        std::to_string(wait) + " s");
  }
  RETURN_IF_ERROR(CountCode(writer, kCccdCodes, in.cccd, limits, now));
  RETURN_IF_ERROR(CountCode(writer, kPhoneCodes, in.phone, limits, now));
  ASSIGN_OR_RETURN(std::optional<User> user, ApplyCitizenSignUp(writer, clock_, in, request_id));
  if (!user) return Status::Ok();
  return SendCode(writer, *user, true, request_id);
}

Status AccountService::SendCode(storage::Connection& writer, const User& user, bool signup,
                                const std::string& request_id) {
  if (user.phone.empty()) return InternalError("a one-time code needs the account's phone");
  const int64_t now = ToUnixSeconds(clock_.Now());
  const std::string code = SixDigitCode();
  const int64_t expires = now + options_.otp_ttl.count();
  RETURN_IF_ERROR(writer
                      .Execute("INSERT INTO otp_codes (user_id, code_hash, created_at, expires_at) "
                               "VALUES ($1, $2, $3, $4)",
                               {user.id, HashOtp(user.id, code), now, expires})
                      .status());
  RETURN_IF_ERROR(audit::AppendAudit(
      writer, clock_,
      {user.ToPrincipal().ActorId(), "otp.issue", "user:" + std::to_string(user.id), "null",
       "{\"expires_at\":" + std::to_string(expires) + "}", request_id}));
  return notifier_.Send(writer, CodeMessage(user.phone, code, options_.otp_ttl, signup));
}

Result<Session> AccountService::LoginWithOtp(storage::Connection& writer, std::string_view cccd,
                                             std::string_view code, const std::string& request_id) {
  if (code.size() != 6) return kBadCode;
  ASSIGN_OR_RETURN(std::optional<User> user, FindUserByUsername(writer, cccd));
  if (!user || user->role != auth::Role::kCitizen || user->disabled) return kBadCode;
  const int64_t now = ToUnixSeconds(clock_.Now());
  ASSIGN_OR_RETURN(storage::Rows rows,
                   writer.Query("SELECT id, code_hash, attempts FROM otp_codes WHERE user_id = $1 "
                                "AND used_at IS NULL AND expires_at > $2 "
                                "ORDER BY created_at DESC, id DESC LIMIT 1",
                                {user->id, now}));
  if (rows.empty()) return kBadCode;
  const int64_t otp_id = rows[0].Int(0);
  if (rows[0].Int(2) >= options_.otp_max_attempts) return kBadCode;
  if (!ConstantTimeEquals(rows[0].Text(1), HashOtp(user->id, code))) {
    // Counted even though the login fails; see the contract in the header.
    RETURN_IF_ERROR(
        writer.Execute("UPDATE otp_codes SET attempts = attempts + 1 WHERE id = $1", {otp_id})
            .status());
    return kBadCode;
  }
  RETURN_IF_ERROR(
      writer.Execute("UPDATE otp_codes SET used_at = $1 WHERE id = $2", {now, otp_id}).status());
  // The code reached the account's phone: that proves the phone.
  ASSIGN_OR_RETURN(User verified, MarkPhoneVerified(writer, clock_, *user, request_id));
  return CreateSession(writer, verified, request_id);
}

Result<auth::Principal> AccountService::Authenticate(std::string_view token) {
  static const Status kBadToken = UnauthenticatedError("invalid or expired token");
  if (token.empty() || token.size() > 128) return kBadToken;
  const std::string token_hash = HashToken(token);
  if (auto cached = sessions_.Find(token_hash)) return *std::move(cached);
  const uint64_t generation = sessions_.Generation();
  ASSIGN_OR_RETURN(auto conn, db_.Acquire());
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn->Query("SELECT s.user_id, s.expires_at, s.revoked_at FROM sessions s "
                               "WHERE s.token_hash = $1",
                               {token_hash}));
  const int64_t expires_at = rows.empty() ? 0 : rows[0].Int(1);
  if (rows.empty() || !rows[0].IsNull(2) || expires_at <= ToUnixSeconds(clock_.Now())) {
    return kBadToken;
  }
  ASSIGN_OR_RETURN(std::optional<User> user, FindUserById(*conn, rows[0].Int(0)));
  if (!user || user->disabled) return kBadToken;
  auth::Principal principal = user->ToPrincipal();
  sessions_.Insert(token_hash, principal, expires_at, generation);
  return principal;
}

void AccountService::ForgetSession(std::string_view token) { sessions_.Erase(HashToken(token)); }

void AccountService::ForgetUserSessions(int64_t user_id) { sessions_.EraseUser(user_id); }

Status AccountService::RevokeSession(storage::Connection& writer, std::string_view token,
                                     const Actor& actor) {
  const int64_t now = ToUnixSeconds(clock_.Now());
  ASSIGN_OR_RETURN(storage::Rows rows,
                   writer.Query("UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2 AND "
                                "revoked_at IS NULL AND expires_at > $1 RETURNING user_id",
                                {now, HashToken(token)}));
  if (rows.empty()) return UnauthenticatedError("session is not active");
  return audit::AppendAudit(writer, clock_,
                            {actor.id, "session.revoke", "user:" + std::to_string(rows[0].Int(0)),
                             "{\"active\":true}", "{\"active\":false}", actor.request_id});
}

}  // namespace vaxreg::accounts
