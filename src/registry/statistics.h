#pragma once
// Statistics counters, kept incrementally by the writes that change them, in the same
// transaction (so a committed dose is always counted exactly once, and a rolled-back one never):
//   stat_doses_daily          doses per (day, province, vaccine, dose number); a void subtracts
//   stat_coverage             people per province with >= 1 dose, fully vaccinated, boosted,
//                             moved when a person's cached status changes
//   stat_registrations_daily  bookings per (day, province)
//   stock                     received / allocated out / used per holder and vaccine; a dose
//                             draws down its facility's stock only (the province handed those
//                             doses to the facility when it allocated them: its allocated_out)
// The readers serve the public statistics (api/stats_api.cc) from these tables, except the
// district coverage and the denominators, which count people (see each reader).

#include <string>
#include <vector>

#include "registry/dose.h"
#include "storage/database.h"

namespace vaxreg::registry {

// +1 / -1 for one counted dose `d` (its day in Viet Nam, province, vaccine and dose number) and,
// when stock_facility is not empty, one dose used from that facility's stock.
Status CountDose(storage::Connection& conn, const Dose& d, std::string_view stock_facility,
                 int delta);

// Moves one person in `province` from coverage bucket `from` to `to` (statuses "none",
// "partly", "fully", "booster"). No-op when equal.
Status MoveCoverage(storage::Connection& conn, std::string_view province, std::string_view from,
                    std::string_view to);

// +1 for a booking on `day` at a facility of `province`; -1 when it is cancelled or moved away.
Status CountRegistration(storage::Connection& conn, std::string_view day,
                         std::string_view province, int64_t delta = 1);

// Counter increments, written at commit (Connection::AddToCounter): doses given on a day in a
// province of a vaccine with a dose number; doses used from a holder's stock; people moving
// between coverage levels of a province.
Status AddDailyDoses(storage::Connection& conn, std::string_view day, std::string_view province,
                     std::string_view vaccine, int dose_number, int64_t n);
Status AddDosesUsed(storage::Connection& conn, std::string_view holder, std::string_view vaccine,
                    int64_t n);
Status AddCoverage(storage::Connection& conn, std::string_view province, int64_t at_least_one,
                   int64_t fully, int64_t booster);

// Adds to a holder's stock columns ("VN", a province code, or a facility code), at once.
Status AdjustStock(storage::Connection& conn, std::string_view holder, std::string_view vaccine,
                   int64_t received, int64_t allocated_out, int64_t used);

// Daily counts for the public series, summed over what the query does not split by.
struct SeriesQuery {
  std::string from = "0000-00-00", to = "9999-99-99";  // days, inclusive
  std::string province;       // "" = every province
  std::string vaccine;        // "" = every vaccine (doses only)
  bool by_province = false;   // one row per province and day, else per day
};
struct DayCount {
  std::string day;
  std::string province_code;  // "" unless by_province
  int dose_number = 0;        // doses: as recorded (1, 2, 3, ...); registrations: 0
  int64_t n = 0;
};
// Doses per day (and province) and dose number, from stat_doses_daily; rows with n = 0 left out.
// Ordered by province, day, dose number.
Result<std::vector<DayCount>> ReadDoseCounts(storage::Connection& conn, const SeriesQuery& q);
// Bookings per day (and province), from stat_registrations_daily; dose_number 0. Same order.
Result<std::vector<DayCount>> ReadRegistrationCounts(storage::Connection& conn,
                                                     const SeriesQuery& q);

struct Coverage {
  std::string province_code;
  std::string district_code;  // ReadCoverageByDistrict only
  int64_t at_least_one = 0, fully = 0, booster = 0;
};
// Per province, from the stat_coverage counters (no scan).
Result<std::vector<Coverage>> ReadCoverage(storage::Connection& conn);
// Per district of residence (people.district_code; "" for records without one), from the
// people's cached status with one GROUP BY over the people of `province` ("" = all): a scan of
// those records (no index on the address), so callers cache the answer. Records merged into
// another are left out.
Result<std::vector<Coverage>> ReadCoverageByDistrict(storage::Connection& conn,
                                                     std::string_view province);

// Supply per province (holders that are provinces): received from the national store,
// allocated on to facilities; and doses given there (stat_doses_daily, a scan of the counters).
// vaccine "" = all. Provinces with no row in either table are absent.
struct ProvinceSupply {
  std::string province_code;
  int64_t received = 0, allocated_out = 0, given = 0;
};
struct SupplySummary {
  std::vector<ProvinceSupply> provinces;  // by province code
  int64_t national_received = 0;           // shipments ("VN" received)
  int64_t national_allocated_out = 0;      // to provinces
};
Result<SupplySummary> ReadSupply(storage::Connection& conn, std::string_view vaccine);

struct StockLevel {
  std::string holder, vaccine_code;
  int64_t received = 0, allocated_out = 0, used = 0;
};
// holder "" = every holder.
Result<std::vector<StockLevel>> ReadStock(storage::Connection& conn, std::string_view holder);

}  // namespace vaxreg::registry
