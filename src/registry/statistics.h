#pragma once
// Statistics counters, kept incrementally by the writes that change them, in the same
// transaction (so a committed dose is always counted exactly once, and a rolled-back one never):
//   stat_doses_daily          doses per (day, province, vaccine); a void subtracts
//   stat_coverage             people per province with >= 1 dose, fully vaccinated, boosted,
//                             moved when a person's cached status changes
//   stat_registrations_daily  bookings per (day, province)
//   stock                     received / allocated out / used per holder and vaccine; a dose
//                             draws down its facility's and its province's stock
// The readers serve public endpoints straight from these tables (no scan of doses or people).

#include <string>
#include <vector>

#include "storage/database.h"

namespace vaxreg::registry {

// +1 / -1 for one dose given on `day` in `province` (and, when facility_code is not empty,
// one dose used from that facility's and the province's stock).
Status CountDose(storage::Connection& conn, std::string_view day, std::string_view province,
                 std::string_view vaccine, std::string_view facility_code, int delta);

// Moves one person in `province` from coverage bucket `from` to `to` (statuses "none",
// "partly", "fully", "booster"). No-op when equal.
Status MoveCoverage(storage::Connection& conn, std::string_view province, std::string_view from,
                    std::string_view to);

Status CountRegistration(storage::Connection& conn, std::string_view day,
                         std::string_view province);

// Counter increments, written at commit (Connection::AddToCounter): doses given on a day in a
// province of a vaccine; doses used from a holder's stock; people moving between coverage
// levels of a province.
Status AddDailyDoses(storage::Connection& conn, std::string_view day, std::string_view province,
                     std::string_view vaccine, int64_t n);
Status AddDosesUsed(storage::Connection& conn, std::string_view holder, std::string_view vaccine,
                    int64_t n);
Status AddCoverage(storage::Connection& conn, std::string_view province, int64_t at_least_one,
                   int64_t fully, int64_t booster);

// Adds to a holder's stock columns ("VN", a province code, or a facility code), at once.
Status AdjustStock(storage::Connection& conn, std::string_view holder, std::string_view vaccine,
                   int64_t received, int64_t allocated_out, int64_t used);

struct DailyDoses {
  std::string day, province_code, vaccine_code;
  int64_t doses = 0;
};
// Days in [from, to] ("YYYY-MM-DD"); province/vaccine "" = all (still grouped by them).
Result<std::vector<DailyDoses>> ReadDailyDoses(storage::Connection& conn, std::string_view from,
                                               std::string_view to, std::string_view province,
                                               std::string_view vaccine);

struct Coverage {
  std::string province_code;
  int64_t at_least_one = 0, fully = 0, booster = 0;
};
Result<std::vector<Coverage>> ReadCoverage(storage::Connection& conn);

struct DailyRegistrations {
  std::string day, province_code;
  int64_t registrations = 0;
};
Result<std::vector<DailyRegistrations>> ReadDailyRegistrations(storage::Connection& conn,
                                                               std::string_view from,
                                                               std::string_view to,
                                                               std::string_view province);

struct StockLevel {
  std::string holder, vaccine_code;
  int64_t received = 0, allocated_out = 0, used = 0;
};
// holder "" = every holder.
Result<std::vector<StockLevel>> ReadStock(storage::Connection& conn, std::string_view holder);

}  // namespace vaxreg::registry
