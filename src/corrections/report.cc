#include "corrections/report.h"

namespace vaxreg::corrections {
namespace {

std::string AreaCondition(std::string_view area) {
  if (area.size() == 2 && area != "VN") return "province_code = $2";
  if (area.size() == 3) return "district_code = $2";
  if (area.size() == 5) return "commune_code = $2";
  return "$2 = $2";
}

}  // namespace

Result<HandlingReport> HandlingByUnit(storage::Connection& conn, std::string_view area,
                                      std::string_view by, int64_t now) {
  std::string column;
  if (by == "province") column = "province_code";
  if (by == "district") column = "district_code";
  if (by == "commune") column = "commune_code";
  if (by == "facility") column = "facility_code";
  if (column.empty()) {
    return InvalidArgumentError("by must be province, district, commune or facility", "by");
  }
  const std::string where = " FROM correction_requests WHERE " + AreaCondition(area);
  const std::string figures =
      "COUNT(*), "
      "SUM(CASE WHEN status IN ('open','info_needed') THEN 1 ELSE 0 END), "
      "SUM(CASE WHEN status IN ('approved','rejected') THEN 1 ELSE 0 END), "
      "SUM(CASE WHEN decided_in_time = 1 THEN 1 ELSE 0 END), "
      "SUM(CASE WHEN status = 'open' AND due_at < $1 THEN 1 ELSE 0 END), "
      "SUM(CASE WHEN escalations > 0 THEN 1 ELSE 0 END)";
  const std::string a(area);
  HandlingReport out;
  auto read = [](const storage::RowView& row, size_t first) {
    HandlingFigures f;
    f.received = row.Int(first);
    f.open = row.IsNull(first + 1) ? 0 : row.Int(first + 1);
    f.decided = row.IsNull(first + 2) ? 0 : row.Int(first + 2);
    f.decided_in_time = row.IsNull(first + 3) ? 0 : row.Int(first + 3);
    f.overdue = row.IsNull(first + 4) ? 0 : row.Int(first + 4);
    f.escalated = row.IsNull(first + 5) ? 0 : row.Int(first + 5);
    return f;
  };
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT " + column + ", " + figures + where + " AND " + column +
                                  " <> '' GROUP BY " + column + " ORDER BY " + column,
                              {now, a}));
  for (const auto& row : rows) {
    HandlingFigures f = read(row, 1);
    f.unit = row.Text(0);
    out.rows.push_back(std::move(f));
  }
  ASSIGN_OR_RETURN(storage::Rows total, conn.Query("SELECT " + figures + where, {now, a}));
  out.total = read(total.at(0), 0);
  out.total.unit = a.empty() ? "VN" : a;
  ASSIGN_OR_RETURN(storage::Rows reasons,
                   conn.Query("SELECT reject_reason, COUNT(*)" + where +
                                  " AND status = 'rejected' AND $1 = $1 GROUP BY reject_reason "
                                  "ORDER BY COUNT(*) DESC, reject_reason",
                              {now, a}));
  for (const auto& row : reasons) out.rejected_by_reason.emplace_back(row.Text(0), row.Int(1));
  return out;
}

}  // namespace vaxreg::corrections
