#include "registry/statistics.h"

#include <map>

#include "registry/person.h"

namespace vaxreg::registry {
namespace {

// Rank of a status: >= 1 counts as "at least one dose", >= 2 "fully", 3 "booster".
int Rank(std::string_view status) {
  if (status == "partly") return 1;
  if (status == "fully") return 2;
  if (status == "booster") return 3;
  return 0;
}

int64_t Delta(int from, int to, int threshold) {
  return (to >= threshold ? 1 : 0) - (from >= threshold ? 1 : 0);
}

}  // namespace

// Counters change through Connection::AddToCounter: summed over the transaction and written at
// commit in one global order, so writers in several processes never deadlock on counter rows.

Status AddDailyDoses(storage::Connection& conn, std::string_view day, std::string_view province,
                     std::string_view vaccine, int dose_number, int64_t n) {
  return conn.AddToCounter(
      "INSERT INTO stat_doses_daily (day, province_code, vaccine_code, dose_number, doses) "
      "VALUES ($1, $2, $3, CAST($4 AS INTEGER), $5) "
      "ON CONFLICT (day, province_code, vaccine_code, dose_number) DO UPDATE SET "
      "doses = stat_doses_daily.doses + $5",
      {std::string(day), std::string(province), std::string(vaccine), std::to_string(dose_number)},
      {n});
}

Status AddDosesUsed(storage::Connection& conn, std::string_view holder, std::string_view vaccine,
                    int64_t n) {
  return conn.AddToCounter(
      "INSERT INTO stock (holder, vaccine_code, received, allocated_out, used) VALUES ($1, $2, "
      "0, 0, $3) ON CONFLICT (holder, vaccine_code) DO UPDATE SET used = stock.used + $3",
      {std::string(holder), std::string(vaccine)}, {n});
}

Status AddCoverage(storage::Connection& conn, std::string_view province, int64_t at_least_one,
                   int64_t fully, int64_t booster) {
  return conn.AddToCounter(
      "INSERT INTO stat_coverage (province_code, at_least_one, fully, booster) "
      "VALUES ($1, $2, $3, $4) ON CONFLICT (province_code) DO UPDATE SET "
      "at_least_one = stat_coverage.at_least_one + $2, "
      "fully = stat_coverage.fully + $3, booster = stat_coverage.booster + $4",
      {std::string(province)}, {at_least_one, fully, booster});
}

Status CountDose(storage::Connection& conn, const Dose& d, std::string_view stock_facility,
                 int delta) {
  RETURN_IF_ERROR(AddDailyDoses(conn, FormatDay(DayOf(d.administered_at)), d.province_code,
                                d.vaccine_code, d.dose_number, delta));
  if (stock_facility.empty()) return Status::Ok();
  return AddDosesUsed(conn, stock_facility, d.vaccine_code, delta);
}

Status MoveCoverage(storage::Connection& conn, std::string_view province, std::string_view from,
                    std::string_view to) {
  const int a = Rank(from), b = Rank(to);
  if (a == b) return Status::Ok();
  return AddCoverage(conn, province, Delta(a, b, 1), Delta(a, b, 2), Delta(a, b, 3));
}

Status CountRegistration(storage::Connection& conn, std::string_view day,
                         std::string_view province, int64_t delta) {
  return conn.AddToCounter(
      "INSERT INTO stat_registrations_daily (day, province_code, registrations) "
      "VALUES ($1, $2, $3) ON CONFLICT (day, province_code) DO UPDATE SET "
      "registrations = stat_registrations_daily.registrations + $3",
      {std::string(day), std::string(province)}, {delta});
}

Status AdjustStock(storage::Connection& conn, std::string_view holder, std::string_view vaccine,
                   int64_t received, int64_t allocated_out, int64_t used) {
  return conn
      .Execute(
          "INSERT INTO stock (holder, vaccine_code, received, allocated_out, used) "
          "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (holder, vaccine_code) DO UPDATE SET "
          "received = stock.received + $3, allocated_out = stock.allocated_out + $4, "
          "used = stock.used + $5",
          {std::string(holder), std::string(vaccine), received, allocated_out, used})
      .status();
}

namespace {

// Rows of (day, [province,] [dose number,] n) for a series query over `table`.
Result<std::vector<DayCount>> ReadDayCounts(storage::Connection& conn, const SeriesQuery& q,
                                            bool doses) {
  const std::string province = q.by_province ? "province_code" : "''";
  const std::string number = doses ? "dose_number" : "0";
  const std::string sum = doses ? "SUM(doses)" : "SUM(registrations)";
  const std::string sql =
      "SELECT day, " + province + ", " + number + ", " + sum + " FROM " +
      (doses ? "stat_doses_daily" : "stat_registrations_daily") +
      " WHERE day >= $1 AND day <= $2 AND ($3 = '' OR province_code = $3)" +
      (doses ? " AND ($4 = '' OR vaccine_code = $4)" : "") + " GROUP BY day" +
      (q.by_province ? ", province_code" : "") + (doses ? ", dose_number" : "") + " HAVING " +
      sum + " <> 0 ORDER BY " + (q.by_province ? "province_code, " : "") + "day" +
      (doses ? ", dose_number" : "");
  const storage::Value params[] = {q.from, q.to, q.province, q.vaccine};
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query(sql, std::span<const storage::Value>(params, doses ? 4 : 3)));
  std::vector<DayCount> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    out.push_back({r.Text(0), r.Text(1), static_cast<int>(r.Int(2)), r.Int(3)});
  }
  return out;
}

}  // namespace

Result<std::vector<DayCount>> ReadDoseCounts(storage::Connection& conn, const SeriesQuery& q) {
  return ReadDayCounts(conn, q, true);
}

Result<std::vector<DayCount>> ReadRegistrationCounts(storage::Connection& conn,
                                                     const SeriesQuery& q) {
  return ReadDayCounts(conn, q, false);
}

Result<std::vector<Coverage>> ReadCoverage(storage::Connection& conn) {
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT province_code, at_least_one, fully, booster FROM "
                              "stat_coverage ORDER BY province_code"));
  std::vector<Coverage> out;
  for (const auto& r : rows) out.push_back({r.Text(0), "", r.Int(1), r.Int(2), r.Int(3)});
  return out;
}

Result<std::vector<Coverage>> ReadCoverageByDistrict(storage::Connection& conn,
                                                     std::string_view province) {
  ASSIGN_OR_RETURN(
      storage::Rows rows,
      conn.Query("SELECT province_code, district_code, "
                 "SUM(CASE WHEN vax_status <> 'none' THEN 1 ELSE 0 END), "
                 "SUM(CASE WHEN vax_status IN ('fully', 'booster') THEN 1 ELSE 0 END), "
                 "SUM(CASE WHEN vax_status = 'booster' THEN 1 ELSE 0 END) "
                 "FROM people WHERE merged_into IS NULL AND ($1 = '' OR province_code = $1) "
                 "GROUP BY province_code, district_code ORDER BY province_code, district_code",
                 {std::string(province)}));
  std::vector<Coverage> out;
  for (const auto& r : rows) {
    out.push_back({r.Text(0), r.Text(1), r.Int(2), r.Int(3), r.Int(4)});
  }
  return out;
}

Result<SupplySummary> ReadSupply(storage::Connection& conn, std::string_view vaccine) {
  const std::string v(vaccine);
  SupplySummary out;
  std::map<std::string, ProvinceSupply> by_province;
  ASSIGN_OR_RETURN(storage::Rows stock,
                   conn.Query("SELECT holder, SUM(received), SUM(allocated_out) FROM stock "
                              "WHERE length(holder) = 2 AND ($1 = '' OR vaccine_code = $1) "
                              "GROUP BY holder",
                              {v}));
  for (const auto& r : stock) {
    if (r.Text(0) == "VN") {
      out.national_received = r.Int(1);
      out.national_allocated_out = r.Int(2);
      continue;
    }
    ProvinceSupply& p = by_province[r.Text(0)];
    p.received = r.Int(1);
    p.allocated_out = r.Int(2);
  }
  ASSIGN_OR_RETURN(storage::Rows given,
                   conn.Query("SELECT province_code, SUM(doses) FROM stat_doses_daily "
                              "WHERE $1 = '' OR vaccine_code = $1 GROUP BY province_code",
                              {v}));
  for (const auto& r : given) by_province[r.Text(0)].given = r.Int(1);
  for (auto& [code, p] : by_province) {
    p.province_code = code;
    out.provinces.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<StockLevel>> ReadStock(storage::Connection& conn, std::string_view holder) {
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT holder, vaccine_code, received, allocated_out, used FROM "
                              "stock WHERE ($1 = '' OR holder = $1) ORDER BY holder, vaccine_code",
                              {std::string(holder)}));
  std::vector<StockLevel> out;
  for (const auto& r : rows) out.push_back({r.Text(0), r.Text(1), r.Int(2), r.Int(3), r.Int(4)});
  return out;
}

}  // namespace vaxreg::registry
