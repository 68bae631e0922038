// Doses: one (POST /api/v1/doses), a batch of up to 10,000 with per-item results, a CSV upload
// in the people-with-doses format with a per-row error report, voiding, and reading one.
// Facility staff write only their own facility's doses (403 otherwise); health authorities
// those of facilities in their area, and only they (and admins) may override the continuity
// check with a reason.

#include <boost/json.hpp>

#include "api/async_bridge.h"
#include "api/query_params.h"
#include "api/registry_json.h"
#include "api/routes.h"
#include "http/json.h"
#include "registry/dose_batch.h"
#include "registry/dose_csv.h"

namespace vaxreg::api {
namespace {

namespace http_ = boost::beast::http;
using http::asio::awaitable;

constexpr size_t kMaxBatchBodyBytes = 16 * 1024 * 1024;
constexpr size_t kMaxCsvBodyBytes = 32 * 1024 * 1024;
constexpr size_t kCsvRowsPerWrite = 1000;

// Staff record for their own facility: fill it in when absent, refuse another one early.
Status ApplyStaffFacility(const auth::Principal& who, registry::NewDose& d) {
  if (who.role != auth::Role::kFacilityStaff) return Status::Ok();
  if (d.facility_code.empty()) d.facility_code = who.facility_code;
  if (d.facility_code != who.facility_code) {
    return PermissionDeniedError("staff of facility " + who.facility_code +
                                 " may not write doses for facility " + d.facility_code);
  }
  return Status::Ok();
}

boost::json::object OutcomeJson(const registry::RecordOutcome& o) {
  boost::json::object out = registry::DoseToJson(o.dose);
  out["replayed"] = o.replayed;
  return out;
}

// POST /api/v1/doses
awaitable<http::Response> RecordDose(ApiServices& s, http::RequestContext& ctx) {
  auto body = http::ParseJsonObject(ctx.request);
  if (!body.ok()) co_return http::ErrorResponse(body.status(), ctx.request);
  auto dose = NewDoseFromJson(*body);
  if (!dose.ok()) co_return http::ErrorResponse(dose.status(), ctx.request);
  if (dose->idempotency_key.empty()) {
    auto header = ctx.request.find("Idempotency-Key");
    if (header != ctx.request.end()) dose->idempotency_key = std::string(header->value());
  }
  if (Status st = ApplyStaffFacility(*ctx.principal, *dose); !st.ok()) {
    co_return http::ErrorResponse(st, ctx.request);
  }
  const registry::DoseWriter writer = DoseWriterFor(ctx);
  const auto catalogue = s.vaccines.Get();
  Result<registry::RecordOutcome> outcome = InternalError("not run");
  storage::WriteFn write = [&](storage::Connection& c) {
    outcome = registry::RecordDose(c, s.clock, *catalogue, *dose, writer);
    return outcome.status();
  };
  Status st = co_await AwaitWrite(s.writer, write);
  if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  co_return http::JsonResponse(outcome->replayed ? http_::status::ok : http_::status::created,
                               OutcomeJson(*outcome), ctx.request);
}

// POST /api/v1/doses/batch {"items":[dose, ...]}: 200 with one result per item, in order.
awaitable<http::Response> RecordBatch(ApiServices& s, http::RequestContext& ctx) {
  auto body = http::ParseJsonObject(ctx.request);
  if (!body.ok()) co_return http::ErrorResponse(body.status(), ctx.request);
  auto items = http::RequireArray(*body, "items");
  if (!items.ok()) co_return http::ErrorResponse(items.status(), ctx.request);
  if ((*items)->size() > registry::kMaxDoseBatch) {
    co_return http::ErrorResponse(
        InvalidArgumentError("a batch holds at most " + std::to_string(registry::kMaxDoseBatch) +
                                 " doses, got " + std::to_string((*items)->size()),
                             "items"),
        ctx.request);
  }
  // Items that do not parse or that staff may not write are answered without a write.
  std::vector<Status> early((*items)->size());
  std::vector<registry::NewDose> doses;
  std::vector<size_t> index_of;
  for (size_t i = 0; i < (*items)->size(); ++i) {
    const boost::json::value& v = (**items)[i];
    if (!v.is_object()) {
      early[i] = InvalidArgumentError("each item must be an object", "items");
      continue;
    }
    auto d = NewDoseFromJson(v.as_object());
    if (d.ok()) {
      Status st = ApplyStaffFacility(*ctx.principal, *d);
      if (!st.ok()) d = st;
    }
    if (!d.ok()) {
      early[i] = d.status();
      continue;
    }
    doses.push_back(std::move(*d));
    index_of.push_back(i);
  }
  const registry::DoseWriter writer = DoseWriterFor(ctx);
  const auto catalogue = s.vaccines.Get();
  Result<std::vector<Result<registry::RecordOutcome>>> results = InternalError("not run");
  // The checks that need no database run here, on the I/O thread, not on the writer's.
  auto batch = registry::PrepareDoseBatch(*catalogue, std::move(doses), writer,
                                          registry::DayOf(ToUnixSeconds(s.clock.Now())));
  if (!batch.ok()) co_return http::ErrorResponse(batch.status(), ctx.request);
  storage::WriteFn write = [&](storage::Connection& c) {
    results = registry::RecordPreparedDoseBatch(c, s.clock, *catalogue, *batch, writer);
    return results.status();
  };
  if (batch->items > 0) {
    Status st = co_await AwaitWrite(s.writer, write);
    if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  }
  boost::json::array out;
  out.reserve(early.size());
  for (size_t i = 0; i < early.size(); ++i) {
    out.push_back(boost::json::object{{"index", i}});
    if (!early[i].ok()) out.back().as_object()["error"] = ItemError(early[i]);
  }
  size_t recorded = 0;
  for (size_t k = 0; k < index_of.size(); ++k) {
    auto& item = out[index_of[k]].as_object();
    const auto& r = (*results)[k];
    if (r.ok()) {
      item["dose"] = OutcomeJson(*r);
      ++recorded;
    } else {
      item["error"] = ItemError(r.status());
    }
  }
  co_return http::JsonResponse(
      http_::status::ok,
      boost::json::object{{"recorded", recorded},
                          {"failed", early.size() - recorded},
                          {"results", std::move(out)}},
      ctx.request);
}

// POST /api/v1/doses/csv (text/csv): per-row errors with line numbers; good rows are kept.
awaitable<http::Response> UploadCsv(ApiServices& s, http::RequestContext& ctx) {
  const std::string& text = ctx.request.body();
  std::vector<registry::DoseCsvRow> rows;
  std::vector<registry::RowError> errors;
  size_t line_no = 0, data_rows = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    const std::string_view line(text.data() + pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (line_no == 1) {
      if (Status st = registry::CheckDoseCsvHeader(line); !st.ok()) {
        co_return http::ErrorResponse(st, ctx.request);
      }
      continue;
    }
    if (line.empty() || line == "\r") continue;
    ++data_rows;
    auto row = registry::ParseDoseCsvLine(line, line_no);
    if (!row.ok()) {
      errors.push_back({line_no, "", row.status()});
      continue;
    }
    registry::NewDose probe;
    probe.facility_code = row->facility_code;
    if (Status st = ApplyStaffFacility(*ctx.principal, probe); !st.ok()) {
      errors.push_back({line_no, row->record_id, st});
      continue;
    }
    row->facility_code = probe.facility_code;
    rows.push_back(std::move(*row));
  }
  if (line_no == 0) {
    co_return http::ErrorResponse(InvalidArgumentError("the CSV file is empty", "body"),
                                  ctx.request);
  }
  const registry::DoseWriter writer = DoseWriterFor(ctx);
  const auto catalogue = s.vaccines.Get();
  registry::RecordPeople people;
  size_t recorded = 0;
  registry::PreparedDoseRows chunk;
  Result<size_t> done = InternalError("not run");
  std::vector<registry::RowError> chunk_errors;
  std::vector<int64_t> created;
  storage::WriteFn write = [&](storage::Connection& c) {
    chunk_errors.clear();
    created.clear();
    done = registry::ImportDoseRows(c, s.clock, *catalogue, chunk, writer, people, chunk_errors,
                                    nullptr, "import.doses", &created);
    return done.status();
  };
  for (size_t start = 0; start < rows.size(); start += kCsvRowsPerWrite) {
    const size_t end = std::min(rows.size(), start + kCsvRowsPerWrite);
    chunk = registry::PrepareDoseRows(
        std::vector<registry::DoseCsvRow>(rows.begin() + static_cast<std::ptrdiff_t>(start),
                                          rows.begin() + static_cast<std::ptrdiff_t>(end)),
        *catalogue, registry::DayOf(ToUnixSeconds(s.clock.Now())));
    Status st = co_await AwaitWrite(s.writer, write);
    if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
    recorded += *done;
    errors.insert(errors.end(), chunk_errors.begin(), chunk_errors.end());
    NotifyPeopleCreated(s, created);
  }
  std::sort(errors.begin(), errors.end(),
            [](const registry::RowError& a, const registry::RowError& b) { return a.line < b.line; });
  boost::json::array report;
  for (const auto& e : errors) {
    report.push_back(boost::json::object{
        {"line", e.line}, {"record_id", e.record_id}, {"error", ItemError(e.status)}});
  }
  co_return http::JsonResponse(http_::status::ok,
                               boost::json::object{{"rows", data_rows},
                                                   {"recorded", recorded},
                                                   {"failed", errors.size()},
                                                   {"errors", std::move(report)}},
                               ctx.request);
}

// POST /api/v1/doses/{id}/void {"reason"}
awaitable<http::Response> VoidDose(ApiServices& s, http::RequestContext& ctx) {
  auto id = IdPathParam(ctx, "id");
  if (!id.ok()) co_return http::ErrorResponse(id.status(), ctx.request);
  auto body = http::ParseJsonObject(ctx.request);
  if (!body.ok()) co_return http::ErrorResponse(body.status(), ctx.request);
  auto reason = http::RequireString(*body, "reason");
  if (!reason.ok()) co_return http::ErrorResponse(reason.status(), ctx.request);
  const registry::DoseWriter writer = DoseWriterFor(ctx);
  const auto catalogue = s.vaccines.Get();
  Result<registry::Dose> voided = InternalError("not run");
  storage::WriteFn write = [&](storage::Connection& c) {
    voided = registry::VoidDose(c, s.clock, *catalogue, *id, *reason, writer);
    return voided.status();
  };
  Status st = co_await AwaitWrite(s.writer, write);
  if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  co_return RawJsonResponse(http_::status::ok, registry::DoseJson(*voided), ctx.request);
}

}  // namespace

void RegisterDoseRoutes(http::Router& router, ApiServices& s) {
  using auth::Role;
  const auto writers = auth::AccessRule::Roles({Role::kFacilityStaff, Role::kHealthAuthority,
                                                Role::kAdmin});
  router.Add({http_::verb::post, "/api/v1/doses", writers,
              [&s](http::RequestContext& ctx) { return RecordDose(s, ctx); }, 0,
              "record one dose (Idempotency-Key header or idempotency_key field)"});
  router.Add({http_::verb::post, "/api/v1/doses/batch", writers,
              [&s](http::RequestContext& ctx) { return RecordBatch(s, ctx); }, kMaxBatchBodyBytes,
              "record up to 10,000 doses, one result per item"});
  router.Add({http_::verb::post, "/api/v1/doses/csv", writers,
              [&s](http::RequestContext& ctx) { return UploadCsv(s, ctx); }, kMaxCsvBodyBytes,
              "import a people-with-doses CSV, with a per-row error report"});
  router.Add({http_::verb::post, "/api/v1/doses/{id}/void", writers,
              [&s](http::RequestContext& ctx) { return VoidDose(s, ctx); }, 0,
              "void a dose entered in error, with a reason"});
}

}  // namespace vaxreg::api
