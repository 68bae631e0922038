// The cleaning queue of imports (registry/quarantine.h) over HTTP:
//   GET  /api/v1/quarantine[?status=&facility=&area=&after_id=&limit=]
//   GET  /api/v1/quarantine/{id}
//   POST /api/v1/quarantine/{id}/release {"row"?: "the corrected line or item", "note"?,
//                                          "override_reason"?: authorities and admins}
//   POST /api/v1/quarantine/{id}/reject  {"reason"}
//   GET  /api/v1/quarantine/quality[?area=&from=&to=]  (authorities of the area, admins)
// Facility staff see and handle the rows their facility sent; a health authority those routed
// to its area; an admin all. A release runs the row, as sent or as corrected, through the same
// checks as any import line (registry/dose_csv.h) or, for a batch item, as the batch endpoint
// (registry/dose_batch.h), and records it; a row that still fails stays open and the answer says
// why. An authority's override reason lifts a continuity conflict, as on a single dose.

#include <boost/json.hpp>

#include "api/area_access.h"
#include "api/async_bridge.h"
#include "api/query_params.h"
#include "api/registry_json.h"
#include "api/routes.h"
#include "http/error_language.h"
#include "http/json.h"
#include "registry/dose_batch.h"
#include "registry/dose_csv.h"
#include "registry/import_quality.h"
#include "registry/person.h"
#include "registry/quarantine.h"
#include "registry/vaccine_store.h"

namespace vaxreg::api {
namespace {

namespace http_ = boost::beast::http;
using boost::asio::awaitable;

// A kept row's reason in the reader's language: it is stored in English, as the check wrote it,
// and said in Vietnamese through the error catalogue (http/error_language.h) when the request
// prefers it and the catalogue knows the message.
std::string ReasonIn(std::string_view message, const http::Request& req) {
  if (http::PreferredLanguage(req[http_::field::accept_language]) !=
      http::Language::kVietnamese) {
    return std::string(message);
  }
  http::ErrorParams params;
  const http::ErrorText* entry = http::MatchErrorText(message, &params);
  return entry != nullptr ? http::RenderVietnamese(*entry, params) : std::string(message);
}

boost::json::value RowJson(const registry::QuarantinedRow& q, const http::Request& req) {
  boost::json::value row = boost::json::parse(registry::QuarantinedRowJson(q));
  row.at("reason").as_object()["message"] = ReasonIn(q.reason_message, req);
  return row;
}

// The most specific unit a row is routed to ("" for the national queue).
std::string RoutedUnit(const registry::QuarantinedRow& q) {
  if (!q.commune_code.empty()) return q.commune_code;
  if (!q.district_code.empty()) return q.district_code;
  return q.province_code;
}

// OK when `who` may see and handle `q`.
Status CheckMayHandle(const auth::Principal& who, const registry::QuarantinedRow& q) {
  const std::string what = "quarantined row " + std::to_string(q.id);
  switch (who.role) {
    case auth::Role::kAdmin:
      return Status::Ok();
    case auth::Role::kFacilityStaff:
      if (q.facility_code == who.facility_code) return Status::Ok();
      return PermissionDeniedError(what + " was sent for another facility");
    case auth::Role::kHealthAuthority:
      return CheckUnitInArea(who, RoutedUnit(q), what);
    default:
      return PermissionDeniedError("only facility staff, health authorities and admins handle "
                                   "quarantined rows");
  }
}

Result<registry::QuarantinedRow> FindHandleable(storage::Connection& conn,
                                                const auth::Principal& who, int64_t id) {
  ASSIGN_OR_RETURN(auto q, registry::FindQuarantined(conn, id));
  if (!q) return NotFoundError("no quarantined row " + std::to_string(id));
  RETURN_IF_ERROR(CheckMayHandle(who, *q));
  return std::move(*q);
}

// The list's filter for `who`: staff see their facility, an authority its area (or a unit
// inside it), an admin anything asked for.
Result<registry::QuarantineFilter> ReadFilter(const http::Request& req,
                                              const auth::Principal& who) {
  RETURN_IF_ERROR(
      http::OnlyQueryParams(req, {"status", "facility", "area", "after_id", "limit"}));
  registry::QuarantineFilter f;
  ASSIGN_OR_RETURN(auto status, http::OptionalQueryParam(req, "status"));
  if (status) {
    if (*status != "open" && *status != "released" && *status != "rejected") {
      return InvalidArgumentError("status must be open, released or rejected", "status");
    }
    f.status = *status;
  }
  ASSIGN_OR_RETURN(auto facility, http::OptionalQueryParam(req, "facility"));
  if (facility) f.facility_code = *facility;
  ASSIGN_OR_RETURN(auto area, http::OptionalQueryParam(req, "area"));
  if (area) {
    if (area->empty() || area->size() > 5 || area->find_first_not_of("0123456789") !=
                                                 std::string::npos) {
      return InvalidArgumentError("area must be a province, district or commune code", "area");
    }
    f.unit_code = *area;
  }
  ASSIGN_OR_RETURN(f.after_id, NonNegativeIntParam(req, "after_id"));
  ASSIGN_OR_RETURN(f.limit, PageLimit(req));
  if (who.role == auth::Role::kFacilityStaff) {
    if (!f.facility_code.empty() && f.facility_code != who.facility_code) {
      return PermissionDeniedError("staff of facility " + who.facility_code +
                                   " see only their facility's rows");
    }
    f.facility_code = who.facility_code;
  } else if (who.role == auth::Role::kHealthAuthority) {
    if (f.unit_code.empty()) {
      f.unit_code = who.admin_unit_code;  // "" for a national authority: everywhere
    } else {
      RETURN_IF_ERROR(CheckUnitInArea(who, f.unit_code, "area " + f.unit_code));
    }
  }
  return f;
}

// GET /api/v1/quarantine
awaitable<http::Response> ListRows(ApiServices& s, http::RequestContext& ctx) {
  auto answer = [&]() -> Result<boost::json::object> {
    ASSIGN_OR_RETURN(registry::QuarantineFilter f, ReadFilter(ctx.request, *ctx.principal));
    ASSIGN_OR_RETURN(auto conn, s.db.Acquire());
    ASSIGN_OR_RETURN(auto rows, registry::ListQuarantine(*conn, f));
    boost::json::array items;
    for (const auto& q : rows) items.push_back(RowJson(q, ctx.request));
    boost::json::value next = nullptr;
    if (static_cast<int>(rows.size()) == f.limit) next = rows.back().id;
    return boost::json::object{{"items", std::move(items)}, {"next_after_id", next}};
  };
  auto out = co_await RunBlocking(s.blocking_pool, answer);
  if (!out.ok()) co_return http::ErrorResponse(out.status(), ctx.request);
  co_return http::JsonResponse(http_::status::ok, *out, ctx.request);
}

// GET /api/v1/quarantine/{id}
awaitable<http::Response> ReadRow(ApiServices& s, http::RequestContext& ctx) {
  auto id = IdPathParam(ctx, "id");
  if (!id.ok()) co_return http::ErrorResponse(id.status(), ctx.request);
  auto read = [&]() -> Result<registry::QuarantinedRow> {
    ASSIGN_OR_RETURN(auto conn, s.db.Acquire());
    return FindHandleable(*conn, *ctx.principal, *id);
  };
  auto q = co_await RunBlocking(s.blocking_pool, read);
  if (!q.ok()) co_return http::ErrorResponse(q.status(), ctx.request);
  co_return http::JsonResponse(http_::status::ok, RowJson(*q, ctx.request), ctx.request);
}

// The row as it is now, after a decision.
awaitable<http::Response> AnswerRow(ApiServices& s, http::RequestContext& ctx, int64_t id) {
  auto read = [&]() -> Result<registry::QuarantinedRow> {
    ASSIGN_OR_RETURN(auto conn, s.db.Acquire());
    ASSIGN_OR_RETURN(auto q, registry::FindQuarantined(*conn, id));
    if (!q) return NotFoundError("no quarantined row " + std::to_string(id));
    return std::move(*q);
  };
  auto q = co_await RunBlocking(s.blocking_pool, read);
  if (!q.ok()) co_return http::ErrorResponse(q.status(), ctx.request);
  co_return http::JsonResponse(http_::status::ok, RowJson(*q, ctx.request), ctx.request);
}

// What a release needs besides the row: who releases it, as what writer, with which catalogue,
// and the handler's override of a continuity conflict ("" for none).
struct Release {
  const auth::Principal& who;
  const registry::DoseWriter& writer;
  const std::vector<registry::VaccineProduct>& catalogue;
  std::string override_reason;
};

// Records a kept CSV or file line (as sent or corrected) through the import's checks. Returns
// the dose, or the reason it still fails as a non-OK inner Result (the row then stays open);
// the outer Status is a failure of the write itself.
Result<Result<int64_t>> ReleaseLine(storage::Connection& c, const Clock& clock,
                                    const registry::QuarantinedRow& q, const std::string& line,
                                    const Release& r, registry::RecordPeople& people,
                                    std::vector<int64_t>& created) {
  registry::DoseCsvDialect dialect;
  if (q.separator == ";") dialect.separator = ';';
  auto row = registry::ParseDoseCsvLine(line, static_cast<size_t>(q.line), dialect);
  if (!row.ok()) return Result<int64_t>(row.status());
  // Staff record for their own facility, as in an upload.
  if (Status st = ApplyStaffFacility(r.who, row->facility_code); !st.ok()) {
    return Result<int64_t>(st);
  }
  row->override_reason = r.override_reason;
  registry::PreparedDoseRows prepared = registry::PrepareDoseRows(
      {*row}, r.catalogue, registry::DayOf(ToUnixSeconds(clock.Now())));
  std::vector<registry::RowError> errors;
  std::vector<std::optional<registry::RecordOutcome>> outcomes;
  ASSIGN_OR_RETURN(size_t recorded,
                   registry::ImportDoseRows(c, clock, r.catalogue, prepared, r.writer, people,
                                            errors, &outcomes, "import.quarantine_release",
                                            &created));
  if (recorded != 1 || outcomes.empty() || !outcomes[0]) {
    return Result<int64_t>(errors.empty()
                               ? InternalError("the row was neither recorded nor refused")
                               : errors[0].status);
  }
  return Result<int64_t>(outcomes[0]->dose.id);
}

// Records a kept batch item (its JSON, as sent or corrected) as the batch endpoint would.
Result<Result<int64_t>> ReleaseBatchItem(storage::Connection& c, const Clock& clock,
                                         const std::string& text, const Release& r) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) {
    return Result<int64_t>(InvalidArgumentError("row must be the dose as a JSON object", "row"));
  }
  auto d = NewDoseFromJson(v.as_object());
  if (!d.ok()) return Result<int64_t>(d.status());
  if (Status st = ApplyStaffFacility(r.who, d->facility_code); !st.ok()) {
    return Result<int64_t>(st);
  }
  if (!r.override_reason.empty()) d->override_reason = r.override_reason;
  auto batch = registry::PrepareDoseBatch(r.catalogue, {*d}, r.writer,
                                          registry::DayOf(ToUnixSeconds(clock.Now())));
  if (!batch.ok()) return Result<int64_t>(batch.status());
  ASSIGN_OR_RETURN(auto results,
                   registry::RecordPreparedDoseBatch(c, clock, r.catalogue, *batch, r.writer));
  if (results.size() != 1) return InternalError("a batch of one gave no result");
  if (!results[0].ok()) return Result<int64_t>(results[0].status());
  return Result<int64_t>(results[0]->dose.id);
}

// POST /api/v1/quarantine/{id}/release {"row"?, "note"?, "override_reason"?}
awaitable<http::Response> ReleaseRow(ApiServices& s, http::RequestContext& ctx) {
  auto id = IdPathParam(ctx, "id");
  if (!id.ok()) co_return http::ErrorResponse(id.status(), ctx.request);
  auto body = http::ParseJsonObject(ctx.request);
  if (!body.ok()) co_return http::ErrorResponse(body.status(), ctx.request);
  auto corrected = http::OptionalString(*body, "row");
  if (!corrected.ok()) co_return http::ErrorResponse(corrected.status(), ctx.request);
  auto note = http::OptionalString(*body, "note");
  if (!note.ok()) co_return http::ErrorResponse(note.status(), ctx.request);
  auto override_reason = http::OptionalString(*body, "override_reason");
  if (!override_reason.ok()) co_return http::ErrorResponse(override_reason.status(), ctx.request);
  const registry::DoseWriter writer = DoseWriterFor(ctx);
  if (override_reason->has_value()) {
    if ((*override_reason)->empty() || (*override_reason)->size() > 500) {
      co_return http::ErrorResponse(
          InvalidArgumentError("override_reason must be 1-500 bytes", "override_reason"),
          ctx.request);
    }
    if (!writer.may_override) {
      co_return http::ErrorResponse(
          PermissionDeniedError("only a health authority or an admin may override a "
                                "continuity conflict"),
          ctx.request);
    }
  }
  const auto catalogue = s.vaccines.Get();
  const Release release{*ctx.principal, writer, *catalogue, override_reason->value_or("")};
  registry::RecordPeople people;
  std::vector<int64_t> created;  // a person the released row created, to verify like any other
  Status refused;  // why the row still does not pass; the row stays open
  storage::WriteFn write = [&](storage::Connection& c) -> Status {
    refused = Status::Ok();
    created.clear();
    people.clear();
    ASSIGN_OR_RETURN(registry::QuarantinedRow q, FindHandleable(c, release.who, *id));
    if (q.status != "open") {
      return FailedPreconditionError("quarantined row " + std::to_string(q.id) + " is " +
                                     q.status + ", not open");
    }
    const std::string text = corrected->value_or(q.row_text);
    ASSIGN_OR_RETURN(Result<int64_t> dose_id,
                     q.channel == "batch" ? ReleaseBatchItem(c, s.clock, text, release)
                                          : ReleaseLine(c, s.clock, q, text, release, people,
                                                        created));
    if (!dose_id.ok()) {
      refused = dose_id.status();
      return Status::Ok();
    }
    std::string resolution = note->value_or("");
    auto add = [&](const std::string& part) {
      resolution += (resolution.empty() ? "" : "; ") + part;
    };
    if (!release.override_reason.empty()) add("override: " + release.override_reason);
    const bool fixed = corrected->has_value() && **corrected != q.row_text;
    if (fixed) add("released as: " + text);
    return registry::CloseQuarantined(c, s.clock, q.id, "released", resolution, *dose_id, fixed,
                                      writer.actor);
  };
  Status st = co_await AwaitWrite(s.writer, write);
  if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  if (!refused.ok()) co_return http::ErrorResponse(refused, ctx.request);
  NotifyPeopleCreated(s, created);
  co_return co_await AnswerRow(s, ctx, *id);
}

// GET /api/v1/quarantine/quality[?area=&from=&to=]: the area's import data quality
// (registry/import_quality.h) over Viet Nam days [from, to], by default the last 7 days.
Result<registry::ImportQualityQuery> ReadQualityQuery(const http::Request& req,
                                                      const auth::Principal& who,
                                                      const Clock& clock) {
  RETURN_IF_ERROR(http::OnlyQueryParams(req, {"area", "from", "to"}));
  registry::ImportQualityQuery q;
  ASSIGN_OR_RETURN(auto area, http::OptionalQueryParam(req, "area"));
  if (area && !area->empty() && *area != "VN") {
    if (area->size() > 5 || area->find_first_not_of("0123456789") != std::string::npos) {
      return InvalidArgumentError("area must be a province, district or commune code", "area");
    }
    q.unit_code = *area;
  }
  if (who.role == auth::Role::kHealthAuthority) {
    if (q.unit_code.empty()) {
      q.unit_code = who.admin_unit_code;
    } else {
      RETURN_IF_ERROR(CheckUnitInArea(who, q.unit_code, "area " + q.unit_code));
    }
  }
  ASSIGN_OR_RETURN(auto from, http::OptionalQueryParam(req, "from"));
  ASSIGN_OR_RETURN(auto to, http::OptionalQueryParam(req, "to"));
  RETURN_IF_ERROR(registry::SetImportQualityWindow(q, from.value_or(""), to.value_or(""),
                                                   registry::DayOf(ToUnixSeconds(clock.Now()))));
  return q;
}

awaitable<http::Response> Quality(ApiServices& s, http::RequestContext& ctx) {
  auto answer = [&]() -> Result<boost::json::value> {
    ASSIGN_OR_RETURN(auto q, ReadQualityQuery(ctx.request, *ctx.principal, s.clock));
    ASSIGN_OR_RETURN(auto conn, s.db.Acquire());
    ASSIGN_OR_RETURN(auto report, registry::ImportQualityOf(*conn, q));
    boost::json::value json = boost::json::parse(registry::ImportQualityJson(report));
    for (auto& reason : json.at("reasons").as_array()) {
      auto& example = reason.as_object()["example"];
      example = ReasonIn(example.as_string(), ctx.request);
    }
    return json;
  };
  auto out = co_await RunBlocking(s.blocking_pool, answer);
  if (!out.ok()) co_return http::ErrorResponse(out.status(), ctx.request);
  co_return http::JsonResponse(http_::status::ok, *out, ctx.request);
}

// POST /api/v1/quarantine/{id}/reject
awaitable<http::Response> RejectRow(ApiServices& s, http::RequestContext& ctx) {
  auto id = IdPathParam(ctx, "id");
  if (!id.ok()) co_return http::ErrorResponse(id.status(), ctx.request);
  auto body = http::ParseJsonObject(ctx.request);
  if (!body.ok()) co_return http::ErrorResponse(body.status(), ctx.request);
  auto reason = http::RequireString(*body, "reason");
  if (!reason.ok()) co_return http::ErrorResponse(reason.status(), ctx.request);
  if (reason->empty() || reason->size() > 500) {
    co_return http::ErrorResponse(
        InvalidArgumentError("reason must be 1-500 bytes", "reason"), ctx.request);
  }
  const registry::Actor actor{ctx.principal->ActorId(), ctx.request_id};
  storage::WriteFn write = [&](storage::Connection& c) -> Status {
    ASSIGN_OR_RETURN(registry::QuarantinedRow q, FindHandleable(c, *ctx.principal, *id));
    return registry::CloseQuarantined(c, s.clock, q.id, "rejected", *reason, std::nullopt,
                                      /*fixed=*/false, actor);
  };
  Status st = co_await AwaitWrite(s.writer, write);
  if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  co_return co_await AnswerRow(s, ctx, *id);
}

}  // namespace

void RegisterQuarantineRoutes(http::Router& router, ApiServices& s) {
  using auth::Role;
  const auto handlers =
      auth::AccessRule::Roles({Role::kFacilityStaff, Role::kHealthAuthority, Role::kAdmin});
  router.Add({http_::verb::get, "/api/v1/quarantine", handlers,
              [&s](http::RequestContext& ctx) { return ListRows(s, ctx); }, 0,
              "import rows kept for cleaning: a facility's, an area's, or all"});
  router.Add({http_::verb::get, "/api/v1/quarantine/quality",
              auth::AccessRule::Roles({Role::kHealthAuthority, Role::kAdmin}),
              [&s](http::RequestContext& ctx) { return Quality(s, ctx); }, 0,
              "import data quality of an area: kept rows by reason and outcome, time to clean, "
              "facilities ranked by kept rows per 1,000 doses (?area=&from=&to=)"});
  router.Add({http_::verb::get, "/api/v1/quarantine/{id}", handlers,
              [&s](http::RequestContext& ctx) { return ReadRow(s, ctx); }, 0,
              "one quarantined import row, with its reason"});
  router.Add({http_::verb::post, "/api/v1/quarantine/{id}/release", handlers,
              [&s](http::RequestContext& ctx) { return ReleaseRow(s, ctx); }, 0,
              "record a quarantined row, as sent or corrected, after the import checks"});
  router.Add({http_::verb::post, "/api/v1/quarantine/{id}/reject", handlers,
              [&s](http::RequestContext& ctx) { return RejectRow(s, ctx); }, 0,
              "close a quarantined row without recording it, with a reason"});
}

}  // namespace vaxreg::api
