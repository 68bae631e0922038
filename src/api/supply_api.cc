// Vaccine supply: shipments received nationally and allocations to provinces and facilities.
// The resulting stock is public at GET /api/v1/stats/stock (stats_api.cc).

#include <boost/json.hpp>

#include "api/async_bridge.h"
#include "api/registry_json.h"
#include "api/routes.h"
#include "http/json.h"
#include "registry/supply.h"

namespace vaxreg::api {
namespace {

namespace http_ = boost::beast::http;
using http::asio::awaitable;

// POST /api/v1/shipments {"vaccine","quantity","reference","received_day"[,"lot","expires_on"]}
awaitable<http::Response> AddShipment(ApiServices& s, http::RequestContext& ctx) {
  auto body = http::ParseJsonObject(ctx.request);
  if (!body.ok()) co_return http::ErrorResponse(body.status(), ctx.request);
  registry::Shipment shipment;
  {
    auto vaccine = http::RequireString(*body, "vaccine");
    auto quantity = http::RequireInt(*body, "quantity");
    auto day = http::RequireString(*body, "received_day");
    auto reference = http::OptionalString(*body, "reference");
    auto lot = http::OptionalString(*body, "lot");
    auto expires_on = http::OptionalString(*body, "expires_on");
    for (const Status& st : {vaccine.status(), quantity.status(), day.status(), reference.status(),
                             lot.status(), expires_on.status()}) {
      if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
    }
    shipment = {*vaccine, *quantity, reference->value_or(""), *day, lot->value_or(""),
                expires_on->value_or("")};
  }
  const auto catalogue = s.vaccines.Get();
  const registry::Actor actor{ctx.principal->ActorId(), ctx.request_id};
  Result<int64_t> id = InternalError("not run");
  storage::WriteFn write = [&](storage::Connection& c) {
    id = registry::RecordShipment(c, s.clock, *catalogue, shipment, actor);
    return id.status();
  };
  Status st = co_await AwaitWrite(s.writer, write);
  if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  co_return http::JsonResponse(http_::status::created,
                               boost::json::object{{"id", *id},
                                                   {"vaccine", shipment.vaccine_code},
                                                   {"quantity", shipment.quantity},
                                                   {"lot", shipment.lot},
                                                   {"expires_on", shipment.expires_on}},
                               ctx.request);
}

// POST /api/v1/allocations {"vaccine","from","to","quantity"[,"lot"]}
awaitable<http::Response> AddAllocation(ApiServices& s, http::RequestContext& ctx) {
  auto body = http::ParseJsonObject(ctx.request);
  if (!body.ok()) co_return http::ErrorResponse(body.status(), ctx.request);
  registry::Allocation allocation;
  {
    auto vaccine = http::RequireString(*body, "vaccine");
    auto from = http::RequireString(*body, "from");
    auto to = http::RequireString(*body, "to");
    auto quantity = http::RequireInt(*body, "quantity");
    auto lot = http::OptionalString(*body, "lot");
    for (const Status& st :
         {vaccine.status(), from.status(), to.status(), quantity.status(), lot.status()}) {
      if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
    }
    allocation = {*vaccine, *from, *to, *quantity, lot->value_or("")};
  }
  if (!registry::CanAllocateFrom(*ctx.principal, allocation.from)) {
    co_return http::ErrorResponse(
        PermissionDeniedError("you may not allocate from " + allocation.from), ctx.request);
  }
  const auto catalogue = s.vaccines.Get();
  const registry::Actor actor{ctx.principal->ActorId(), ctx.request_id};
  Result<int64_t> id = InternalError("not run");
  storage::WriteFn write = [&](storage::Connection& c) {
    id = registry::RecordAllocation(c, s.clock, *catalogue, allocation, actor);
    return id.status();
  };
  Status st = co_await AwaitWrite(s.writer, write);
  if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  co_return http::JsonResponse(http_::status::created,
                               boost::json::object{{"id", *id},
                                                   {"vaccine", allocation.vaccine_code},
                                                   {"from", allocation.from},
                                                   {"to", allocation.to},
                                                   {"quantity", allocation.quantity},
                                                   {"lot", allocation.lot}},
                               ctx.request);
}

}  // namespace

void RegisterSupplyRoutes(http::Router& router, ApiServices& s) {
  const auto authorities =
      auth::AccessRule::Roles({auth::Role::kHealthAuthority, auth::Role::kAdmin});
  // Shipments arrive at the national store, recorded by the operator.
  router.Add({http_::verb::post, "/api/v1/shipments", auth::AccessRule::Roles({auth::Role::kAdmin}),
              [&s](http::RequestContext& ctx) { return AddShipment(s, ctx); }, 0,
              "record a vaccine shipment received nationally"});
  router.Add({http_::verb::post, "/api/v1/allocations", authorities,
              [&s](http::RequestContext& ctx) { return AddAllocation(s, ctx); }, 0,
              "allocate stock to a province or a facility"});
}

}  // namespace vaxreg::api
