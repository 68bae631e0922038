// People of an area by where they stand, for health authorities (their area) and admins:
//   GET /api/v1/people/by-status?status=unvaccinated|overdue[&area=&after_id=&limit=]
//   ... &format=csv: the whole list (up to 100,000 people) as a spreadsheet for outreach; when
//       more exist, the header X-Vaxreg-Truncated says so and the next after_id to ask from.
// An unknown parameter is a 400.

#include <boost/json.hpp>

#include "api/read_fence.h"
#include "api/area_access.h"
#include "api/async_bridge.h"
#include "api/query_params.h"
#include "api/routes.h"
#include "common/csv_writer.h"
#include "http/json.h"
#include "registry/area_people.h"

namespace vaxreg::api {
namespace {

namespace http_ = boost::beast::http;
using boost::asio::awaitable;

constexpr int kCsvMaxRows = 100000;
constexpr int kCsvPage = 5000;

struct Ask {
  registry::AreaPeopleQuery query;
  bool csv = false;
};

Result<Ask> ReadAsk(ApiServices& s, const http::RequestContext& ctx) {
  const http::Request& req = ctx.request;
  RETURN_IF_ERROR(http::OnlyQueryParams(req, {"status", "area", "after_id", "limit", "format"}));
  Ask a;
  ASSIGN_OR_RETURN(auto status, http::OptionalQueryParam(req, "status"));
  if (!status) return InvalidArgumentError("query parameter 'status' is required", "status");
  if (*status == "unvaccinated") {
    a.query.status = registry::AreaPeopleStatus::kUnvaccinated;
  } else if (*status == "overdue") {
    a.query.status = registry::AreaPeopleStatus::kOverdue;
  } else {
    return InvalidArgumentError("status must be unvaccinated or overdue", "status");
  }
  ASSIGN_OR_RETURN(auto area, http::OptionalQueryParam(req, "area"));
  if (area) {
    if (area->empty() || area->size() > 5 ||
        area->find_first_not_of("0123456789") != std::string::npos) {
      return InvalidArgumentError("area must be a province, district or commune code", "area");
    }
    a.query.unit_code = *area;
  }
  const auth::Principal& who = *ctx.principal;
  if (who.role == auth::Role::kHealthAuthority) {
    const std::string own = who.admin_unit_code == "VN" ? "" : who.admin_unit_code;
    if (a.query.unit_code.empty()) {
      a.query.unit_code = own;
    } else {
      RETURN_IF_ERROR(CheckUnitInArea(who, a.query.unit_code, "area " + a.query.unit_code));
    }
  }
  ASSIGN_OR_RETURN(auto format, http::OptionalQueryParam(req, "format"));
  if (format && *format != "csv" && *format != "json") {
    return InvalidArgumentError("format must be csv or json", "format");
  }
  a.csv = format && *format == "csv";
  ASSIGN_OR_RETURN(a.query.after_id, NonNegativeIntParam(req, "after_id"));
  ASSIGN_OR_RETURN(a.query.limit, PageLimit(req));
  a.query.now = ToUnixSeconds(s.clock.Now());
  return a;
}

std::string Day(int64_t t) {
  return t > 0 ? FormatIso8601(FromUnixSeconds(t)).substr(0, 10) : std::string();
}

Result<http::Response> Answer(ApiServices& s, const http::RequestContext& ctx) {
  ASSIGN_OR_RETURN(Ask a, ReadAsk(s, ctx));
  ASSIGN_OR_RETURN(auto conn, AcquireForRead(s, ctx.request));
  if (!a.csv) {
    ASSIGN_OR_RETURN(auto rows, registry::ListAreaPeople(*conn, a.query));
    boost::json::array items;
    for (const auto& p : rows) {
      items.push_back({{"id", p.id},
                       {"full_name", p.full_name},
                       {"dob", p.dob},
                       {"cccd", p.cccd},
                       {"phone", p.phone},
                       {"commune_code", p.commune_code},
                       {"vax_status", p.vax_status},
                       {"last_dose_day", Day(p.last_dose_at)},
                       {"next_due_day", Day(p.next_due_at)}});
    }
    boost::json::value next = nullptr;
    if (static_cast<int>(rows.size()) == a.query.limit) next = rows.back().id;
    return http::JsonResponse(http_::status::ok,
                              boost::json::object{{"items", std::move(items)}, {"next_after_id", next}},
                              ctx.request);
  }
  std::string body = "id,full_name,dob,cccd,phone,province_code,district_code,commune_code,"
                     "vax_status,last_dose_day,next_due_day\n";
  int written = 0;
  bool more = false;
  a.query.limit = kCsvPage;
  for (;;) {
    ASSIGN_OR_RETURN(auto rows, registry::ListAreaPeople(*conn, a.query));
    for (const auto& p : rows) {
      if (written == kCsvMaxRows) {
        more = true;
        break;
      }
      body += std::to_string(p.id);
      for (std::string_view f : {std::string_view(p.full_name), std::string_view(p.dob),
                                 std::string_view(p.cccd), std::string_view(p.phone),
                                 std::string_view(p.province_code),
                                 std::string_view(p.district_code),
                                 std::string_view(p.commune_code),
                                 std::string_view(p.vax_status)}) {
        body += ',';
        csv::AppendCsvText(body, f);
      }
      body += ',' + Day(p.last_dose_at) + ',' + Day(p.next_due_at) + '\n';
      a.query.after_id = p.id;
      ++written;
    }
    if (more || static_cast<int>(rows.size()) < kCsvPage) break;
  }
  http::Response res{http_::status::ok, ctx.request.version()};
  res.set(http_::field::content_type, "text/csv; charset=utf-8");
  res.set(http_::field::content_disposition,
          "attachment; filename=\"vaxreg-people-" +
              std::string(a.query.status == registry::AreaPeopleStatus::kOverdue ? "overdue"
                                                                                 : "unvaccinated") +
              (a.query.unit_code.empty() ? "" : "-" + a.query.unit_code) + ".csv\"");
  res.set(http_::field::cache_control, "no-store");
  if (more) res.set("X-Vaxreg-Truncated", "after_id=" + std::to_string(a.query.after_id));
  res.keep_alive(ctx.request.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

awaitable<http::Response> Serve(ApiServices& s, http::RequestContext& ctx) {
  auto out = co_await RunBlocking(s.blocking_pool, [&] { return Answer(s, ctx); });
  if (!out.ok()) co_return http::ErrorResponse(out.status(), ctx.request);
  co_return std::move(*out);
}

}  // namespace

void RegisterAreaPeopleRoutes(http::Router& router, ApiServices& s) {
  router.Add({http_::verb::get, "/api/v1/people/by-status",
              auth::AccessRule::Roles({auth::Role::kHealthAuthority, auth::Role::kAdmin}),
              [&s](http::RequestContext& ctx) { return Serve(s, ctx); }, 0,
              "people of an area not vaccinated or overdue for their next dose (JSON or CSV)"});
}

}  // namespace vaxreg::api
