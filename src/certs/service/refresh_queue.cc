#include "certs/service/refresh_queue.h"

#include <algorithm>
#include <sstream>


namespace vaxreg::certs {
namespace {

std::string JoinFacilities(std::span<const std::string> facilities) {
  std::string out;
  for (const std::string& f : facilities) {
    if (f.empty()) continue;
    if (!out.empty()) out += ' ';
    out += f;
  }
  return out;
}

std::vector<std::string> SplitFacilities(std::string_view text) {
  std::vector<std::string> out;
  std::istringstream in{std::string(text)};
  for (std::string f; in >> f;) {
    if (std::find(out.begin(), out.end(), f) == out.end()) out.push_back(f);
  }
  return out;
}

}  // namespace

Result<int64_t> EnqueueCertificateRefresh(storage::Connection& conn, int64_t now,
                                          std::span<const int64_t> people,
                                          std::span<const std::string> facilities,
                                          bool identity_changed, int64_t grace_seconds) {
  const std::string joined = JoinFacilities(facilities);
  int64_t queued = 0;
  for (int64_t person : people) {
    // The facility list grows by concatenation; SplitFacilities drops the repeats when read.
    ASSIGN_OR_RETURN(
        int64_t n,
        conn.Execute(
            "INSERT INTO certificate_refresh_queue (person_id, facilities, identity_changed, "
            "enqueued_at, due_at) SELECT CAST($1 AS BIGINT), CAST($2 AS TEXT), CAST($3 AS INTEGER), "
            "CAST($4 AS BIGINT), CAST($5 AS BIGINT) WHERE EXISTS (SELECT 1 FROM "
            "certificates WHERE person_id = $1 AND status = 'active') "
            "ON CONFLICT (person_id) DO UPDATE SET "
            "facilities = TRIM(certificate_refresh_queue.facilities || ' ' || excluded.facilities), "
            "identity_changed = CASE WHEN excluded.identity_changed = 1 THEN 1 ELSE "
            "certificate_refresh_queue.identity_changed END, claim_token = NULL, "
            "due_at = CASE WHEN certificate_refresh_queue.due_at < excluded.due_at THEN "
            "certificate_refresh_queue.due_at ELSE excluded.due_at END",
            {person, joined, int64_t{identity_changed ? 1 : 0}, now, now + grace_seconds}));
    queued += n;
  }
  return queued;
}

Result<std::vector<RefreshDuty>> ClaimCertificateRefreshes(storage::Connection& writer,
                                                           std::string_view token, int64_t now,
                                                           int64_t claim_seconds, int limit,
                                                           std::span<const int64_t> people) {
  const bool pg = writer.dialect() == storage::Dialect::kPostgres;
  const std::string lock = pg ? " FOR UPDATE SKIP LOCKED" : "";
  std::string which;
  std::vector<storage::Value> params{std::string(token), now + claim_seconds, now,
                                     int64_t{limit}};
  if (people.empty()) {
    which = "due_at <= $3";
  } else {
    // A claim in progress moved due_at to its end: only an unclaimed or lapsed row is taken.
    which = "(claim_token IS NULL OR due_at <= $3) AND person_id IN (";
    for (size_t i = 0; i < people.size(); ++i) {
      if (i > 0) which += ", ";
      which += "$" + std::to_string(params.size() + 1);
      params.emplace_back(people[i]);
    }
    which += ")";
  }
  const std::string sql =
      "UPDATE certificate_refresh_queue SET claim_token = $1, due_at = $2, attempts = attempts + 1 "
      "WHERE person_id IN (SELECT person_id FROM certificate_refresh_queue WHERE " +
      which + " ORDER BY due_at, person_id LIMIT $4" + lock +
      ") RETURNING person_id, facilities, identity_changed, attempts";
  ASSIGN_OR_RETURN(storage::Rows rows, writer.Query(sql, params));
  std::vector<RefreshDuty> out;
  out.reserve(rows.size());
  for (const storage::Row& row : rows) {
    out.push_back({row.Int(0), SplitFacilities(row.Text(1)), row.Int(2) != 0,
                   static_cast<int>(row.Int(3))});
  }
  std::sort(out.begin(), out.end(),
            [](const RefreshDuty& a, const RefreshDuty& b) { return a.person_id < b.person_id; });
  return out;
}

Result<bool> AnyCertificateRefreshDue(storage::Connection& conn, int64_t now) {
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT 1 FROM certificate_refresh_queue WHERE due_at <= $1 LIMIT 1",
                              {now}));
  return !rows.empty();
}

Result<bool> FinishCertificateRefresh(storage::Connection& writer, int64_t person_id,
                                      std::string_view token) {
  ASSIGN_OR_RETURN(int64_t n, writer.Execute("DELETE FROM certificate_refresh_queue WHERE "
                                             "person_id = $1 AND claim_token = $2",
                                             {person_id, std::string(token)}));
  return n == 1;
}

Status FailCertificateRefresh(storage::Connection& writer, int64_t person_id,
                              std::string_view token, std::string_view error, int64_t retry_at) {
  return writer
      .Execute("UPDATE certificate_refresh_queue SET claim_token = NULL, due_at = $3, "
               "last_error = $4 WHERE person_id = $1 AND claim_token = $2",
               {person_id, std::string(token), retry_at, std::string(error.substr(0, 500))})
      .status();
}

Result<RefreshBacklog> CertificateRefreshBacklog(storage::Connection& conn) {
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT COUNT(*), COALESCE(MIN(enqueued_at), 0) FROM "
                              "certificate_refresh_queue"));
  RefreshBacklog out;
  if (!rows.empty()) out = {rows[0].Int(0), rows[0].Int(1)};
  return out;
}

}  // namespace vaxreg::certs
