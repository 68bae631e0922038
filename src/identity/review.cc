#include "identity/review.h"

#include <cstdio>

#include "audit/audit_log.h"
#include "identity/area.h"

namespace vaxreg::identity {
namespace {

constexpr const char* kItemColumns =
    "p.id, r.status, r.score, r.weight, r.details_json, COALESCE(p.cccd, ''), "
    "COALESCE(p.cmnd, ''), p.full_name, p.dob, p.sex, p.province_code, p.district_code, "
    "p.commune_code, COALESCE(g.cccd, ''), COALESCE(g.cmnd, ''), COALESCE(g.full_name, ''), "
    "COALESCE(g.dob, ''), COALESCE(g.sex, ''), COALESCE(g.province_code, ''), "
    "COALESCE(g.district_code, ''), COALESCE(g.commune_code, ''), r.review_status";

ReviewItem ItemFromRow(const storage::Row& row) {
  ReviewItem it;
  it.person_id = row.Int(0);
  it.status = row.Text(1);
  it.score = row.Double(2);
  it.weight = row.Double(3);
  it.details_json = row.Text(4);
  it.cccd = row.Text(5), it.cmnd = row.Text(6), it.full_name = row.Text(7), it.dob = row.Text(8);
  it.sex = row.Text(9), it.province_code = row.Text(10), it.district_code = row.Text(11);
  it.commune_code = row.Text(12);
  it.register_cccd = row.Text(13), it.register_cmnd = row.Text(14);
  it.register_full_name = row.Text(15), it.register_dob = row.Text(16);
  it.register_sex = row.Text(17), it.register_province_code = row.Text(18);
  it.register_district_code = row.Text(19), it.register_commune_code = row.Text(20);
  return it;
}

}  // namespace

std::string ReviewItem::ToJson() const {
  char nums[96];
  std::snprintf(nums, sizeof nums, "\"score\":%.4f,\"weight\":%.2f", score, weight);
  auto person = [](const std::string& id, const std::string& legacy, const std::string& name,
                   const std::string& birth, const std::string& gender, const std::string& p,
                   const std::string& d, const std::string& c) {
    return "{\"cccd\":" + JsonString(id) + ",\"cmnd\":" + JsonString(legacy) +
           ",\"full_name\":" + JsonString(name) + ",\"dob\":" + JsonString(birth) +
           ",\"sex\":" + JsonString(gender) + ",\"province_code\":" + JsonString(p) +
           ",\"district_code\":" + JsonString(d) + ",\"commune_code\":" + JsonString(c) + "}";
  };
  return "{\"person_id\":" + std::to_string(person_id) + ",\"status\":" + JsonString(status) +
         "," + nums + ",\"details\":" + (details_json.empty() ? "{}" : details_json) +
         ",\"record\":" +
         person(cccd, cmnd, full_name, dob, sex, province_code, district_code, commune_code) +
         ",\"candidate\":" +
         (register_full_name.empty()
              ? std::string("null")
              : person(register_cccd, register_cmnd, register_full_name, register_dob,
                       register_sex, register_province_code, register_district_code,
                       register_commune_code)) +
         "}";
}

Result<std::vector<ReviewItem>> ListReviewQueue(storage::Connection& conn, const std::string& unit,
                                                const std::string& status, int64_t after, int limit) {
  if (status != "proposed_correction" && status != "not_found") {
    return InvalidArgumentError("status must be proposed_correction or not_found", "status");
  }
  const std::string sql = std::string("SELECT ") + kItemColumns +
                          " FROM identity_results r JOIN people p ON p.id = r.person_id "
                          "LEFT JOIN population_register g ON g.id = r.register_id "
                          "WHERE r.status = $1 AND r.review_status = 'open' AND p.id > $2 AND " +
                          UnitCondition("p", unit, 3) + " ORDER BY p.id LIMIT $4";
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query(sql, {status, after, unit, static_cast<int64_t>(limit)}));
  std::vector<ReviewItem> out;
  for (const storage::Row& r : rows) out.push_back(ItemFromRow(r));
  return out;
}

Result<ReviewItem> DecideReview(storage::Connection& conn, const Clock& clock,
                                const std::string& unit, int64_t person_id,
                                ReviewDecision decision, const std::string& actor,
                                const std::string& request_id) {
  const std::string sql = std::string("SELECT ") + kItemColumns +
                          " FROM identity_results r JOIN people p ON p.id = r.person_id "
                          "LEFT JOIN population_register g ON g.id = r.register_id "
                          "WHERE p.id = $1 AND " + UnitCondition("p", unit, 2);
  ASSIGN_OR_RETURN(storage::Rows rows, conn.Query(sql, {person_id, unit}));
  if (rows.empty()) {
    return NotFoundError("no identity review for person " + std::to_string(person_id));
  }
  ReviewItem item = ItemFromRow(rows.at(0));
  if (rows.at(0).Text(21) != "open" || item.status == "verified") {
    return FailedPreconditionError("person " + std::to_string(person_id) +
                                   " has no open identity review");
  }
  const int64_t now = ToUnixSeconds(clock.Now());
  const bool accept = decision == ReviewDecision::kAccept;
  if (accept) {
    if (item.register_full_name.empty()) {
      return FailedPreconditionError("there is no proposed register entry to accept");
    }
    RETURN_IF_ERROR(
        conn.Execute("UPDATE people SET cccd = $1, cmnd = $2, full_name = $3, dob = $4, "
                     "birth_year = $5, sex = $6, identity_status = 'verified', updated_at = $7 "
                     "WHERE id = $8",
                     {item.register_cccd.empty() ? storage::Value(nullptr)
                                                 : storage::Value(item.register_cccd),
                      item.register_cmnd.empty() ? storage::Value(nullptr)
                                                 : storage::Value(item.register_cmnd),
                      item.register_full_name, item.register_dob,
                      static_cast<int64_t>(std::stoi(item.register_dob.substr(0, 4))),
                      item.register_sex, now, person_id})
            .status());
  }
  RETURN_IF_ERROR(conn.Execute("UPDATE identity_results SET review_status = $1, reviewed_by = $2, "
                               "reviewed_at = $3, status = CASE WHEN $1 = 'accepted' THEN "
                               "'verified' ELSE status END WHERE person_id = $4",
                               {std::string(accept ? "accepted" : "rejected"), actor, now, person_id})
                      .status());
  const std::string after =
      accept ? "{\"decision\":\"accepted\",\"cccd\":" + JsonString(item.register_cccd) +
                   ",\"full_name\":" + JsonString(item.register_full_name) +
                   ",\"dob\":" + JsonString(item.register_dob) +
                   ",\"sex\":" + JsonString(item.register_sex) + "}"
             : std::string("{\"decision\":\"rejected\"}");
  RETURN_IF_ERROR(audit::AppendAudit(
      conn, clock,
      {actor, accept ? "identity.correction.accept" : "identity.correction.reject",
       "person:" + std::to_string(person_id), item.ToJson(), after, request_id}));
  return item;
}

std::string QualityReport::ToJson() const {
  return "{\"unit\":" + JsonString(unit) + ",\"people\":" + std::to_string(people) +
         ",\"unverified\":" + std::to_string(unverified) + ",\"verified\":" +
         std::to_string(verified) + ",\"proposed_correction\":" + std::to_string(proposed) +
         ",\"not_found\":" + std::to_string(not_found) + ",\"mismatch\":" +
         std::to_string(mismatch) + ",\"suspected_duplicates\":" +
         std::to_string(suspected_duplicates) + ",\"open_merge_proposals\":" +
         std::to_string(open_merge_proposals) + ",\"continuity_conflicts\":" +
         std::to_string(continuity_conflicts) + ",\"open_reviews\":" +
         std::to_string(open_reviews) + "}";
}

Result<QualityReport> DataQuality(storage::Connection& conn, const std::string& unit) {
  QualityReport q;
  q.unit = unit;
  const std::string where = UnitCondition("p", unit, 1) + " AND p.merged_into IS NULL";
  ASSIGN_OR_RETURN(
      storage::Rows counts,
      conn.Query("SELECT COUNT(*), "
                 "SUM(CASE WHEN r.person_id IS NULL THEN 1 ELSE 0 END), "
                 "SUM(CASE WHEN r.status = 'verified' THEN 1 ELSE 0 END), "
                 "SUM(CASE WHEN r.status = 'proposed_correction' THEN 1 ELSE 0 END), "
                 "SUM(CASE WHEN r.status = 'not_found' THEN 1 ELSE 0 END), "
                 "SUM(CASE WHEN r.status <> 'verified' AND r.review_status = 'open' THEN 1 ELSE 0 END), "
                 "SUM(CASE WHEN p.identity_status = 'mismatch' THEN 1 ELSE 0 END) "
                 "FROM people p LEFT JOIN identity_results r ON r.person_id = p.id WHERE " + where,
                 {unit}));
  const storage::Row& c = counts.at(0);
  q.people = c.Int(0), q.unverified = c.Int(1), q.verified = c.Int(2), q.proposed = c.Int(3);
  q.not_found = c.Int(4), q.open_reviews = c.Int(5), q.mismatch = c.Int(6);
  ASSIGN_OR_RETURN(
      storage::Rows dup,
      conn.Query("WITH open_pairs AS (SELECT m.survivor_id AS a, m.duplicate_id AS b "
                 "FROM merge_proposals m JOIN people x ON x.id = m.survivor_id "
                 "JOIN people y ON y.id = m.duplicate_id WHERE m.status = 'proposed' "
                 "AND x.merged_into IS NULL AND y.merged_into IS NULL), "
                 "shared AS (SELECT r.person_id FROM identity_results r WHERE r.register_id IN "
                 "(SELECT g.register_id FROM identity_results g JOIN people o ON o.id = g.person_id "
                 "WHERE g.register_id IS NOT NULL AND o.merged_into IS NULL "
                 "GROUP BY g.register_id HAVING COUNT(*) > 1)) "
                 "SELECT (SELECT COUNT(*) FROM people p WHERE " + where +
                 " AND (p.id IN (SELECT a FROM open_pairs) OR p.id IN (SELECT b FROM open_pairs) "
                 "OR p.id IN (SELECT person_id FROM shared))), "
                 "(SELECT COUNT(*) FROM open_pairs op JOIN people p ON p.id = op.a "
                 "JOIN people d ON d.id = op.b WHERE " + UnitCondition("p", unit, 1) + " AND " +
                 UnitCondition("d", unit, 1) + "), "
                 "(SELECT COUNT(DISTINCT x.person_id) FROM doses x JOIN people p ON "
                 "p.id = x.person_id WHERE x.override_reason IS NOT NULL AND x.status = 'active' "
                 "AND " + where + ")",
                 {unit}));
  q.suspected_duplicates = dup.at(0).Int(0);
  q.open_merge_proposals = dup.at(0).Int(1);
  q.continuity_conflicts = dup.at(0).Int(2);
  return q;
}

}  // namespace vaxreg::identity
