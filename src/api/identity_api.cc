// Identity review queue and data-quality report for health authorities (identity/review.h).
// A health authority sees and decides only within its administrative unit; an admin acts
// nationally.

#include "api/async_bridge.h"
#include "api/query_params.h"
#include "api/registry_json.h"
#include "api/routes.h"
#include "geo/admin_units.h"
#include "http/json.h"
#include "identity/review.h"

namespace vaxreg::api {
namespace {

namespace http_ = boost::beast::http;
using http::asio::awaitable;

// The unit the caller acts on: its binding (health authority) or the whole country (admin).
// ?unit= narrows it to a unit inside the binding.
Result<std::string> CallerUnit(const http::RequestContext& ctx) {
  const auth::Principal& who = *ctx.principal;
  std::string unit = who.role == auth::Role::kHealthAuthority && !who.admin_unit_code.empty()
                         ? who.admin_unit_code
                         : "VN";
  ASSIGN_OR_RETURN(std::optional<std::string> wanted, http::OptionalQueryParam(ctx.request, "unit"));
  if (wanted && !wanted->empty()) {
    if (geo::AdminUnits::Get().Find(*wanted) == nullptr) {
      return InvalidArgumentError("unknown administrative unit " + *wanted, "unit");
    }
    if (!geo::AdminUnits::Get().Contains(unit, *wanted)) {
      return PermissionDeniedError("unit " + *wanted + " is outside your area");
    }
    unit = *wanted;
  }
  return unit;
}

// GET /api/v1/identity/review?status=proposed_correction|not_found&after=ID&limit=N
awaitable<http::Response> ListReview(ApiServices& s, http::RequestContext& ctx) {
  auto unit = CallerUnit(ctx);
  if (!unit.ok()) co_return http::ErrorResponse(unit.status(), ctx.request);
  auto limit = PageLimit(ctx.request);
  if (!limit.ok()) co_return http::ErrorResponse(limit.status(), ctx.request);
  auto after = NonNegativeIntParam(ctx.request, "after");
  if (!after.ok()) co_return http::ErrorResponse(after.status(), ctx.request);
  auto status = http::OptionalQueryParam(ctx.request, "status");
  if (!status.ok()) co_return http::ErrorResponse(status.status(), ctx.request);
  auto conn = s.db.Acquire();
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto items = identity::ListReviewQueue(**conn, *unit, status->value_or("proposed_correction"),
                                         *after, *limit);
  if (!items.ok()) co_return http::ErrorResponse(items.status(), ctx.request);
  std::string json = "{\"unit\":\"" + *unit + "\",\"items\":[";
  for (size_t i = 0; i < items->size(); ++i) json += (i ? "," : "") + (*items)[i].ToJson();
  json += "]}";
  co_return RawJsonResponse(http_::status::ok, json, ctx.request);
}

awaitable<http::Response> Decide(ApiServices& s, http::RequestContext& ctx,
                                 identity::ReviewDecision decision) {
  auto unit = CallerUnit(ctx);
  if (!unit.ok()) co_return http::ErrorResponse(unit.status(), ctx.request);
  auto id = IdPathParam(ctx, "id");
  if (!id.ok()) co_return http::ErrorResponse(id.status(), ctx.request);
  Result<identity::ReviewItem> decided = InternalError("not run");
  const std::string actor = ctx.principal->ActorId();
  storage::WriteFn write = [&](storage::Connection& c) {
    decided = identity::DecideReview(c, s.clock, *unit, *id, decision, actor, ctx.request_id);
    return decided.status();
  };
  Status st = co_await AwaitWrite(s.writer, write);
  if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  const char* outcome = decision == identity::ReviewDecision::kAccept ? "accepted" : "rejected";
  co_return RawJsonResponse(http_::status::ok,
                            "{\"person_id\":" + std::to_string(*id) + ",\"decision\":\"" +
                                outcome + "\",\"before\":" + decided->ToJson() + "}",
                            ctx.request);
}

// GET /api/v1/identity/quality?unit=CODE
awaitable<http::Response> Quality(ApiServices& s, http::RequestContext& ctx) {
  auto unit = CallerUnit(ctx);
  if (!unit.ok()) co_return http::ErrorResponse(unit.status(), ctx.request);
  auto conn = s.db.Acquire();
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto report = identity::DataQuality(**conn, *unit);
  if (!report.ok()) co_return http::ErrorResponse(report.status(), ctx.request);
  co_return RawJsonResponse(http_::status::ok, report->ToJson(), ctx.request);
}

}  // namespace

void RegisterIdentityRoutes(http::Router& router, ApiServices& s) {
  using auth::Role;
  const auto reviewers = auth::AccessRule::Roles({Role::kHealthAuthority, Role::kAdmin});
  router.Add({http_::verb::get, "/api/v1/identity/review", reviewers,
              [&s](http::RequestContext& ctx) { return ListReview(s, ctx); }, 0,
              "open identity reviews in the caller's area (?status=&unit=&after=&limit=)"});
  router.Add({http_::verb::post, "/api/v1/identity/review/{id}/accept", reviewers,
              [&s](http::RequestContext& ctx) {
                return Decide(s, ctx, identity::ReviewDecision::kAccept);
              },
              0, "accept a proposed correction: the person record takes the register's data"});
  router.Add({http_::verb::post, "/api/v1/identity/review/{id}/reject", reviewers,
              [&s](http::RequestContext& ctx) {
                return Decide(s, ctx, identity::ReviewDecision::kReject);
              },
              0, "reject a proposed correction"});
  router.Add({http_::verb::get, "/api/v1/identity/quality", reviewers,
              [&s](http::RequestContext& ctx) { return Quality(s, ctx); }, 0,
              "data-quality counts for the caller's area (?unit=)"});
}

}  // namespace vaxreg::api
