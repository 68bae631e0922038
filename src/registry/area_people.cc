#include "registry/area_people.h"

namespace vaxreg::registry {
namespace {

// The column of people that holds a unit of this code's level.
std::string_view UnitColumn(const std::string& code) {
  return code.size() <= 2 ? "p.province_code" : code.size() == 3 ? "p.district_code"
                                                                   : "p.commune_code";
}

}  // namespace

Result<std::vector<AreaPerson>> ListAreaPeople(storage::Connection& conn,
                                               const AreaPeopleQuery& q) {
  std::vector<storage::Value> params{q.after_id};
  std::string area;
  if (!q.unit_code.empty()) {
    params.emplace_back(q.unit_code);
    area = " AND " + std::string(UnitColumn(q.unit_code)) + " = $2";
  }
  const std::string n = std::to_string(params.size() + 1);
  std::string sql;
  if (q.status == AreaPeopleStatus::kUnvaccinated) {
    sql = "SELECT p.id, p.full_name, p.dob, COALESCE(p.cccd, ''), p.phone, p.province_code, "
          "p.district_code, p.commune_code, p.vax_status, 0, 0 FROM people p WHERE p.id > $1 "
          "AND p.vax_status = 'none'" + area + " ORDER BY p.id LIMIT $" + n;
    params.emplace_back(int64_t{q.limit});
  } else {
    // The newest counted dose of each partly vaccinated person, and when the next is due.
    const std::string now = "$" + std::to_string(params.size() + 2);
    sql = "SELECT p.id, p.full_name, p.dob, COALESCE(p.cccd, ''), p.phone, p.province_code, "
          "p.district_code, p.commune_code, p.vax_status, MAX(d.administered_at), "
          "MAX(d.administered_at + v.min_interval_days * 86400) FROM people p "
          "JOIN doses d ON d.person_id = p.id AND d.status = 'active' AND (d.source = "
          "'facility' OR d.review_status = 'verified') JOIN vaccine_products v ON v.code = "
          "d.vaccine_code WHERE p.id > $1 AND p.vax_status = 'partly'" + area +
          " GROUP BY p.id, p.full_name, p.dob, p.cccd, p.phone, p.province_code, "
          "p.district_code, p.commune_code, p.vax_status HAVING MAX(d.administered_at + "
          "v.min_interval_days * 86400) < " + now + " ORDER BY p.id LIMIT $" + n;
    params.emplace_back(int64_t{q.limit});
    params.emplace_back(q.now);
  }
  std::vector<AreaPerson> out;
  RETURN_IF_ERROR(conn.ForEachRow(sql, params, [&](const storage::RowView& r) {
    out.push_back({r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Text(6),
                   r.Text(7), r.Text(8), r.Int(9), r.Int(10)});
    return Status::Ok();
  }));
  return out;
}

}  // namespace vaxreg::registry
