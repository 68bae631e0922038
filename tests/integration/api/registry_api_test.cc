// The registry over real HTTP: people, doses (single, batch, CSV, void), idempotency under
// concurrent retries, the continuity 409 and its override, status colours for mixed and
// one-dose series, booking and check-in, public statistics, and each bad input of the issue:
// invalid CCCD, future birth date, unknown vaccine, inactive facility, batch over the limit,
// malformed CSV lines, a facility's staff writing for another facility; CSV rows held to the
// API's field limits, and the CSV error report capped.

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <thread>

#include "api_fixture.h"
#include "registry/dose_batch.h"
#include "registry/dose_csv.h"
#include "registry_fixture.h"

namespace vaxreg::testing {
namespace {

class RegistryApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    SeedRegistryFixture(*runtime_, 20);
    CreateAccount("staff", auth::Role::kFacilityStaff);  // bound to HN-BACHMAI
    CreateAccount("authority", auth::Role::kHealthAuthority);  // Hà Nội (01)
    CreateAccount("admin", auth::Role::kAdmin);
    CreateAccount("001090012345", auth::Role::kCitizen);
    staff_ = Login("staff", auth::Role::kFacilityStaff);
    authority_ = Login("authority", auth::Role::kHealthAuthority);
    admin_ = Login("admin", auth::Role::kAdmin);
    citizen_ = Login("001090012345", auth::Role::kCitizen);
  }

  static std::string Dose(int64_t person, const std::string& vaccine, int number,
                          const std::string& date, const std::string& facility = "HN-BACHMAI",
                          const std::string& extra = "") {
    return R"({"person_id":)" + std::to_string(person) + R"(,"vaccine":")" + vaccine +
           R"(","dose_number":)" + std::to_string(number) + R"(,"administered_at":")" + date +
           R"(T09:00:00+07:00","facility_code":")" + facility + "\"" + extra + "}";
  }

  static std::string ErrorCode(const TestResponse& r) {
    return std::string(r.Json().at("error").at("code").as_string());
  }
  static std::string ErrorField(const TestResponse& r) {
    const boost::json::value j = r.Json();
    const auto& e = j.at("error").as_object();
    return e.contains("field") ? std::string(e.at("field").as_string()) : "";
  }

  boost::json::value Record(int64_t person) {
    auto r = client_->Get("/api/v1/people/" + std::to_string(person) + "/record", admin_);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json();
  }

  int64_t CountRows(const std::string& sql) {
    auto conn = runtime_->db().Acquire();
    return (*conn)->Query(sql).value()[0].Int(0);
  }

  std::string staff_, authority_, admin_, citizen_;
};

TEST_F(RegistryApiTest, CreatesAPersonWithANormalisedName) {
  auto r = client_->Post("/api/v1/people",
                         R"({"cccd":"079195000123","full_name":"  Nguye\u0302\u0303n   Thị  Hoa ",)"
                         R"("dob":"1995-02-03","sex":"F","province_code":"79","district_code":"760",)"
                         R"("commune_code":"26734","phone":"0901234567"})",
                         staff_);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Json().at("full_name").as_string(), "Nguyễn Thị Hoa");
  EXPECT_EQ(r.Json().at("identity_status").as_string(), "unverified");
  auto again = client_->Post("/api/v1/people",
                             R"({"cccd":"079195000123","full_name":"X","dob":"1995","sex":"F"})",
                             staff_);
  EXPECT_EQ(again.status, 409) << again.body;
}

TEST_F(RegistryApiTest, InvalidCccdIsRefused) {
  auto short_number = client_->Post(
      "/api/v1/people", R"({"cccd":"00109001","full_name":"A","dob":"1990","sex":"M"})", staff_);
  EXPECT_EQ(short_number.status, 400);
  EXPECT_EQ(ErrorField(short_number), "cccd");
  auto bad_province = client_->Post(
      "/api/v1/people", R"({"cccd":"099090012345","full_name":"A","dob":"1990","sex":"M"})",
      staff_);
  EXPECT_EQ(bad_province.status, 400);
  EXPECT_EQ(ErrorField(bad_province), "cccd");
  // Digit 4 = 1: a woman born in the 1900s, but the person is recorded as a man.
  auto wrong_sex = client_->Post(
      "/api/v1/people", R"({"cccd":"001190012345","full_name":"A","dob":"1990","sex":"M"})",
      staff_);
  EXPECT_EQ(wrong_sex.status, 400);
  EXPECT_EQ(ErrorField(wrong_sex), "sex");
  auto wrong_year = client_->Post(
      "/api/v1/people", R"({"cccd":"001090012399","full_name":"A","dob":"1991-01-01","sex":"M"})",
      staff_);
  EXPECT_EQ(wrong_year.status, 400);
  EXPECT_EQ(ErrorField(wrong_year), "dob");
}

TEST_F(RegistryApiTest, FutureBirthDateIsRefused) {
  auto r = client_->Post("/api/v1/people",
                         R"({"full_name":"Bé Na","dob":"2999-01-01","sex":"F"})", staff_);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorField(r), "dob");
}

TEST_F(RegistryApiTest, UnknownVaccineIsRefused) {
  auto r = client_->Post("/api/v1/doses", Dose(2, "NOVAVAX-X", 1, "2021-09-01"), staff_);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorField(r), "vaccine");
}

TEST_F(RegistryApiTest, InactiveFacilityIsRefused) {
  auto r = client_->Post("/api/v1/doses", Dose(2, "COMIRNATY", 1, "2021-09-01", "HN-APPLIED"),
                         authority_);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(ErrorField(r), "facility_code");
  auto suspend = client_->Post("/api/v1/facilities/HN-BACHMAI/suspend", R"({"reason":"audit"})",
                               authority_);
  ASSERT_EQ(suspend.status, 200) << suspend.body;
  auto after = client_->Post("/api/v1/doses", Dose(2, "COMIRNATY", 1, "2021-09-01"), staff_);
  EXPECT_EQ(after.status, 409) << after.body;
}

TEST_F(RegistryApiTest, OnlyAProvincialAuthorityOfTheAreaApprovesFacilities) {
  CreateAccount("hcm", auth::Role::kHealthAuthority);  // bound to 01 by the fixture
  auto apply = client_->Post("/api/v1/facilities",
                             R"({"code":"SG-NEW","name":"Trạm Tân Định","province_code":"79",)"
                             R"("district_code":"760","commune_code":"26734","daily_capacity":10})",
                             staff_);
  ASSERT_EQ(apply.status, 201) << apply.body;
  EXPECT_EQ(apply.Json().at("status").as_string(), "applied");
  auto outside = client_->Post("/api/v1/facilities/SG-NEW/approve", "{}", authority_);
  EXPECT_EQ(outside.status, 403) << outside.body;
  auto ok = client_->Post("/api/v1/facilities/SG-NEW/approve", "{}", admin_);
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.Json().at("status").as_string(), "active");
}

TEST_F(RegistryApiTest, BatchOverTheLimitIsRefused) {
  std::string body = R"({"items":[)";
  for (size_t i = 0; i <= registry::kMaxDoseBatch; ++i) body += i == 0 ? "{}" : ",{}";
  body += "]}";
  auto r = client_->Post("/api/v1/doses/batch", body, staff_);
  EXPECT_EQ(r.status, 400) << r.body.substr(0, 200);
  EXPECT_EQ(ErrorField(r), "items");
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM doses"), 1);
}

TEST_F(RegistryApiTest, BatchGivesOneResultPerItemAndKeepsTheGoodOnes) {
  std::string body = R"({"items":[)" + Dose(2, "COMIRNATY", 1, "2021-09-01") + "," +
                     Dose(3, "NOPE", 1, "2021-09-01") + "," +
                     Dose(4, "SPIKEVAX", 1, "2021-09-01", "HN-OTHER") + "," +
                     Dose(5, "JANSSEN", 1, "2021-09-01") + "]}";
  auto r = client_->Post("/api/v1/doses/batch", body, staff_);
  ASSERT_EQ(r.status, 200) << r.body;
  const boost::json::value answer = r.Json();
  const auto& results = answer.at("results").as_array();
  ASSERT_EQ(results.size(), 4u);
  EXPECT_TRUE(results[0].as_object().contains("dose"));
  EXPECT_EQ(results[1].at("error").at("code").as_string(), "INVALID_ARGUMENT");
  EXPECT_GT(results[1].at("quarantine_id").as_int64(), 0) << "a refused item is kept";
  EXPECT_EQ(results[2].at("error").at("code").as_string(), "PERMISSION_DENIED");
  EXPECT_FALSE(results[2].as_object().contains("quarantine_id"))
      << "another facility's dose is the sender's to fix, not kept";
  EXPECT_TRUE(results[3].as_object().contains("dose"));
  EXPECT_EQ(answer.at("recorded").as_int64(), 2);
  EXPECT_EQ(answer.at("quarantined").as_int64(), 1);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM doses"), 3);
}

// A batch's refused items are kept like an upload's rows; a batch sent again does not queue
// them twice; a continuity conflict is released only with an authority's override reason; a
// wrong item is fixed and released by the facility.
TEST_F(RegistryApiTest, RefusedBatchItemsAreKeptAndReleasedWithAnOverrideOrAFix) {
  // Person 1 has Comirnaty dose 1 on 2021-08-01: dose 2 on 08-10 is 21 days too soon.
  const std::string too_soon = Dose(1, "COMIRNATY", 2, "2021-08-10");
  const std::string body =
      R"({"items":[)" + too_soon + "," + Dose(2, "Vaxzilla", 1, "2021-09-01") + "]}";
  auto first = client_->Post("/api/v1/doses/batch", body, staff_);
  ASSERT_EQ(first.status, 200) << first.body;
  const boost::json::value answer = first.Json();
  EXPECT_EQ(answer.at("recorded").as_int64(), 0);
  EXPECT_EQ(answer.at("quarantined").as_int64(), 2);
  const int64_t conflict_row = answer.at("results").at(0).at("quarantine_id").as_int64();
  const int64_t vaccine_row = answer.at("results").at(1).at("quarantine_id").as_int64();
  auto retry = client_->Post("/api/v1/doses/batch", body, staff_);
  ASSERT_EQ(retry.status, 200) << retry.body;
  EXPECT_EQ(retry.Json().at("results").at(0).at("quarantine_id").as_int64(), conflict_row);
  EXPECT_EQ(retry.Json().at("results").at(1).at("quarantine_id").as_int64(), vaccine_row);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM import_quarantine WHERE channel = 'batch'"), 2);

  auto listed = client_->Get("/api/v1/quarantine/" + std::to_string(conflict_row), authority_);
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.Json().at("channel").as_string(), "batch");
  EXPECT_EQ(listed.Json().at("facility_code").as_string(), "HN-BACHMAI");
  EXPECT_EQ(listed.Json().at("reason").at("code").as_string(), "FAILED_PRECONDITION");

  const std::string conflict = "/api/v1/quarantine/" + std::to_string(conflict_row) + "/release";
  EXPECT_EQ(client_->Post(conflict, "{}", staff_).status, 409) << "the same check still fails";
  const std::string with_override = R"({"override_reason":"brought forward for travel"})";
  EXPECT_EQ(client_->Post(conflict, with_override, staff_).status, 403)
      << "only an authority overrides";
  EXPECT_EQ(client_->Post(conflict, R"({"override_reason":""})", authority_).status, 400);
  auto overridden = client_->Post(conflict, with_override, authority_);
  ASSERT_EQ(overridden.status, 200) << overridden.body;
  const boost::json::value released = overridden.Json();
  EXPECT_EQ(released.at("status").as_string(), "released");
  EXPECT_FALSE(released.at("fixed").as_bool());
  EXPECT_NE(released.at("resolution").as_string().find("brought forward"), std::string::npos);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM doses WHERE id = " +
                      std::to_string(released.at("dose_id").as_int64()) +
                      " AND person_id = 1 AND dose_number = 2 AND override_reason = "
                      "'brought forward for travel'"),
            1);

  boost::json::object fix{{"row", Dose(2, "Pfizer", 1, "2021-09-01")}};
  auto fixed = client_->Post("/api/v1/quarantine/" + std::to_string(vaccine_row) + "/release",
                             boost::json::serialize(fix), staff_);
  ASSERT_EQ(fixed.status, 200) << fixed.body;
  EXPECT_TRUE(fixed.Json().at("fixed").as_bool());
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM doses WHERE person_id = 2 AND vaccine_code = "
                      "'COMIRNATY' AND status = 'active'"),
            1);
  boost::json::object wrong{{"row", "not json"}};
  auto ended = client_->Post(conflict, boost::json::serialize(wrong), authority_);
  EXPECT_EQ(ended.status, 409) << "a released row is not released again";

  // The area's data quality counts both rows, one released as sent and one fixed, and ranks
  // the facility by rows kept per 1,000 it sent (2 kept beside the recorded doses).
  auto quality = client_->Get("/api/v1/quarantine/quality", authority_);
  ASSERT_EQ(quality.status, 200) << quality.body;
  const boost::json::value q = quality.Json();
  EXPECT_EQ(q.at("area").as_string(), "01");
  EXPECT_EQ(q.at("totals").at("kept").as_int64(), 2);
  EXPECT_EQ(q.at("totals").at("released").as_int64(), 1);
  EXPECT_EQ(q.at("totals").at("fixed").as_int64(), 1);
  EXPECT_EQ(q.at("totals").at("open").as_int64(), 0);
  EXPECT_EQ(q.at("reasons").as_array().size(), 2u) << quality.body;
  EXPECT_EQ(q.at("time_to_clean").at("handled").as_int64(), 2);
  const auto& ranked = q.at("facilities").at(0);
  EXPECT_EQ(ranked.at("facility_code").as_string(), "HN-BACHMAI");
  EXPECT_EQ(ranked.at("rows_kept").as_int64(), 2);
  const int64_t recorded = CountRows(
      "SELECT COUNT(*) FROM doses WHERE facility_code = 'HN-BACHMAI'");
  EXPECT_EQ(ranked.at("doses_recorded").as_int64(), recorded);
  EXPECT_NEAR(ranked.at("kept_per_1000").as_double(), 2000.0 / (2.0 + double(recorded)), 1e-9);
  EXPECT_EQ(client_->Get("/api/v1/quarantine/quality?area=79", authority_).status, 403);
  EXPECT_EQ(client_->Get("/api/v1/quarantine/quality?from=2021-13-01", authority_).status, 400);
  EXPECT_EQ(client_->Get("/api/v1/quarantine/quality?from=2022-01-02&to=2022-01-01", admin_)
                .status,
            400);
  EXPECT_EQ(client_->Get("/api/v1/quarantine/quality?since=2022-01-01", admin_).status, 400);
  auto old = client_->Get("/api/v1/quarantine/quality?from=2020-01-01&to=2020-01-31", admin_);
  ASSERT_EQ(old.status, 200) << old.body;
  EXPECT_EQ(old.Json().at("totals").at("kept").as_int64(), 0) << "rows outside the window";
}

// A CSV row refused for a continuity conflict is released by the area's authority with a
// reason; the dose keeps the reason like one entered directly with an override.
TEST_F(RegistryApiTest, AnUploadRowWithAContinuityConflictIsReleasedWithAnOverride) {
  const std::string too_soon =
      "r1,001090012345,Nguyễn Văn An,1990-05-01,M,,01,006,00199,COMIRNATY,L9,2,2021-08-10,"
      "HN-BACHMAI";
  auto upload = client_->Post(
      "/api/v1/doses/csv", std::string(registry::kDoseCsvHeader) + "\n" + too_soon + "\n",
      staff_);
  ASSERT_EQ(upload.status, 200) << upload.body;
  const boost::json::value report = upload.Json();
  ASSERT_EQ(report.at("quarantined").as_int64(), 1) << upload.body;
  const int64_t row = report.at("errors").at(0).at("quarantine_id").as_int64();
  const std::string path = "/api/v1/quarantine/" + std::to_string(row) + "/release";
  EXPECT_EQ(client_->Post(path, "{}", authority_).status, 409);
  auto released =
      client_->Post(path, R"({"override_reason":"the earlier date is on the paper card"})",
                    authority_);
  ASSERT_EQ(released.status, 200) << released.body;
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM doses WHERE person_id = 1 AND dose_number = 2 AND "
                      "override_reason = 'the earlier date is on the paper card'"),
            1);
}

TEST_F(RegistryApiTest, StaffCannotWriteForAnotherFacility) {
  auto r = client_->Post("/api/v1/doses", Dose(2, "COMIRNATY", 1, "2021-09-01", "HN-OTHER"),
                         staff_);
  EXPECT_EQ(r.status, 403) << r.body;
  auto csv = client_->Post("/api/v1/doses/csv",
                           std::string(registry::kDoseCsvHeader) +
                               "\nr1,001090100001,Trần Văn Bình,1990-05-01,M,,01,,,COMIRNATY,L,1,"
                               "2021-09-01,HN-OTHER\n",
                           staff_);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.Json().at("errors").at(0).at("error").at("code").as_string(), "PERMISSION_DENIED");
  auto void_other = client_->Post("/api/v1/doses/1/void", R"({"reason":"x"})", staff_);
  EXPECT_EQ(void_other.status, 200) << "dose 1 is HN-BACHMAI's";
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM doses WHERE facility_code = 'HN-OTHER'"), 0);
}

TEST_F(RegistryApiTest, CsvUploadReportsBadRowsAndKeepsGoodOnes) {
  const std::string csv =
      std::string(registry::kDoseCsvHeader) +
      "\n"
      "a,001090200001,Đỗ Văn Em,1990-01-01,M,0912000001,01,006,00199,COMIRNATY,L1,1,2021-07-01,"
      "HN-BACHMAI\n"
      "a,001090200001,Đỗ Văn Em,1990-01-01,M,0912000001,01,006,00199,COMIRNATY,L2,2,2021-08-01,"
      "HN-BACHMAI\n"
      "b,001090200002,too,few,columns\n"
      "c,001090200003,Ngô Thị Gấm,1990,F,,01,,,COMIRNATY,L1,1,2021-07-01,HN-BACHMAI\n"
      "d,,\"Bùi, Văn Hải\",2019,M,,01,,,UNKNOWN,L1,1,2021-07-01,HN-BACHMAI\n"
      "e,,Bé Lan,2015-06-01,F,,01,,,VAXZEVRIA,L1,1,not-a-date,HN-BACHMAI\n"
      "f,,Bé Mai,2012-06-01,F,,01,,,VAXZEVRIA,L1,1,2021-10-01,HN-BACHMAI\n"
      "f,,Bé Mai,2012-06-01,F,,01,,,VAXZEVRIA,L1,2,2021-11-15,HN-BACHMAI\n";
  auto r = client_->Post("/api/v1/doses/csv", csv, staff_);
  ASSERT_EQ(r.status, 200) << r.body;
  const boost::json::value j = r.Json();
  EXPECT_EQ(j.at("rows").as_int64(), 8);
  EXPECT_EQ(j.at("recorded").as_int64(), 4);
  const auto& errors = j.at("errors").as_array();
  ASSERT_EQ(errors.size(), 4u) << r.body;
  EXPECT_EQ(errors[0].at("line").as_int64(), 4);  // too few columns
  EXPECT_EQ(errors[1].at("line").as_int64(), 5);  // CCCD says female
  EXPECT_EQ(errors[1].at("error").at("field").as_string(), "sex");
  EXPECT_EQ(errors[2].at("line").as_int64(), 6);  // unknown vaccine
  EXPECT_EQ(errors[2].at("error").at("field").as_string(), "vaccine");
  EXPECT_EQ(errors[3].at("line").as_int64(), 7);  // bad date
  // Person "f" (no CCCD) got both doses on one record.
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM people WHERE full_name = 'Bé Mai'"), 1);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM doses d JOIN people p ON p.id = d.person_id WHERE "
                      "p.full_name = 'Bé Mai'"),
            2);
}

// A spreadsheet saved by Excel in Viet Nam: byte order mark, ';', CRLF, dates day first, a
// CCCD grouped by spaces, brand names for vaccines. Every row is recorded; the person is one.
TEST_F(RegistryApiTest, CsvUploadReadsAnExcelExport) {
  std::string header(registry::kDoseCsvHeader);
  std::replace(header.begin(), header.end(), ',', ';');
  const std::string csv =
      "\xEF\xBB\xBF" + header +
      "\r\n"
      "x1;001 090 300 001;Phan Văn Khôi;02/03/1990;M;0912 000 009;01;006;00199;Pfizer;L1;1;"
      "05/07/2021;HN-BACHMAI\r\n"
      "x1;001.090.300.001;Phan Văn Khôi;02/03/1990;M;;01;006;00199;EU/1/20/1528;L2;2;"
      "16/08/2021;HN-BACHMAI\r\n"
      "x2;;Phan Thị Lụa;2015-01-09;F;;01;;;Sputnik;L3;1;2021-10-01;HN-BACHMAI\r\n";
  auto r = client_->Post("/api/v1/doses/csv", csv, staff_);
  ASSERT_EQ(r.status, 200) << r.body;
  const boost::json::value j = r.Json();
  EXPECT_EQ(j.at("rows").as_int64(), 3);
  EXPECT_EQ(j.at("recorded").as_int64(), 3) << r.body;
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM people WHERE cccd = '001090300001' AND "
                      "dob = '1990-03-02'"),
            1);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM doses d JOIN people p ON p.id = d.person_id WHERE "
                      "p.cccd = '001090300001' AND d.vaccine_code = 'COMIRNATY'"),
            2);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM doses WHERE vaccine_code = 'SPUTNIK-V'"), 1);
  // Each source record id names its person, for exports (identity export).
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM person_record_ids m JOIN people p ON "
                      "p.id = m.person_id WHERE m.record_id = 'x1' AND p.cccd = '001090300001'"),
            1);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM person_record_ids m JOIN people p ON "
                      "p.id = m.person_id WHERE m.record_id = 'x2' AND "
                      "p.full_name = 'Phan Thị Lụa'"),
            1);
}

// A row whose CCCD belongs to someone with another name is refused as an identity conflict: its
// dose is not added to the number's owner. A typo in the name is not a conflict.
TEST_F(RegistryApiTest, CsvRowOfAStrangerIsNotAddedToTheNumbersOwner) {
  const std::string csv =
      std::string(registry::kDoseCsvHeader) +
      "\n"
      "k1,001143000001,Nguyễn Thị Kim Trang,1943-04-12,F,,01,,,COMIRNATY,L1,1,2021-07-01,"
      "HN-BACHMAI\n"
      "k2,001143000001,Trần Thị Khác,1943-04-12,F,,01,,,COMIRNATY,L2,2,2021-08-01,HN-BACHMAI\n"
      "k3,001143000001,Nguyen Thi Kim Trangg,1943-04-12,F,,01,,,COMIRNATY,L3,2,2021-08-02,"
      "HN-BACHMAI\n";
  auto r = client_->Post("/api/v1/doses/csv", csv, staff_);
  ASSERT_EQ(r.status, 200) << r.body;
  const boost::json::value j = r.Json();
  EXPECT_EQ(j.at("recorded").as_int64(), 2) << r.body;
  const auto& errors = j.at("errors").as_array();
  ASSERT_EQ(errors.size(), 1u) << r.body;
  EXPECT_EQ(errors[0].at("line").as_int64(), 3);
  EXPECT_EQ(errors[0].at("error").at("field").as_string(), "cccd");
  EXPECT_EQ(errors[0].at("error").at("code").as_string(), "FAILED_PRECONDITION");
  EXPECT_EQ(errors[0].at("error").at("reason").as_string(), "import.identity_conflict_name");
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM doses WHERE lot = 'L2'"), 0);
  // A staff member reading Vietnamese gets each row's reason in Vietnamese.
  auto vi = client_->Send(boost::beast::http::verb::post, "/api/v1/doses/csv",
                          std::string(registry::kDoseCsvHeader) +
                              "\nk4,001143000001,Trần Thị Khác,1943-04-12,F,,01,,,COMIRNATY,L4,"
                              "3,2022-01-01,HN-BACHMAI\n",
                          {{"Authorization", "Bearer " + staff_}, {"Accept-Language", "vi"}});
  ASSERT_EQ(vi.status, 200) << vi.body;
  const boost::json::value vi_report = vi.Json();
  const auto& vi_errors = vi_report.at("errors").as_array();
  ASSERT_EQ(vi_errors.size(), 1u) << vi.body;
  EXPECT_NE(std::string(vi_errors[0].at("error").at("message").as_string()).find("Xung đột danh tính"),
            std::string::npos)
      << vi.body;
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM doses d JOIN people p ON p.id = d.person_id WHERE "
                      "p.cccd = '001143000001'"),
            2);
}

// A CSV row passes the API's field limits: the lot the API refuses is refused in a file too.
TEST_F(RegistryApiTest, CsvUploadEnforcesTheApiFieldLimits) {
  const std::string lot(100, 'L');
  auto api = client_->Post(
      "/api/v1/doses",
      Dose(2, "COMIRNATY", 1, "2021-09-01", "HN-BACHMAI", R"(,"lot":")" + lot + "\""), staff_);
  EXPECT_EQ(api.status, 400) << api.body;
  EXPECT_EQ(ErrorField(api), "lot");
  auto csv =
      client_->Post("/api/v1/doses/csv",
                    std::string(registry::kDoseCsvHeader) +
                        "\nr1,001090100001,Trần Văn Bình,1990-05-01,M,,01,,,COMIRNATY," + lot +
                        ",1,2021-09-01,HN-BACHMAI\n"
                        "r2,001090100002,Trần Văn Bình,1990-05-01,M," +
                        std::string(30, '9') + ",01,,,COMIRNATY,L,1,2021-09-01,HN-BACHMAI\n",
                    staff_);
  ASSERT_EQ(csv.status, 200) << csv.body;
  const boost::json::value j = csv.Json();
  EXPECT_EQ(j.at("recorded").as_int64(), 0);
  ASSERT_EQ(j.at("errors").as_array().size(), 2u) << csv.body;
  EXPECT_EQ(j.at("errors").at(0).at("error").at("field").as_string(), "lot");
  EXPECT_EQ(j.at("errors").at(1).at("error").at("field").as_string(), "phone");
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM doses"), 1);  // the fixture's dose only
}

// However many rows are refused, the answer lists the first 10,000 in full, counts every refused
// row by reason and says it was truncated; rows after the refused ones are still imported.
TEST_F(RegistryApiTest, CsvUploadReportIsCapped) {
  constexpr int kBad = 10050;
  std::string csv = std::string(registry::kDoseCsvHeader) + "\n";
  for (int i = 0; i < kBad; ++i) csv += "x,1,2\n";
  csv +=
      "g,001090200009,Đỗ Văn Em,1990-01-01,M,,01,006,00199,COMIRNATY,L1,1,2021-07-01,"
      "HN-BACHMAI\n";
  csv +=
      "h,001090200011,Đỗ Văn Em,1990-01-01,M,,01,006,00199,UNKNOWN,L1,1,2021-07-01,"
      "HN-BACHMAI\n";
  auto r = client_->Post("/api/v1/doses/csv", csv, staff_);
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 500);
  const boost::json::value j = r.Json();
  EXPECT_EQ(j.at("rows").as_int64(), kBad + 2);
  EXPECT_EQ(j.at("recorded").as_int64(), 1);
  EXPECT_EQ(j.at("failed").as_int64(), kBad + 1);
  EXPECT_TRUE(j.at("errors_truncated").as_bool());
  const auto& errors = j.at("errors").as_array();
  ASSERT_EQ(errors.size(), 10000u);
  EXPECT_EQ(errors.front().at("line").as_int64(), 2);
  EXPECT_EQ(errors.back().at("line").as_int64(), 10001);
  const auto& counts = j.at("error_counts").as_array();
  ASSERT_EQ(counts.size(), 2u) << r.body.substr(r.body.find("\"error_counts\""));
  EXPECT_EQ(counts[0].at("code").as_string(), "INVALID_ARGUMENT");
  EXPECT_EQ(counts[0].at("field").as_string(), "line");
  EXPECT_EQ(counts[0].at("count").as_int64(), kBad);
  EXPECT_EQ(counts[1].at("field").as_string(), "vaccine");
  EXPECT_EQ(counts[1].at("count").as_int64(), 1);
  EXPECT_LT(r.body.size(), 4u * 1024 * 1024);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM people WHERE cccd = '001090200009'"), 1);
}

TEST_F(RegistryApiTest, RetriesWithOneIdempotencyKeyCreateOneDose) {
  const std::string body = Dose(2, "COMIRNATY", 1, "2021-09-01", "HN-BACHMAI",
                                R"(,"idempotency_key":"tablet-7-000042")");
  constexpr int kClients = 8;
  std::vector<TestResponse> answers(kClients);
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      TestHttpClient client(runtime_->port());
      answers[i] = client.Post("/api/v1/doses", body, staff_);
    });
  }
  for (auto& t : threads) t.join();
  int created = 0;
  std::set<int64_t> ids;
  for (const auto& a : answers) {
    ASSERT_TRUE(a.status == 201 || a.status == 200) << a.status << " " << a.body;
    created += a.status == 201;
    ids.insert(a.Json().at("id").as_int64());
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM doses WHERE person_id = 2"), 1);
  // The same key for another dose is a conflict, never a second dose.
  auto other = client_->Post("/api/v1/doses",
                             Dose(3, "COMIRNATY", 1, "2021-09-01", "HN-BACHMAI",
                                  R"(,"idempotency_key":"tablet-7-000042")"),
                             staff_);
  EXPECT_EQ(other.status, 409) << other.body;
}

TEST_F(RegistryApiTest, ContinuityConflictsAre409AndAnAuthorityMayOverride) {
  // Person 1 has Comirnaty dose 1 on 2021-08-01.
  auto second_first = client_->Post("/api/v1/doses", Dose(1, "COMIRNATY", 1, "2021-10-01"), staff_);
  EXPECT_EQ(second_first.status, 409) << second_first.body;
  EXPECT_EQ(ErrorField(second_first), "dose_number");
  auto too_soon = client_->Post("/api/v1/doses", Dose(1, "COMIRNATY", 2, "2021-08-10"), staff_);
  EXPECT_EQ(too_soon.status, 409) << too_soon.body;
  EXPECT_NE(too_soon.body.find("minimum interval is 21 days"), std::string::npos);
  auto future = client_->Post("/api/v1/doses", Dose(1, "COMIRNATY", 2, "2099-01-01"), staff_);
  EXPECT_EQ(future.status, 409) << future.body;
  auto before_birth = client_->Post("/api/v1/doses", Dose(1, "COMIRNATY", 2, "1989-01-01"), staff_);
  EXPECT_EQ(before_birth.status, 409) << before_birth.body;
  const std::string reason = R"(,"override_reason":"second dose brought forward for travel")";
  auto staff_override =
      client_->Post("/api/v1/doses", Dose(1, "COMIRNATY", 2, "2021-08-10", "HN-BACHMAI", reason), staff_);
  EXPECT_EQ(staff_override.status, 403) << staff_override.body;
  auto overridden = client_->Post(
      "/api/v1/doses", Dose(1, "COMIRNATY", 2, "2021-08-10", "HN-BACHMAI", reason), authority_);
  ASSERT_EQ(overridden.status, 201) << overridden.body;
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM audit_log WHERE action = 'dose.record_override'"), 1);
}

TEST_F(RegistryApiTest, StatusColoursForMixedAndOneDoseSeries) {
  // Mixed: Vaxzevria then Comirnaty completes the primary series.
  ASSERT_EQ(client_->Post("/api/v1/doses", Dose(2, "VAXZEVRIA", 1, "2021-07-01"), staff_).status, 201);
  EXPECT_EQ(Record(2).at("status").at("colour").as_string(), "yellow");
  ASSERT_EQ(client_->Post("/api/v1/doses", Dose(2, "COMIRNATY", 2, "2021-08-15"), staff_).status, 201);
  EXPECT_EQ(Record(2).at("status").at("status").as_string(), "fully");
  EXPECT_EQ(Record(2).at("status").at("colour").as_string(), "green");
  ASSERT_EQ(client_->Post("/api/v1/doses", Dose(2, "SPIKEVAX", 3, "2022-01-15"), staff_).status, 201);
  EXPECT_EQ(Record(2).at("status").at("status").as_string(), "booster");
  // One-dose series: Janssen alone is fully vaccinated.
  ASSERT_EQ(client_->Post("/api/v1/doses", Dose(3, "JANSSEN", 1, "2021-09-01"), staff_).status, 201);
  const auto janssen = Record(3);
  EXPECT_EQ(janssen.at("status").at("status").as_string(), "fully");
  EXPECT_EQ(janssen.at("status").at("colour").as_string(), "green");
  EXPECT_EQ(janssen.at("next_dose").at("dose_number").as_int64(), 2);
  // Coverage counters followed every change.
  auto cov = client_->Get("/api/v1/stats/coverage");
  ASSERT_EQ(cov.status, 200);
  EXPECT_EQ(cov.Json().at("national").at("at_least_one_dose").as_int64(), 3);  // persons 1, 2, 3
  EXPECT_EQ(cov.Json().at("national").at("fully_vaccinated").as_int64(), 2);
  EXPECT_EQ(cov.Json().at("national").at("booster").as_int64(), 1);
}

TEST_F(RegistryApiTest, VoidKeepsTheRowAndReversesCounters) {
  auto before = client_->Get("/api/v1/stats/doses?from=2021-08-01&to=2021-08-01");
  EXPECT_EQ(before.Json().at("total").as_int64(), 1);
  auto no_reason = client_->Post("/api/v1/doses/1/void", "{}", staff_);
  EXPECT_EQ(no_reason.status, 400);
  auto voided = client_->Post("/api/v1/doses/1/void", R"({"reason":"wrong person"})", staff_);
  ASSERT_EQ(voided.status, 200) << voided.body;
  EXPECT_EQ(voided.Json().at("status").as_string(), "voided");
  auto after = client_->Get("/api/v1/stats/doses?from=2021-08-01&to=2021-08-01");
  EXPECT_EQ(after.Json().at("total").as_int64(), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM doses WHERE id = 1"), 1);
  const auto rec = Record(1);
  EXPECT_EQ(rec.at("status").at("status").as_string(), "none");
  EXPECT_EQ(rec.at("doses").at(0).at("display").as_string(), "voided");
}

TEST_F(RegistryApiTest, CitizensReadOnlyTheirOwnRecord) {
  auto mine = client_->Get("/api/v1/me/record", citizen_);
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(mine.Json().at("status").at("colour").as_string(), "yellow");
  EXPECT_EQ(mine.Json().at("doses").as_array().size(), 1u);
  EXPECT_EQ(client_->Get("/api/v1/people/1/record", citizen_).status, 200);
  EXPECT_EQ(client_->Get("/api/v1/people/2/record", citizen_).status, 404);  // as for no record: ids cannot be probed
  EXPECT_EQ(client_->Get("/api/v1/people/2", citizen_).status, 404);
}

TEST_F(RegistryApiTest, BookingWithinCapacityThenCheckInByEitherQr) {
  ASSERT_TRUE(runtime_->writer()
                  .SubmitAndWait([](storage::Connection& c) {
                    AddActiveFacility(c, "HN-SMALL", "01", "006", "00199");
                    return c.Execute("UPDATE facilities SET daily_capacity = 1 WHERE code = 'HN-SMALL'")
                        .status();
                  })
                  .ok());
  const std::string day = registry::FormatDay(
      registry::DayOf(ToUnixSeconds(SystemClock::Get().Now())) + std::chrono::days(2));
  auto booked = client_->Post(
      "/api/v1/registrations", R"({"facility_code":"HN-SMALL","day":")" + day + "\"}", citizen_);
  ASSERT_EQ(booked.status, 201) << booked.body;
  const std::string qr(booked.Json().at("qr").as_string());
  EXPECT_EQ(qr.rfind("VXR1:", 0), 0u);
  auto full = client_->Post("/api/v1/registrations",
                            R"({"facility_code":"HN-SMALL","day":")" + day + R"(","person_id":2})",
                            staff_);
  EXPECT_EQ(full.status, 409) << full.body;
  auto regs = client_->Get("/api/v1/stats/registrations");
  EXPECT_EQ(regs.Json().at("items").at(0).at("registrations").as_int64(), 1);

  auto by_token = client_->Post("/api/v1/checkin", R"({"qr":")" + qr + "\"}", admin_);
  ASSERT_EQ(by_token.status, 200) << by_token.body;
  EXPECT_EQ(by_token.Json().at("person").at("cccd").as_string(), "001090012345");
  EXPECT_EQ(by_token.Json().at("registration").at("status").as_string(), "checked_in");
  EXPECT_EQ(by_token.Json().at("next_dose").at("dose_number").as_int64(), 2);
  EXPECT_EQ(by_token.Json().at("next_dose").at("earliest_date").as_string(), "2021-08-22");

  // A new person from the chip card QR, created on the spot.
  auto card = client_->Post(
      "/api/v1/checkin",
      R"({"qr":"079301000777|||15082001|Nữ|Quận 1, TP HCM|01072021"})", staff_);
  EXPECT_EQ(card.status, 400) << "the card's name field is empty: " << card.body;
  auto card_ok = client_->Post(
      "/api/v1/checkin",
      R"({"qr":"079301000777||Võ Thị Kim|15082001|Nữ|Quận 1, TP HCM|01072021"})", staff_);
  ASSERT_EQ(card_ok.status, 201) << card_ok.body;
  EXPECT_TRUE(card_ok.Json().at("created").as_bool());
  EXPECT_EQ(card_ok.Json().at("person").at("dob").as_string(), "2001-08-15");
  // The card's address text, kept as the units it names (no commune on this card).
  EXPECT_EQ(card_ok.Json().at("person").at("province_code").as_string(), "79");
  EXPECT_EQ(card_ok.Json().at("person").at("district_code").as_string(), "760");
  EXPECT_EQ(card_ok.Json().at("person").at("commune_code").as_string(), "");
  auto again = client_->Post(
      "/api/v1/checkin",
      R"({"qr":"079301000777||Võ Thị Kim|15082001|Nữ|Quận 1, TP HCM|01072021"})", staff_);
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_FALSE(again.Json().at("created").as_bool());
}

TEST_F(RegistryApiTest, PublicStatisticsNeedNoToken) {
  ASSERT_EQ(client_->Post("/api/v1/doses", Dose(2, "COMIRNATY", 1, "2021-08-01"), staff_).status, 201);
  auto doses = client_->Get("/api/v1/stats/doses?from=2021-08-01&to=2021-08-31&province=01");
  ASSERT_EQ(doses.status, 200) << doses.body;
  EXPECT_EQ(doses.Json().at("total").as_int64(), 2);
  EXPECT_EQ(client_->Get("/api/v1/stats/doses?from=yesterday").status, 400);
  auto stock = client_->Get("/api/v1/stats/stock?holder=HN-BACHMAI");
  ASSERT_EQ(stock.status, 200);
  EXPECT_EQ(stock.Json().at("items").at(0).at("used").as_int64(), 2);
}

TEST_F(RegistryApiTest, ShipmentsAndAllocationsMoveStockDownTheChain) {
  auto over = client_->Post("/api/v1/allocations",
                            R"({"vaccine":"COMIRNATY","from":"01","to":"HN-BACHMAI","quantity":600})",
                            authority_);
  EXPECT_EQ(over.status, 409) << over.body;
  auto other_province = client_->Post(
      "/api/v1/allocations", R"({"vaccine":"COMIRNATY","from":"01","to":"SG-ONE","quantity":1})",
      authority_);
  EXPECT_EQ(other_province.status, 400) << other_province.body;
  auto national = client_->Post("/api/v1/allocations",
                                R"({"vaccine":"COMIRNATY","from":"VN","to":"79","quantity":1})",
                                authority_);
  EXPECT_EQ(national.status, 403) << "a provincial authority allocates only from its province";
  auto ok = client_->Post("/api/v1/allocations",
                          R"({"vaccine":"COMIRNATY","from":"01","to":"HN-BACHMAI","quantity":100})",
                          authority_);
  ASSERT_EQ(ok.status, 201) << ok.body;
  auto stock = client_->Get("/api/v1/stats/stock?holder=HN-BACHMAI");
  ASSERT_EQ(stock.status, 200);
  EXPECT_EQ(stock.Json().at("items").at(0).at("received").as_int64(), 100);
  EXPECT_EQ(stock.Json().at("items").at(0).at("used").as_int64(), 1);
  EXPECT_EQ(stock.Json().at("items").at(0).at("available").as_int64(), 99);
  auto vn = client_->Get("/api/v1/stats/stock?holder=VN");
  EXPECT_EQ(vn.Json().at("items").at(0).at("available").as_int64(), 500);
}

}  // namespace
}  // namespace vaxreg::testing

namespace vaxreg::testing {
namespace {

// Nothing a facility sends is lost: the rows of an upload that fail a check are kept in the
// cleaning queue with their reason, seen by the facility and the area's authority, released
// once fixed (the same checks then pass and the dose is recorded) or rejected with a reason.
TEST_F(RegistryApiTest, RefusedUploadRowsAreKeptForCleaningAndReleasedOnceFixed) {
  const std::string good =
      "q1,001090400001,Lý Văn Tâm,1990-01-01,M,,01,006,00199,COMIRNATY,L1,1,2021-07-01,"
      "HN-BACHMAI";
  // Staff may leave their facility out: the upload and the release fill it in.
  const std::string bad_vaccine =
      "q2,001090400002,Lý Văn Sơn,1990-01-01,M,,01,006,00199,Vaxzilla,L2,1,2021-07-01,";
  const std::string broken = "q3,001090400003,Lý Văn";
  auto upload = client_->Post(
      "/api/v1/doses/csv",
      std::string(registry::kDoseCsvHeader) + "\n" + good + "\n" + bad_vaccine + "\n" + broken +
          "\n",
      staff_);
  ASSERT_EQ(upload.status, 200) << upload.body;
  const boost::json::value report = upload.Json();
  EXPECT_EQ(report.at("recorded").as_int64(), 1);
  EXPECT_EQ(report.at("failed").as_int64(), 2);
  EXPECT_EQ(report.at("quarantined").as_int64(), 2);
  const auto& errors = report.at("errors").as_array();
  ASSERT_EQ(errors.size(), 2u);
  const int64_t vaccine_row = errors[0].at("quarantine_id").as_int64();
  const int64_t broken_row = errors[1].at("quarantine_id").as_int64();

  // The facility and the authority of Hà Nội see both, with the line as sent and the reason.
  for (const std::string& token : {staff_, authority_}) {
    auto list = client_->Get("/api/v1/quarantine?status=open", token);
    ASSERT_EQ(list.status, 200) << list.body;
    const boost::json::value listed = list.Json();
    const auto& items = listed.at("items").as_array();
    ASSERT_EQ(items.size(), 2u) << list.body;
    std::map<int64_t, boost::json::object> by_id;
    for (const auto& item : items) by_id[item.at("id").as_int64()] = item.as_object();
    ASSERT_TRUE(by_id.contains(vaccine_row) && by_id.contains(broken_row)) << list.body;
    EXPECT_EQ(by_id[vaccine_row].at("row").as_string(), bad_vaccine);
    EXPECT_EQ(by_id[vaccine_row].at("reason").at("field").as_string(), "vaccine");
    EXPECT_EQ(by_id[vaccine_row].at("facility_code").as_string(), "HN-BACHMAI");
    EXPECT_EQ(by_id[broken_row].at("row").as_string(), broken);
  }
  EXPECT_EQ(client_->Get("/api/v1/quarantine?area=79", authority_).status, 403);
  EXPECT_EQ(client_->Get("/api/v1/quarantine?facility=SG-ONE", staff_).status, 403);
  EXPECT_EQ(client_->Get("/api/v1/quarantine?state=open", staff_).status, 400);

  // Released as sent, it fails the same check and stays open; corrected, it is recorded.
  const std::string path = "/api/v1/quarantine/" + std::to_string(vaccine_row);
  auto again = client_->Post(path + "/release", "{}", staff_);
  EXPECT_EQ(again.status, 400) << again.body;
  std::string fixed = bad_vaccine;
  fixed.replace(fixed.find("Vaxzilla"), 8, "Pfizer");
  boost::json::object body{{"row", fixed}, {"note", "the nurse wrote a nickname"}};
  auto released = client_->Post(path + "/release", boost::json::serialize(body), staff_);
  ASSERT_EQ(released.status, 200) << released.body;
  const boost::json::value row = released.Json();
  EXPECT_EQ(row.at("status").as_string(), "released");
  const int64_t dose = row.at("dose_id").as_int64();
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM doses d JOIN people p ON p.id = d.person_id WHERE d.id = " +
                      std::to_string(dose) +
                      " AND p.cccd = '001090400002' AND d.vaccine_code = 'COMIRNATY'"),
            1);
  EXPECT_NE(client_->Post(path + "/release", boost::json::serialize(body), staff_).status, 200)
      << "a row is released once";

  // The line that could not be read is rejected with a reason.
  auto rejected = client_->Post("/api/v1/quarantine/" + std::to_string(broken_row) + "/reject",
                                R"({"reason":"the facility sent the full line again"})",
                                authority_);
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  EXPECT_EQ(rejected.Json().at("status").as_string(), "rejected");
  auto open = client_->Get("/api/v1/quarantine?status=open", staff_);
  EXPECT_TRUE(open.Json().at("items").as_array().empty()) << open.body;
  // Kept, the released row's dose recorded, released, rejected: each step audited.
  for (const char* action : {"import.quarantine", "import.quarantine_release",
                             "import.quarantine_released", "import.quarantine_rejected"}) {
    EXPECT_EQ(CountRows(std::string("SELECT COUNT(*) FROM audit_log WHERE action = '") + action +
                        "'"),
              1)
        << action;
  }
}

}  // namespace
}  // namespace vaxreg::testing
