// Public statistics, read straight from the counters the writes keep (registry/statistics.h):
// doses per day by province and vaccine, coverage by province, registrations per day, stock.

#include <boost/json.hpp>

#include "api/routes.h"
#include "geo/admin_units.h"
#include "http/json.h"
#include "registry/person.h"
#include "registry/statistics.h"

namespace vaxreg::api {
namespace {

namespace http_ = boost::beast::http;
using http::asio::awaitable;

struct DayRange {
  std::string from = "0000-00-00", to = "9999-99-99", province;
};

// ?from=YYYY-MM-DD&to=YYYY-MM-DD&province=NN
Result<DayRange> ParseRange(const http::Request& req) {
  DayRange r;
  for (const char* name : {"from", "to"}) {
    ASSIGN_OR_RETURN(auto v, http::OptionalQueryParam(req, name));
    if (!v) continue;
    std::chrono::sys_days d;
    if (!registry::ParseDay(*v, &d)) {
      return InvalidArgumentError(std::string(name) + " must be YYYY-MM-DD", name);
    }
    (std::string_view(name) == "from" ? r.from : r.to) = *v;
  }
  ASSIGN_OR_RETURN(auto province, http::OptionalQueryParam(req, "province"));
  r.province = province.value_or("");
  return r;
}

std::string ProvinceName(const std::string& code) {
  const geo::AdminUnit* u = geo::AdminUnits::Get().Find(code);
  return u ? u->short_name : "";
}

// GET /api/v1/stats/doses?from&to&province&vaccine
awaitable<http::Response> Doses(ApiServices& s, http::RequestContext& ctx) {
  auto range = ParseRange(ctx.request);
  if (!range.ok()) co_return http::ErrorResponse(range.status(), ctx.request);
  auto vaccine = http::OptionalQueryParam(ctx.request, "vaccine");
  if (!vaccine.ok()) co_return http::ErrorResponse(vaccine.status(), ctx.request);
  auto conn = s.db.Acquire();
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto rows = registry::ReadDailyDoses(**conn, range->from, range->to, range->province,
                                       vaccine->value_or(""));
  if (!rows.ok()) co_return http::ErrorResponse(rows.status(), ctx.request);
  boost::json::array items;
  int64_t total = 0;
  for (const auto& r : *rows) {
    items.push_back({{"day", r.day},
                     {"province_code", r.province_code},
                     {"vaccine", r.vaccine_code},
                     {"doses", r.doses}});
    total += r.doses;
  }
  co_return http::JsonResponse(http_::status::ok,
                               boost::json::object{{"total", total}, {"items", std::move(items)}},
                               ctx.request);
}

// GET /api/v1/stats/coverage
awaitable<http::Response> Coverage(ApiServices& s, http::RequestContext& ctx) {
  auto conn = s.db.Acquire();
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto rows = registry::ReadCoverage(**conn);
  if (!rows.ok()) co_return http::ErrorResponse(rows.status(), ctx.request);
  boost::json::array items;
  int64_t one = 0, fully = 0, booster = 0;
  for (const auto& r : *rows) {
    items.push_back({{"province_code", r.province_code},
                     {"province", ProvinceName(r.province_code)},
                     {"at_least_one_dose", r.at_least_one},
                     {"fully_vaccinated", r.fully},
                     {"booster", r.booster}});
    one += r.at_least_one;
    fully += r.fully;
    booster += r.booster;
  }
  co_return http::JsonResponse(
      http_::status::ok,
      boost::json::object{{"national",
                           {{"at_least_one_dose", one}, {"fully_vaccinated", fully}, {"booster", booster}}},
                          {"items", std::move(items)}},
      ctx.request);
}

// GET /api/v1/stats/registrations?from&to&province
awaitable<http::Response> Registrations(ApiServices& s, http::RequestContext& ctx) {
  auto range = ParseRange(ctx.request);
  if (!range.ok()) co_return http::ErrorResponse(range.status(), ctx.request);
  auto conn = s.db.Acquire();
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto rows = registry::ReadDailyRegistrations(**conn, range->from, range->to, range->province);
  if (!rows.ok()) co_return http::ErrorResponse(rows.status(), ctx.request);
  boost::json::array items;
  for (const auto& r : *rows) {
    items.push_back({{"day", r.day},
                     {"province_code", r.province_code},
                     {"registrations", r.registrations}});
  }
  co_return http::JsonResponse(http_::status::ok, boost::json::object{{"items", std::move(items)}},
                               ctx.request);
}

// GET /api/v1/stats/stock?holder=VN|province|facility
awaitable<http::Response> Stock(ApiServices& s, http::RequestContext& ctx) {
  auto holder = http::OptionalQueryParam(ctx.request, "holder");
  if (!holder.ok()) co_return http::ErrorResponse(holder.status(), ctx.request);
  auto conn = s.db.Acquire();
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto rows = registry::ReadStock(**conn, holder->value_or(""));
  if (!rows.ok()) co_return http::ErrorResponse(rows.status(), ctx.request);
  boost::json::array items;
  for (const auto& r : *rows) {
    items.push_back({{"holder", r.holder},
                     {"vaccine", r.vaccine_code},
                     {"received", r.received},
                     {"allocated_out", r.allocated_out},
                     {"used", r.used},
                     {"available", r.received - r.allocated_out - r.used}});
  }
  co_return http::JsonResponse(http_::status::ok, boost::json::object{{"items", std::move(items)}},
                               ctx.request);
}

}  // namespace

void RegisterStatsRoutes(http::Router& router, ApiServices& s) {
  const auto pub = auth::AccessRule::Public();
  router.Add({http_::verb::get, "/api/v1/stats/doses", pub,
              [&s](http::RequestContext& ctx) { return Doses(s, ctx); }, 0,
              "doses per day by province and vaccine"});
  router.Add({http_::verb::get, "/api/v1/stats/coverage", pub,
              [&s](http::RequestContext& ctx) { return Coverage(s, ctx); }, 0,
              "people with at least one dose, fully vaccinated, boosted, by province"});
  router.Add({http_::verb::get, "/api/v1/stats/registrations", pub,
              [&s](http::RequestContext& ctx) { return Registrations(s, ctx); }, 0,
              "pre-registrations per day by province"});
  router.Add({http_::verb::get, "/api/v1/stats/stock", pub,
              [&s](http::RequestContext& ctx) { return Stock(s, ctx); }, 0,
              "vaccine stock received, allocated and used per holder"});
}

}  // namespace vaxreg::api
