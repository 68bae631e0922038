// The public statistics and the facility finder of the portal over real HTTP (SQLite; the _pg
// build runs the same on PostgreSQL): daily doses and registrations aggregated on the server and
// checked against COUNT queries over the rows they count, the 7-day average, coverage against
// the registry's records and then the population register, by province and district, supply and
// the given/allocated ranking with stock that is never counted twice, CSV, ETag and 304, gzip
// (decompressed and compared), the in-process answer cache, every unknown or bad filter a 400
// naming it, and the facility finder's filters, paging and free places per day.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <set>

#include "api_fixture.h"
#include "geo/admin_units.h"
#include "http/compression.h"
#include "registry/dose_service.h"
#include "registry/registration.h"
#include "registry_fixture.h"

namespace vaxreg::testing {
namespace {

namespace http_ = boost::beast::http;
namespace json = boost::json;

int64_t At(const std::string& day) {
  std::chrono::sys_days d;
  EXPECT_TRUE(registry::ParseDay(day, &d)) << day;
  return std::chrono::duration_cast<std::chrono::seconds>(d.time_since_epoch()).count() +
         2 * 3600;  // 09:00 in Viet Nam
}

std::string Today(int plus_days = 0) {
  return registry::FormatDay(registry::DayOf(ToUnixSeconds(SystemClock::Get().Now())) +
                             std::chrono::days(plus_days));
}

int64_t I(const json::value& v) { return v.as_int64(); }
double D(const json::value& v) {
  return v.is_int64() ? static_cast<double>(v.as_int64()) : v.as_double();
}
std::string S(const json::value& v) { return std::string(v.as_string()); }

class PortalStatsTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    SeedRegistryFixture(*runtime_, 6);  // persons 1..7 in Hà Nội without a district
    Write([&](storage::Connection& c) {
      // Persons 8..10 in Đống Đa (006, Hà Nội), 11..12 in Quận 1 (760, Hồ Chí Minh City).
      for (int i = 0; i < 5; ++i) {
        const bool hcm = i >= 3;
        registry::NewPerson np;
        np.cccd = (hcm ? "079190" : "001190") + std::to_string(200000 + i);
        np.full_name = "Lê Thị Hoa";
        np.dob = "1990-03-04";
        np.sex = "F";
        np.province_code = hcm ? "79" : "01";
        np.district_code = hcm ? "760" : "006";
        np.commune_code = hcm ? "26734" : "00199";
        auto valid = registry::ValidateNewPerson(
            np, registry::DayOf(ToUnixSeconds(SystemClock::Get().Now())));
        EXPECT_TRUE(valid.ok()) << valid.status().ToString();
        auto p = registry::InsertPerson(c, SystemClock::Get(), *valid, {"test", ""});
        EXPECT_TRUE(p.ok()) << p.status().ToString();
      }
      return Status::Ok();
    });
    // Person 1 has COMIRNATY dose 1 on 2021-08-01 at HN-BACHMAI (the fixture).
    Dose(2, "COMIRNATY", 1, "2021-08-01", "HN-BACHMAI");
    Dose(2, "COMIRNATY", 2, "2021-08-25", "HN-BACHMAI");
    Dose(3, "COMIRNATY", 1, "2021-08-03", "HN-OTHER");
    Dose(3, "COMIRNATY", 2, "2021-08-30", "HN-OTHER");
    Dose(3, "SPIKEVAX", 3, "2022-01-15", "HN-BACHMAI");
    Dose(4, "JANSSEN", 1, "2021-08-05", "SG-ONE");
    Dose(5, "VAXZEVRIA", 1, "2021-08-10", "SG-ONE");
    Dose(8, "COMIRNATY", 1, "2021-08-05", "HN-BACHMAI");
    Dose(8, "COMIRNATY", 2, "2021-09-01", "HN-BACHMAI");
    Dose(9, "JANSSEN", 1, "2021-08-12", "HN-BACHMAI");
    Dose(11, "COMIRNATY", 1, "2021-08-07", "SG-ONE");
    const int64_t voided = Dose(6, "COMIRNATY", 1, "2021-08-09", "HN-BACHMAI");
    Write([&](storage::Connection& c) {
      return registry::VoidDose(c, SystemClock::Get(), registry::BuiltInVaccines(), voided,
                                "entered in error", registry::DoseWriter::System("test"))
          .status();
    });
  }

  void Write(const std::function<Status(storage::Connection&)>& fn) {
    Status st = runtime_->writer().SubmitAndWait(fn);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  int64_t Dose(int64_t person, const std::string& vaccine, int number, const std::string& day,
               const std::string& facility) {
    int64_t id = 0;
    Write([&](storage::Connection& c) {
      registry::NewDose d;
      d.person_id = person;
      d.vaccine_code = vaccine;
      d.dose_number = number;
      d.administered_at = At(day);
      d.facility_code = facility;
      auto r = registry::RecordDose(c, SystemClock::Get(), registry::BuiltInVaccines(), d,
                                    registry::DoseWriter::System("test"));
      if (r.ok()) id = r->dose.id;
      return r.status();
    });
    return id;
  }

  void Book(int64_t person, const std::string& facility, const std::string& day) {
    Write([&](storage::Connection& c) {
      return registry::BookRegistration(c, SystemClock::Get(), person, facility, day, {"test", ""})
          .status();
    });
  }

  int64_t Count(const std::string& sql) {
    auto conn = runtime_->db().Acquire();
    auto rows = (*conn)->Query(sql, {});
    EXPECT_TRUE(rows.ok()) << rows.status().ToString() << " " << sql;
    return rows.ok() && !rows->empty() && !(*rows)[0].IsNull(0) ? (*rows)[0].Int(0) : 0;
  }

  // Counted doses (as the statistics count them) matching `where`.
  int64_t CountDoses(const std::string& where) {
    return Count(
        "SELECT COUNT(*) FROM doses WHERE status = 'active' AND (source = 'facility' OR "
        "review_status = 'verified') AND " +
        where);
  }

  json::value GetJson(const std::string& target) {
    auto r = client_->Get(target);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    return r.Json();
  }

  std::string ErrorField(const std::string& target) {
    auto r = client_->Get(target);
    EXPECT_EQ(r.status, 400) << target << ": " << r.body;
    if (r.status != 400) return "";
    const json::value body = r.Json();
    const auto& e = body.at("error").as_object();
    return e.contains("field") ? S(e.at("field")) : "";
  }
};

TEST_F(PortalStatsTest, NationalDoseSeriesMatchesCountsWithSevenDayAverage) {
  const json::value j = GetJson("/api/v1/stats/doses");
  EXPECT_EQ(S(j.at("level")), "national");
  EXPECT_FALSE(S(j.at("as_of")).empty());
  EXPECT_EQ(S(j.at("as_of")).back(), 'Z');
  // From the first to the last day with a counted dose, every day once (zeros in between).
  EXPECT_EQ(S(j.at("from")), "2021-08-01");
  EXPECT_EQ(S(j.at("to")), "2022-01-15");
  const auto& items = j.at("items").as_array();
  ASSERT_EQ(items.size(), 168u);  // 2021-08-01 .. 2022-01-15
  EXPECT_EQ(I(j.at("total")), CountDoses("1 = 1"));
  EXPECT_EQ(I(j.at("total")), 12);  // 13 recorded, one voided
  for (size_t i = 0; i < items.size(); ++i) {
    const auto& row = items[i];
    const std::string day = S(row.at("day"));
    const std::string on = "administered_day = '" + day + "'";
    ASSERT_EQ(I(row.at("doses")), CountDoses(on)) << day;
    EXPECT_EQ(I(row.at("dose_1")), CountDoses(on + " AND dose_number = 1")) << day;
    EXPECT_EQ(I(row.at("dose_2")), CountDoses(on + " AND dose_number = 2")) << day;
    EXPECT_EQ(I(row.at("dose_3")), CountDoses(on + " AND dose_number = 3")) << day;
    EXPECT_EQ(I(row.at("dose_4_plus")), CountDoses(on + " AND dose_number >= 4")) << day;
    // The mean of the seven days ending on this one, from the rows themselves.
    const std::string week_start = i >= 6 ? S(items[i - 6].at("day")) : "2021-07-26";
    const int64_t week = CountDoses("administered_day >= '" + week_start +
                                    "' AND administered_day <= '" + day + "'");
    EXPECT_NEAR(D(row.at("avg_7d")), static_cast<double>(week) / 7.0, 0.005) << day;
  }
  EXPECT_EQ(S(items[0].at("day")), "2021-08-01");
  EXPECT_EQ(I(items[0].at("doses")), 2);  // persons 1 and 2
  EXPECT_NEAR(D(items[0].at("avg_7d")), 2.0 / 7.0, 0.005);
  EXPECT_EQ(S(items[8].at("day")), "2021-08-09");
  EXPECT_EQ(I(items[8].at("doses")), 0) << "the voided dose does not count";
  // A window: the average still counts the six days before `from`.
  const json::value w = GetJson("/api/v1/stats/doses?from=2021-08-06&to=2021-08-07");
  ASSERT_EQ(w.at("items").as_array().size(), 2u);
  EXPECT_EQ(I(w.at("total")), 1);
  EXPECT_NEAR(D(w.at("items").at(0).at("avg_7d")), 5.0 / 7.0, 0.005);  // Aug 1 (2), 3, 5 (2)
  // A vaccine.
  const json::value janssen = GetJson("/api/v1/stats/doses?vaccine=JANSSEN");
  EXPECT_EQ(I(janssen.at("total")), CountDoses("vaccine_code = 'JANSSEN'"));
  EXPECT_EQ(S(janssen.at("from")), "2021-08-05");
  EXPECT_EQ(S(janssen.at("to")), "2021-08-12");
  // No data in the window: no rows.
  const json::value none = GetJson("/api/v1/stats/doses?from=2023-01-01");
  EXPECT_TRUE(none.at("items").as_array().empty());
  EXPECT_TRUE(none.at("from").is_null());
}

TEST_F(PortalStatsTest, ProvinceDoseSeriesCarryNamesAndSplitByProvince) {
  const json::value all = GetJson("/api/v1/stats/doses?level=province&to=2021-08-31");
  int64_t total = 0;
  std::set<std::string> provinces;
  for (const auto& row : all.at("items").as_array()) {
    const std::string code = S(row.at("province_code"));
    provinces.insert(code);
    EXPECT_EQ(S(row.at("province")), code == "01" ? "Hà Nội" : "Hồ Chí Minh");
    EXPECT_EQ(I(row.at("doses")), CountDoses("administered_day = '" + S(row.at("day")) +
                                             "' AND province_code = '" + code + "'"));
    total += I(row.at("doses"));
  }
  EXPECT_EQ(provinces, (std::set<std::string>{"01", "79"}));
  EXPECT_EQ(total, I(all.at("total")));
  EXPECT_EQ(total, CountDoses("administered_day <= '2021-08-31'"));
  // Both provinces over the same days: the first and the last with a dose by 2021-08-31.
  EXPECT_EQ(all.at("items").as_array().size(), 2 * 30u);
  const json::value hcm = GetJson("/api/v1/stats/doses?province=79");
  EXPECT_EQ(S(hcm.at("level")), "province");
  EXPECT_EQ(I(hcm.at("total")), CountDoses("province_code = '79'"));
  EXPECT_EQ(I(hcm.at("total")), 3);
}

TEST_F(PortalStatsTest, RegistrationSeriesPerDay) {
  Book(2, "HN-BACHMAI", Today(1));
  Book(3, "HN-BACHMAI", Today(1));
  Book(4, "SG-ONE", Today(3));
  const json::value j = GetJson("/api/v1/stats/registrations");
  const auto& items = j.at("items").as_array();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(S(items[0].at("day")), Today(1));
  EXPECT_EQ(I(items[0].at("registrations")), 2);
  EXPECT_EQ(I(items[1].at("registrations")), 0);
  EXPECT_EQ(I(items[2].at("registrations")), 1);
  EXPECT_NEAR(D(items[2].at("avg_7d")), 3.0 / 7.0, 0.005);
  EXPECT_EQ(I(j.at("total")), Count("SELECT COUNT(*) FROM registrations WHERE status <> "
                                    "'cancelled'"));
  const json::value hn = GetJson("/api/v1/stats/registrations?level=province&province=01");
  ASSERT_EQ(hn.at("items").as_array().size(), 1u);
  EXPECT_EQ(S(hn.at("items").at(0).at("province")), "Hà Nội");
  EXPECT_EQ(ErrorField("/api/v1/stats/registrations?vaccine=JANSSEN"), "vaccine");
}

TEST_F(PortalStatsTest, CoverageAgainstRecordsThenTheRegisterByProvinceAndDistrict) {
  const json::value j = GetJson("/api/v1/stats/coverage");
  EXPECT_EQ(S(j.at("denominator")), "registry_records");
  const auto& items = j.at("items").as_array();
  ASSERT_EQ(items.size(), 63u);  // every province, also those without a dose
  const auto hn = std::find_if(items.begin(), items.end(), [](const json::value& v) {
    return S(v.at("province_code")) == "01";
  });
  ASSERT_NE(hn, items.end());
  EXPECT_EQ(S(hn->at("province")), "Hà Nội");
  const std::string in_hn = "FROM people WHERE province_code = '01' AND merged_into IS NULL";
  EXPECT_EQ(I(hn->at("population")), Count("SELECT COUNT(*) " + in_hn));
  EXPECT_EQ(I(hn->at("at_least_one_dose")),
            Count("SELECT COUNT(*) " + in_hn + " AND vax_status <> 'none'"));
  EXPECT_EQ(I(hn->at("fully_vaccinated")),
            Count("SELECT COUNT(*) " + in_hn + " AND vax_status IN ('fully', 'booster')"));
  EXPECT_EQ(I(hn->at("booster")),
            Count("SELECT COUNT(*) " + in_hn + " AND vax_status = 'booster'"));
  EXPECT_NEAR(D(hn->at("pct_at_least_one_dose")),
              100.0 * I(hn->at("at_least_one_dose")) / I(hn->at("population")), 0.005);
  const auto& national = j.at("national");
  EXPECT_EQ(I(national.at("population")), Count("SELECT COUNT(*) FROM people"));
  EXPECT_EQ(I(national.at("at_least_one_dose")),
            Count("SELECT COUNT(*) FROM people WHERE vax_status <> 'none'"));
  EXPECT_EQ(I(national.at("fully_vaccinated")), 5);  // 2, 3, 4 (Janssen), 8, 9 (Janssen)
  EXPECT_EQ(I(national.at("booster")), 1);           // 3
  const auto ha_giang = std::find_if(items.begin(), items.end(), [](const json::value& v) {
    return S(v.at("province_code")) == "02";
  });
  EXPECT_EQ(I(ha_giang->at("population")), 0);
  EXPECT_TRUE(ha_giang->at("pct_at_least_one_dose").is_null()) << "no denominator";

  // Districts of Hà Nội: a GROUP BY over the records.
  const json::value d = GetJson("/api/v1/stats/coverage?level=district&province=01");
  const auto& rows = d.at("items").as_array();
  EXPECT_EQ(rows.size(), geo::AdminUnits::Get().Children("01").size());
  for (const auto& row : rows) {
    const std::string district = S(row.at("district_code"));
    EXPECT_EQ(S(row.at("province_code")), "01");
    const std::string in = "FROM people WHERE district_code = '" + district + "'";
    EXPECT_EQ(I(row.at("population")), Count("SELECT COUNT(*) " + in)) << district;
    EXPECT_EQ(I(row.at("at_least_one_dose")),
              Count("SELECT COUNT(*) " + in + " AND vax_status <> 'none'"))
        << district;
    if (district == "006") {
      EXPECT_EQ(S(row.at("district")), "Quận Đống Đa");
      EXPECT_EQ(I(row.at("population")), 3);
      EXPECT_EQ(I(row.at("at_least_one_dose")), 2);
      EXPECT_EQ(I(row.at("fully_vaccinated")), 2);
      EXPECT_NEAR(D(row.at("pct_fully_vaccinated")), 66.67, 0.001);
    }
  }
  EXPECT_EQ(GetJson("/api/v1/stats/coverage?level=district").at("items").as_array().size(),
            geo::AdminUnits::Get().CountAt(geo::Level::kDistrict));

  // With a population register, it is the denominator (two people in Hà Nội: 001, one in 79).
  ImportSmallRegister();
  const json::value r = GetJson("/api/v1/stats/coverage");
  EXPECT_EQ(S(r.at("denominator")), "population_register");
  EXPECT_GT(I(r.at("register_snapshot")), 0);
  EXPECT_EQ(I(r.at("national").at("population")), 3);
  for (const auto& row : r.at("items").as_array()) {
    const std::string code = S(row.at("province_code"));
    EXPECT_EQ(I(row.at("population")), code == "01" ? 2 : code == "79" ? 1 : 0) << code;
  }
  const json::value rd = GetJson("/api/v1/stats/coverage?level=district&province=01");
  for (const auto& row : rd.at("items").as_array()) {
    EXPECT_EQ(I(row.at("population")), S(row.at("district_code")) == "001" ? 2 : 0);
  }
}

TEST_F(PortalStatsTest, SupplyRanksProvincesAndStockIsCountedOnce) {
  // 1,000 Comirnaty shipped, 500 to Hà Nội (the fixture); Hà Nội allocates 100 to HN-BACHMAI,
  // Hồ Chí Minh City gets 200 and allocates 10 to SG-ONE.
  Write([&](storage::Connection& c) {
    const registry::Actor sys{"test", ""};
    const auto& vaccines = registry::BuiltInVaccines();
    for (const registry::Allocation& a :
         {registry::Allocation{"COMIRNATY", "01", "HN-BACHMAI", 100, ""},
          registry::Allocation{"COMIRNATY", "VN", "79", 200, ""},
          registry::Allocation{"COMIRNATY", "79", "SG-ONE", 10, ""}}) {
      RETURN_IF_ERROR(registry::RecordAllocation(c, SystemClock::Get(), vaccines, a, sys).status());
    }
    return Status::Ok();
  });
  const json::value j = GetJson("/api/v1/stats/supply");
  EXPECT_EQ(I(j.at("national").at("received")), 1000);
  EXPECT_EQ(I(j.at("national").at("allocated_to_provinces")), 700);
  EXPECT_EQ(I(j.at("national").at("given")), CountDoses("1 = 1"));
  const auto& items = j.at("items").as_array();
  ASSERT_EQ(items.size(), 63u);
  std::map<std::string, json::object> by;
  for (const auto& row : items) by[S(row.at("province_code"))] = row.as_object();
  EXPECT_EQ(I(by["01"].at("delivered")), 500);
  EXPECT_EQ(I(by["01"].at("allocated")), 100);
  EXPECT_EQ(I(by["01"].at("given")), CountDoses("province_code = '01'"));
  EXPECT_EQ(I(by["79"].at("given")), 3);
  EXPECT_NEAR(D(by["01"].at("given_per_allocated")), I(by["01"].at("given")) / 100.0, 1e-4);
  EXPECT_NEAR(D(by["79"].at("given_per_allocated")), 0.3, 1e-4);
  EXPECT_NEAR(D(by["01"].at("given_per_delivered")), I(by["01"].at("given")) / 500.0, 1e-4);
  EXPECT_EQ(I(by["79"].at("rank")), 1);  // 3 of 10 beats 9 of 100
  EXPECT_EQ(I(by["01"].at("rank")), 2);
  EXPECT_TRUE(by["02"].at("rank").is_null());
  EXPECT_TRUE(by["02"].at("given_per_allocated").is_null());
  EXPECT_EQ(S(by["79"].at("province")), "Hồ Chí Minh");
  const json::value spikevax = GetJson("/api/v1/stats/supply?vaccine=SPIKEVAX");
  EXPECT_EQ(I(spikevax.at("national").at("received")), 0);
  EXPECT_EQ(I(spikevax.at("national").at("given")), 1);

  // A dose draws down its facility's stock only; its province handed those doses on already.
  const json::value hn = GetJson("/api/v1/stats/stock?holder=01");
  ASSERT_EQ(hn.at("items").as_array().size(), 1u);
  EXPECT_EQ(I(hn.at("items").at(0).at("used")), 0);
  EXPECT_EQ(I(hn.at("items").at(0).at("available")), 400);
  const json::value bachmai = GetJson("/api/v1/stats/stock?holder=HN-BACHMAI");
  const int64_t used = CountDoses("facility_code = 'HN-BACHMAI' AND vaccine_code = 'COMIRNATY'");
  EXPECT_EQ(I(bachmai.at("items").at(0).at("used")), used);
  EXPECT_EQ(I(bachmai.at("items").at(0).at("available")), 100 - used);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM stock WHERE length(holder) = 2 AND holder <> 'VN' AND "
                  "used <> 0"),
            0);
}

TEST_F(PortalStatsTest, CsvIsTheSameTable) {
  const json::value j = GetJson("/api/v1/stats/doses?level=province&province=01&to=2021-08-31");
  auto csv =
      client_->Get("/api/v1/stats/doses?level=province&province=01&to=2021-08-31&format=csv");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.headers["Content-Type"], "text/csv; charset=utf-8");
  const std::string disposition = csv.headers["Content-Disposition"];
  EXPECT_EQ(disposition.rfind("attachment; filename=\"vaxreg-doses-province-01-", 0), 0u)
      << disposition;
  EXPECT_EQ(disposition.substr(disposition.size() - 5), ".csv\"");
  std::vector<std::string> lines;
  for (size_t pos = 0; pos < csv.body.size();) {
    const size_t nl = csv.body.find('\n', pos);
    lines.push_back(csv.body.substr(pos, nl - pos));
    pos = nl + 1;
  }
  ASSERT_EQ(lines.size(), j.at("items").as_array().size() + 1);
  EXPECT_EQ(lines[0], "day,province_code,province,doses,dose_1,dose_2,dose_3,dose_4_plus,avg_7d");
  const auto& first = j.at("items").at(0);
  EXPECT_EQ(lines[1], S(first.at("day")) + ",01,Hà Nội," + std::to_string(I(first.at("doses"))) +
                          "," + std::to_string(I(first.at("dose_1"))) + "," +
                          std::to_string(I(first.at("dose_2"))) + ",0,0,0.29");
  auto cov = client_->Get("/api/v1/stats/coverage?format=csv");
  ASSERT_EQ(cov.status, 200);
  EXPECT_EQ(cov.body.substr(0, cov.body.find('\n')),
            "province_code,province,population,at_least_one_dose,fully_vaccinated,booster,"
            "pct_at_least_one_dose,pct_fully_vaccinated,pct_booster");
  EXPECT_NE(cov.body.find("\n02,Hà Giang,0,0,0,0,,,\n"), std::string::npos) << "nulls are empty";
  EXPECT_EQ(client_->Get("/api/v1/stats/supply?format=csv").status, 200);
  EXPECT_EQ(client_->Get("/api/v1/stats/stock?format=csv").status, 200);
  EXPECT_EQ(client_->Get("/api/v1/stats/registrations?format=csv").status, 200);
}

TEST_F(PortalStatsTest, EtagGives304UntilTheFiguresChange) {
  auto first = client_->Get("/api/v1/stats/coverage");
  ASSERT_EQ(first.status, 200);
  const std::string etag = first.headers["ETag"];
  ASSERT_EQ(etag.size(), 34u) << etag;
  EXPECT_EQ(first.headers["Cache-Control"], "public, max-age=60");
  EXPECT_EQ(first.headers["Vary"], "Accept-Encoding");
  auto again =
      client_->Send(http_::verb::get, "/api/v1/stats/coverage", "", {{"If-None-Match", etag}});
  // The answer is read again (no answer cache in this fixture): same figures within the same
  // second give the same body; as_of may have moved on, which is a new representation.
  if (again.status == 200) {
    EXPECT_NE(again.headers["ETag"], etag);
  } else {
    EXPECT_EQ(again.status, 304);
    EXPECT_TRUE(again.body.empty());
    EXPECT_EQ(again.headers["ETag"], etag);
    EXPECT_EQ(again.headers["Cache-Control"], "public, max-age=60");
  }
  Dose(7, "COMIRNATY", 1, "2021-10-01", "HN-BACHMAI");
  auto changed =
      client_->Send(http_::verb::get, "/api/v1/stats/coverage", "", {{"If-None-Match", etag}});
  EXPECT_EQ(changed.status, 200);
  EXPECT_NE(changed.headers["ETag"], etag);
  EXPECT_EQ(I(changed.Json().at("national").at("at_least_one_dose")),
            I(first.Json().at("national").at("at_least_one_dose")) + 1);
}

TEST_F(PortalStatsTest, UnknownAndBadFiltersAreRefusedByName) {
  // Each target and the parameter its 400 names.
  const std::pair<const char*, const char*> cases[] = {
      {"/api/v1/stats/doses?provnce=01", "provnce"},
      {"/api/v1/stats/doses?district=006", "district"},
      {"/api/v1/stats/doses?province=99", "province"},
      {"/api/v1/stats/doses?level=national&province=01", "province"},
      {"/api/v1/stats/doses?level=district", "level"},
      {"/api/v1/stats/doses?from=2021-09-01&to=2021-08-01", "to"},
      {"/api/v1/stats/doses?from=yesterday", "from"},
      {"/api/v1/stats/doses?vaccine=PLACEBO", "vaccine"},
      {"/api/v1/stats/doses?format=xml", "format"},
      {"/api/v1/stats/doses?from=2021-08-01&from=2021-08-02", "from"},
      {"/api/v1/stats/coverage?level=commune", "level"},
      {"/api/v1/stats/coverage?from=2021-08-01", "from"},
      {"/api/v1/stats/supply?province=01", "province"},
      {"/api/v1/stats/stock?vaccine=COMIRNATY", "vaccine"},
      {"/api/v1/facilities?distrct=006", "distrct"},
      {"/api/v1/facilities?district=01", "district"},
      {"/api/v1/facilities?province=79&district=006", "district"},
      {"/api/v1/facilities?status=closed", "status"},
      {"/api/v1/facilities?day=tomorrow", "day"},
      {"/api/v1/facilities?limit=0", "limit"},
  };
  for (const auto& [target, field] : cases) EXPECT_EQ(ErrorField(target), field) << target;
}

TEST_F(PortalStatsTest, FacilityFinderFiltersPagesAndShowsFreePlaces) {
  Write([&](storage::Connection& c) {
    const registry::Actor sys{"test", ""};
    registry::Facility f{
        "HN-PM", "Trạm Y tế Phường Phương Mai", "01", "006", "00199", "", "applied", 5, "", 0};
    RETURN_IF_ERROR(registry::ApplyFacility(c, SystemClock::Get(), f, sys).status());
    RETURN_IF_ERROR(
        registry::DecideFacility(c, SystemClock::Get(), "HN-PM", "active", "", sys).status());
    return registry::DecideFacility(c, SystemClock::Get(), "HN-SUSPEND", "suspended", "", sys)
        .status();
  });
  Book(2, "HN-PM", Today(1));
  Book(3, "HN-PM", Today(1));
  auto codes = [&](const std::string& query) {
    std::vector<std::string> out;
    const json::value list = GetJson("/api/v1/facilities" + query);
    for (const auto& f : list.at("items").as_array()) {
      out.push_back(S(f.at("code")));
    }
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(codes("?province=79"), V{"SG-ONE"});
  EXPECT_EQ(codes("?district=760"), V{"SG-ONE"});
  EXPECT_EQ(codes("?province=01&district=006&status=active"),
            (V{"HN-BACHMAI", "HN-OTHER", "HN-PM"}));
  // Name and code, without case or diacritics.
  EXPECT_EQ(codes("?q=phuong%20mai"), V{"HN-PM"});
  EXPECT_EQ(codes("?q=PH%C6%AF%C6%A0NG%20M%E1%BA%A0I"), V{"HN-PM"});  // PHƯƠNG MẠI
  EXPECT_EQ(codes("?q=tram+y+te"), V{"HN-PM"});
  EXPECT_EQ(codes("?q=hn-bach"), V{"HN-BACHMAI"});
  EXPECT_EQ(codes("?q=sg-&province=01"), V{});
  // Pages, also when matched by text.
  auto page = GetJson("/api/v1/facilities?province=01&limit=2");
  ASSERT_EQ(page.at("items").as_array().size(), 2u);
  const std::string next = S(page.at("next_after"));
  EXPECT_EQ(next, "HN-BACHMAI");
  EXPECT_EQ(codes("?province=01&limit=2&after=" + next), (V{"HN-OTHER", "HN-PM"}));
  auto text_page = GetJson("/api/v1/facilities?q=hn&limit=1&after=HN-APPLIED");
  EXPECT_EQ(S(text_page.at("items").at(0).at("code")), "HN-BACHMAI");
  EXPECT_EQ(S(text_page.at("next_after")), "HN-BACHMAI");

  // Free places: today and the next six days, or one asked day.
  const json::value pm = GetJson("/api/v1/facilities?q=hn-pm");
  const auto& f = pm.at("items").at(0);
  EXPECT_EQ(I(f.at("daily_capacity")), 5);
  const auto& week = f.at("capacity").as_array();
  ASSERT_EQ(week.size(), 7u);
  for (size_t i = 0; i < week.size(); ++i) {
    EXPECT_EQ(S(week[i].at("day")), Today(static_cast<int>(i)));
    EXPECT_EQ(I(week[i].at("remaining")), i == 1 ? 3 : 5) << i;
  }
  const json::value one = GetJson("/api/v1/facilities?q=hn-pm&day=" + Today(1));
  ASSERT_EQ(one.at("items").at(0).at("capacity").as_array().size(), 1u);
  EXPECT_EQ(I(one.at("items").at(0).at("capacity").at(0).at("remaining")), 3);
  const json::value past = GetJson("/api/v1/facilities?q=hn-pm&day=2021-08-01");
  EXPECT_EQ(I(past.at("items").at(0).at("capacity").at(0).at("remaining")), 0);
  // Facilities that take no bookings have no free places.
  for (const std::string code : {"HN-SUSPEND", "HN-APPLIED"}) {
    const json::value x = GetJson("/api/v1/facilities?q=" + code);
    for (const auto& day : x.at("items").at(0).at("capacity").as_array()) {
      EXPECT_EQ(I(day.at("remaining")), 0) << code;
    }
  }
  // gzip for a long list.
  auto gz = client_->Send(http_::verb::get, "/api/v1/facilities?limit=50", "",
                          {{"Accept-Encoding", "gzip"}});
  ASSERT_EQ(gz.status, 200);
  EXPECT_EQ(gz.headers["Content-Encoding"], "gzip");
  auto body = http::GzipDecompress(gz.body, 1 << 20);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(json::parse(*body).at("items").as_array().size(), 6u);
}

// The answer cache of a production server (60 s): identical requests share one body, so gzip
// and identity can be compared byte for byte and a 304 is certain.
class CachedStatsTest : public PortalStatsTest {
 protected:
  void Configure(app::Config& config) override { config.stats_cache_seconds = 60; }
};

TEST_F(CachedStatsTest, GzipRoundTripsAndRepeatedQueriesShareOneAnswer) {
  auto plain = client_->Get("/api/v1/stats/doses");
  ASSERT_EQ(plain.status, 200);
  EXPECT_EQ(plain.headers.count("Content-Encoding"), 0u);
  auto gz = client_->Send(http_::verb::get, "/api/v1/stats/doses", "",
                          {{"Accept-Encoding", "gzip, deflate, br"}});
  ASSERT_EQ(gz.status, 200);
  EXPECT_EQ(gz.headers["Content-Encoding"], "gzip");
  EXPECT_EQ(gz.headers["Vary"], "Accept-Encoding");
  EXPECT_LT(gz.body.size() * 5, plain.body.size());
  auto inflated = http::GzipDecompress(gz.body, 1 << 22);
  ASSERT_TRUE(inflated.ok()) << inflated.status().ToString();
  EXPECT_EQ(*inflated, plain.body);
  const std::string etag = plain.headers["ETag"];
  EXPECT_EQ(gz.headers["ETag"], etag.substr(0, etag.size() - 1) + "-gzip\"");
  // Either tag revalidates either encoding.
  for (const std::string& tag : {etag, gz.headers["ETag"]}) {
    auto nm = client_->Send(http_::verb::get, "/api/v1/stats/doses", "",
                            {{"If-None-Match", tag}, {"Accept-Encoding", "gzip"}});
    EXPECT_EQ(nm.status, 304) << tag;
    EXPECT_TRUE(nm.body.empty());
    EXPECT_EQ(nm.headers["ETag"], tag);
  }
  // Within the time to live a new dose is not read yet; another query is.
  Dose(7, "COMIRNATY", 1, "2021-10-01", "HN-BACHMAI");
  auto cached = client_->Get("/api/v1/stats/doses");
  EXPECT_EQ(cached.body, plain.body);
  auto fresh = client_->Get("/api/v1/stats/doses?from=2021-08-01");
  EXPECT_EQ(I(fresh.Json().at("total")), I(plain.Json().at("total")) + 1);
}

}  // namespace
}  // namespace vaxreg::testing
