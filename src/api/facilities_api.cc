// Facilities (apply, approve, suspend, list) and the vaccine catalogue (list, admin adds).

#include <boost/json.hpp>

#include "api/async_bridge.h"
#include "api/query_params.h"
#include "api/registry_json.h"
#include "api/routes.h"
#include "http/json.h"
#include "registry/facility.h"
#include "registry/vaccine_store.h"

namespace vaxreg::api {
namespace {

namespace http_ = boost::beast::http;
using http::asio::awaitable;

// POST /api/v1/facilities: an application; the facility starts as "applied".
awaitable<http::Response> ApplyFacility(ApiServices& s, http::RequestContext& ctx) {
  auto body = http::ParseJsonObject(ctx.request);
  if (!body.ok()) co_return http::ErrorResponse(body.status(), ctx.request);
  registry::Facility f;
  {
    auto code = http::RequireString(*body, "code");
    auto name = http::RequireString(*body, "name");
    auto province = http::RequireString(*body, "province_code");
    auto district = http::RequireString(*body, "district_code");
    auto commune = http::RequireString(*body, "commune_code");
    auto capacity = http::RequireInt(*body, "daily_capacity");
    auto address = http::OptionalString(*body, "address");
    auto contact = http::OptionalString(*body, "contact");
    for (const Status& st : {code.status(), name.status(), province.status(), district.status(),
                             commune.status(), capacity.status(), address.status(),
                             contact.status()}) {
      if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
    }
    f = {*code, *name, *province, *district, *commune, address->value_or(""), "applied",
         *capacity, contact->value_or(""), 0};
  }
  Result<registry::Facility> created = InternalError("not run");
  const registry::Actor actor{ctx.principal->ActorId(), ctx.request_id};
  storage::WriteFn write = [&](storage::Connection& c) {
    created = registry::ApplyFacility(c, s.clock, f, actor);
    return created.status();
  };
  Status st = co_await AwaitWrite(s.writer, write);
  if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  co_return RawJsonResponse(http_::status::created, registry::FacilityJson(*created), ctx.request);
}

// POST /api/v1/facilities/{code}/approve and /suspend {"reason"}.
awaitable<http::Response> DecideFacility(ApiServices& s, http::RequestContext& ctx,
                                         std::string new_status) {
  std::string reason;
  if (!ctx.request.body().empty()) {
    auto body = http::ParseJsonObject(ctx.request);
    if (!body.ok()) co_return http::ErrorResponse(body.status(), ctx.request);
    auto r = http::OptionalString(*body, "reason");
    if (!r.ok()) co_return http::ErrorResponse(r.status(), ctx.request);
    reason = r->value_or("");
  }
  const std::string code = ctx.path_params.at("code");
  {
    auto conn = s.db.Acquire();
    if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
    auto facility = registry::FindFacility(**conn, code);
    if (!facility.ok()) co_return http::ErrorResponse(facility.status(), ctx.request);
    if (!*facility) co_return http::ErrorResponse(NotFoundError("no facility " + code), ctx.request);
    if (!registry::CanDecideFacility(*ctx.principal, **facility)) {
      co_return http::ErrorResponse(
          PermissionDeniedError("only a provincial or national health authority whose area "
                                "contains the facility may approve or suspend it"),
          ctx.request);
    }
  }
  Result<registry::Facility> decided = InternalError("not run");
  const registry::Actor actor{ctx.principal->ActorId(), ctx.request_id};
  storage::WriteFn write = [&](storage::Connection& c) {
    decided = registry::DecideFacility(c, s.clock, code, new_status, reason, actor);
    return decided.status();
  };
  Status st = co_await AwaitWrite(s.writer, write);
  if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  co_return RawJsonResponse(http_::status::ok, registry::FacilityJson(*decided), ctx.request);
}

// GET /api/v1/facilities?province=&status=&after=&limit=
awaitable<http::Response> ListFacilities(ApiServices& s, http::RequestContext& ctx) {
  auto limit = PageLimit(ctx.request);
  if (!limit.ok()) co_return http::ErrorResponse(limit.status(), ctx.request);
  auto province = http::OptionalQueryParam(ctx.request, "province");
  auto status = http::OptionalQueryParam(ctx.request, "status");
  auto after = http::OptionalQueryParam(ctx.request, "after");
  for (const Status& st : {province.status(), status.status(), after.status()}) {
    if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  }
  auto conn = s.db.Acquire();
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto list = registry::ListFacilities(**conn, province->value_or(""), status->value_or(""),
                                       after->value_or(""), *limit);
  if (!list.ok()) co_return http::ErrorResponse(list.status(), ctx.request);
  boost::json::array items;
  for (const auto& f : *list) items.push_back(boost::json::parse(registry::FacilityJson(f)));
  boost::json::object out{{"items", std::move(items)}};
  if (static_cast<int>(list->size()) == *limit) out["next_after"] = list->back().code;
  co_return http::JsonResponse(http_::status::ok, out, ctx.request);
}

// GET /api/v1/facilities/{code}
awaitable<http::Response> GetFacility(ApiServices& s, http::RequestContext& ctx) {
  const std::string code = ctx.path_params.at("code");
  auto conn = s.db.Acquire();
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto f = registry::FindFacility(**conn, code);
  if (!f.ok()) co_return http::ErrorResponse(f.status(), ctx.request);
  if (!*f) co_return http::ErrorResponse(NotFoundError("no facility " + code), ctx.request);
  co_return RawJsonResponse(http_::status::ok, registry::FacilityJson(**f), ctx.request);
}

// GET /api/v1/vaccines
awaitable<http::Response> ListVaccines(ApiServices& s, http::RequestContext& ctx) {
  boost::json::array items;
  for (const auto& p : *s.vaccines.Get()) {
    items.push_back(boost::json::parse(registry::VaccineProductJson(p)));
  }
  co_return http::JsonResponse(http_::status::ok, boost::json::object{{"items", std::move(items)}},
                               ctx.request);
}

// POST /api/v1/vaccines (admin)
awaitable<http::Response> AddVaccine(ApiServices& s, http::RequestContext& ctx) {
  auto body = http::ParseJsonObject(ctx.request);
  if (!body.ok()) co_return http::ErrorResponse(body.status(), ctx.request);
  registry::VaccineProduct p;
  {
    auto code = http::RequireString(*body, "code");
    auto name = http::RequireString(*body, "name");
    auto mp = http::RequireString(*body, "mp");
    auto ma = http::RequireString(*body, "ma");
    auto vp = http::RequireString(*body, "vp");
    auto primary = http::RequireInt(*body, "primary_doses");
    auto interval = http::RequireInt(*body, "min_interval_days");
    auto booster = http::RequireInt(*body, "booster_min_days");
    for (const Status& st : {code.status(), name.status(), mp.status(), ma.status(), vp.status(),
                             primary.status(), interval.status(), booster.status()}) {
      if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
    }
    p = {*code, *name, *mp, *ma, *vp, static_cast<int>(*primary), static_cast<int>(*interval),
         static_cast<int>(*booster)};
  }
  const registry::Actor actor{ctx.principal->ActorId(), ctx.request_id};
  storage::WriteFn write = [&](storage::Connection& c) {
    return registry::AddVaccineProduct(c, s.clock, p, actor);
  };
  Status st = co_await AwaitWrite(s.writer, write);
  if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  {
    auto conn = s.db.Acquire();
    if (conn.ok()) s.vaccines.Refresh(**conn).IgnoreError();
  }
  co_return RawJsonResponse(http_::status::created, registry::VaccineProductJson(p), ctx.request);
}

}  // namespace

void RegisterFacilityRoutes(http::Router& router, ApiServices& s) {
  using auth::Role;
  const auto appliers = auth::AccessRule::Roles({Role::kFacilityStaff, Role::kHealthAuthority,
                                                 Role::kAdmin});
  const auto deciders = auth::AccessRule::Roles({Role::kHealthAuthority, Role::kAdmin});
  router.Add({http_::verb::post, "/api/v1/facilities", appliers,
              [&s](http::RequestContext& ctx) { return ApplyFacility(s, ctx); }, 0,
              "apply to register a vaccination facility"});
  router.Add({http_::verb::get, "/api/v1/facilities", auth::AccessRule::Public(),
              [&s](http::RequestContext& ctx) { return ListFacilities(s, ctx); }, 0,
              "list facilities"});
  router.Add({http_::verb::get, "/api/v1/facilities/{code}", auth::AccessRule::Public(),
              [&s](http::RequestContext& ctx) { return GetFacility(s, ctx); }, 0,
              "one facility"});
  router.Add({http_::verb::post, "/api/v1/facilities/{code}/approve", deciders,
              [&s](http::RequestContext& ctx) { return DecideFacility(s, ctx, "active"); }, 0,
              "approve a facility"});
  router.Add({http_::verb::post, "/api/v1/facilities/{code}/suspend", deciders,
              [&s](http::RequestContext& ctx) { return DecideFacility(s, ctx, "suspended"); }, 0,
              "suspend a facility"});
  router.Add({http_::verb::get, "/api/v1/vaccines", auth::AccessRule::Public(),
              [&s](http::RequestContext& ctx) { return ListVaccines(s, ctx); }, 0,
              "vaccine catalogue"});
  router.Add({http_::verb::post, "/api/v1/vaccines", auth::AccessRule::Roles({Role::kAdmin}),
              [&s](http::RequestContext& ctx) { return AddVaccine(s, ctx); }, 0,
              "add a vaccine product"});
}

}  // namespace vaxreg::api
