#include "audit/audit_log.h"

#include <limits>

#include "common/crypto_util.h"

namespace vaxreg::audit {
namespace {

using storage::Value;

const std::string kGenesisHash(64, '0');

void AppendField(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += ';';
}

AuditRecord RecordFromRow(const storage::Row& row) {
  AuditRecord r;
  r.seq = row.Int(0);
  r.at = row.Int(1);
  r.entry.actor = row.Text(2);
  r.entry.action = row.Text(3);
  r.entry.target = row.Text(4);
  r.entry.before_json = row.Text(5);
  r.entry.after_json = row.Text(6);
  r.entry.request_id = row.Text(7);
  r.prev_hash = row.Text(8);
  r.hash = row.Text(9);
  return r;
}

constexpr std::string_view kColumns =
    "seq, at, actor, action, target, before_json, after_json, request_id, prev_hash, hash";

}  // namespace

std::string ComputeAuditHash(const AuditRecord& r) {
  std::string content;
  content.reserve(128 + r.entry.before_json.size() + r.entry.after_json.size());
  AppendField(content, r.prev_hash);
  AppendField(content, std::to_string(r.seq));
  AppendField(content, std::to_string(r.at));
  AppendField(content, r.entry.actor);
  AppendField(content, r.entry.action);
  AppendField(content, r.entry.target);
  AppendField(content, r.entry.before_json);
  AppendField(content, r.entry.after_json);
  AppendField(content, r.entry.request_id);
  return HexEncode(Sha256(content));
}

Status AppendAudit(storage::Connection& conn, const Clock& clock, const AuditEntry& entry) {
  return AppendAuditEntries(conn, clock, {&entry, 1});
}

Status AppendAuditEntries(storage::Connection& conn, const Clock& clock,
                          std::span<const AuditEntry> entries) {
  if (entries.empty()) return Status::Ok();
  static constexpr std::string_view kHead = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1";
  static constexpr std::string_view kInsert =
      "INSERT INTO audit_log (seq, at, actor, action, target, before_json, after_json, "
      "request_id, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
  storage::Rows head;
  if (conn.dialect() == storage::Dialect::kPostgres) {
    // The lock serialises appenders across processes until this transaction ends; the head is
    // read after it, in the same round trip.
    const storage::Connection::Statement steps[] = {{"SELECT pg_advisory_xact_lock(7001)", {}},
                                                    {kHead, {}}};
    ASSIGN_OR_RETURN(std::vector<storage::Rows> results, conn.QueryPipelined(steps));
    head = std::move(results[1]);
  } else {
    ASSIGN_OR_RETURN(head, conn.Query(kHead));
  }
  AuditRecord r;
  r.seq = head.empty() ? 0 : head[0].Int(0);
  r.prev_hash = head.empty() ? kGenesisHash : head[0].Text(1);
  r.at = ToUnixSeconds(clock.Now());
  // Several rows on PostgreSQL: one COPY, which costs the server one statement, not one each.
  const bool copy = entries.size() > 1 && conn.dialect() == storage::Dialect::kPostgres;
  storage::CopyBuffer rows;
  for (const AuditEntry& entry : entries) {
    ++r.seq;
    r.entry = entry;
    r.hash = ComputeAuditHash(r);
    const storage::Value values[] = {r.seq, r.at, r.entry.actor, r.entry.action,
                                     r.entry.target, r.entry.before_json, r.entry.after_json,
                                     r.entry.request_id, r.prev_hash, r.hash};
    if (copy) {
      rows.Row(values);
    } else {
      RETURN_IF_ERROR(conn.Execute(kInsert, values).status());
    }
    r.prev_hash = std::move(r.hash);
  }
  if (!copy) return Status::Ok();
  return conn.CopyRows("audit_log", kColumns, rows);
}

const std::string& AuditGenesisHash() { return kGenesisHash; }

Result<VerifyReport> VerifyAuditChain(storage::Connection& conn) {
  return VerifyAuditChainFrom(conn, 0, kGenesisHash);
}

Result<VerifyReport> VerifyAuditChainFrom(storage::Connection& conn, int64_t after_seq,
                                          std::string_view after_hash) {
  VerifyReport report;
  std::string expected_prev(after_hash);
  int64_t expected_seq = after_seq + 1;
  if (after_seq > 0) {
    report.head_seq = after_seq;
    report.head_hash = expected_prev;
  }
  constexpr int64_t kPage = 5000;
  const std::string sql = "SELECT " + std::string(kColumns) +
                          " FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT " +
                          std::to_string(kPage);
  for (;;) {
    ASSIGN_OR_RETURN(storage::Rows rows, conn.Query(sql, {expected_seq}));
    for (const storage::Row& row : rows) {
      AuditRecord r = RecordFromRow(row);
      auto fail = [&](int64_t seq, std::string problem) {
        report.ok = false;
        report.first_bad_seq = seq;
        report.problem = std::move(problem);
        return report;
      };
      if (r.seq != expected_seq) {
        return fail(expected_seq, "row " + std::to_string(expected_seq) +
                                      " is missing (deleted): the next row is " +
                                      std::to_string(r.seq));
      }
      bool self_consistent = ComputeAuditHash(r) == r.hash;
      if (r.prev_hash != expected_prev) {
        return fail(r.seq, "row " + std::to_string(r.seq) +
                               " does not link to the row before it (a row was inserted, "
                               "deleted or replaced here" +
                               (self_consistent ? ")" : ", and its content was altered)"));
      }
      if (!self_consistent) {
        return fail(r.seq, "row " + std::to_string(r.seq) +
                               " was altered: its content no longer matches its hash");
      }
      expected_prev = r.hash;
      ++expected_seq;
      ++report.rows_checked;
      report.head_seq = r.seq;
      report.head_hash = r.hash;
    }
    if (static_cast<int64_t>(rows.size()) < kPage) break;
  }
  return report;
}

Result<std::vector<AuditRecord>> ListAudit(storage::Connection& conn, const AuditQuery& q) {
  std::string sql = "SELECT " + std::string(kColumns) + " FROM audit_log WHERE seq < $1";
  std::vector<storage::Value> params{q.before_seq <= 0 ? std::numeric_limits<int64_t>::max()
                                                       : q.before_seq};
  const auto add = [&](std::string_view condition, storage::Value v) {
    params.push_back(std::move(v));
    sql += " AND " + std::string(condition) + " $" + std::to_string(params.size());
  };
  if (!q.actor.empty()) add("actor =", q.actor);
  if (!q.target.empty()) add("target =", q.target);
  if (!q.action_prefix.empty()) {
    // The prefix is matched with a range, not LIKE: '_' and '%' in it mean themselves.
    add("action >=", q.action_prefix);
    add("action <", q.action_prefix + "\x7f");
  }
  if (q.from > 0) add("at >=", q.from);
  if (q.to > 0) add("at <", q.to);
  params.emplace_back(int64_t{q.limit});
  sql += " ORDER BY seq DESC LIMIT $" + std::to_string(params.size());
  ASSIGN_OR_RETURN(storage::Rows rows, conn.Query(sql, params));
  std::vector<AuditRecord> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(RecordFromRow(row));
  return out;
}

Result<std::vector<AuditRecord>> ListAudit(storage::Connection& conn, int64_t before_seq,
                                           int limit) {
  AuditQuery q;
  q.before_seq = before_seq;
  q.limit = limit;
  return ListAudit(conn, q);
}

}  // namespace vaxreg::audit
