// A facility's working day over real HTTP: the bookings of a day searched by name, CCCD or the
// end of a number; check-in from that list by booking id; the warnings shown at the desk
// (booking for another day, already fully vaccinated, next dose not yet due, chip card name or
// birth date not the record's); the doses given or recorded that day and the day's tally
// (recorded late, checked in without a dose, unsigned); and who may see a facility's day.
// Built for SQLite (label integration) and PostgreSQL (label pg).

#include <set>

#include "api_fixture.h"
#include "registry/registration.h"
#include "registry_fixture.h"

namespace vaxreg::testing {
namespace {

class FacilityDayApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    SeedRegistryFixture(*runtime_, 3);  // persons 2, 3, 4: Trần Văn Bình, no doses
    CreateAccount("staff", auth::Role::kFacilityStaff);  // HN-BACHMAI
    CreateAccount("admin", auth::Role::kAdmin);
    staff_ = Login("staff", auth::Role::kFacilityStaff);
    admin_ = Login("admin", auth::Role::kAdmin);
  }

  static std::string Day(int ahead) {
    return registry::FormatDay(registry::DayOf(ToUnixSeconds(SystemClock::Get().Now())) +
                               std::chrono::days(ahead));
  }
  int64_t Book(int64_t person, const std::string& day) {
    auto r = client_->Post("/api/v1/registrations",
                           R"({"facility_code":"HN-BACHMAI","day":")" + day +
                               R"(","person_id":)" + std::to_string(person) + "}",
                           admin_);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.Json().at("id").as_int64() : 0;
  }
  // A dose given `days_ago` days before now (now itself for 0: a time later today could still
  // lie in the future).
  TestResponse RecordDose(int64_t person, int dose_number, int days_ago) {
    const SystemTime at = SystemClock::Get().Now() - std::chrono::hours(24 * days_ago);
    auto r = client_->Post("/api/v1/doses",
                           R"({"person_id":)" + std::to_string(person) +
                               R"(,"vaccine":"COMIRNATY","lot":"FK1234","dose_number":)" +
                               std::to_string(dose_number) + R"(,"administered_at":")" +
                               FormatIso8601(at) + R"("})",
                           staff_);
    EXPECT_EQ(r.status, 201) << r.body;
    return r;
  }
  static std::set<std::string> WarningCodes(const TestResponse& r) {
    std::set<std::string> out;
    const boost::json::value json = r.Json();
    for (const auto& w : json.at("warnings").as_array()) {
      out.insert(std::string(w.at("code").as_string()));
      EXPECT_FALSE(w.at("message").as_string().empty());
    }
    return out;
  }
  static std::vector<int64_t> PersonIds(const TestResponse& r) {
    std::vector<int64_t> out;
    const boost::json::value json = r.Json();
    for (const auto& b : json.at("items").as_array()) {
      out.push_back(b.at("person").at("id").as_int64());
    }
    return out;
  }

  std::string staff_, admin_;
};

TEST_F(FacilityDayApiTest, BookingsOfTheDayAreSearchedByNameNumberOrDigits) {
  Book(1, Day(0));
  Book(2, Day(0));
  Book(3, Day(0));
  Book(4, Day(1));  // tomorrow: not in today's list
  const std::string base = "/api/v1/facilities/HN-BACHMAI/bookings";
  auto all = client_->Get(base, staff_);
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(PersonIds(all), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(all.Json().at("day").as_string(), Day(0));
  // The QR's secret is not listed; staff check in by id.
  const boost::json::value listed = all.Json();
  EXPECT_FALSE(listed.at("items").as_array().at(0).as_object().contains("token"));
  // A name with or without diacritics, any case.
  EXPECT_EQ(PersonIds(client_->Get(base + "?q=Nguy%E1%BB%85n", staff_)), (std::vector<int64_t>{1}));
  EXPECT_EQ(PersonIds(client_->Get(base + "?q=VAN%20BINH", staff_)),
            (std::vector<int64_t>{2, 3}));
  // A whole CCCD, grouped as printed; the last digits of one.
  EXPECT_EQ(PersonIds(client_->Get(base + "?q=001%20090%20100%20001", staff_)),
            (std::vector<int64_t>{3}));
  EXPECT_EQ(PersonIds(client_->Get(base + "?q=100000", staff_)), (std::vector<int64_t>{2}));
  EXPECT_EQ(PersonIds(client_->Get(base + "?day=" + Day(1), staff_)), (std::vector<int64_t>{4}));
  // Paging by id.
  auto page = client_->Get(base + "?limit=2", staff_);
  ASSERT_EQ(page.status, 200);
  const int64_t next = page.Json().at("next_after_id").as_int64();
  EXPECT_EQ(PersonIds(client_->Get(base + "?limit=2&after_id=" + std::to_string(next), staff_)),
            (std::vector<int64_t>{3}));
  // Filters that do not make sense are refused, never ignored.
  auto short_q = client_->Get(base + "?q=a", staff_);
  EXPECT_EQ(short_q.status, 400);
  EXPECT_EQ(short_q.Json().at("error").at("field").as_string(), "q");
  EXPECT_EQ(client_->Get(base + "?name=binh", staff_).status, 400);
  EXPECT_EQ(client_->Get(base + "?status=done", staff_).status, 400);
  EXPECT_EQ(client_->Get(base + "?day=03/12/2026", staff_).status, 400);
  // Staff see only their own facility; an unknown facility is a 404 for an admin.
  EXPECT_EQ(client_->Get("/api/v1/facilities/HN-OTHER/bookings", staff_).status, 403);
  EXPECT_EQ(client_->Get("/api/v1/facilities/NOPE/bookings", admin_).status, 404);
}

TEST_F(FacilityDayApiTest, CheckInFromTheListAndTheDayTally) {
  const int64_t today_booking = Book(2, Day(0));
  Book(3, Day(0));
  auto in = client_->Post("/api/v1/checkin",
                          R"({"registration_id":)" + std::to_string(today_booking) + "}", staff_);
  ASSERT_EQ(in.status, 200) << in.body;
  EXPECT_EQ(in.Json().at("person").at("id").as_int64(), 2);
  EXPECT_EQ(in.Json().at("registration").at("status").as_string(), "checked_in");
  EXPECT_TRUE(WarningCodes(in).empty()) << in.body;
  EXPECT_EQ(client_->Post("/api/v1/checkin", R"({"registration_id":999999})", staff_).status, 404);

  const std::string day_url = "/api/v1/facilities/HN-BACHMAI/day";
  auto before = client_->Get(day_url, staff_);
  ASSERT_EQ(before.status, 200) << before.body;
  boost::json::value tally = before.Json().at("tally");
  EXPECT_EQ(tally.at("bookings").as_int64(), 2);
  EXPECT_EQ(tally.at("checked_in").as_int64(), 1);
  EXPECT_EQ(tally.at("checked_in_without_dose").as_int64(), 1);
  EXPECT_EQ(tally.at("given").as_int64(), 0);

  ASSERT_EQ(RecordDose(2, 1, 0).status, 201);
  ASSERT_EQ(RecordDose(4, 1, 1).status, 201);  // given yesterday, recorded today
  auto after = client_->Get(day_url, staff_);
  ASSERT_EQ(after.status, 200) << after.body;
  tally = after.Json().at("tally");
  EXPECT_EQ(tally.at("given").as_int64(), 1);
  // Recorded today: the two new doses and the fixture's dose of 2021, seeded today.
  EXPECT_EQ(tally.at("recorded").as_int64(), 3);
  EXPECT_EQ(tally.at("recorded_late").as_int64(), 2);
  EXPECT_EQ(tally.at("checked_in_without_dose").as_int64(), 0);
  // The fixture dose of person 1 and the two new ones are not signed yet.
  EXPECT_EQ(tally.at("unsigned_doses").as_int64(), 3);
  const boost::json::value after_json = after.Json();
  const auto& lots = after_json.at("lots").as_array();
  ASSERT_FALSE(lots.empty());
  EXPECT_EQ(lots.at(0).at("lot").as_string(), "FK1234");
  EXPECT_EQ(lots.at(0).at("vaccine").as_string(), "COMIRNATY");
  EXPECT_EQ(lots.at(0).at("doses").as_int64(), 2);

  const std::string doses = "/api/v1/facilities/HN-BACHMAI/doses";
  EXPECT_EQ(PersonIds(client_->Get(doses, staff_)), (std::vector<int64_t>{2}));
  EXPECT_EQ(PersonIds(client_->Get(doses + "?recorded_day=" + Day(0), staff_)),
            (std::vector<int64_t>{1, 2, 4}));
  EXPECT_EQ(PersonIds(client_->Get(doses + "?given_day=" + Day(-1), staff_)),
            (std::vector<int64_t>{4}));
  EXPECT_EQ(client_->Get(doses + "?status=gone", staff_).status, 400);
  EXPECT_EQ(client_->Get(doses + "?day=" + Day(0), staff_).status, 400);
}

TEST_F(FacilityDayApiTest, LotsComeDownTheChainAndTheDeskPicksFromWhatTheFacilityHolds) {
  const auto post = [&](const std::string& path, const std::string& body) {
    return client_->Post(path, body, admin_);
  };
  const auto shipment = [&](int quantity, const std::string& lot, const std::string& expires) {
    return post("/api/v1/shipments", R"({"vaccine":"COMIRNATY","quantity":)" +
                                         std::to_string(quantity) + R"(,"received_day":")" +
                                         Day(0) + R"(","lot":")" + lot + R"(","expires_on":")" +
                                         expires + R"("})");
  };
  const auto allocate = [&](const std::string& from, const std::string& to, int quantity) {
    return post("/api/v1/allocations", R"({"vaccine":"COMIRNATY","from":")" + from +
                                           R"(","to":")" + to + R"(","quantity":)" +
                                           std::to_string(quantity) + R"(,"lot":"FK1234"})");
  };
  const std::string expires = Day(200);
  ASSERT_EQ(shipment(300, "FK1234", expires).status, 201);
  // One lot has one expiry date; a date needs a lot.
  auto bad = shipment(10, "FK1234", Day(100));
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.Json().at("error").at("field").as_string(), "expires_on");
  EXPECT_EQ(shipment(10, "", expires).status, 400);
  // A lot moves down only as far as it was received: VN holds 300 of FK1234.
  auto too_many = allocate("VN", "01", 301);
  EXPECT_EQ(too_many.status, 409) << too_many.body;
  EXPECT_NE(too_many.body.find("lot FK1234"), std::string::npos) << too_many.body;
  ASSERT_EQ(allocate("VN", "01", 200).status, 201);
  ASSERT_EQ(allocate("01", "HN-BACHMAI", 150).status, 201);
  EXPECT_EQ(allocate("01", "HN-BACHMAI", 51).status, 409);  // 50 left in the province
  // The authority reads why in Vietnamese.
  auto vi = client_->Send(boost::beast::http::verb::post, "/api/v1/allocations",
                          R"({"vaccine":"COMIRNATY","from":"01","to":"HN-BACHMAI","quantity":51,)"
                          R"("lot":"FK1234"})",
                          {{"Authorization", "Bearer " + admin_},
                           {"Content-Type", "application/json"},
                           {"Accept-Language", "vi"}});
  EXPECT_EQ(vi.status, 409);
  EXPECT_EQ(vi.Json().at("error").at("message").as_string(),
            "01 chỉ còn 50 liều COMIRNATY thuộc lô FK1234, ít hơn 51 liều cần phân bổ")
      << vi.body;

  const auto held = [&]() -> boost::json::array {
    auto day = client_->Get("/api/v1/facilities/HN-BACHMAI/day", staff_);
    EXPECT_EQ(day.status, 200) << day.body;
    return day.Json().at("lots_in_stock").as_array();
  };
  boost::json::array lots = held();
  ASSERT_EQ(lots.size(), 1u);
  EXPECT_EQ(lots[0].at("lot").as_string(), "FK1234");
  EXPECT_EQ(lots[0].at("vaccine").as_string(), "COMIRNATY");
  EXPECT_EQ(lots[0].at("expires_on").as_string(), expires);
  EXPECT_EQ(lots[0].at("available").as_int64(), 150);
  EXPECT_FALSE(lots[0].at("expired").as_bool());
  // Each dose recorded from the lot (RecordDose names FK1234) leaves one fewer on the shelf.
  ASSERT_EQ(RecordDose(2, 1, 0).status, 201);
  ASSERT_EQ(RecordDose(3, 1, 0).status, 201);
  EXPECT_EQ(held()[0].at("available").as_int64(), 148);
}

TEST_F(FacilityDayApiTest, TheDeskIsWarnedBeforeADose) {
  // A booking for tomorrow, scanned today.
  const int64_t tomorrow = Book(3, Day(1));
  auto early = client_->Post("/api/v1/checkin",
                             R"({"registration_id":)" + std::to_string(tomorrow) + "}", staff_);
  ASSERT_EQ(early.status, 200) << early.body;
  EXPECT_EQ(WarningCodes(early), (std::set<std::string>{"booking_other_day"}));

  // Person 1's chip card with another name and birth date than the record's.
  const std::string other_card =
      R"({"qr":"001090012345||Nguyễn Văn Ân|02051990|Nam|Hà Nội|01072021"})";
  auto differs = client_->Post("/api/v1/checkin", other_card, staff_);
  ASSERT_EQ(differs.status, 200) << differs.body;
  EXPECT_EQ(WarningCodes(differs), (std::set<std::string>{"dob_differs"}))
      << "diacritics alone are not another name";
  auto renamed = client_->Post(
      "/api/v1/checkin", R"({"qr":"001090012345||Nguyễn Văn Bảo|01051990|Nam|Hà Nội|01072021"})",
      staff_);
  ASSERT_EQ(renamed.status, 200);
  EXPECT_EQ(WarningCodes(renamed), (std::set<std::string>{"name_differs"}));

  // Dose 2 today: person 1 is fully vaccinated, and a further dose is not due yet.
  ASSERT_EQ(RecordDose(1, 2, 0).status, 201);
  const std::string card = R"({"qr":"001090012345||NGUYỄN  VĂN AN|01051990|Nam|Hà Nội|01072021"})";
  auto full = client_->Post("/api/v1/checkin", card, staff_);
  ASSERT_EQ(full.status, 200) << full.body;
  EXPECT_EQ(WarningCodes(full), (std::set<std::string>{"fully_vaccinated", "too_early"}));
}

TEST_F(FacilityDayApiTest, TheResponseCentreSeesDosesPerHourAndSilentFacilities) {
  RecordDose(2, 1, 0);
  RecordDose(3, 1, 0);
  auto r = client_->Get("/api/v1/ops/overview", admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  const boost::json::value o = r.Json();
  const auto& hours = o.at("doses_per_hour").as_array();
  ASSERT_EQ(hours.size(), 25u);
  int64_t total = 0;
  for (const auto& h : hours) total += h.at("count").as_int64();
  // The two new doses and the fixture's dose, all recorded within the last hour or two.
  EXPECT_EQ(total, 3);
  EXPECT_GE(hours.back().at("count").as_int64(), 1);
  std::set<std::string> silent;
  for (const auto& f : o.at("silent_facilities").at("items").as_array()) {
    silent.insert(std::string(f.at("code").as_string()));
  }
  EXPECT_FALSE(silent.contains("HN-BACHMAI")) << r.body;
  EXPECT_TRUE(silent.contains("HN-OTHER")) << r.body;
  EXPECT_TRUE(silent.contains("SG-ONE")) << r.body;
  EXPECT_EQ(o.at("silent_facilities").at("total").as_int64(), static_cast<int64_t>(silent.size()));
  // Narrowed to Hồ Chí Minh City: no dose there, and only its facility is silent.
  auto south = client_->Get("/api/v1/ops/overview?province=79", admin_);
  ASSERT_EQ(south.status, 200) << south.body;
  EXPECT_EQ(south.Json().at("doses_per_hour").as_array().back().at("count").as_int64(), 0);
  EXPECT_EQ(south.Json().at("silent_facilities").at("total").as_int64(), 1);
  EXPECT_EQ(client_->Get("/api/v1/ops/overview?province=1", admin_).status, 400);
  EXPECT_EQ(client_->Get("/api/v1/ops/overview?hours=48", admin_).status, 400);
}

}  // namespace
}  // namespace vaxreg::testing
