#include "registry/quarantine.h"

#include <boost/json.hpp>
#include <cstdlib>
#include <map>
#include <unordered_map>

#include "audit/audit_log.h"
#include "registry/facility.h"

namespace vaxreg::registry {
namespace {

constexpr char kColumns[] =
    "id, received_at, channel, submitted_by, facility_code, province_code, district_code, "
    "commune_code, line, record_id, separator, row_text, reason_code, reason_field, "
    "reason_message, status, handled_by, handled_at, resolution, dose_id, fixed, match_status, "
    "matched_cccd, match_score";

QuarantinedRow FromRow(const storage::RowView& r) {
  QuarantinedRow q;
  q.id = r.Int(0);
  q.received_at = r.Int(1);
  q.channel = r.Text(2);
  q.submitted_by = r.Text(3);
  q.facility_code = r.Text(4);
  q.province_code = r.Text(5);
  q.district_code = r.Text(6);
  q.commune_code = r.Text(7);
  q.line = r.Int(8);
  q.record_id = r.Text(9);
  q.separator = r.Text(10);
  q.row_text = r.Text(11);
  q.reason_code = r.Text(12);
  q.reason_field = r.Text(13);
  q.reason_message = r.Text(14);
  q.status = r.Text(15);
  q.handled_by = r.Text(16);
  if (!r.IsNull(17)) q.handled_at = r.Int(17);
  q.resolution = r.Text(18);
  if (!r.IsNull(19)) q.dose_id = r.Int(19);
  q.fixed = r.Int(20) != 0;
  q.match_status = r.Text(21);
  q.matched_cccd = r.Text(22);
  if (!r.IsNull(23)) q.match_score = std::strtod(r.Text(23).c_str(), nullptr);  // REAL as text
  return q;
}

struct Route {
  std::string province, district, commune;
};

}  // namespace

bool IsQuarantinable(const Status& reason) {
  return !reason.ok() && reason.code() != StatusCode::kPermissionDenied;
}

Result<std::vector<int64_t>> QuarantineRows(storage::Connection& conn, const Clock& clock,
                                            std::span<const QuarantineEntry> entries,
                                            const Actor& actor) {
  std::vector<int64_t> ids;
  if (entries.empty()) return ids;
  ids.reserve(entries.size());
  const int64_t now = ToUnixSeconds(clock.Now());
  std::map<std::string, Route, std::less<>> routes;  // facility code -> its address
  for (const QuarantineEntry& e : entries) {
    Route route;
    if (!e.facility_code.empty()) {
      auto known = routes.find(e.facility_code);
      if (known == routes.end()) {
        ASSIGN_OR_RETURN(std::optional<Facility> f, FindFacility(conn, e.facility_code));
        Route r;
        if (f) r = {f->province_code, f->district_code, f->commune_code};
        known = routes.emplace(e.facility_code, std::move(r)).first;
      }
      route = known->second;
    }
    if (route.province.empty()) route.province = e.row_province_code;
    ASSIGN_OR_RETURN(
        storage::Rows inserted,
        conn.Query("INSERT INTO import_quarantine (received_at, channel, submitted_by, "
                   "facility_code, province_code, district_code, commune_code, line, record_id, "
                   "separator, row_text, reason_code, reason_field, reason_message) VALUES "
                   "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
                   {now, e.channel, actor.id, e.facility_code, route.province, route.district,
                    route.commune, static_cast<int64_t>(e.line), e.record_id,
                    std::string(1, e.separator), e.row_text,
                    std::string(StatusCodeName(e.reason.code())), std::string(e.reason.field()),
                    std::string(e.reason.message())}));
    ids.push_back(inserted.at(0).Int(0));
  }
  const std::string after = boost::json::serialize(boost::json::object{
      {"rows", ids.size()}, {"first_id", ids.front()}, {"last_id", ids.back()}});
  RETURN_IF_ERROR(audit::AppendAudit(
      conn, clock,
      {actor.id, "import.quarantine",
       "import_quarantine:" + std::to_string(ids.front()) + "-" + std::to_string(ids.back()),
       "null", after, actor.request_id}));
  return ids;
}

Result<std::vector<int64_t>> QuarantineBatchItems(storage::Connection& conn, const Clock& clock,
                                                  std::span<const QuarantineEntry> entries,
                                                  const Actor& actor) {
  std::vector<int64_t> ids(entries.size(), 0);
  std::vector<QuarantineEntry> fresh;
  std::vector<size_t> fresh_at;
  for (size_t i = 0; i < entries.size(); ++i) {
    const QuarantineEntry& e = entries[i];
    CHECK(e.channel == "batch");
    ASSIGN_OR_RETURN(storage::Rows open,
                     conn.Query("SELECT id FROM import_quarantine WHERE facility_code = $1 AND "
                                "status = 'open' AND channel = 'batch' AND row_text = $2 "
                                "ORDER BY id LIMIT 1",
                                {e.facility_code, e.row_text}));
    if (!open.empty()) {
      ids[i] = open.at(0).Int(0);
      continue;
    }
    fresh.push_back(e);
    fresh_at.push_back(i);
  }
  ASSIGN_OR_RETURN(std::vector<int64_t> added, QuarantineRows(conn, clock, fresh, actor));
  for (size_t k = 0; k < added.size(); ++k) ids[fresh_at[k]] = added[k];
  return ids;
}

Status QuarantineRefusedRows(storage::Connection& conn, const Clock& clock,
                             std::string_view channel, char separator,
                             std::span<RowError* const> errors, std::span<const DoseCsvRow> rows,
                             const std::function<std::string(size_t line)>& line_text,
                             std::string_view unread_facility, const Actor& actor) {
  std::unordered_map<size_t, const DoseCsvRow*> row_of_line;
  for (const DoseCsvRow& r : rows) row_of_line.emplace(r.line, &r);
  std::vector<QuarantineEntry> entries;
  std::vector<RowError*> kept;
  for (RowError* e : errors) {
    e->quarantine_id = 0;
    if (!IsQuarantinable(e->status)) continue;
    QuarantineEntry q;
    q.channel = std::string(channel);
    q.line = e->line;
    q.record_id = e->record_id;
    q.separator = separator;
    q.row_text = line_text(e->line);
    if (auto row = row_of_line.find(e->line); row != row_of_line.end()) {
      q.facility_code = row->second->facility_code;
      q.row_province_code = row->second->province_code;
    } else {
      q.facility_code = std::string(unread_facility);
    }
    q.reason = e->status;
    entries.push_back(std::move(q));
    kept.push_back(e);
  }
  ASSIGN_OR_RETURN(std::vector<int64_t> ids, QuarantineRows(conn, clock, entries, actor));
  for (size_t i = 0; i < ids.size(); ++i) kept[i]->quarantine_id = ids[i];
  return Status::Ok();
}

Result<std::vector<QuarantinedRow>> ListQuarantine(storage::Connection& conn,
                                                   const QuarantineFilter& filter) {
  std::string sql = std::string("SELECT ") + kColumns + " FROM import_quarantine WHERE id > $1";
  std::vector<storage::Value> params{filter.after_id};
  auto add = [&](std::string_view column, const std::string& value) {
    params.emplace_back(value);
    sql += " AND " + std::string(column) + " = $" + std::to_string(params.size());
  };
  if (!filter.status.empty()) add("status", filter.status);
  if (!filter.facility_code.empty()) add("facility_code", filter.facility_code);
  if (!filter.unit_code.empty()) {
    const size_t n = filter.unit_code.size();
    add(n <= 2 ? "province_code" : n == 3 ? "district_code" : "commune_code", filter.unit_code);
  }
  params.emplace_back(int64_t{filter.limit});
  sql += " ORDER BY id LIMIT $" + std::to_string(params.size());
  std::vector<QuarantinedRow> out;
  RETURN_IF_ERROR(conn.ForEachRow(sql, params, [&](const storage::RowView& r) {
    out.push_back(FromRow(r));
    return Status::Ok();
  }));
  return out;
}

Result<std::optional<QuarantinedRow>> FindQuarantined(storage::Connection& conn, int64_t id) {
  std::optional<QuarantinedRow> found;
  RETURN_IF_ERROR(conn.ForEachRow(
      std::string("SELECT ") + kColumns + " FROM import_quarantine WHERE id = $1",
      std::vector<storage::Value>{id}, [&](const storage::RowView& r) {
        found = FromRow(r);
        return Status::Ok();
      }));
  return found;
}

Status CloseQuarantined(storage::Connection& conn, const Clock& clock, int64_t id,
                        std::string_view status, std::string_view resolution,
                        std::optional<int64_t> dose_id, bool fixed, const Actor& actor) {
  CHECK(status == "released" || status == "rejected");
  ASSIGN_OR_RETURN(
      int64_t n,
      conn.Execute("UPDATE import_quarantine SET status = $1, resolution = $2, dose_id = $3, "
                   "handled_by = $4, handled_at = $5, fixed = $6 WHERE id = $7 AND status = 'open'",
                   {std::string(status), std::string(resolution),
                    dose_id ? storage::Value(*dose_id) : storage::Value(nullptr), actor.id,
                    ToUnixSeconds(clock.Now()), int64_t{fixed ? 1 : 0}, id}));
  if (n != 1) {
    return FailedPreconditionError("quarantined row " + std::to_string(id) +
                                   " is no longer open: someone handled it first");
  }
  boost::json::object after{{"status", status}, {"resolution", resolution}};
  if (dose_id) after["dose_id"] = *dose_id;
  if (fixed) after["fixed"] = true;
  return audit::AppendAudit(conn, clock,
                            {actor.id, "import.quarantine_" + std::string(status),
                             "import_quarantine:" + std::to_string(id), R"({"status":"open"})",
                             boost::json::serialize(after), actor.request_id});
}

std::string QuarantinedRowJson(const QuarantinedRow& q) {
  auto time = [](std::optional<int64_t> t) {
    return t ? boost::json::value(FormatIso8601(FromUnixSeconds(*t)))
             : boost::json::value(nullptr);
  };
  return boost::json::serialize(boost::json::object{
      {"id", q.id},
      {"received_at", time(q.received_at)},
      {"channel", q.channel},
      {"submitted_by", q.submitted_by},
      {"facility_code", q.facility_code},
      {"area", boost::json::object{{"province_code", q.province_code},
                                   {"district_code", q.district_code},
                                   {"commune_code", q.commune_code}}},
      {"line", q.line},
      {"record_id", q.record_id},
      {"separator", q.separator},
      {"row", q.row_text},
      {"reason", boost::json::object{{"code", q.reason_code},
                                     {"field", q.reason_field},
                                     {"message", q.reason_message}}},
      {"status", q.status},
      {"handled_by", q.handled_by},
      {"handled_at", time(q.handled_at)},
      {"resolution", q.resolution},
      {"dose_id", q.dose_id ? boost::json::value(*q.dose_id) : boost::json::value(nullptr)},
      {"fixed", q.fixed},
      {"match", boost::json::object{{"status", q.match_status},
                                    {"matched_cccd", q.matched_cccd},
                                    {"score", q.match_score ? boost::json::value(*q.match_score)
                                                            : boost::json::value(nullptr)}}}});
}

}  // namespace vaxreg::registry
