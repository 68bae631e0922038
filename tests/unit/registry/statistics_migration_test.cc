// Migration 15 ("portal_statistics") on a database written by the previous schema: the daily dose
// counters are rebuilt from the doses that count, now split by dose number, and the provinces'
// `used` stock, which counted their facilities' doses a second time, is reset; counting goes on
// in the new shape afterwards.

#include <gtest/gtest.h>

#include <algorithm>

#include "registry/statistics.h"
#include "storage/migrate.h"
#include "support/backend.h"

namespace vaxreg::registry {
namespace {

using testing::kTestBackend;

TEST(StatisticsMigrationTest, RebuildsDailyDosesByNumberAndStopsCountingProvinceStockTwice) {
  testing::TestDatabase test_db(kTestBackend);
  VAXREG_REQUIRE_BACKEND(test_db);
  auto db = test_db.Open();
  const auto all = storage::AllMigrations();
  auto portal = std::find_if(all.begin(), all.end(), [](const storage::Migration& m) {
    return m.name == "portal_statistics";
  });
  ASSERT_NE(portal, all.end());
  ASSERT_TRUE(storage::Migrate(*db, all.first(static_cast<size_t>(portal - all.begin()))).ok());
  auto conn = db->OpenWriterConnection();
  ASSERT_TRUE(conn.ok());
  auto& c = **conn;
  for (const char* sql :
       {"INSERT INTO vaccine_products (code, name, mp, ma, vp, primary_doses, "
        "min_interval_days, booster_min_days, built_in, created_at) VALUES "
        "('COMIRNATY', 'Comirnaty', 'mp', 'ma', 'vp', 2, 21, 90, 1, 0)",
        "INSERT INTO facilities (code, name, province_code, district_code, commune_code, "
        "status, daily_capacity, applied_by, created_at, updated_at) VALUES "
        "('HN-A', 'A', '01', '006', '00199', 'active', 10, 't', 0, 0)",
        "INSERT INTO people (id, cccd, full_name, name_folded, dob, birth_year, sex, "
        "created_at, updated_at) VALUES (1, '001090012345', 'A', 'a', '1990-05-01', 1990, "
        "'M', 0, 0)",
        // Counted: two on 2021-08-01 (doses 1 and 2), the verified self-declared dose 3.
        // Not counted: a voided dose, a self-declared dose still pending.
        "INSERT INTO doses (person_id, vaccine_code, dose_number, administered_at, "
        "administered_day, facility_code, source, review_status, province_code, status, "
        "void_reason, recorded_by, created_at) VALUES "
        "(1, 'COMIRNATY', 1, 0, '2021-08-01', 'HN-A', 'facility', 'none', '01', 'active', "
        "NULL, 't', 0), "
        "(1, 'COMIRNATY', 2, 0, '2021-08-01', 'HN-A', 'facility', 'none', '01', 'active', "
        "NULL, 't', 0), "
        "(1, 'COMIRNATY', 2, 0, '2021-08-22', 'HN-A', 'facility', 'none', '01', 'voided', "
        "'error', 't', 0), "
        "(1, 'COMIRNATY', 3, 0, '2021-12-01', NULL, 'self_declared', 'pending', '01', "
        "'active', NULL, 't', 0), "
        "(1, 'COMIRNATY', 3, 0, '2021-12-02', NULL, 'self_declared', 'verified', '01', "
        "'active', NULL, 't', 0)",
        "INSERT INTO stat_doses_daily (day, province_code, vaccine_code, doses) VALUES "
        "('2021-08-01', '01', 'COMIRNATY', 2), ('2021-12-02', '01', 'COMIRNATY', 1)",
        // The facility's two doses were also added to its province's `used`.
        "INSERT INTO stock (holder, vaccine_code, received, allocated_out, used) VALUES "
        "('VN', 'COMIRNATY', 100, 50, 0), ('01', 'COMIRNATY', 50, 20, 2), "
        "('HN-A', 'COMIRNATY', 20, 0, 2)"}) {
    ASSERT_TRUE(c.Execute(sql, {}).ok()) << sql;
  }
  conn->reset();
  ASSERT_TRUE(storage::Migrate(*db).ok());
  conn = db->OpenWriterConnection();
  ASSERT_TRUE(conn.ok());
  auto& after = **conn;
  auto rows = after.Query(
      "SELECT day, province_code, vaccine_code, dose_number, doses FROM stat_doses_daily "
      "ORDER BY day, dose_number",
      {});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 3u);
  const std::pair<std::string, int64_t> want[] = {
      {"2021-08-01", 1}, {"2021-08-01", 2}, {"2021-12-02", 3}};
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*rows)[i].Text(0), want[i].first);
    EXPECT_EQ((*rows)[i].Text(1), "01");
    EXPECT_EQ((*rows)[i].Int(3), want[i].second);
    EXPECT_EQ((*rows)[i].Int(4), 1);
  }
  auto stock = after.Query("SELECT holder, used FROM stock ORDER BY holder", {});
  ASSERT_TRUE(stock.ok());
  ASSERT_EQ(stock->size(), 3u);
  EXPECT_EQ((*stock)[0].Text(0), "01");
  EXPECT_EQ((*stock)[0].Int(1), 0) << "a province's doses are its facilities'";
  EXPECT_EQ((*stock)[1].Text(0), "HN-A");
  EXPECT_EQ((*stock)[1].Int(1), 2);
  EXPECT_EQ((*stock)[2].Text(0), "VN");
  EXPECT_EQ((*stock)[2].Int(1), 0);

  // Counting goes on in the new shape: one more dose 1 on 2021-08-01 from HN-A's stock only.
  Dose d;
  d.vaccine_code = "COMIRNATY";
  d.dose_number = 1;
  d.administered_at = 1627779600;  // 2021-08-01T01:00:00Z
  d.province_code = "01";
  ASSERT_TRUE(after.Begin().ok());
  ASSERT_TRUE(CountDose(after, d, "HN-A", +1).ok());
  ASSERT_TRUE(after.Commit().ok());
  auto counted = after.Query(
      "SELECT doses FROM stat_doses_daily WHERE day = '2021-08-01' AND dose_number = 1", {});
  ASSERT_TRUE(counted.ok()) << counted.status().ToString();
  EXPECT_EQ((*counted)[0].Int(0), 2);
  auto used = after.Query("SELECT holder, used FROM stock ORDER BY holder", {});
  ASSERT_TRUE(used.ok());
  EXPECT_EQ((*used)[0].Int(1), 0);
  EXPECT_EQ((*used)[1].Int(1), 3);
}

}  // namespace
}  // namespace vaxreg::registry
