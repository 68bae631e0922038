#pragma once
// Migration 15, "portal_statistics": what the public portal's statistics need from the counters.
//
// 1. stat_doses_daily gains the dose number to its key (doses per day, province, vaccine and dose
//    number as recorded: 1, 2, 3, ...), so the daily series can be split into first, second and
//    later doses. The table is rebuilt from the doses that count (active, and given by a facility
//    or verified), which is what the old counters held summed over the dose number; on a large
//    registry this reads every dose once.
// 2. A dose draws down only its facility's stock. Until now it was also added to its province's
//    `used`, although the province had already handed those doses to the facility (allocated
//    out), so the province's available stock fell twice. Provinces' `used` is reset to 0 (holders
//    of two characters other than "VN" are provinces; facility codes have 3 to 32).
// Included only by storage/schema.cc. Never edit once shipped; append a new migration instead.

#include <string_view>

namespace vaxreg::storage {

// The same script for both dialects (BIGINT is an integer to SQLite too; the new primary key
// keeps PostgreSQL's generated name stat_doses_daily_v2_pkey, which nothing refers to).
inline constexpr std::string_view kPortalStatistics = R"sql(
CREATE TABLE stat_doses_daily_v2 (
  day TEXT NOT NULL,
  province_code TEXT NOT NULL,
  vaccine_code TEXT NOT NULL,
  dose_number INTEGER NOT NULL,
  doses BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (day, province_code, vaccine_code, dose_number)
);
INSERT INTO stat_doses_daily_v2 (day, province_code, vaccine_code, dose_number, doses)
  SELECT administered_day, province_code, vaccine_code, dose_number, COUNT(*) FROM doses
  WHERE status = 'active' AND (source = 'facility' OR review_status = 'verified')
  GROUP BY administered_day, province_code, vaccine_code, dose_number;
DROP TABLE stat_doses_daily;
ALTER TABLE stat_doses_daily_v2 RENAME TO stat_doses_daily;
UPDATE stock SET used = 0 WHERE length(holder) = 2 AND holder <> 'VN';
)sql";

}  // namespace vaxreg::storage
