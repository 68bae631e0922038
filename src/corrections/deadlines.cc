#include "corrections/deadlines.h"

#include "corrections/messages.h"
#include "corrections/store.h"
#include "registry/person.h"

namespace vaxreg::corrections {
namespace {

// One escalation step for requests at `from`: their new level and unit are computed in SQL from
// the area codes the request carries, skipping units the area does not have.
struct Step {
  std::string_view from;
  std::string_view level_sql;
  std::string_view unit_sql;
};

constexpr Step kSteps[] = {
    // Highest first, so a request moves at most one level per run.
    {"district", "'province'",
     "CASE WHEN province_code <> '' THEN province_code ELSE 'VN' END"},
    {"commune", "CASE WHEN district_code <> '' THEN 'district' ELSE 'province' END",
     "CASE WHEN district_code <> '' THEN district_code WHEN province_code <> '' THEN "
     "province_code ELSE 'VN' END"},
    {"facility",
     "CASE WHEN commune_code <> '' THEN 'commune' WHEN district_code <> '' THEN 'district' "
     "ELSE 'province' END",
     "CASE WHEN commune_code <> '' THEN commune_code WHEN district_code <> '' THEN district_code "
     "WHEN province_code <> '' THEN province_code ELSE 'VN' END"},
};

}  // namespace

void Route(CorrectionRequest& r, const registry::Person& person,
           const registry::Facility* facility) {
  if (facility != nullptr && facility->status == "active") {
    r.level = Level::kFacility;
    r.assigned_unit = facility->code;
    r.facility_code = facility->code;
    r.province_code = facility->province_code;
    r.district_code = facility->district_code;
    r.commune_code = facility->commune_code;
    return;
  }
  r.facility_code = facility != nullptr ? facility->code : "";
  r.province_code = person.province_code;
  r.district_code = person.district_code;
  r.commune_code = person.commune_code;
  if (!r.commune_code.empty()) {
    r.level = Level::kCommune;
    r.assigned_unit = r.commune_code;
  } else if (!r.district_code.empty()) {
    r.level = Level::kDistrict;
    r.assigned_unit = r.district_code;
  } else {
    r.level = Level::kProvince;
    r.assigned_unit = r.province_code.empty() ? "VN" : r.province_code;
  }
}

Result<SweepReport> SweepDeadlines(storage::Connection& conn, const Clock& clock,
                                   std::chrono::seconds deadline, int64_t batch) {
  const int64_t now = ToUnixSeconds(clock.Now());
  SweepReport report;
  for (const Step& step : kSteps) {
    const std::string sql =
        "UPDATE correction_requests SET level = " + std::string(step.level_sql) +
        ", assigned_unit = " + std::string(step.unit_sql) +
        ", due_at = $1, escalations = escalations + 1, version = version + 1, updated_at = $2 "
        // The conditions are repeated outside the sub-select: PostgreSQL re-checks them on a row
        // another transaction changed meanwhile, so a request decided or escalated by a
        // concurrent writer is left alone.
        "WHERE status = 'open' AND due_at < $2 AND level = $3 AND id IN (SELECT id FROM "
        "correction_requests WHERE status = 'open' AND due_at < $2 AND level = $3 "
        "ORDER BY due_at LIMIT $4) RETURNING id, level, assigned_unit";
    ASSIGN_OR_RETURN(storage::Rows rows, conn.Query(sql, {now + deadline.count(), now,
                                                          std::string(step.from), batch}));
    for (const auto& row : rows) {
      const std::string level = row.Text(1);
      if (level == "commune") ++report.to_commune;
      if (level == "district") ++report.to_district;
      if (level == "province") ++report.to_province;
      RETURN_IF_ERROR(AddEvent(conn, row.Int(0), now, "system:deadlines", "escalated",
                               "{\"from\":\"" + std::string(step.from) + "\",\"to\":\"" + level +
                                   "\",\"assigned_unit\":\"" + row.Text(2) + "\"}"));
    }
    report.escalated += static_cast<int64_t>(rows.size());
  }
  return report;
}

Result<int64_t> SendDailyDigest(storage::Connection& conn, const Clock& clock,
                                accounts::Notifier& notifier) {
  const int64_t now = ToUnixSeconds(clock.Now());
  const std::string today = registry::FormatDay(registry::DayOf(now));
  ASSIGN_OR_RETURN(int64_t claimed,
                   conn.Execute("INSERT INTO correction_digests (day, sent_at) VALUES ($1, $2) "
                                "ON CONFLICT (day) DO NOTHING",
                                {today, now}));
  if (claimed == 0) return int64_t{0};
  ASSIGN_OR_RETURN(
      storage::Rows units,
      conn.Query("SELECT assigned_unit, "
                 "SUM(CASE WHEN due_at >= $1 AND due_at < $2 THEN 1 ELSE 0 END), "
                 "SUM(CASE WHEN due_at < $1 THEN 1 ELSE 0 END) "
                 "FROM correction_requests WHERE status = 'open' GROUP BY assigned_unit",
                 {now, now + 24 * 3600}));
  int64_t sent = 0;
  for (const auto& unit : units) {
    const int64_t due_soon = unit.Int(1), overdue = unit.Int(2);
    if (due_soon == 0 && overdue == 0) continue;
    ASSIGN_OR_RETURN(
        storage::Rows staff,
        conn.Query("SELECT phone FROM users WHERE disabled = 0 AND phone <> '' AND "
                   "((role = 'facility_staff' AND facility_code = $1) OR "
                   "(role = 'health_authority' AND admin_unit_code = $1))",
                   {unit.Text(0)}));
    for (const auto& s : staff) {
      accounts::Message m;
      m.channel = "sms";
      m.recipient = s.Text(0);
      m.subject = "vaxreg correction digest " + today;
      m.body = DigestMessage(unit.Text(0), due_soon, overdue);
      RETURN_IF_ERROR(notifier.Send(conn, m));
      ++sent;
    }
  }
  return sent;
}

}  // namespace vaxreg::corrections
