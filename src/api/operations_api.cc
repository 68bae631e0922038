// The response centre's live figures (registry/operations.h), for health authorities and admins:
//   GET /api/v1/ops/overview[?province=NN]
// doses recorded and certificates issued per hour over the last day, and the active facilities
// that have recorded nothing today. An authority bound to an area sees its province; an
// unknown parameter is a 400. Server health comes from /metrics, the same figures Prometheus
// scrapes; correction backlogs from /api/v1/corrections/report.

#include <boost/json.hpp>

#include "api/read_fence.h"
#include "api/area_access.h"
#include "api/async_bridge.h"
#include "api/query_params.h"
#include "api/routes.h"
#include "geo/admin_units.h"
#include "http/json.h"
#include "registry/operations.h"
#include "registry/person.h"

namespace vaxreg::api {
namespace {

namespace http_ = boost::beast::http;
using boost::asio::awaitable;

constexpr int kSilentListed = 100;

// The province the caller may see: an area-bound authority's own, whatever it asks.
Result<std::string> ProvinceFor(const http::RequestContext& ctx) {
  ASSIGN_OR_RETURN(std::string asked,
                   AdminUnitParam(ctx.request, "province", geo::Level::kProvince));
  const auth::Principal& who = *ctx.principal;
  if (who.role != auth::Role::kHealthAuthority || who.admin_unit_code.empty() ||
      who.admin_unit_code == "VN") {
    return asked;
  }
  const geo::AdminUnit* unit = geo::AdminUnits::Get().Find(who.admin_unit_code);
  const std::string own = unit != nullptr ? unit->province_code : who.admin_unit_code;
  if (!asked.empty() && asked != own) {
    return PermissionDeniedError("province " + asked + " is outside your area");
  }
  return own;
}

boost::json::array HoursJson(const std::vector<registry::HourCount>& hours) {
  boost::json::array out;
  for (const auto& h : hours) {
    out.push_back({{"hour", FormatIso8601(FromUnixSeconds(h.hour_start))}, {"count", h.count}});
  }
  return out;
}

Result<boost::json::object> Overview(ApiServices& s, const http::RequestContext& ctx) {
  RETURN_IF_ERROR(http::OnlyQueryParams(ctx.request, {"province"}));
  ASSIGN_OR_RETURN(std::string province, ProvinceFor(ctx));
  const int64_t now = ToUnixSeconds(s.clock.Now());
  const auto today = registry::DayOf(now);
  const int64_t day_start = registry::StartOfDay(today);
  ASSIGN_OR_RETURN(auto conn, AcquireForRead(s, ctx.request));
  ASSIGN_OR_RETURN(auto doses, registry::DosesPerHour(*conn, now, province));
  ASSIGN_OR_RETURN(auto certificates, registry::CertificatesPerHour(*conn, now, province));
  ASSIGN_OR_RETURN(auto silent,
                   registry::FacilitiesSilentSince(*conn, day_start, province, kSilentListed));
  boost::json::array silent_items;
  for (const auto& f : silent.first) {
    silent_items.push_back({{"code", f.code}, {"name", f.name}, {"province_code", f.province_code}});
  }
  return boost::json::object{
      {"as_of", FormatIso8601(FromUnixSeconds(now))},
      {"province", province},
      {"today", registry::FormatDay(today)},
      {"doses_per_hour", HoursJson(doses)},
      {"certificates_per_hour", HoursJson(certificates)},
      {"silent_facilities", {{"total", silent.total}, {"items", std::move(silent_items)}}}};
}

awaitable<http::Response> Serve(ApiServices& s, http::RequestContext& ctx) {
  auto out = co_await RunBlocking(s.blocking_pool, [&] { return Overview(s, ctx); });
  if (!out.ok()) co_return http::ErrorResponse(out.status(), ctx.request);
  co_return http::JsonResponse(http_::status::ok, *out, ctx.request);
}

}  // namespace

void RegisterOperationsRoutes(http::Router& router, ApiServices& s) {
  router.Add({http_::verb::get, "/api/v1/ops/overview",
              auth::AccessRule::Roles({auth::Role::kHealthAuthority, auth::Role::kAdmin}),
              [&s](http::RequestContext& ctx) { return Serve(s, ctx); }, 0,
              "doses and certificates per hour over the last day, facilities silent today"});
}

}  // namespace vaxreg::api
