// Facility signatures over dose records (flow 5, step 2): facility staff sign their facility's
// unsigned doses as one batch with the facility's key (certs/service/dose_signing.h). Only
// staff of that very facility may sign for it.

#include <boost/json.hpp>

#include "api/async_bridge.h"
#include "api/routes.h"
#include "certs/service/certificate_authority.h"
#include "http/json.h"

namespace vaxreg::api {
namespace {

namespace http_ = boost::beast::http;
using http::asio::awaitable;

constexpr int64_t kDefaultBatch = 5000;

// POST /api/v1/facilities/{code}/sign-doses, body {} or {"limit": N} (1..20000, default 5000).
awaitable<http::Response> SignDoses(ApiServices& s, http::RequestContext& ctx) {
  const std::string code = ctx.path_params.at("code");
  if (ctx.principal->facility_code != code) {
    co_return http::ErrorResponse(
        PermissionDeniedError("you may sign only the doses of your own facility"), ctx.request);
  }
  if (s.certificates == nullptr || !s.certificates->can_issue()) {
    co_return http::ErrorResponse(
        UnavailableError("certificate signing keys are not configured (certs.key_dir, "
                         "VAXREG_KEY_PASSPHRASE)"),
        ctx.request);
  }
  int64_t limit = kDefaultBatch;
  if (!ctx.request.body().empty()) {
    auto body = http::ParseJsonObject(ctx.request);
    if (!body.ok()) co_return http::ErrorResponse(body.status(), ctx.request);
    auto given = http::OptionalInt(*body, "limit");
    if (!given.ok()) co_return http::ErrorResponse(given.status(), ctx.request);
    if (*given) limit = **given;
  }
  if (limit < 1 || limit > 20000) {
    co_return http::ErrorResponse(InvalidArgumentError("limit must be 1..20000", "limit"),
                                  ctx.request);
  }
  const registry::Actor actor{ctx.principal->ActorId(), ctx.request_id};
  auto sign = [&s, &code, &actor, limit] {
    return s.certificates->SignFacilityDoses(code, static_cast<int>(limit), actor);
  };
  auto batch = co_await RunBlocking(s.blocking_pool, sign);
  if (!batch.ok()) co_return http::ErrorResponse(batch.status(), ctx.request);
  co_return http::JsonResponse(http_::status::ok, boost::json::parse(batch->ToJson()),
                               ctx.request);
}

}  // namespace

void RegisterDoseSigningRoutes(http::Router& router, ApiServices& s) {
  router.Add({http_::verb::post, "/api/v1/facilities/{code}/sign-doses",
              auth::AccessRule::Roles({auth::Role::kFacilityStaff}),
              [&s](http::RequestContext& ctx) { return SignDoses(s, ctx); }, 0,
              "sign the facility's unsigned doses as one batch (staff of that facility)"});
}

}  // namespace vaxreg::api
