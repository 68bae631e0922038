// Administrative units for the portal's pickers (province, district, commune), from the GSO list
// compiled into the binary (geo/admin_units.h). Public and immutable for the life of a build.

#include <boost/json.hpp>

#include "api/routes.h"
#include "geo/admin_units.h"
#include "http/json.h"

namespace vaxreg::api {
namespace {

namespace http_ = boost::beast::http;
using http::asio::awaitable;

// GET /api/v1/areas[?parent=VN|province|district]: the units directly below `parent` (default VN,
// i.e. the provinces), sorted by code: {"parent","items":[{"code","name","short_name","type"}]}.
// 404 for an unknown parent; 400 for any other parameter.
awaitable<http::Response> Areas(http::RequestContext& ctx) {
  if (Status only = http::OnlyQueryParams(ctx.request, {"parent"}); !only.ok()) {
    co_return http::ErrorResponse(only, ctx.request);
  }
  auto parent = http::OptionalQueryParam(ctx.request, "parent");
  if (!parent.ok()) co_return http::ErrorResponse(parent.status(), ctx.request);
  const std::string code = parent->value_or("VN");
  const geo::AdminUnits& units = geo::AdminUnits::Get();
  if (code != "VN" && units.Find(code) == nullptr) {
    co_return http::ErrorResponse(NotFoundError("no such administrative unit"), ctx.request);
  }
  boost::json::array items;
  for (const geo::AdminUnit* u : units.Children(code)) {
    items.push_back({{"code", u->code},
                     {"name", u->name},
                     {"short_name", u->short_name},
                     {"type", u->type}});
  }
  http::Response res = http::JsonResponse(
      http_::status::ok, boost::json::object{{"parent", code}, {"items", std::move(items)}},
      ctx.request);
  res.set(http_::field::cache_control, "public, max-age=86400");
  co_return res;
}

}  // namespace

void RegisterAreaRoutes(http::Router& router, ApiServices& /*services*/) {
  router.Add({http_::verb::get, "/api/v1/areas", auth::AccessRule::Public(),
              [](http::RequestContext& ctx) { return Areas(ctx); }, 0,
              "administrative units below a parent (provinces, districts, communes)"});
}

}  // namespace vaxreg::api
