#include "registry/facility.h"

#include <algorithm>
#include <boost/json.hpp>
#include <map>

#include "audit/audit_log.h"
#include "geo/admin_units.h"
#include "storage/in_list.h"
#include "text/vietnamese.h"

namespace vaxreg::registry {
namespace {

constexpr std::string_view kSelect =
    "SELECT code, name, province_code, district_code, commune_code, address, status, "
    "daily_capacity, contact, created_at FROM facilities ";

Facility FromRow(const storage::Row& r) { return FacilityFromRow(r); }

}  // namespace

const std::string& FacilityByCodeSql() {
  static const std::string sql = std::string(kSelect) + "WHERE code = $1";
  return sql;
}

Facility FacilityFromRow(const storage::RowView& r) {
  return {r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4),
          r.Text(5), r.Text(6), r.Int(7),  r.Text(8), r.Int(9)};
}

std::string FacilityJson(const Facility& f) {
  return boost::json::serialize(boost::json::object{{"code", f.code},
                                                    {"name", f.name},
                                                    {"province_code", f.province_code},
                                                    {"district_code", f.district_code},
                                                    {"commune_code", f.commune_code},
                                                    {"address", f.address},
                                                    {"status", f.status},
                                                    {"daily_capacity", f.daily_capacity},
                                                    {"contact", f.contact},
                                                    {"created_at", f.created_at}});
}

Status ValidateFacility(const Facility& f) {
  if (f.code.size() < 3 || f.code.size() > 32 ||
      f.code.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != std::string::npos) {
    return InvalidArgumentError("facility code must be 3-32 of A-Z, 0-9 and '-'", "code");
  }
  if (f.name.empty() || f.name.size() > 200) {
    return InvalidArgumentError("facility name is required (at most 200 bytes)", "name");
  }
  if (f.daily_capacity < 0 || f.daily_capacity > 100000) {
    return InvalidArgumentError("daily capacity must be 0-100000", "daily_capacity");
  }
  if (!geo::AdminUnits::Get().IsConsistent(f.province_code, f.district_code, f.commune_code)) {
    return InvalidArgumentError("commune_code, district_code and province_code must be one "
                                "real commune in its district and province",
                                "commune_code");
  }
  return Status::Ok();
}

Result<Facility> ApplyFacility(storage::Connection& conn, const Clock& clock, Facility f,
                               const Actor& actor) {
  RETURN_IF_ERROR(ValidateFacility(f));
  f.status = "applied";
  f.created_at = ToUnixSeconds(clock.Now());
  auto r = conn.Execute(
      "INSERT INTO facilities (code, name, province_code, district_code, commune_code, address, "
      "status, daily_capacity, contact, applied_by, created_at, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
      {f.code, f.name, f.province_code, f.district_code, f.commune_code, f.address, f.status,
       f.daily_capacity, f.contact, actor.id, f.created_at});
  if (r.status().code() == StatusCode::kAlreadyExists) {
    return AlreadyExistsError("facility code " + f.code + " is taken", "code");
  }
  RETURN_IF_ERROR(r.status());
  RETURN_IF_ERROR(audit::AppendAudit(conn, clock,
                                     {actor.id, "facility.apply", "facility:" + f.code, "null",
                                      FacilityJson(f), actor.request_id}));
  return f;
}

bool CanDecideFacility(const auth::Principal& p, const Facility& f) {
  if (p.role == auth::Role::kAdmin) return true;
  if (p.role != auth::Role::kHealthAuthority) return false;
  if (p.admin_unit_code == "VN" || p.admin_unit_code.empty()) return true;
  return p.admin_unit_code.size() == 2 && p.admin_unit_code == f.province_code;
}

Result<Facility> DecideFacility(storage::Connection& conn, const Clock& clock,
                                std::string_view code, std::string_view new_status,
                                std::string_view reason, const Actor& actor) {
  if (new_status != "active" && new_status != "suspended") {
    return InvalidArgumentError("status must be active or suspended", "status");
  }
  ASSIGN_OR_RETURN(auto before, FindFacility(conn, code));
  if (!before) return NotFoundError("no facility " + std::string(code));
  Facility after = *before;
  after.status = std::string(new_status);
  RETURN_IF_ERROR(conn.Execute("UPDATE facilities SET status = $1, decided_by = $2, "
                               "decision_reason = $3, updated_at = $4 WHERE code = $5",
                               {after.status, actor.id, std::string(reason),
                                ToUnixSeconds(clock.Now()), after.code})
                      .status());
  RETURN_IF_ERROR(audit::AppendAudit(
      conn, clock,
      {actor.id, new_status == "active" ? "facility.approve" : "facility.suspend",
       "facility:" + after.code, FacilityJson(*before), FacilityJson(after), actor.request_id}));
  return after;
}

Result<std::optional<Facility>> FindFacility(storage::Connection& conn, std::string_view code) {
  ASSIGN_OR_RETURN(storage::Rows rows, conn.Query(FacilityByCodeSql(), {std::string(code)}));
  if (rows.empty()) return std::optional<Facility>();
  return std::optional<Facility>(FromRow(rows[0]));
}

Result<std::vector<Facility>> ListFacilities(storage::Connection& conn, const FacilityFilter& f) {
  std::string needle = text::FoldToAscii(f.text);
  while (!needle.empty() && needle.back() == ' ') needle.pop_back();
  while (!needle.empty() && needle.front() == ' ') needle.erase(0, 1);
  const int64_t page = needle.empty() ? f.limit : 1000;
  std::vector<Facility> out;
  std::string after = f.after;
  while (static_cast<int>(out.size()) < f.limit) {
    ASSIGN_OR_RETURN(
        storage::Rows rows,
        conn.Query(std::string(kSelect) +
                       "WHERE ($1 = '' OR province_code = $1) AND ($2 = '' OR district_code = $2) "
                       "AND ($3 = '' OR status = $3) AND code > $4 ORDER BY code LIMIT $5",
                   {f.province_code, f.district_code, f.status, after, page}));
    for (const auto& r : rows) {
      Facility facility = FromRow(r);
      if (!needle.empty() &&
          text::FoldToAscii(facility.name).find(needle) == std::string::npos &&
          text::FoldToAscii(facility.code).find(needle) == std::string::npos) {
        continue;
      }
      out.push_back(std::move(facility));
      if (static_cast<int>(out.size()) == f.limit) break;
    }
    if (static_cast<int64_t>(rows.size()) < page) break;
    after = rows.back().Text(0);
  }
  return out;
}

Result<std::vector<std::vector<int64_t>>> RemainingPlaces(storage::Connection& conn,
                                                          const std::vector<Facility>& facilities,
                                                          const std::vector<std::string>& days,
                                                          std::string_view today) {
  std::vector<std::vector<int64_t>> out(facilities.size(), std::vector<int64_t>(days.size(), 0));
  if (facilities.empty() || days.empty()) return out;
  std::vector<storage::Value> codes;
  for (const Facility& f : facilities) codes.emplace_back(f.code);
  std::map<std::pair<std::string, std::string>, int64_t> booked;
  const storage::Value range[] = {days.front(), days.back()};
  ASSIGN_OR_RETURN(storage::Rows rows,
                   storage::QueryIn(conn,
                                    "SELECT facility_code, day, booked FROM facility_day_bookings "
                                    "WHERE day >= $1 AND day <= $2 AND facility_code",
                                    "", codes, range));
  for (const auto& r : rows) booked[{r.Text(0), r.Text(1)}] = r.Int(2);
  for (size_t i = 0; i < facilities.size(); ++i) {
    if (facilities[i].status != "active") continue;
    for (size_t j = 0; j < days.size(); ++j) {
      if (days[j] < today) continue;
      auto it = booked.find({facilities[i].code, days[j]});
      const int64_t taken = it == booked.end() ? 0 : it->second;
      out[i][j] = std::max<int64_t>(0, facilities[i].daily_capacity - taken);
    }
  }
  return out;
}

}  // namespace vaxreg::registry
