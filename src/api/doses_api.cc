// Doses: one (POST /api/v1/doses), a batch of up to 10,000 with per-item results, a CSV upload
// in the people-with-doses format (up to 32 MiB) with a bounded per-row error report (the first
// 10,000 refused rows, counts by reason, a total), voiding, and reading one.
// Facility staff write only their own facility's doses (403 otherwise); health authorities
// those of facilities in their area, and only they (and admins) may override the continuity
// check with a reason.

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <iterator>
#include <unordered_map>

#include "api/async_bridge.h"
#include "api/certificate_follow.h"
#include "api/query_params.h"
#include "api/registry_json.h"
#include "api/routes.h"
#include "http/json.h"
#include "registry/dose_batch.h"
#include "registry/dose_csv.h"
#include "registry/quarantine.h"

namespace vaxreg::api {
namespace {

namespace http_ = boost::beast::http;
using http::asio::awaitable;

constexpr size_t kMaxBatchBodyBytes = 16 * 1024 * 1024;
constexpr size_t kMaxCsvBodyBytes = 32 * 1024 * 1024;
constexpr size_t kCsvRowsPerWrite = 1000;
// Refused rows of one upload kept for cleaning at most: a file refused by the hundred thousand
// (the wrong file, a broken export) is for its sender to send again, not for a handler to
// clean line by line. The answer says when rows were refused without being kept.
constexpr size_t kMaxQuarantinedPerUpload = 100000;
// Data lines read by one blocking task at most, so that a body of refused lines is read in
// tasks short enough to let other work through the pool in between.
constexpr size_t kCsvLinesPerChunk = 16 * kCsvRowsPerWrite;

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
  if (Status st = ApplyStaffFacility(*ctx.principal, dose->facility_code); !st.ok()) {
    co_return http::ErrorResponse(st, ctx.request);
  }
  const registry::DoseWriter writer = DoseWriterFor(ctx);
  const auto catalogue = s.vaccines.Get();
  Result<registry::RecordOutcome> outcome = InternalError("not run");
  Status st;
  if (s.dose_groups != nullptr && registry::DoseGroupWriter::Groupable(*dose, writer)) {
    st = co_await AwaitGroupedDose(*s.dose_groups, *dose, writer, catalogue, outcome);
  } else {
    storage::WriteFn write = [&](storage::Connection& c) {
      outcome = registry::RecordDose(c, s.clock, *catalogue, *dose, writer);
      return outcome.status();
    };
    st = co_await AwaitWrite(s.writer, write);
  }
  if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  co_return http::JsonResponse(outcome->replayed ? http_::status::ok : http_::status::created,
                               OutcomeJson(*outcome), ctx.request);
}

// POST /api/v1/doses/batch {"items":[dose, ...]}: 200 with one result per item, in order. A
// refused item (but one its sender may not write) is also kept in the cleaning queue; its result
// then carries "quarantine_id", and "quarantined" counts them.
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
      Status st = ApplyStaffFacility(*ctx.principal, d->facility_code);
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
  std::vector<int64_t> quarantine_ids(early.size(), 0);
  // The checks that need no database run here, on the I/O thread, not on the writer's.
  auto batch = registry::PrepareDoseBatch(*catalogue, std::move(doses), writer,
                                          registry::DayOf(ToUnixSeconds(s.clock.Now())));
  if (!batch.ok()) co_return http::ErrorResponse(batch.status(), ctx.request);
  // Every refused item that may be kept goes to the cleaning queue in the same transaction as
  // the recorded ones: nothing a facility sent is lost (registry/quarantine.h).
  auto keep_refused = [&](storage::Connection& c) -> Status {
    std::vector<registry::QuarantineEntry> entries;
    std::vector<size_t> entry_item;
    auto add = [&](size_t i, const Status& why) {
      if (!registry::IsQuarantinable(why)) return;
      registry::QuarantineEntry e;
      e.channel = "batch";
      e.line = i + 1;
      e.row_text = boost::json::serialize((**items)[i]);
      e.facility_code = ctx.principal->facility_code;
      if (const auto* o = (**items)[i].if_object()) {
        if (const auto* f = o->if_contains("facility_code");
            f && f->is_string() && !f->as_string().empty()) {
          e.facility_code = std::string(f->as_string());
        }
        if (const auto* k = o->if_contains("idempotency_key"); k && k->is_string()) {
          e.record_id = std::string(k->as_string());
        }
      }
      e.reason = why;
      entries.push_back(std::move(e));
      entry_item.push_back(i);
    };
    for (size_t i = 0; i < early.size(); ++i) {
      if (!early[i].ok()) add(i, early[i]);
    }
    if (results.ok()) {
      for (size_t k = 0; k < index_of.size(); ++k) {
        if (!(*results)[k].ok()) add(index_of[k], (*results)[k].status());
      }
    }
    ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                     registry::QuarantineBatchItems(c, s.clock, entries, writer.actor));
    for (size_t k = 0; k < ids.size(); ++k) quarantine_ids[entry_item[k]] = ids[k];
    return Status::Ok();
  };
  storage::WriteFn write = [&](storage::Connection& c) -> Status {
    std::fill(quarantine_ids.begin(), quarantine_ids.end(), 0);
    if (batch->items > 0) {
      results = registry::RecordPreparedDoseBatch(c, s.clock, *catalogue, *batch, writer);
      RETURN_IF_ERROR(results.status());
    } else {
      results = std::vector<Result<registry::RecordOutcome>>{};
    }
    return keep_refused(c);
  };
  const bool any_refused_early =
      std::any_of(early.begin(), early.end(), [](const Status& st) {
        return registry::IsQuarantinable(st);
      });
  if (batch->items > 0 || any_refused_early) {
    Status st = co_await AwaitWrite(s.writer, write);
    if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  }
  boost::json::array out;
  out.reserve(early.size());
  for (size_t i = 0; i < early.size(); ++i) {
    out.push_back(boost::json::object{{"index", i}});
    if (!early[i].ok()) out.back().as_object()["error"] = ItemError(early[i], ctx.request);
  }
  size_t recorded = 0;
  for (size_t k = 0; k < index_of.size(); ++k) {
    auto& item = out[index_of[k]].as_object();
    const auto& r = (*results)[k];
    if (r.ok()) {
      item["dose"] = OutcomeJson(*r);
      ++recorded;
    } else {
      item["error"] = ItemError(r.status(), ctx.request);
    }
  }
  size_t quarantined = 0;
  for (size_t i = 0; i < early.size(); ++i) {
    if (quarantine_ids[i] == 0) continue;
    out[i].as_object()["quarantine_id"] = quarantine_ids[i];
    ++quarantined;
  }
  co_return http::JsonResponse(http_::status::ok,
                               boost::json::object{{"recorded", recorded},
                                                   {"failed", early.size() - recorded},
                                                   {"quarantined", quarantined},
                                                   {"results", std::move(out)}},
                               ctx.request);
}

// One CSV upload, read and checked a chunk at a time. The handler coroutine and the blocking
// pool tasks it awaits (one at a time, so never concurrently) share it. Memory stays bounded
// whatever the body holds: rows live only for their chunk, and refused rows go into a
// RowErrorSummary (the first 10,000 in full, the rest counted).
struct CsvUpload {
  std::string_view text;
  size_t pos = 0;
  size_t line_no = 0;
  registry::DoseCsvDialect dialect;  // from the header line
  size_t data_rows = 0;
  size_t recorded = 0;
  // The chunk being imported: its rows, and the rows refused so far (parse errors and staff
  // writing for another facility first, then those ImportDoseRows refused).
  registry::PreparedDoseRows chunk;
  std::vector<registry::RowError> chunk_errors;
  registry::RowErrorSummary summary;
  // The current chunk's data lines by line number (views into `text`): what a refused row's
  // quarantine entry keeps.
  std::unordered_map<size_t, std::string_view> lines;
  size_t quarantined = 0;
  bool quarantine_full = false;  // refused rows beyond kMaxQuarantinedPerUpload were not kept
};

// Keeps the chunk's refused rows (those read before the write and those `write_errors` names)
// in the cleaning queue, in the chunk's transaction, and notes each one's id on its error.
Status QuarantineChunk(storage::Connection& conn, const Clock& clock, CsvUpload& u,
                       std::vector<registry::RowError>& write_errors, const auth::Principal& who,
                       const registry::Actor& actor) {
  std::vector<registry::RowError*> errors;
  size_t room = kMaxQuarantinedPerUpload - std::min(u.quarantined, kMaxQuarantinedPerUpload);
  for (auto* list : {&u.chunk_errors, &write_errors}) {
    for (registry::RowError& e : *list) {
      e.quarantine_id = 0;
      if (!registry::IsQuarantinable(e.status)) continue;
      if (room == 0) {
        u.quarantine_full = true;
        continue;
      }
      --room;
      errors.push_back(&e);
    }
  }
  return registry::QuarantineRefusedRows(
      conn, clock, "csv", u.dialect.separator, errors, u.chunk.rows,
      [&u](size_t line) {
        auto text = u.lines.find(line);
        return text == u.lines.end() ? std::string() : std::string(text->second);
      },
      who.facility_code, actor);
}

// Moves the current chunk's refused rows into the summary, in line order (the chunks follow
// each other in the file, so the summary lists the first refused rows of the file).
void FoldChunkErrors(CsvUpload& u) {
  registry::SortRowErrors(u.chunk_errors);
  for (registry::RowError& e : u.chunk_errors) u.summary.Add(std::move(e));
  u.chunk_errors.clear();
}

// Reads the next chunk: data lines until kCsvRowsPerWrite rows parsed or kCsvLinesPerChunk lines
// read, parsed and checked as far as no database is needed (PrepareDoseRows). Runs on the
// blocking pool. False when the text is exhausted and the chunk is empty.
bool ReadCsvChunk(CsvUpload& u, const auth::Principal& who,
                  const std::vector<registry::VaccineProduct>& catalogue,
                  std::chrono::sys_days today) {
  FoldChunkErrors(u);
  u.lines.clear();
  std::vector<registry::DoseCsvRow> rows;
  size_t lines = 0;
  while (u.pos < u.text.size() && rows.size() < kCsvRowsPerWrite && lines < kCsvLinesPerChunk) {
    size_t nl = u.text.find('\n', u.pos);
    if (nl == std::string_view::npos) nl = u.text.size();
    const std::string_view line = u.text.substr(u.pos, nl - u.pos);
    u.pos = nl + 1;
    ++u.line_no;
    if (line.empty() || line == "\r") continue;
    ++lines;
    ++u.data_rows;
    u.lines.emplace(u.line_no, line);
    auto row = registry::ParseDoseCsvLine(line, u.line_no, u.dialect);
    if (!row.ok()) {
      u.chunk_errors.push_back({u.line_no, "", row.status()});
      continue;
    }
    if (Status st = ApplyStaffFacility(who, row->facility_code); !st.ok()) {
      u.chunk_errors.push_back({u.line_no, row->record_id, st});
      continue;
    }
    rows.push_back(std::move(*row));
  }
  u.chunk = registry::PrepareDoseRows(std::move(rows), catalogue, today);
  return !u.chunk.rows.empty() || !u.chunk_errors.empty() || u.pos < u.text.size();
}

// The answer to an upload: counts, the listed refused rows and the count of each reason. Runs
// on the blocking pool.
http::Response CsvUploadAnswer(CsvUpload& u, const http::Request& req) {
  FoldChunkErrors(u);
  boost::json::array listed;
  listed.reserve(u.summary.listed().size());
  for (const auto& e : u.summary.listed()) {
    boost::json::object row{
        {"line", e.line}, {"record_id", e.record_id}, {"error", ItemError(e.status, req)}};
    if (e.quarantine_id != 0) row["quarantine_id"] = e.quarantine_id;
    listed.push_back(std::move(row));
  }
  boost::json::array counts;
  for (const auto& [reason, n] : u.summary.counts()) {
    boost::json::object c{{"code", StatusCodeName(reason.first)}, {"count", n}};
    if (!reason.second.empty()) c["field"] = reason.second;
    counts.push_back(std::move(c));
  }
  return http::JsonResponse(http_::status::ok,
                            boost::json::object{{"rows", u.data_rows},
                                                {"recorded", u.recorded},
                                                {"failed", u.summary.total()},
                                                {"quarantined", u.quarantined},
                                                {"quarantine_full", u.quarantine_full},
                                                {"errors", std::move(listed)},
                                                {"errors_truncated", u.summary.truncated()},
                                                {"error_counts", std::move(counts)}},
                            req);
}

// POST /api/v1/doses/csv (text/csv): per-row errors with line numbers; good rows are kept.
// Parsing, the checks that need no database and the answer run on the blocking pool, a chunk
// per task, so a large upload neither blocks an I/O thread nor holds more than one chunk of
// rows; the rows of a chunk are written by the group-commit writer.
awaitable<http::Response> UploadCsv(ApiServices& s, http::RequestContext& ctx) {
  CsvUpload u;
  u.text = ctx.request.body();
  const size_t header_end = std::min(u.text.find('\n'), u.text.size());
  if (u.text.empty()) {
    co_return http::ErrorResponse(InvalidArgumentError("the CSV file is empty", "body"),
                                  ctx.request);
  }
  auto dialect = registry::ReadDoseCsvHeader(u.text.substr(0, header_end));
  if (!dialect.ok()) co_return http::ErrorResponse(dialect.status(), ctx.request);
  u.dialect = *dialect;
  u.pos = header_end + 1;
  u.line_no = 1;
  const registry::DoseWriter writer = DoseWriterFor(ctx);
  const auto catalogue = s.vaccines.Get();
  const auth::Principal& who = *ctx.principal;
  registry::RecordPeople people;  // used on the writer thread only
  Result<size_t> done = InternalError("not run");
  std::vector<registry::RowError> write_errors;
  std::vector<int64_t> created;
  // Each run fills the lists with the current chunk's refused rows and new people only; the
  // refused rows are kept for cleaning in the same transaction.
  storage::WriteFn write = [&](storage::Connection& c) -> Status {
    write_errors.clear();
    created.clear();
    done = size_t{0};
    if (!u.chunk.rows.empty()) {
      done = registry::ImportDoseRows(c, s.clock, *catalogue, u.chunk, writer, people,
                                      write_errors, nullptr, "import.doses", &created);
      RETURN_IF_ERROR(done.status());
    }
    return QuarantineChunk(c, s.clock, u, write_errors, who, writer.actor);
  };
  auto read_chunk = [&] {
    return ReadCsvChunk(u, who, *catalogue, registry::DayOf(ToUnixSeconds(s.clock.Now())));
  };
  while (co_await RunBlocking(s.blocking_pool, read_chunk)) {
    if (u.chunk.rows.empty() && u.chunk_errors.empty()) continue;
    Status st = co_await AwaitWrite(s.writer, write);
    if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
    u.recorded += *done;
    for (const auto* list : {&u.chunk_errors, &write_errors}) {
      for (const registry::RowError& e : *list) u.quarantined += e.quarantine_id != 0 ? 1 : 0;
    }
    u.chunk_errors.insert(u.chunk_errors.end(), std::make_move_iterator(write_errors.begin()),
                          std::make_move_iterator(write_errors.end()));
    NotifyPeopleCreated(s, created);
  }
  auto answer = [&] { return CsvUploadAnswer(u, ctx.request); };
  co_return co_await RunBlocking(s.blocking_pool, answer);
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
  storage::WriteFn write = [&](storage::Connection& c) -> Status {
    voided = registry::VoidDose(c, s.clock, *catalogue, *id, *reason, writer);
    if (!voided.ok()) return voided.status();
    const int64_t person = voided->person_id;
    return QueueCertificateFollow(s, c, {&person, 1}, {}, false);
  };
  Status st = co_await AwaitWrite(s.writer, write);
  if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  // A voided dose leaves the person's certificate at once (re-issued without it, the old one
  // revoked), not at the next renewal sweep.
  const registry::Actor actor{ctx.principal->ActorId(), ctx.request_id};
  const std::vector<int64_t> people{voided->person_id};
  auto follow = [&] { return FollowCertificates(s, people, actor); };
  co_await RunBlocking(s.blocking_pool, follow);
  co_return RawJsonResponse(http_::status::ok, registry::DoseJson(*voided), ctx.request);
}

}  // namespace

void RegisterDoseRoutes(http::Router& router, ApiServices& s) {
  using auth::Role;
  const auto writers =
      auth::AccessRule::Roles({Role::kFacilityStaff, Role::kHealthAuthority, Role::kAdmin});
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
