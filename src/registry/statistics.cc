#include "registry/statistics.h"

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
                     std::string_view vaccine, int64_t n) {
  return conn.AddToCounter(
      "INSERT INTO stat_doses_daily (day, province_code, vaccine_code, doses) VALUES ($1, $2, "
      "$3, $4) ON CONFLICT (day, province_code, vaccine_code) DO UPDATE SET "
      "doses = stat_doses_daily.doses + $4",
      {std::string(day), std::string(province), std::string(vaccine)}, {n});
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

Status CountDose(storage::Connection& conn, std::string_view day, std::string_view province,
                 std::string_view vaccine, std::string_view facility_code, int delta) {
  RETURN_IF_ERROR(AddDailyDoses(conn, day, province, vaccine, delta));
  if (facility_code.empty()) return Status::Ok();
  RETURN_IF_ERROR(AddDosesUsed(conn, facility_code, vaccine, delta));
  return AddDosesUsed(conn, province, vaccine, delta);
}

Status MoveCoverage(storage::Connection& conn, std::string_view province, std::string_view from,
                    std::string_view to) {
  const int a = Rank(from), b = Rank(to);
  if (a == b) return Status::Ok();
  return AddCoverage(conn, province, Delta(a, b, 1), Delta(a, b, 2), Delta(a, b, 3));
}

Status CountRegistration(storage::Connection& conn, std::string_view day,
                         std::string_view province) {
  return conn.AddToCounter(
      "INSERT INTO stat_registrations_daily (day, province_code, registrations) "
      "VALUES ($1, $2, $3) ON CONFLICT (day, province_code) DO UPDATE SET "
      "registrations = stat_registrations_daily.registrations + $3",
      {std::string(day), std::string(province)}, {int64_t{1}});
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

Result<std::vector<DailyDoses>> ReadDailyDoses(storage::Connection& conn, std::string_view from,
                                               std::string_view to, std::string_view province,
                                               std::string_view vaccine) {
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT day, province_code, vaccine_code, doses FROM "
                              "stat_doses_daily WHERE day >= $1 AND day <= $2 AND "
                              "($3 = '' OR province_code = $3) AND ($4 = '' OR vaccine_code = $4) "
                              "AND doses <> 0 ORDER BY day, province_code, vaccine_code",
                              {std::string(from), std::string(to), std::string(province),
                               std::string(vaccine)}));
  std::vector<DailyDoses> out;
  for (const auto& r : rows) out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Int(3)});
  return out;
}

Result<std::vector<Coverage>> ReadCoverage(storage::Connection& conn) {
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT province_code, at_least_one, fully, booster FROM "
                              "stat_coverage ORDER BY province_code"));
  std::vector<Coverage> out;
  for (const auto& r : rows) out.push_back({r.Text(0), r.Int(1), r.Int(2), r.Int(3)});
  return out;
}

Result<std::vector<DailyRegistrations>> ReadDailyRegistrations(storage::Connection& conn,
                                                               std::string_view from,
                                                               std::string_view to,
                                                               std::string_view province) {
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT day, province_code, registrations FROM "
                              "stat_registrations_daily WHERE day >= $1 AND day <= $2 AND "
                              "($3 = '' OR province_code = $3) ORDER BY day, province_code",
                              {std::string(from), std::string(to), std::string(province)}));
  std::vector<DailyRegistrations> out;
  for (const auto& r : rows) out.push_back({r.Text(0), r.Text(1), r.Int(2)});
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
