// Facilities (apply, approve, suspend, the public finder with free places per day) and the
// vaccine catalogue (list, admin adds).

#include <boost/json.hpp>

#include "api/read_fence.h"
#include "api/async_bridge.h"
#include "api/query_params.h"
#include "api/registry_json.h"
#include "api/routes.h"
#include "geo/admin_units.h"
#include "http/cache.h"
#include "http/json.h"
#include "registry/facility.h"
#include "registry/person.h"
#include "registry/vaccine_store.h"

namespace vaxreg::api {
namespace {

namespace http_ = boost::beast::http;
using http::asio::awaitable;

// Days of free places a listed facility shows when no ?day is asked.
constexpr int kCapacityDays = 7;

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

struct FacilityListQuery {
  registry::FacilityFilter filter;
  std::vector<std::string> days;  // the days whose free places each facility shows
  std::string today;
};

Result<FacilityListQuery> ParseFacilityList(const Clock& clock, const http::Request& req) {
  RETURN_IF_ERROR(http::OnlyQueryParams(
      req, {"province", "district", "q", "status", "day", "after", "limit"}));
  FacilityListQuery q;
  registry::FacilityFilter& f = q.filter;
  ASSIGN_OR_RETURN(f.limit, PageLimit(req));
  ASSIGN_OR_RETURN(f.province_code, AdminUnitParam(req, "province", geo::Level::kProvince));
  ASSIGN_OR_RETURN(f.district_code, AdminUnitParam(req, "district", geo::Level::kDistrict));
  if (!f.province_code.empty() && !f.district_code.empty() &&
      geo::AdminUnits::Get().Find(f.district_code)->province_code != f.province_code) {
    return InvalidArgumentError("district " + f.district_code + " is not in province " +
                                    f.province_code,
                                "district");
  }
  ASSIGN_OR_RETURN(auto status, http::OptionalQueryParam(req, "status"));
  f.status = status.value_or("");
  if (!f.status.empty() && f.status != "applied" && f.status != "active" &&
      f.status != "suspended") {
    return InvalidArgumentError("status must be applied, active or suspended", "status");
  }
  ASSIGN_OR_RETURN(auto text, http::OptionalQueryParam(req, "q"));
  f.text = text.value_or("");
  if (f.text.size() > 100) return InvalidArgumentError("q must be at most 100 bytes", "q");
  ASSIGN_OR_RETURN(auto after, http::OptionalQueryParam(req, "after"));
  f.after = after.value_or("");
  const auto today = registry::DayOf(ToUnixSeconds(clock.Now()));
  q.today = registry::FormatDay(today);
  ASSIGN_OR_RETURN(auto day, http::OptionalQueryParam(req, "day"));
  if (day) {
    std::chrono::sys_days d;
    if (!registry::ParseDay(*day, &d)) return InvalidArgumentError("day must be YYYY-MM-DD", "day");
    q.days.push_back(*day);
  } else {
    for (int i = 0; i < kCapacityDays; ++i) {
      q.days.push_back(registry::FormatDay(today + std::chrono::days(i)));
    }
  }
  return q;
}

// GET /api/v1/facilities?province=NN&district=NNN&q=text&status=&day=YYYY-MM-DD&after=&limit=
// Public. Each facility with "capacity": [{"day","remaining"}] for the next kCapacityDays days
// from today (Viet Nam), or for ?day only. Unknown parameters are a 400 naming them.
awaitable<http::Response> ListFacilities(ApiServices& s, http::RequestContext& ctx) {
  Result<FacilityListQuery> q = ParseFacilityList(s.clock, ctx.request);
  if (!q.ok()) co_return http::ErrorResponse(q.status(), ctx.request);
  auto conn = AcquireForRead(s, ctx.request);
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto list = registry::ListFacilities(**conn, q->filter);
  if (!list.ok()) co_return http::ErrorResponse(list.status(), ctx.request);
  auto remaining = registry::RemainingPlaces(**conn, *list, q->days, q->today);
  if (!remaining.ok()) co_return http::ErrorResponse(remaining.status(), ctx.request);
  boost::json::array items;
  for (size_t i = 0; i < list->size(); ++i) {
    boost::json::object f = boost::json::parse(registry::FacilityJson((*list)[i])).as_object();
    boost::json::array capacity;
    for (size_t j = 0; j < q->days.size(); ++j) {
      capacity.push_back({{"day", q->days[j]}, {"remaining", (*remaining)[i][j]}});
    }
    f["capacity"] = std::move(capacity);
    items.push_back(std::move(f));
  }
  boost::json::object out{{"items", std::move(items)}};
  if (static_cast<int>(list->size()) == q->filter.limit) out["next_after"] = list->back().code;
  http::Response res = http::JsonResponse(http_::status::ok, out, ctx.request);
  http::CompressIfAccepted(ctx.request, res);
  co_return res;
}

// GET /api/v1/facilities/{code}
awaitable<http::Response> GetFacility(ApiServices& s, http::RequestContext& ctx) {
  const std::string code = ctx.path_params.at("code");
  auto conn = AcquireForRead(s, ctx.request);
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
