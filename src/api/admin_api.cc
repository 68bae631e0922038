// The administrator's read-only status page:
//   GET /api/v1/admin/status
// the server's version, the database kind, the effective configuration (secrets left out), the
// signing key's validity and rotation, and how many accounts each role has. Nothing here can be
// changed: configuration is changed in the config file or environment, keys by `vaxreg keys`.

#include <boost/json.hpp>

#include "api/async_bridge.h"
#include "api/routes.h"
#include "api/signer_json.h"
#include "certs/service/certificate_authority.h"
#include "http/json.h"

namespace vaxreg::api {
namespace {

namespace http_ = boost::beast::http;
using boost::asio::awaitable;

Result<boost::json::object> ReadStatus(ApiServices& s, const http::RequestContext& ctx) {
  RETURN_IF_ERROR(http::OnlyQueryParams(ctx.request, {}));
  boost::json::object out{{"version", s.software_version},
                          {"database", s.db.dialect() == storage::Dialect::kPostgres
                                           ? "postgresql"
                                           : "sqlite"},
                          {"configuration", s.configuration_toml}};
  out["signer"] = s.certificates != nullptr ? boost::json::value(SignerHealthJson(*s.certificates))
                                            : boost::json::value(nullptr);
  ASSIGN_OR_RETURN(auto conn, s.db.Acquire());
  boost::json::object roles;
  RETURN_IF_ERROR(conn->ForEachRow(
      "SELECT role, COUNT(*), SUM(CASE WHEN disabled <> 0 THEN 1 ELSE 0 END) FROM users "
      "GROUP BY role ORDER BY role",
      {}, [&](const storage::RowView& r) {
        roles[r.Text(0)] = {{"accounts", r.Int(1)}, {"disabled", r.Int(2)}};
        return Status::Ok();
      }));
  out["accounts"] = std::move(roles);
  return out;
}

awaitable<http::Response> Serve(ApiServices& s, http::RequestContext& ctx) {
  auto out = co_await RunBlocking(s.blocking_pool, [&] { return ReadStatus(s, ctx); });
  if (!out.ok()) co_return http::ErrorResponse(out.status(), ctx.request);
  co_return http::JsonResponse(http_::status::ok, *out, ctx.request);
}

}  // namespace

void RegisterAdminRoutes(http::Router& router, ApiServices& s) {
  router.Add({http_::verb::get, "/api/v1/admin/status",
              auth::AccessRule::Roles({auth::Role::kAdmin}),
              [&s](http::RequestContext& ctx) { return Serve(s, ctx); }, 0,
              "version, database, effective configuration (no secrets), signing key status, "
              "accounts per role"});
}

}  // namespace vaxreg::api
