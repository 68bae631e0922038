// Accounts administration (admin only) and the demo outbox.

#include <boost/json.hpp>

#include "api/async_bridge.h"
#include "api/query_params.h"
#include "api/routes.h"
#include "http/json.h"

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
    for (const Status& st : {username.status(), role_name.status(), pw.status(), display.status(),
                             facility.status(), unit.status(), phone.status()}) {
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
    password = pw->value_or("");
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
    auto hash = co_await RunBlocking(s.blocking_pool, hash_password);
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

// GET /api/v1/users?after=ID&limit=N
awaitable<http::Response> ListUsers(ApiServices& s, http::RequestContext& ctx) {
  auto limit = PageLimit(ctx.request);
  if (!limit.ok()) co_return http::ErrorResponse(limit.status(), ctx.request);
  auto after = NonNegativeIntParam(ctx.request, "after");
  if (!after.ok()) co_return http::ErrorResponse(after.status(), ctx.request);
  auto conn = s.db.Acquire();
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto users = accounts::ListUsers(**conn, *after, *limit);
  if (!users.ok()) co_return http::ErrorResponse(users.status(), ctx.request);
  boost::json::array items;
  for (const auto& u : *users) items.push_back(UserJson(u));
  boost::json::object out{{"items", std::move(items)}};
  if (static_cast<int>(users->size()) == *limit) out["next_after"] = users->back().id;
  co_return http::JsonResponse(http_::status::ok, out, ctx.request);
}

// GET /api/v1/users/{id}
awaitable<http::Response> GetUser(ApiServices& s, http::RequestContext& ctx) {
  auto id_param = IdPathParam(ctx, "id");
  if (!id_param.ok()) co_return http::ErrorResponse(id_param.status(), ctx.request);
  const int64_t id = *id_param;
  auto conn = s.db.Acquire();
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto user = accounts::FindUserById(**conn, id);
  if (!user.ok()) co_return http::ErrorResponse(user.status(), ctx.request);
  if (!*user) {
    co_return http::ErrorResponse(NotFoundError("no user with id " + std::to_string(id)),
                                  ctx.request);
  }
  co_return http::JsonResponse(http_::status::ok, UserJson(**user), ctx.request);
}

// GET /api/v1/outbox?recipient=&limit=: messages the default notifier "sent".
awaitable<http::Response> ListOutbox(ApiServices& s, http::RequestContext& ctx) {
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
  router.Add({http_::verb::get, "/api/v1/users", admin,
              [&s](http::RequestContext& ctx) { return ListUsers(s, ctx); }, 0, "list accounts"});
  router.Add({http_::verb::get, "/api/v1/users/{id}", admin,
              [&s](http::RequestContext& ctx) { return GetUser(s, ctx); }, 0, "one account"});
  router.Add({http_::verb::get, "/api/v1/outbox", admin,
              [&s](http::RequestContext& ctx) { return ListOutbox(s, ctx); }, 0,
              "messages written by the default notifier"});
}

}  // namespace vaxreg::api
