#include "registry/import_quality.h"

#include <algorithm>
#include <boost/json.hpp>
#include <map>

#include "common/clock.h"
#include "registry/person.h"

namespace vaxreg::registry {
namespace {

// The column of import_quarantine / facilities that holds a unit of this code's length.
std::string UnitColumn(const std::string& unit) {
  return unit.size() <= 2 ? "province_code" : unit.size() == 3 ? "district_code" : "commune_code";
}

void Count(ImportOutcomeCounts& c, const std::string& status, bool fixed, int64_t n) {
  c.kept += n;
  if (status == "open") c.open += n;
  if (status == "rejected") c.rejected += n;
  if (status == "released") (fixed ? c.fixed : c.released) += n;
}

double Quantile(std::vector<int64_t>& seconds, double q) {
  if (seconds.empty()) return 0;
  const size_t k = std::min(seconds.size() - 1, static_cast<size_t>(q * seconds.size()));
  std::nth_element(seconds.begin(), seconds.begin() + static_cast<ptrdiff_t>(k), seconds.end());
  return static_cast<double>(seconds[k]) / 3600.0;
}

boost::json::object CountsJson(const ImportOutcomeCounts& c) {
  return {{"kept", c.kept},         {"open", c.open},         {"released", c.released},
          {"fixed", c.fixed},       {"rejected", c.rejected}};
}

}  // namespace

Status SetImportQualityWindow(ImportQualityQuery& q, std::string_view from, std::string_view to,
                              std::chrono::sys_days today) {
  auto day = [](std::string_view name, std::string_view text, std::chrono::sys_days fallback,
                std::chrono::sys_days* out) -> Status {
    if (text.empty()) {
      *out = fallback;
    } else if (!ParseDay(text, out)) {
      return InvalidArgumentError(std::string(name) + " must be YYYY-MM-DD", std::string(name));
    }
    return Status::Ok();
  };
  std::chrono::sys_days first, last;
  RETURN_IF_ERROR(day("from", from, today - std::chrono::days(6), &first));
  RETURN_IF_ERROR(day("to", to, today, &last));
  if (last < first) return InvalidArgumentError("to must not be before from", "to");
  if (last - first >= std::chrono::days(366)) {
    return InvalidArgumentError("the window is at most 366 days", "from");
  }
  q.from = StartOfDay(first);
  q.to = StartOfDay(last + std::chrono::days(1));
  return Status::Ok();
}

Result<ImportQuality> ImportQualityOf(storage::Connection& conn, const ImportQualityQuery& q) {
  ImportQuality out;
  out.query = q;
  std::string where = " WHERE received_at >= $1 AND received_at < $2";
  std::vector<storage::Value> params{q.from, q.to};
  if (!q.unit_code.empty()) {
    params.emplace_back(q.unit_code);
    where += " AND " + UnitColumn(q.unit_code) + " = $3";
  }
  // Rows by reason and outcome.
  std::map<std::pair<std::string, std::string>, ImportReasonCount> reasons;
  RETURN_IF_ERROR(conn.ForEachRow(
      "SELECT reason_code, reason_field, status, fixed, COUNT(*), MIN(reason_message) FROM "
      "import_quarantine" + where + " GROUP BY reason_code, reason_field, status, fixed",
      params, [&](const storage::RowView& r) {
        auto& reason = reasons[{r.Text(0), r.Text(1)}];
        reason.code = r.Text(0);
        reason.field = r.Text(1);
        if (reason.sample_message.empty()) reason.sample_message = r.Text(5);
        const std::string status = r.Text(2);
        const bool fixed = r.Int(3) != 0;
        Count(reason.counts, status, fixed, r.Int(4));
        Count(out.totals, status, fixed, r.Int(4));
        return Status::Ok();
      }));
  for (auto& [key, reason] : reasons) out.reasons.push_back(std::move(reason));
  std::sort(out.reasons.begin(), out.reasons.end(), [](const auto& a, const auto& b) {
    return a.counts.kept != b.counts.kept ? a.counts.kept > b.counts.kept : a.code < b.code;
  });
  // Time to clean.
  std::vector<int64_t> seconds;
  RETURN_IF_ERROR(conn.ForEachRow(
      "SELECT handled_at - received_at FROM import_quarantine" + where +
          " AND status <> 'open' AND handled_at IS NOT NULL",
      params, [&](const storage::RowView& r) {
        seconds.push_back(std::max<int64_t>(0, r.Int(0)));
        return Status::Ok();
      }));
  out.handled = static_cast<int64_t>(seconds.size());
  out.median_hours_to_clean = Quantile(seconds, 0.5);
  out.p90_hours_to_clean = Quantile(seconds, 0.9);
  // Facilities of the area that kept rows in the window, with what they recorded beside.
  std::map<std::string, FacilityImportQuality> facilities;
  RETURN_IF_ERROR(conn.ForEachRow(
      "SELECT facility_code, COUNT(*) FROM import_quarantine" + where +
          " AND facility_code <> '' GROUP BY facility_code",
      params, [&](const storage::RowView& r) {
        auto& f = facilities[r.Text(0)];
        f.code = r.Text(0);
        f.rows_kept = r.Int(1);
        return Status::Ok();
      }));
  for (auto& [code, f] : facilities) {
    ASSIGN_OR_RETURN(storage::Rows rows,
                     conn.Query("SELECT COUNT(*), (SELECT name FROM facilities WHERE code = $1) "
                                "FROM doses WHERE facility_code = $1 AND created_at >= $2 AND "
                                "created_at < $3",
                                {code, q.from, q.to}));
    f.doses_recorded = rows.at(0).Int(0);
    f.name = rows.at(0).IsNull(1) ? "" : rows.at(0).Text(1);
    f.kept_per_1000 = 1000.0 * static_cast<double>(f.rows_kept) /
                      static_cast<double>(f.rows_kept + f.doses_recorded);
    out.facilities.push_back(std::move(f));
  }
  std::sort(out.facilities.begin(), out.facilities.end(), [](const auto& a, const auto& b) {
    return a.kept_per_1000 != b.kept_per_1000 ? a.kept_per_1000 > b.kept_per_1000
                                              : a.code < b.code;
  });
  if (out.facilities.size() > static_cast<size_t>(q.max_facilities)) {
    out.facilities.resize(static_cast<size_t>(q.max_facilities));
  }
  return out;
}

std::string ImportQualityJson(const ImportQuality& r) {
  boost::json::array reasons;
  for (const auto& reason : r.reasons) {
    boost::json::object o = CountsJson(reason.counts);
    o["code"] = reason.code;
    o["field"] = reason.field;
    o["example"] = reason.sample_message;
    reasons.push_back(std::move(o));
  }
  boost::json::array facilities;
  for (const auto& f : r.facilities) {
    facilities.push_back(boost::json::object{{"facility_code", f.code},
                                             {"name", f.name},
                                             {"doses_recorded", f.doses_recorded},
                                             {"rows_kept", f.rows_kept},
                                             {"kept_per_1000", f.kept_per_1000}});
  }
  return boost::json::serialize(boost::json::object{
      {"area", r.query.unit_code.empty() ? "VN" : r.query.unit_code},
      {"from", FormatIso8601(FromUnixSeconds(r.query.from))},
      {"to", FormatIso8601(FromUnixSeconds(r.query.to))},
      {"totals", CountsJson(r.totals)},
      {"reasons", std::move(reasons)},
      {"time_to_clean", boost::json::object{{"handled", r.handled},
                                            {"median_hours", r.median_hours_to_clean},
                                            {"p90_hours", r.p90_hours_to_clean}}},
      {"facilities", std::move(facilities)}});
}

}  // namespace vaxreg::registry
