#include "certs/service/certificate_store.h"

#include <boost/json.hpp>

#include "audit/audit_log.h"
#include "certs/shc/numeric.h"

namespace vaxreg::certs {
namespace {

constexpr char kColumns[] =
    "id, person_id, uvci, hc1, kid, doses_hash, doses, issued_at, expires_at, status, "
    "supersedes, revoked_at, revoke_reason, issued_by, in_revocation_list, shc_jws, shc_rid, "
    "shc_kid";

CertificateRecord FromRow(const storage::Row& r) {
  CertificateRecord c;
  c.id = r.Int(0);
  c.person_id = r.Int(1);
  c.uvci = r.Text(2);
  c.hc1 = r.Text(3);
  c.kid_hex = r.Text(4);
  c.doses_hash = r.Text(5);
  c.doses = r.Text(6);
  c.issued_at = r.Int(7);
  c.expires_at = r.Int(8);
  c.status = r.Text(9);
  if (!r.IsNull(10)) c.supersedes = r.Int(10);
  if (!r.IsNull(11)) c.revoked_at = r.Int(11);
  c.revoke_reason = r.IsNull(12) ? "" : r.Text(12);
  c.issued_by = r.Text(13);
  c.in_revocation_list = c.status != "active" && r.Int(14) != 0;
  if (!r.IsNull(15)) c.shc_jws = r.Text(15);
  if (!r.IsNull(16)) c.shc_rid = r.Text(16);
  if (!r.IsNull(17)) c.shc_kid = r.Text(17);
  return c;
}

std::string Select(std::string_view where) {
  return std::string("SELECT ") + kColumns + " FROM certificates " + std::string(where);
}

Result<std::optional<CertificateRecord>> One(storage::Connection& conn, const std::string& sql,
                                             int64_t arg) {
  ASSIGN_OR_RETURN(storage::Rows rows, conn.Query(sql, {storage::Value(arg)}));
  if (rows.empty()) return std::optional<CertificateRecord>();
  return std::optional<CertificateRecord>(FromRow(rows[0]));
}

Result<std::vector<CertificateRecord>> Many(Result<storage::Rows> rows) {
  if (!rows.ok()) return rows.status();
  std::vector<CertificateRecord> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back(FromRow(r));
  return out;
}

// The audit view: never the HC1 text or the SHC JWS themselves (they are credentials of the
// holder); the SHC by its rid and key.
std::string AuditJson(const CertificateRecord& c) {
  boost::json::object o{{"id", c.id},
                        {"person_id", c.person_id},
                        {"uvci", c.uvci},
                        {"kid", c.kid_hex},
                        {"doses", c.doses},
                        {"expires_at", c.expires_at},
                        {"status", c.status},
                        {"in_revocation_list", c.in_revocation_list}};
  if (!c.shc_rid.empty()) o["shc"] = boost::json::object{{"rid", c.shc_rid}, {"kid", c.shc_kid}};
  return boost::json::serialize(o);
}

storage::Value TextOrNull(const std::string& s) {
  return s.empty() ? storage::Value(nullptr) : storage::Value(s);
}

}  // namespace

std::string CertificateRecord::ToJson() const {
  auto time = [](std::optional<int64_t> t) {
    return t ? boost::json::value(FormatIso8601(FromUnixSeconds(*t))) : boost::json::value(nullptr);
  };
  return boost::json::serialize(boost::json::object{
      {"id", id},
      {"person_id", person_id},
      {"uvci", uvci},
      {"hc1", hc1},
      {"kid", kid_hex},
      {"doses", doses},
      {"issued_at", time(issued_at)},
      {"expires_at", time(expires_at)},
      {"status", status},
      {"supersedes", supersedes ? boost::json::value(*supersedes) : boost::json::value(nullptr)},
      {"revoked_at", time(revoked_at)},
      {"revoke_reason", revoke_reason},
      {"in_revocation_list", in_revocation_list},
      {"shc", shc_jws.empty() ? boost::json::value(nullptr)
                              : boost::json::value(boost::json::object{
                                    {"qr", shc::EncodeShcNumeric(shc_jws).value_or("")},
                                    {"kid", shc_kid},
                                    {"rid", shc_rid}})}});
}

Result<int64_t> RevokeRenewedCertificates(storage::Connection& conn, const Clock& clock,
                                          int64_t person_id, std::string_view reason,
                                          const registry::Actor& actor) {
  const int64_t now = ToUnixSeconds(clock.Now());
  ASSIGN_OR_RETURN(auto renewed,
                   Many(conn.Query(Select("WHERE person_id = $1 AND status <> 'active' AND "
                                          "in_revocation_list = 0 AND expires_at > $2"),
                                   {person_id, now})));
  if (!renewed.empty()) RETURN_IF_ERROR(BumpRevocationEpoch(conn));
  for (CertificateRecord& c : renewed) {
    RETURN_IF_ERROR(conn.Execute("UPDATE certificates SET in_revocation_list = 1, "
                                 "revoke_reason = $1 WHERE id = $2",
                                 {std::string(reason), c.id})
                        .status());
    const std::string before = AuditJson(c);
    c.in_revocation_list = true;
    RETURN_IF_ERROR(audit::AppendAudit(conn, clock,
                                       {actor.id, "certificate.revoke_renewed",
                                        "certificate:" + std::to_string(c.id), before,
                                        AuditJson(c), actor.request_id}));
  }
  return static_cast<int64_t>(renewed.size());
}

Status BumpRevocationEpoch(storage::Connection& conn) {
  return conn.Execute("UPDATE revocation_epoch SET value = value + 1 WHERE id = 1").status();
}

Result<int64_t> RevocationEpoch(storage::Connection& conn) {
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT value FROM revocation_epoch WHERE id = 1"));
  return rows.empty() ? int64_t{0} : rows[0].Int(0);
}

Result<CertificateRecord> InsertCertificate(storage::Connection& conn, const Clock& clock,
                                            CertificateRecord c, const registry::Actor& actor,
                                            CertificateAudit audit) {
  ASSIGN_OR_RETURN(
      storage::Rows rows,
      conn.Query("INSERT INTO certificates (person_id, uvci, hc1, kid, doses_hash, doses, "
                 "issued_at, expires_at, status, supersedes, issued_by, shc_jws, shc_rid, shc_kid) "
                 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9, $10, $11, $12, $13) "
                 "RETURNING id",
                 {c.person_id, c.uvci, c.hc1, c.kid_hex, c.doses_hash, c.doses, c.issued_at,
                  c.expires_at,
                  c.supersedes ? storage::Value(*c.supersedes) : storage::Value(nullptr),
                  actor.id, TextOrNull(c.shc_jws), TextOrNull(c.shc_rid), TextOrNull(c.shc_kid)}));
  c.id = rows.at(0).Int(0);
  c.status = "active";
  c.issued_by = actor.id;
  if (audit == CertificateAudit::kByCaller) return c;
  RETURN_IF_ERROR(audit::AppendAudit(conn, clock,
                                     {actor.id, "certificate.issue",
                                      "certificate:" + std::to_string(c.id), "null", AuditJson(c),
                                      actor.request_id}));
  return c;
}

Status EndCertificate(storage::Connection& conn, const Clock& clock, int64_t id,
                      std::string_view status, std::string_view reason,
                      const registry::Actor& actor, bool publish_revocation) {
  ASSIGN_OR_RETURN(std::optional<CertificateRecord> before, FindCertificate(conn, id));
  if (!before || before->status != "active") {
    return NotFoundError("no active certificate with id " + std::to_string(id));
  }
  return EndActiveCertificate(conn, clock, *before, status, reason, actor, publish_revocation);
}

Status EndActiveCertificate(storage::Connection& conn, const Clock& clock,
                            const CertificateRecord& before, std::string_view status,
                            std::string_view reason, const registry::Actor& actor,
                            bool publish_revocation, CertificateAudit audit) {
  const int64_t now = ToUnixSeconds(clock.Now());
  // The SHC columns are the only audited ones an active row may gain (a card made later).
  ASSIGN_OR_RETURN(
      storage::Rows ended,
      conn.Query("UPDATE certificates SET status = $1, revoked_at = $2, revoke_reason = $3, "
                 "in_revocation_list = $5 WHERE id = $4 AND status = 'active' "
                 "RETURNING shc_rid, shc_kid",
                 {std::string(status), now, std::string(reason), before.id,
                  int64_t{publish_revocation ? 1 : 0}}));
  if (ended.size() != 1) {
    return NotFoundError("no active certificate with id " + std::to_string(before.id));
  }
  if (publish_revocation) RETURN_IF_ERROR(BumpRevocationEpoch(conn));
  if (audit == CertificateAudit::kByCaller) return Status::Ok();
  CertificateRecord active = before;
  active.status = "active";
  active.in_revocation_list = false;
  active.shc_rid = ended[0].IsNull(0) ? "" : ended[0].Text(0);
  active.shc_kid = ended[0].IsNull(1) ? "" : ended[0].Text(1);
  CertificateRecord after = active;
  after.status = std::string(status);
  after.in_revocation_list = publish_revocation;
  return audit::AppendAudit(conn, clock,
                            {actor.id, "certificate." + std::string(status),
                             "certificate:" + std::to_string(before.id), AuditJson(active),
                             AuditJson(after), actor.request_id});
}

Result<std::optional<CertificateRecord>> FindCertificate(storage::Connection& conn, int64_t id) {
  return One(conn, Select("WHERE id = $1"), id);
}

Result<std::optional<CertificateRecord>> ActiveCertificate(storage::Connection& conn,
                                                           int64_t person_id) {
  return One(conn, Select("WHERE person_id = $1 AND status = 'active' ORDER BY id DESC LIMIT 1"),
             person_id);
}

Result<std::vector<CertificateRecord>> ListPersonCertificates(storage::Connection& conn,
                                                              int64_t person_id) {
  return Many(conn.Query(Select("WHERE person_id = $1 ORDER BY id DESC"), {person_id}));
}

Result<std::vector<CertificateRecord>> ListActiveCertificates(storage::Connection& conn,
                                                              int64_t after_id, int limit) {
  // `status || ''` keeps SQLite off the (status, expires_at) index, which would visit every
  // active row and sort them for each page; walking the primary key from after_id stops after
  // `limit` rows.
  return Many(conn.Query(Select("WHERE id > $1 AND status || '' = 'active' ORDER BY id LIMIT $2"),
                         {after_id, int64_t{limit}}));
}

Result<std::vector<CertificateRecord>> ListCertificates(storage::Connection& conn,
                                                        const CertificateQuery& q) {
  return Many(conn.Query(
      "SELECT id, person_id, uvci, '' AS hc1, kid, doses_hash, doses, issued_at, expires_at, "
      "status, supersedes, revoked_at, revoke_reason, issued_by, in_revocation_list, "
      "'' AS shc_jws, shc_rid, shc_kid FROM certificates WHERE id > $1 AND ($2 = '' OR "
      "status = $2) AND ($3 = 0 OR person_id = $3) ORDER BY id LIMIT $4",
      {q.after_id, q.status, q.person_id, int64_t{q.limit}}));
}

namespace {

// People with a counted dose that its facility signed and no active certificate.
constexpr char kAwaitingFrom[] =
    " FROM people p WHERE EXISTS (SELECT 1 FROM doses d JOIN dose_signatures s ON s.dose_id = "
    "d.id WHERE d.person_id = p.id AND d.status = 'active' AND (d.source = 'facility' OR "
    "d.review_status = 'verified')) AND NOT EXISTS (SELECT 1 FROM certificates c WHERE "
    "c.person_id = p.id AND c.status = 'active')";

}  // namespace

Result<std::vector<AwaitingCertificate>> ListPeopleAwaitingCertificate(storage::Connection& conn,
                                                                       int64_t after_id,
                                                                       int limit) {
  std::vector<AwaitingCertificate> out;
  RETURN_IF_ERROR(conn.ForEachRow(
      std::string("SELECT p.id, p.full_name, p.dob, COALESCE(p.cccd, ''), p.province_code, "
                  "(SELECT COUNT(*) FROM doses d JOIN dose_signatures s ON s.dose_id = d.id "
                  "WHERE d.person_id = p.id AND d.status = 'active')") +
          kAwaitingFrom + " AND p.id > $1 ORDER BY p.id LIMIT $2",
      {after_id, int64_t{limit}}, [&](const storage::RowView& r) {
        out.push_back({r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Int(5)});
        return Status::Ok();
      }));
  return out;
}

Result<int64_t> CountPeopleAwaitingCertificate(storage::Connection& conn) {
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query(std::string("SELECT COUNT(*)") + kAwaitingFrom));
  return rows.empty() ? 0 : rows.at(0).Int(0);
}

Result<std::vector<CertificateRecord>> ListActiveCertificatesSignedBy(storage::Connection& conn,
                                                                      std::string_view kid_hex,
                                                                      int64_t after_id, int limit) {
  return Many(conn.Query(
      "SELECT id, person_id, uvci, '' AS hc1, kid, doses_hash, doses, issued_at, expires_at, "
      "status, supersedes, revoked_at, revoke_reason, issued_by, in_revocation_list, "
      "NULL AS shc_jws, shc_rid, shc_kid FROM certificates "
      "WHERE id > $2 AND kid = $1 AND status || '' = 'active' ORDER BY id LIMIT $3",
      {std::string(kid_hex), after_id, int64_t{limit}}));
}

Result<std::vector<std::string>> ListRevokedUvcis(storage::Connection& conn, int64_t now) {
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT uvci FROM certificates WHERE revoked_at IS NOT NULL AND "
                              "in_revocation_list = 1 AND expires_at > $1 ORDER BY uvci",
                              {now}));
  std::vector<std::string> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(r.Text(0));
  return out;
}

Result<std::vector<ShcRevocationRow>> ListShcRevocations(storage::Connection& conn, int64_t now) {
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT shc_kid, shc_rid, expires_at FROM certificates WHERE "
                              "revoked_at IS NOT NULL AND in_revocation_list = 1 AND "
                              "shc_rid IS NOT NULL ORDER BY shc_kid, shc_rid"));
  std::vector<ShcRevocationRow> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back({r.Text(0), r.Text(1), r.Int(2) > now});
  return out;
}

Status SetCertificateShc(storage::Connection& conn, const Clock& clock, int64_t id,
                         std::string_view jws, std::string_view rid, std::string_view kid,
                         const registry::Actor& actor) {
  ASSIGN_OR_RETURN(std::optional<CertificateRecord> before, FindCertificate(conn, id));
  if (!before || !before->shc_jws.empty()) {
    return NotFoundError("no certificate " + std::to_string(id) + " without a SMART Health Card");
  }
  ASSIGN_OR_RETURN(int64_t n, conn.Execute("UPDATE certificates SET shc_jws = $1, shc_rid = $2, "
                                           "shc_kid = $3 WHERE id = $4 AND shc_jws IS NULL",
                                           {std::string(jws), std::string(rid), std::string(kid),
                                            id}));
  if (n != 1) {
    return NotFoundError("no certificate " + std::to_string(id) + " without a SMART Health Card");
  }
  CertificateRecord after = *before;
  after.shc_jws = std::string(jws);
  after.shc_rid = std::string(rid);
  after.shc_kid = std::string(kid);
  return audit::AppendAudit(conn, clock,
                            {actor.id, "certificate.shc_issue", "certificate:" + std::to_string(id),
                             AuditJson(*before), AuditJson(after), actor.request_id});
}

Result<std::vector<CertificateRecord>> ListActiveWithoutShc(storage::Connection& conn,
                                                            int64_t after_id, int limit) {
  return Many(conn.Query(Select("WHERE status = 'active' AND shc_jws IS NULL AND id > $1 "
                                "ORDER BY id LIMIT $2"),
                         {after_id, int64_t{limit}}));
}

}  // namespace vaxreg::certs
