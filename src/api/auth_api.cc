// Login, one-time codes, citizens' sign-up, logout and "who am I".

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/json.hpp>
#include <chrono>

#include "api/async_bridge.h"
#include "api/citizen_fields.h"
#include "api/routes.h"
#include "http/json.h"
#include "registry/person.h"

namespace vaxreg::api {
namespace {

namespace http_ = boost::beast::http;
using http::asio::awaitable;

boost::json::object SessionJson(const accounts::Session& s) {
  return {{"token", s.token},
          {"token_type", "Bearer"},
          {"expires_at", s.expires_at},
          {"user", boost::json::parse(s.user.ToJson())}};
}

std::string BearerToken(const http::Request& req) {
  auto it = req.find(http_::field::authorization);
  if (it == req.end()) return {};
  std::string_view v = it->value();
  constexpr std::string_view kPrefix = "Bearer ";
  if (v.size() <= kPrefix.size() || v.substr(0, kPrefix.size()) != kPrefix) return {};
  return std::string(v.substr(kPrefix.size()));
}

// Suspends the calling coroutine until `deadline` (steady clock); returns at once if it passed.
awaitable<void> SleepUntil(std::chrono::steady_clock::time_point deadline) {
  if (std::chrono::steady_clock::now() >= deadline) co_return;
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, deadline);
  boost::system::error_code ec;  // cancelled at shutdown: answer at once
  co_await timer.async_wait(boost::asio::redirect_error(http::asio::use_awaitable, ec));
}

// POST /api/v1/auth/login
//   {"username": "...", "password": "..."}   staff, authorities, signers, admins
//   {"cccd": "...", "code": "123456"}         citizens, after POST /api/v1/auth/otp
awaitable<http::Response> Login(ApiServices& s, http::RequestContext& ctx) {
  auto body = http::ParseJsonObject(ctx.request);
  if (!body.ok()) co_return http::ErrorResponse(body.status(), ctx.request);
  const bool citizen = body->contains("cccd");
  auto username =
      citizen ? http::RequireString(*body, "cccd") : http::RequireString(*body, "username");
  if (!username.ok()) co_return http::ErrorResponse(username.status(), ctx.request);
  auto secret =
      citizen ? http::RequireString(*body, "code") : http::RequireString(*body, "password");
  if (!secret.ok()) co_return http::ErrorResponse(secret.status(), ctx.request);

  // Throttle counters live in the database (shared by every server process). A refusal or a
  // wrong credential is a committed outcome, not a failed write: the WriteFns return OK for them
  // so that the counts they wrote commit.
  Result<accounts::Session> session = InternalError("login did not run");
  if (citizen) {
    // One-time codes: no account-wide failure counter (a stranger's guesses must not lock the
    // owner out); each code allows a few attempts (AccountService::LoginWithOtp).
    storage::WriteFn login = [&](storage::Connection& c) -> Status {
      if (Status t = s.accounts.CheckAddressThrottle(c, ctx.remote_address); !t.ok()) {
        session = t;
        return t.code() == StatusCode::kResourceExhausted ? Status::Ok() : t;
      }
      session = s.accounts.LoginWithOtp(c, *username, *secret, ctx.request_id);
      if (session.status().code() == StatusCode::kUnauthenticated) return Status::Ok();
      return session.status();
    };
    Status st = co_await AwaitWrite(s.writer, login);
    if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  } else {
    Status throttled = Status::Ok();
    storage::WriteFn check_throttle = [&](storage::Connection& c) -> Status {
      throttled = s.accounts.CheckThrottle(c, *username, ctx.remote_address);
      return throttled.code() == StatusCode::kResourceExhausted ? Status::Ok() : throttled;
    };
    Status st = co_await AwaitWrite(s.writer, check_throttle);
    if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
    if (!throttled.ok()) co_return http::ErrorResponse(throttled, ctx.request);
    auto check = [&] { return s.accounts.CheckPassword(*username, *secret); };
    auto user = co_await RunBlocking(PasswordPool(s), check);
    if (!user.ok()) {
      session = user.status();
      if (user.status().code() == StatusCode::kUnauthenticated) {
        storage::WriteFn record_failure = [&](storage::Connection& c) {
          return s.accounts.RecordLoginFailure(c, *username);
        };
        st = co_await AwaitWrite(s.writer, record_failure);
        if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
      }
    } else {
      storage::WriteFn create = [&](storage::Connection& c) -> Status {
        session = s.accounts.CreateSession(c, *user, ctx.request_id);
        if (!session.ok()) return session.status();
        return s.accounts.RecordLoginSuccess(c, *username);
      };
      st = co_await AwaitWrite(s.writer, create);
      if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
    }
  }
  if (!session.ok()) co_return http::ErrorResponse(session.status(), ctx.request);
  co_return http::JsonResponse(http_::status::ok, SessionJson(*session), ctx.request);
}

// POST /api/v1/auth/otp {"cccd": "..."}: 202 whether or not the account exists, or 429 when the
// address or the CCCD (existing or not) has had its codes; answered no sooner than
// options().otp_min_response after the request arrived, so timing does not tell either.
awaitable<http::Response> RequestOtp(ApiServices& s, http::RequestContext& ctx) {
  const auto answer_at = std::chrono::steady_clock::now() + s.accounts.options().otp_min_response;
  auto body = http::ParseJsonObject(ctx.request);
  if (!body.ok()) co_return http::ErrorResponse(body.status(), ctx.request);
  auto cccd = http::RequireString(*body, "cccd");
  if (!cccd.ok()) co_return http::ErrorResponse(cccd.status(), ctx.request);
  if (cccd->size() != 12 || cccd->find_first_not_of("0123456789") != std::string::npos) {
    co_return http::ErrorResponse(InvalidArgumentError("cccd must be 12 digits", "cccd"),
                                  ctx.request);
  }
  Status outcome = Status::Ok();
  storage::WriteFn issue = [&](storage::Connection& c) -> Status {
    outcome = s.accounts.CheckAddressThrottle(c, ctx.remote_address);
    if (outcome.ok()) outcome = s.accounts.IssueOtp(c, *cccd, ctx.request_id);
    return outcome.code() == StatusCode::kResourceExhausted ? Status::Ok() : outcome;
  };
  Status st = co_await AwaitWrite(s.writer, issue);
  co_await SleepUntil(answer_at);
  if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  if (!outcome.ok()) co_return http::ErrorResponse(outcome, ctx.request);
  co_return http::JsonResponse(
      http_::status::accepted,
      boost::json::object{{"status", "if an account exists for this CCCD, a code was sent"}},
      ctx.request);
}

// The answer to every sign-up that passed validation and the limits, whatever it changed.
constexpr std::string_view kSignUpAnswer =
    "unless this CCCD already has an account with a verified phone, a one-time code was sent to "
    "this phone: log in with it to finish signing up";

// POST /api/v1/auth/signup {"cccd","birth_date","phone"}: a citizen creates their account
// (AccountService::SignUp). 400 naming the field for a malformed CCCD, birth date or phone, or a
// CCCD whose digits disagree with the birth year; 429 when the address, the CCCD or the phone
// has had its codes; otherwise 202 with the same body whether an account was created, a pending
// one signed up again, or nothing changed because the CCCD's account has a verified phone;
// answered no sooner than options().otp_min_response after the request arrived.
awaitable<http::Response> SignUp(ApiServices& s, http::RequestContext& ctx) {
  const auto answer_at = std::chrono::steady_clock::now() + s.accounts.options().otp_min_response;
  auto body = http::ParseJsonObject(ctx.request);
  if (!body.ok()) co_return http::ErrorResponse(body.status(), ctx.request);
  auto cccd = http::RequireString(*body, "cccd");
  auto birth_text = http::RequireString(*body, "birth_date");
  auto phone_text = http::RequireString(*body, "phone");
  for (const Status& st : {cccd.status(), birth_text.status(), phone_text.status()}) {
    if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  }
  if (cccd->size() != 12 || cccd->find_first_not_of("0123456789") != std::string::npos) {
    co_return http::ErrorResponse(InvalidArgumentError("cccd must be 12 digits", "cccd"),
                                  ctx.request);
  }
  auto birth_date =
      ParseCitizenBirthDate(*birth_text, registry::DayOf(ToUnixSeconds(s.clock.Now())));
  if (!birth_date.ok()) co_return http::ErrorResponse(birth_date.status(), ctx.request);
  if (Status st = CheckCccdAgreesWithBirthDate(*cccd, *birth_date); !st.ok()) {
    co_return http::ErrorResponse(st, ctx.request);
  }
  auto phone = accounts::NormaliseMobilePhone(*phone_text);
  if (!phone.ok()) co_return http::ErrorResponse(phone.status(), ctx.request);
  const accounts::CitizenSignUp in{*cccd, *birth_date, *phone};
  Status outcome = Status::Ok();
  storage::WriteFn sign_up = [&](storage::Connection& c) -> Status {
    outcome = s.accounts.CheckAddressThrottle(c, ctx.remote_address);
    if (outcome.ok()) outcome = s.accounts.SignUp(c, in, ctx.request_id);
    return outcome.code() == StatusCode::kResourceExhausted ? Status::Ok() : outcome;
  };
  Status st = co_await AwaitWrite(s.writer, sign_up);
  co_await SleepUntil(answer_at);
  if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  if (!outcome.ok()) co_return http::ErrorResponse(outcome, ctx.request);
  co_return http::JsonResponse(http_::status::accepted,
                               boost::json::object{{"status", kSignUpAnswer}}, ctx.request);
}

// POST /api/v1/auth/logout: revokes the caller's token.
awaitable<http::Response> Logout(ApiServices& s, http::RequestContext& ctx) {
  const std::string token = BearerToken(ctx.request);
  accounts::Actor actor{ctx.principal->ActorId(), ctx.request_id};
  storage::WriteFn revoke = [&](storage::Connection& c) {
    return s.accounts.RevokeSession(c, token, actor);
  };
  Status st = co_await AwaitWrite(s.writer, revoke);
  if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  s.accounts.ForgetSession(token);
  co_return http::JsonResponse(http_::status::ok, boost::json::object{{"status", "logged out"}},
                               ctx.request);
}

// GET /api/v1/me
awaitable<http::Response> Me(ApiServices&, http::RequestContext& ctx) {
  const auth::Principal& p = *ctx.principal;
  boost::json::object o{{"user_id", p.user_id},
                        {"username", p.username},
                        {"role", std::string(auth::RoleName(p.role))}};
  if (!p.facility_code.empty()) o["facility_code"] = p.facility_code;
  if (!p.admin_unit_code.empty()) o["admin_unit_code"] = p.admin_unit_code;
  co_return http::JsonResponse(http_::status::ok, o, ctx.request);
}

}  // namespace

void RegisterAuthRoutes(http::Router& router, ApiServices& s) {
  using auth::AccessRule;
  router.Add({http_::verb::post, "/api/v1/auth/login", AccessRule::Public(),
              [&s](http::RequestContext& ctx) { return Login(s, ctx); }, 0,
              "log in; returns a bearer token"});
  router.Add({http_::verb::post, "/api/v1/auth/otp", AccessRule::Public(),
              [&s](http::RequestContext& ctx) { return RequestOtp(s, ctx); }, 0,
              "send a citizen a one-time login code"});
  router.Add({http_::verb::post, "/api/v1/auth/signup", AccessRule::Public(),
              [&s](http::RequestContext& ctx) { return SignUp(s, ctx); }, 0,
              "a citizen signs up with CCCD, birth date and phone; a code goes to the phone"});
  router.Add({http_::verb::post, "/api/v1/auth/logout", AccessRule::AnyRole(),
              [&s](http::RequestContext& ctx) { return Logout(s, ctx); }, 0,
              "revoke the caller's token"});
  router.Add({http_::verb::get, "/api/v1/me", AccessRule::AnyRole(),
              [&s](http::RequestContext& ctx) { return Me(s, ctx); }, 0, "the caller's account"});
}

}  // namespace vaxreg::api
