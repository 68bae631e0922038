// Accounts administration and the outbox. Admins create, list and manage every account; a
// health authority manages (reads, disables and enables, resets the password of, rebinds to
// another facility, lists and revokes the sessions of) the facility_staff accounts of facilities
// in its area, and no other account. Every change is audited (accounts/account_admin.h).

#include <boost/json.hpp>

#include "accounts/account_admin.h"
#include "api/area_access.h"
#include "api/async_bridge.h"
#include "api/citizen_fields.h"
#include "api/query_params.h"
#include "api/routes.h"
#include "geo/admin_units.h"
#include "http/json.h"
#include "registry/facility.h"
#include "registry/person.h"

namespace vaxreg::api {
namespace {

namespace http_ = boost::beast::http;
using http::asio::awaitable;

boost::json::value UserJson(const accounts::User& u) { return boost::json::parse(u.ToJson()); }

// POST /api/v1/users
awaitable<http::Response> CreateUser(ApiServices& s, http::RequestContext& ctx) {
  auto body = http::ParseJsonObject(ctx.request);
  if (!body.ok()) co_return http::ErrorResponse(body.status(), ctx.request);
  accounts::NewUser nu;
  std::string password;
  {
    auto username = http::RequireString(*body, "username");
    auto role_name = http::RequireString(*body, "role");
    auto pw = http::OptionalString(*body, "password");
    auto display = http::OptionalString(*body, "display_name");
    auto facility = http::OptionalString(*body, "facility_code");
    auto unit = http::OptionalString(*body, "admin_unit_code");
    auto phone = http::OptionalString(*body, "phone");
    auto birth_date = http::OptionalString(*body, "birth_date");
    for (const Status& st :
         {username.status(), role_name.status(), pw.status(), display.status(), facility.status(),
          unit.status(), phone.status(), birth_date.status()}) {
      if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
    }
    auto role = auth::ParseRole(*role_name);
    if (!role.ok()) co_return http::ErrorResponse(role.status(), ctx.request);
    nu.username = *username;
    nu.role = *role;
    nu.display_name = display->value_or("");
    nu.facility_code = facility->value_or("");
    nu.admin_unit_code = unit->value_or("");
    nu.phone = phone->value_or("");
    nu.birth_date = birth_date->value_or("");
    password = pw->value_or("");
  }
  // A citizen's birth date as people write it, agreeing with the CCCD; other roles have none
  // (ValidateNewUser says so).
  if (nu.role == auth::Role::kCitizen && !nu.birth_date.empty()) {
    auto iso = ParseCitizenBirthDate(nu.birth_date, registry::DayOf(ToUnixSeconds(s.clock.Now())));
    if (!iso.ok()) co_return http::ErrorResponse(iso.status(), ctx.request);
    if (Status st = CheckCccdAgreesWithBirthDate(nu.username, *iso); !st.ok()) {
      // A username that is no CCCD at all is reported by ValidateNewUser, on its own field.
      if (st.field() == "birth_date") co_return http::ErrorResponse(st, ctx.request);
    }
    nu.birth_date = *iso;
  }
  if (nu.role == auth::Role::kCitizen && !password.empty()) {
    co_return http::ErrorResponse(
        InvalidArgumentError("citizens log in with a one-time code, not a password", "password"),
        ctx.request);
  }
  if (nu.role != auth::Role::kCitizen) {
    auto hash_password = [&] {
      return accounts::HashPassword(password, s.accounts.options().password_cost);
    };
    auto hash = co_await RunBlocking(PasswordPool(s), hash_password);
    if (!hash.ok()) co_return http::ErrorResponse(hash.status(), ctx.request);
    nu.password_hash = *hash;
  }
  if (Status st = accounts::ValidateNewUser(nu); !st.ok()) {
    co_return http::ErrorResponse(st, ctx.request);
  }
  Result<accounts::User> created = InternalError("not run");
  accounts::Actor actor{ctx.principal->ActorId(), ctx.request_id};
  storage::WriteFn create = [&](storage::Connection& c) {
    created = accounts::CreateUser(c, s.clock, nu, actor);
    return created.status();
  };
  Status st = co_await AwaitWrite(s.writer, create);
  if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  co_return http::JsonResponse(http_::status::created, UserJson(*created), ctx.request);
}

// GET /api/v1/users?after=ID&limit=N&role=R[&area=CODE]: admins every account; a health
// authority the facility staff of its area (or of a unit inside it, ?area=).
awaitable<http::Response> ListUsers(ApiServices& s, http::RequestContext& ctx) {
  if (Status st = http::OnlyQueryParams(ctx.request, {"after", "limit", "role", "area"});
      !st.ok()) {
    co_return http::ErrorResponse(st, ctx.request);
  }
  std::optional<std::string> staff_unit;
  auto area = http::OptionalQueryParam(ctx.request, "area");
  if (!area.ok()) co_return http::ErrorResponse(area.status(), ctx.request);
  if (ctx.principal->role == auth::Role::kHealthAuthority) {
    const std::string own =
        ctx.principal->admin_unit_code == "VN" ? "" : ctx.principal->admin_unit_code;
    staff_unit = area->value_or(own);
    if (*area) {
      if (Status st = CheckUnitInArea(*ctx.principal, **area, "area " + **area); !st.ok()) {
        co_return http::ErrorResponse(st, ctx.request);
      }
    }
  } else if (*area) {
    staff_unit = **area;
  }
  auto role = http::OptionalQueryParam(ctx.request, "role");
  if (!role.ok()) co_return http::ErrorResponse(role.status(), ctx.request);
  if (*role && !auth::ParseRole(**role).ok()) {
    co_return http::ErrorResponse(
        InvalidArgumentError("role must be citizen, facility_staff, health_authority, signer or "
                             "admin",
                             "role"),
        ctx.request);
  }
  auto limit = PageLimit(ctx.request);
  if (!limit.ok()) co_return http::ErrorResponse(limit.status(), ctx.request);
  auto after = NonNegativeIntParam(ctx.request, "after");
  if (!after.ok()) co_return http::ErrorResponse(after.status(), ctx.request);
  auto conn = s.db.Acquire();
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto users = accounts::ListUsers(**conn, *after, *limit, role->value_or(""), staff_unit);
  if (!users.ok()) co_return http::ErrorResponse(users.status(), ctx.request);
  boost::json::array items;
  for (const auto& u : *users) items.push_back(UserJson(u));
  boost::json::object out{{"items", std::move(items)}};
  if (static_cast<int>(users->size()) == *limit) out["next_after"] = users->back().id;
  co_return http::JsonResponse(http_::status::ok, out, ctx.request);
}

// OK when the facility `code` exists and lies in the health authority's area ("VN" or "":
// national, every facility). kPermissionDenied otherwise.
Status CheckFacilityInArea(storage::Connection& conn, const auth::Principal& who,
                           const std::string& code) {
  ASSIGN_OR_RETURN(std::optional<registry::Facility> f, registry::FindFacility(conn, code));
  const bool national = who.admin_unit_code.empty() || who.admin_unit_code == "VN";
  if (f && national) return Status::Ok();
  if (f) {
    const std::string& unit = !f->commune_code.empty()    ? f->commune_code
                              : !f->district_code.empty() ? f->district_code
                                                          : f->province_code;
    if (!unit.empty() && geo::AdminUnits::Get().Contains(who.admin_unit_code, unit)) {
      return Status::Ok();
    }
  }
  return PermissionDeniedError("facility " + code + " is not a facility of your area " +
                               (national ? std::string("VN") : who.admin_unit_code));
}

// Whether `who` may manage `target`: admins every account, health authorities facility_staff
// accounts of facilities in their area. kPermissionDenied otherwise.
Status CheckMayManage(storage::Connection& conn, const auth::Principal& who,
                      const accounts::User& target) {
  if (who.role == auth::Role::kAdmin) return Status::Ok();
  if (who.role == auth::Role::kHealthAuthority && target.role == auth::Role::kFacilityStaff) {
    return CheckFacilityInArea(conn, who, target.facility_code);
  }
  return PermissionDeniedError(
      "health authorities manage only facility staff accounts of their area");
}

// The account of path parameter {id}, read and checked with CheckMayManage.
Result<accounts::User> ManagedUser(ApiServices& s, const http::RequestContext& ctx) {
  ASSIGN_OR_RETURN(int64_t id, IdPathParam(ctx, "id"));
  ASSIGN_OR_RETURN(auto conn, s.db.Acquire());
  ASSIGN_OR_RETURN(std::optional<accounts::User> user, accounts::FindUserById(*conn, id));
  if (!user) return NotFoundError("no user with id " + std::to_string(id));
  RETURN_IF_ERROR(CheckMayManage(*conn, *ctx.principal, *user));
  return *std::move(user);
}

// The JSON object body, or {} for an empty body.
Result<boost::json::object> BodyOrEmpty(const http::Request& req) {
  if (req.body().empty()) return boost::json::object();
  return http::ParseJsonObject(req);
}

// GET /api/v1/users/{id}
awaitable<http::Response> GetUser(ApiServices& s, http::RequestContext& ctx) {
  auto user = ManagedUser(s, ctx);
  if (!user.ok()) co_return http::ErrorResponse(user.status(), ctx.request);
  co_return http::JsonResponse(http_::status::ok, UserJson(*user), ctx.request);
}

// POST /api/v1/users/{id}/disable {"reason"?} and /enable: disabling ends every session of the
// account (this process at once, others within auth.session_cache_seconds).
awaitable<http::Response> SetDisabled(ApiServices& s, http::RequestContext& ctx, bool disabled) {
  auto body = BodyOrEmpty(ctx.request);
  if (!body.ok()) co_return http::ErrorResponse(body.status(), ctx.request);
  auto reason = http::OptionalString(*body, "reason");
  if (!reason.ok()) co_return http::ErrorResponse(reason.status(), ctx.request);
  auto target = ManagedUser(s, ctx);
  if (!target.ok()) co_return http::ErrorResponse(target.status(), ctx.request);
  if (disabled && target->id == ctx.principal->user_id) {
    co_return http::ErrorResponse(FailedPreconditionError("you cannot disable your own account"),
                                  ctx.request);
  }
  Result<accounts::User> changed = InternalError("not run");
  const accounts::Actor actor{ctx.principal->ActorId(), ctx.request_id};
  storage::WriteFn write = [&](storage::Connection& c) {
    changed =
        accounts::SetUserDisabled(c, s.clock, target->id, disabled, reason->value_or(""), actor);
    return changed.status();
  };
  Status st = co_await AwaitWrite(s.writer, write);
  if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  s.accounts.ForgetUserSessions(target->id);
  co_return http::JsonResponse(http_::status::ok, UserJson(*changed), ctx.request);
}

// POST /api/v1/users/{id}/password {"password"}: sets a new password and ends every session.
awaitable<http::Response> ResetPassword(ApiServices& s, http::RequestContext& ctx) {
  auto body = http::ParseJsonObject(ctx.request);
  if (!body.ok()) co_return http::ErrorResponse(body.status(), ctx.request);
  auto password = http::RequireString(*body, "password");
  if (!password.ok()) co_return http::ErrorResponse(password.status(), ctx.request);
  auto target = ManagedUser(s, ctx);
  if (!target.ok()) co_return http::ErrorResponse(target.status(), ctx.request);
  if (target->role == auth::Role::kCitizen) {
    co_return http::ErrorResponse(
        FailedPreconditionError("citizens log in with a one-time code and have no password",
                                "password"),
        ctx.request);
  }
  auto hash_password = [&] {
    return accounts::HashPassword(*password, s.accounts.options().password_cost);
  };
  auto hash = co_await RunBlocking(PasswordPool(s), hash_password);
  if (!hash.ok()) co_return http::ErrorResponse(hash.status(), ctx.request);
  Result<accounts::User> changed = InternalError("not run");
  const accounts::Actor actor{ctx.principal->ActorId(), ctx.request_id};
  storage::WriteFn write = [&](storage::Connection& c) {
    changed = accounts::SetUserPassword(c, s.clock, target->id, *hash, actor);
    return changed.status();
  };
  Status st = co_await AwaitWrite(s.writer, write);
  if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  s.accounts.ForgetUserSessions(target->id);
  co_return http::JsonResponse(http_::status::ok, UserJson(*changed), ctx.request);
}

// POST /api/v1/users/{id}/role {"role", "facility_code"?, "admin_unit_code"?}: a new role or
// binding; ends every session. A health authority may only move facility staff to another
// facility of its area.
awaitable<http::Response> SetRole(ApiServices& s, http::RequestContext& ctx) {
  auto body = http::ParseJsonObject(ctx.request);
  if (!body.ok()) co_return http::ErrorResponse(body.status(), ctx.request);
  accounts::Binding binding;
  {
    auto role_name = http::RequireString(*body, "role");
    auto facility = http::OptionalString(*body, "facility_code");
    auto unit = http::OptionalString(*body, "admin_unit_code");
    for (const Status& st : {role_name.status(), facility.status(), unit.status()}) {
      if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
    }
    auto role = auth::ParseRole(*role_name);
    if (!role.ok()) co_return http::ErrorResponse(role.status(), ctx.request);
    binding.role = *role;
    binding.facility_code = facility->value_or("");
    binding.admin_unit_code = unit->value_or("");
  }
  auto target = ManagedUser(s, ctx);
  if (!target.ok()) co_return http::ErrorResponse(target.status(), ctx.request);
  if (target->id == ctx.principal->user_id) {
    co_return http::ErrorResponse(
        FailedPreconditionError("you cannot change your own role or binding"), ctx.request);
  }
  if (ctx.principal->role == auth::Role::kHealthAuthority) {
    if (binding.role != auth::Role::kFacilityStaff) {
      co_return http::ErrorResponse(
          PermissionDeniedError("health authorities may give only the facility_staff role"),
          ctx.request);
    }
    auto conn = s.db.Acquire();
    if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
    if (Status st = CheckFacilityInArea(**conn, *ctx.principal, binding.facility_code); !st.ok()) {
      co_return http::ErrorResponse(st, ctx.request);
    }
  }
  Result<accounts::User> changed = InternalError("not run");
  const accounts::Actor actor{ctx.principal->ActorId(), ctx.request_id};
  storage::WriteFn write = [&](storage::Connection& c) {
    changed = accounts::SetUserBinding(c, s.clock, target->id, binding, actor);
    return changed.status();
  };
  Status st = co_await AwaitWrite(s.writer, write);
  if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  s.accounts.ForgetUserSessions(target->id);
  co_return http::JsonResponse(http_::status::ok, UserJson(*changed), ctx.request);
}

// GET /api/v1/users/{id}/sessions: the account's active sessions.
awaitable<http::Response> ListSessions(ApiServices& s, http::RequestContext& ctx) {
  auto target = ManagedUser(s, ctx);
  if (!target.ok()) co_return http::ErrorResponse(target.status(), ctx.request);
  auto conn = s.db.Acquire();
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto sessions = accounts::ListActiveSessions(**conn, target->id, ToUnixSeconds(s.clock.Now()));
  if (!sessions.ok()) co_return http::ErrorResponse(sessions.status(), ctx.request);
  boost::json::array items;
  for (const auto& session : *sessions) {
    items.push_back({{"id", session.id},
                     {"created_at", session.created_at},
                     {"expires_at", session.expires_at}});
  }
  co_return http::JsonResponse(http_::status::ok, boost::json::object{{"items", std::move(items)}},
                               ctx.request);
}

// POST /api/v1/users/{id}/sessions/revoke {"session_id"?}: ends one session, or all of them.
awaitable<http::Response> RevokeSessions(ApiServices& s, http::RequestContext& ctx) {
  auto body = BodyOrEmpty(ctx.request);
  if (!body.ok()) co_return http::ErrorResponse(body.status(), ctx.request);
  auto session_id = http::OptionalString(*body, "session_id");
  if (!session_id.ok()) co_return http::ErrorResponse(session_id.status(), ctx.request);
  auto target = ManagedUser(s, ctx);
  if (!target.ok()) co_return http::ErrorResponse(target.status(), ctx.request);
  Result<int64_t> revoked = InternalError("not run");
  const accounts::Actor actor{ctx.principal->ActorId(), ctx.request_id};
  storage::WriteFn write = [&](storage::Connection& c) {
    revoked = accounts::RevokeUserSessions(c, s.clock, target->id, session_id->value_or(""), actor);
    return revoked.status();
  };
  Status st = co_await AwaitWrite(s.writer, write);
  if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  s.accounts.ForgetUserSessions(target->id);
  co_return http::JsonResponse(http_::status::ok, boost::json::object{{"revoked", *revoked}},
                               ctx.request);
}

// GET /api/v1/outbox?recipient=&limit=: messages the default notifier "sent".
awaitable<http::Response> ListOutbox(ApiServices& s, http::RequestContext& ctx) {
  if (Status st = http::OnlyQueryParams(ctx.request, {"recipient", "limit"}); !st.ok()) {
    co_return http::ErrorResponse(st, ctx.request);
  }
  auto limit = PageLimit(ctx.request);
  if (!limit.ok()) co_return http::ErrorResponse(limit.status(), ctx.request);
  auto recipient = http::OptionalQueryParam(ctx.request, "recipient");
  if (!recipient.ok()) co_return http::ErrorResponse(recipient.status(), ctx.request);
  auto conn = s.db.Acquire();
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto messages = accounts::ListOutbox(**conn, recipient->value_or(""), *limit);
  if (!messages.ok()) co_return http::ErrorResponse(messages.status(), ctx.request);
  boost::json::array items;
  for (const auto& m : *messages) {
    items.push_back({{"id", m.id},
                     {"created_at", m.created_at},
                     {"channel", m.message.channel},
                     {"recipient", m.message.recipient},
                     {"subject", m.message.subject},
                     {"body", m.message.body}});
  }
  co_return http::JsonResponse(http_::status::ok, boost::json::object{{"items", std::move(items)}},
                               ctx.request);
}

}  // namespace

void RegisterUserRoutes(http::Router& router, ApiServices& s) {
  const auto admin = auth::AccessRule::Roles({auth::Role::kAdmin});
  router.Add({http_::verb::post, "/api/v1/users", admin,
              [&s](http::RequestContext& ctx) { return CreateUser(s, ctx); }, 0,
              "create an account"});
  // Handlers narrow health authorities to facility staff of their area (CheckMayManage).
  const auto managers = auth::AccessRule::Roles({auth::Role::kAdmin, auth::Role::kHealthAuthority});
  router.Add({http_::verb::get, "/api/v1/users", managers,
              [&s](http::RequestContext& ctx) { return ListUsers(s, ctx); }, 0,
              "list accounts (authorities: the facility staff of their area)"});
  router.Add({http_::verb::get, "/api/v1/users/{id}", managers,
              [&s](http::RequestContext& ctx) { return GetUser(s, ctx); }, 0, "one account"});
  router.Add({http_::verb::post, "/api/v1/users/{id}/disable", managers,
              [&s](http::RequestContext& ctx) { return SetDisabled(s, ctx, true); }, 0,
              "disable an account and end its sessions"});
  router.Add({http_::verb::post, "/api/v1/users/{id}/enable", managers,
              [&s](http::RequestContext& ctx) { return SetDisabled(s, ctx, false); }, 0,
              "enable a disabled account"});
  router.Add({http_::verb::post, "/api/v1/users/{id}/password", managers,
              [&s](http::RequestContext& ctx) { return ResetPassword(s, ctx); }, 0,
              "set a new password and end the account's sessions"});
  router.Add({http_::verb::post, "/api/v1/users/{id}/role", managers,
              [&s](http::RequestContext& ctx) { return SetRole(s, ctx); }, 0,
              "change the role or binding and end the account's sessions"});
  router.Add({http_::verb::get, "/api/v1/users/{id}/sessions", managers,
              [&s](http::RequestContext& ctx) { return ListSessions(s, ctx); }, 0,
              "the account's active sessions"});
  router.Add({http_::verb::post, "/api/v1/users/{id}/sessions/revoke", managers,
              [&s](http::RequestContext& ctx) { return RevokeSessions(s, ctx); }, 0,
              "end one or all of the account's sessions"});
  router.Add({http_::verb::get, "/api/v1/outbox", admin,
              [&s](http::RequestContext& ctx) { return ListOutbox(s, ctx); }, 0,
              "messages written by the default notifier"});
}

}  // namespace vaxreg::api
