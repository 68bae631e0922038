// A facility's working day over HTTP (registry/facility_day.h), for its staff, the health
// authority of its area and admins:
//   GET /api/v1/facilities/{code}/bookings[?day=&q=&status=&after_id=&limit=]
//       the bookings of a day (default today), searchable by name, phone or identity number
//   GET /api/v1/facilities/{code}/doses[?given_day=&recorded_day=&status=&after_id=&limit=]
//       the doses given or recorded on a day (default: given today)
//   GET /api/v1/facilities/{code}/day[?day=]
//       the day's tally (given, recorded, late, checked in without a dose, unsigned), the
//       facility's stock per vaccine, the lots it holds with doses left (first to expire
//       first) and the lots it used in the last 30 days
// Lists page by id (`next_after_id`); an unknown parameter is a 400.

#include <boost/json.hpp>

#include "api/read_fence.h"
#include "api/area_access.h"
#include "api/async_bridge.h"
#include "api/query_params.h"
#include "api/routes.h"
#include "http/json.h"
#include "registry/facility.h"
#include "registry/facility_day.h"
#include "registry/person_store.h"
#include "registry/statistics.h"
#include "registry/supply.h"

namespace vaxreg::api {
namespace {

namespace http_ = boost::beast::http;
using boost::asio::awaitable;

constexpr int kLotDays = 30;

// The facility {code} when `who` may see its day: its own staff, the health authority of its
// area, an admin.
Result<registry::Facility> FacilityToView(storage::Connection& conn, const auth::Principal& who,
                                          const std::string& code) {
  ASSIGN_OR_RETURN(std::optional<registry::Facility> f, registry::FindFacility(conn, code));
  if (!f) return NotFoundError("no facility " + code);
  switch (who.role) {
    case auth::Role::kAdmin:
      return *std::move(f);
    case auth::Role::kFacilityStaff:
      if (who.facility_code == code) return *std::move(f);
      return PermissionDeniedError("staff see only their own facility's day");
    case auth::Role::kHealthAuthority:
      RETURN_IF_ERROR(CheckUnitInArea(who, f->commune_code, "facility " + code));
      return *std::move(f);
    default:
      return PermissionDeniedError("only the facility's staff, its health authority and admins "
                                   "see a facility's day");
  }
}

std::string Today(ApiServices& s) {
  return registry::FormatDay(registry::DayOf(ToUnixSeconds(s.clock.Now())));
}

// ?name=YYYY-MM-DD, `fallback` when absent.
Result<std::string> DayParam(const http::Request& req, std::string_view name,
                             const std::string& fallback) {
  ASSIGN_OR_RETURN(auto given, http::OptionalQueryParam(req, name));
  if (!given) return fallback;
  std::chrono::sys_days d;
  if (!registry::ParseDay(*given, &d)) {
    return InvalidArgumentError(std::string(name) + " must be YYYY-MM-DD", std::string(name));
  }
  return *given;
}

boost::json::object SummaryJson(const registry::PersonSummary& p) {
  return {{"id", p.id},           {"full_name", p.full_name}, {"cccd", p.cccd},
          {"dob", p.dob},         {"phone", p.phone},         {"vax_status", p.vax_status}};
}

boost::json::value NextAfter(int64_t last_id, size_t count, int limit) {
  if (static_cast<int>(count) == limit) return last_id;
  return nullptr;
}

// GET /api/v1/facilities/{code}/bookings
Result<boost::json::object> Bookings(ApiServices& s, const http::RequestContext& ctx) {
  RETURN_IF_ERROR(http::OnlyQueryParams(ctx.request, {"day", "q", "status", "after_id", "limit"}));
  registry::BookingQuery q;
  q.facility_code = ctx.path_params.at("code");
  ASSIGN_OR_RETURN(q.day, DayParam(ctx.request, "day", Today(s)));
  ASSIGN_OR_RETURN(auto text, http::OptionalQueryParam(ctx.request, "q"));
  if (text) {
    ASSIGN_OR_RETURN(q.search, registry::ParsePersonSearch(*text));
  }
  ASSIGN_OR_RETURN(auto status, http::OptionalQueryParam(ctx.request, "status"));
  if (status) {
    if (*status != "booked" && *status != "checked_in" && *status != "cancelled" &&
        *status != "missed") {
      return InvalidArgumentError("status must be booked, checked_in, cancelled or missed",
                                  "status");
    }
    q.status = *status;
  }
  ASSIGN_OR_RETURN(q.after_id, NonNegativeIntParam(ctx.request, "after_id"));
  ASSIGN_OR_RETURN(q.limit, PageLimit(ctx.request));
  ASSIGN_OR_RETURN(auto conn, AcquireForRead(s, ctx.request));
  RETURN_IF_ERROR(FacilityToView(*conn, *ctx.principal, q.facility_code).status());
  ASSIGN_OR_RETURN(auto rows, registry::ListBookingsOfDay(*conn, q));
  boost::json::array items;
  for (const auto& b : rows) {
    boost::json::object o = registry::RegistrationToJson(b.registration);
    o.erase("token");  // the QR's secret stays with the person; staff check in by id
    o["person"] = SummaryJson(b.person);
    items.push_back(std::move(o));
  }
  const int64_t last = rows.empty() ? 0 : rows.back().registration.id;
  return boost::json::object{{"day", q.day},
                             {"items", std::move(items)},
                             {"next_after_id", NextAfter(last, rows.size(), q.limit)}};
}

// GET /api/v1/facilities/{code}/doses
Result<boost::json::object> Doses(ApiServices& s, const http::RequestContext& ctx) {
  RETURN_IF_ERROR(http::OnlyQueryParams(
      ctx.request, {"given_day", "recorded_day", "status", "after_id", "limit"}));
  registry::DoseQuery q;
  q.facility_code = ctx.path_params.at("code");
  ASSIGN_OR_RETURN(q.given_day, DayParam(ctx.request, "given_day", ""));
  ASSIGN_OR_RETURN(q.recorded_day, DayParam(ctx.request, "recorded_day", ""));
  if (q.given_day.empty() && q.recorded_day.empty()) q.given_day = Today(s);
  ASSIGN_OR_RETURN(auto status, http::OptionalQueryParam(ctx.request, "status"));
  if (status) {
    if (*status != "active" && *status != "voided") {
      return InvalidArgumentError("status must be active or voided", "status");
    }
    q.status = *status;
  }
  ASSIGN_OR_RETURN(q.after_id, NonNegativeIntParam(ctx.request, "after_id"));
  ASSIGN_OR_RETURN(q.limit, PageLimit(ctx.request));
  ASSIGN_OR_RETURN(auto conn, AcquireForRead(s, ctx.request));
  RETURN_IF_ERROR(FacilityToView(*conn, *ctx.principal, q.facility_code).status());
  ASSIGN_OR_RETURN(auto rows, registry::ListFacilityDoses(*conn, q));
  boost::json::array items;
  for (const auto& d : rows) {
    boost::json::object o = registry::DoseToJson(d.dose);
    o["person"] = SummaryJson(d.person);
    items.push_back(std::move(o));
  }
  const int64_t last = rows.empty() ? 0 : rows.back().dose.id;
  boost::json::object out{{"items", std::move(items)},
                          {"next_after_id", NextAfter(last, rows.size(), q.limit)}};
  if (!q.given_day.empty()) out["given_day"] = q.given_day;
  if (!q.recorded_day.empty()) out["recorded_day"] = q.recorded_day;
  return out;
}

// GET /api/v1/facilities/{code}/day
Result<boost::json::object> Day(ApiServices& s, const http::RequestContext& ctx) {
  RETURN_IF_ERROR(http::OnlyQueryParams(ctx.request, {"day"}));
  const std::string code = ctx.path_params.at("code");
  const std::string today = Today(s);
  ASSIGN_OR_RETURN(std::string day, DayParam(ctx.request, "day", today));
  ASSIGN_OR_RETURN(auto conn, AcquireForRead(s, ctx.request));
  ASSIGN_OR_RETURN(registry::Facility f, FacilityToView(*conn, *ctx.principal, code));
  ASSIGN_OR_RETURN(registry::FacilityDayTally t, registry::TallyFacilityDay(*conn, code, day));
  ASSIGN_OR_RETURN(auto lots, registry::ListLotsInUse(*conn, code, day, kLotDays));
  ASSIGN_OR_RETURN(auto stock, registry::ReadStock(*conn, code));
  ASSIGN_OR_RETURN(auto lots_held, registry::ListLotsInStock(*conn, code));
  boost::json::array held_items;
  for (const auto& l : lots_held) {
    if (l.available() <= 0) continue;
    held_items.push_back({{"vaccine", l.vaccine_code},
                          {"lot", l.lot},
                          {"expires_on", l.expires_on},
                          {"available", l.available()},
                          {"expired", !l.expires_on.empty() && l.expires_on < today}});
  }
  boost::json::array lot_items;
  for (const auto& l : lots) {
    lot_items.push_back({{"vaccine", l.vaccine_code},
                         {"lot", l.lot},
                         {"last_day", l.last_day},
                         {"doses", l.doses}});
  }
  boost::json::array stock_items;
  for (const auto& r : stock) {
    stock_items.push_back({{"vaccine", r.vaccine_code},
                           {"received", r.received},
                           {"used", r.used},
                           {"available", r.received - r.allocated_out - r.used}});
  }
  return boost::json::object{
      {"facility", {{"code", f.code}, {"name", f.name}, {"status", f.status}}},
      {"day", day},
      {"today", today},
      {"tally",
       {{"given", t.given},
        {"recorded", t.recorded},
        {"recorded_late", t.recorded_late},
        {"bookings", t.bookings},
        {"checked_in", t.checked_in},
        {"checked_in_without_dose", t.checked_in_without_dose},
        {"unsigned_doses", t.unsigned_doses}}},
      {"stock", std::move(stock_items)},
      {"lots_in_stock", std::move(held_items)},
      {"lots", std::move(lot_items)}};
}

using Reader = Result<boost::json::object> (*)(ApiServices&, const http::RequestContext&);

awaitable<http::Response> Serve(ApiServices& s, http::RequestContext& ctx, Reader read) {
  auto out = co_await RunBlocking(s.blocking_pool, [&] { return read(s, ctx); });
  if (!out.ok()) co_return http::ErrorResponse(out.status(), ctx.request);
  co_return http::JsonResponse(http_::status::ok, *out, ctx.request);
}

}  // namespace

void RegisterFacilityDayRoutes(http::Router& router, ApiServices& s) {
  using auth::Role;
  const auto viewers =
      auth::AccessRule::Roles({Role::kFacilityStaff, Role::kHealthAuthority, Role::kAdmin});
  const auto add = [&](const char* path, Reader read, const char* what) {
    router.Add({http_::verb::get, path, viewers,
                [&s, read](http::RequestContext& ctx) { return Serve(s, ctx, read); }, 0, what});
  };
  add("/api/v1/facilities/{code}/bookings", &Bookings,
      "a facility's bookings of a day, searchable by name, phone or identity number");
  add("/api/v1/facilities/{code}/doses", &Doses,
      "the doses a facility gave or recorded on a day");
  add("/api/v1/facilities/{code}/day", &Day,
      "a facility's day: doses given and recorded, check-ins without a dose, unsigned doses, "
      "stock and lots in use");
}

}  // namespace vaxreg::api
