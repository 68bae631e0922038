// Bookings over real HTTP: a booking is for the person's next dose and a person holds one active
// booking per dose (the 409 names it), also when two servers on one database book at once;
// citizens list, cancel and move their own bookings and get a missing booking's 404 for anyone
// else's; cancelling frees the place and moving takes the new one and frees the old in one
// write; a cancelled or lapsed booking is refused at check-in. Built for SQLite (label
// integration) and PostgreSQL (label pg).

#include <atomic>
#include <thread>

#include "api_fixture.h"
#include "registry/registration.h"
#include "registry_fixture.h"

namespace vaxreg::testing {
namespace {

class BookingsApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    SeedRegistryFixture(*runtime_, 4);
    AddFacilityWithCapacity(*runtime_, "HN-SMALL", 1);
    CreateAccount("staff", auth::Role::kFacilityStaff);        // HN-BACHMAI
    CreateAccount("authority", auth::Role::kHealthAuthority);  // Hà Nội (01)
    CreateAccount("admin", auth::Role::kAdmin);
    CreateAccount("001090012345", auth::Role::kCitizen);  // person 1, one dose
    staff_ = Login("staff", auth::Role::kFacilityStaff);
    authority_ = Login("authority", auth::Role::kHealthAuthority);
    admin_ = Login("admin", auth::Role::kAdmin);
    citizen_ = Login("001090012345", auth::Role::kCitizen);
  }

  static std::string Day(int ahead) {
    return registry::FormatDay(registry::DayOf(ToUnixSeconds(SystemClock::Get().Now())) +
                               std::chrono::days(ahead));
  }
  static std::string Place(const std::string& facility, const std::string& day,
                           int64_t person = 0) {
    std::string body = R"({"facility_code":")" + facility + R"(","day":")" + day + "\"";
    if (person != 0) body += R"(,"person_id":)" + std::to_string(person);
    return body + "}";
  }
  static boost::json::object Error(const TestResponse& r) {
    return r.Json().at("error").as_object();
  }

  // Read on the writer's connection, which sees every commit of every server.
  int64_t Count(const std::string& sql) {
    int64_t n = -1;
    Status st = runtime_->writer().SubmitAndWait([&](storage::Connection& c) -> Status {
      ASSIGN_OR_RETURN(storage::Rows rows, c.Query(sql));
      n = rows.empty() ? 0 : rows[0].Int(0);
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return n;
  }
  int64_t Booked(const std::string& facility, const std::string& day) {
    return Count("SELECT booked FROM facility_day_bookings WHERE facility_code = '" + facility +
                 "' AND day = '" + day + "'");
  }
  // The public count of bookings for `day` (stat_registrations_daily).
  int64_t Registrations(const std::string& day) {
    return Count(
        "SELECT COALESCE(SUM(registrations), 0) FROM stat_registrations_daily WHERE "
        "day = '" +
        day + "'");
  }

  std::string staff_, authority_, admin_, citizen_;
};

TEST_F(BookingsApiTest, CitizenBooksListsMovesAndCancelsTheirNextDose) {
  auto booked = client_->Post("/api/v1/registrations", Place("HN-SMALL", Day(2)), citizen_);
  ASSERT_EQ(booked.status, 201) << booked.body;
  const boost::json::value first = booked.Json();
  const int64_t id = first.at("id").as_int64();
  EXPECT_EQ(first.at("dose_number").as_int64(), 2) << "the citizen has had dose 1";
  EXPECT_EQ(first.at("status").as_string(), "booked");
  EXPECT_EQ(Booked("HN-SMALL", Day(2)), 1);

  // A second booking for dose 2, anywhere, any day: 409 naming the first.
  auto again = client_->Post("/api/v1/registrations", Place("HN-OTHER", Day(5)), citizen_);
  ASSERT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(Error(again).at("code").as_string(), "ALREADY_EXISTS");
  EXPECT_EQ(Error(again).at("reason").as_string(), "booking.dose_taken");
  EXPECT_EQ(Error(again).at("params").at("id").as_string(), std::to_string(id));
  EXPECT_NE(std::string(Error(again).at("message").as_string()).find("HN-SMALL on " + Day(2)),
            std::string::npos)
      << again.body;
  // Staff cannot book it for the citizen either.
  EXPECT_EQ(client_->Post("/api/v1/registrations", Place("HN-BACHMAI", Day(6), 1), staff_).status,
            409);

  auto mine = client_->Get("/api/v1/me/bookings", citizen_);
  ASSERT_EQ(mine.status, 200) << mine.body;
  ASSERT_EQ(mine.Json().at("items").as_array().size(), 1u);
  EXPECT_EQ(mine.Json().at("items").at(0).at("facility_name").as_string(), "Facility HN-SMALL");
  EXPECT_EQ(mine.Json().at("items").at(0).at("qr").as_string(), first.at("qr").as_string());

  // Moving takes the place at the new facility and day and frees the old one; id and QR stay.
  auto moved = client_->Post("/api/v1/registrations/" + std::to_string(id) + "/move",
                             Place("HN-OTHER", Day(3)), citizen_);
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(moved.Json().at("id").as_int64(), id);
  EXPECT_EQ(moved.Json().at("qr").as_string(), first.at("qr").as_string());
  EXPECT_EQ(moved.Json().at("facility_code").as_string(), "HN-OTHER");
  EXPECT_EQ(moved.Json().at("day").as_string(), Day(3));
  EXPECT_EQ(Booked("HN-SMALL", Day(2)), 0);
  EXPECT_EQ(Booked("HN-OTHER", Day(3)), 1);
  EXPECT_EQ(Registrations(Day(2)), 0);
  EXPECT_EQ(Registrations(Day(3)), 1);

  // Cancelling frees the place; a second cancel is refused; the day can be booked again.
  auto cancelled =
      client_->Post("/api/v1/registrations/" + std::to_string(id) + "/cancel", "{}", citizen_);
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.Json().at("status").as_string(), "cancelled");
  EXPECT_TRUE(cancelled.Json().at("cancelled_at").is_int64());
  EXPECT_EQ(Booked("HN-OTHER", Day(3)), 0);
  EXPECT_EQ(Registrations(Day(3)), 0);
  auto twice =
      client_->Post("/api/v1/registrations/" + std::to_string(id) + "/cancel", "", citizen_);
  EXPECT_EQ(twice.status, 409) << twice.body;
  EXPECT_EQ(Error(twice).at("reason").as_string(), "booking.cancelled");
  auto move_cancelled = client_->Post("/api/v1/registrations/" + std::to_string(id) + "/move",
                                      Place("HN-OTHER", Day(4)), citizen_);
  EXPECT_EQ(move_cancelled.status, 409) << move_cancelled.body;
  auto rebooked = client_->Post("/api/v1/registrations", Place("HN-OTHER", Day(3)), citizen_);
  ASSERT_EQ(rebooked.status, 201) << rebooked.body;
  EXPECT_EQ(rebooked.Json().at("dose_number").as_int64(), 2);

  // The cancelled booking's QR is refused at check-in, showing nothing of the person.
  auto checkin = client_->Post(
      "/api/v1/checkin", R"({"qr":")" + std::string(first.at("qr").as_string()) + R"("})", admin_);
  EXPECT_EQ(checkin.status, 409) << checkin.body;
  EXPECT_EQ(Error(checkin).at("reason").as_string(), "booking.cancelled_no_checkin");
  EXPECT_EQ(checkin.body.find("Nguyễn"), std::string::npos) << checkin.body;

  // The writes are audited.
  for (const char* action : {"registration.create", "registration.move", "registration.cancel"}) {
    EXPECT_GE(Count(std::string("SELECT COUNT(*) FROM audit_log WHERE action = '") + action + "'"),
              1)
        << action;
  }
  auto list = client_->Get("/api/v1/people/1/bookings", staff_);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.Json().at("items").as_array().size(), 2u);
}

TEST_F(BookingsApiTest, MovingChecksCapacityAtTheNewPlaceAndChangesNothingWhenFull) {
  ASSERT_EQ(client_->Post("/api/v1/registrations", Place("HN-SMALL", Day(2), 2), staff_).status,
            201);
  auto mine = client_->Post("/api/v1/registrations", Place("HN-OTHER", Day(2)), citizen_);
  ASSERT_EQ(mine.status, 201) << mine.body;
  const std::string id = std::to_string(mine.Json().at("id").as_int64());
  auto full =
      client_->Post("/api/v1/registrations/" + id + "/move", Place("HN-SMALL", Day(2)), citizen_);
  EXPECT_EQ(full.status, 409) << full.body;
  EXPECT_EQ(Error(full).at("reason").as_string(), "booking.fully_booked");
  EXPECT_EQ(Booked("HN-SMALL", Day(2)), 1);
  EXPECT_EQ(Booked("HN-OTHER", Day(2)), 1) << "the old place is kept";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM registrations WHERE id = " + id +
                  " AND facility_code = 'HN-OTHER'"),
            1);
  // Outside the booking window, an unknown facility: nothing moves either.
  EXPECT_EQ(
      client_->Post("/api/v1/registrations/" + id + "/move", Place("HN-OTHER", Day(61)), citizen_)
          .status,
      400);
  EXPECT_EQ(client_->Post("/api/v1/registrations/" + id + "/move", Place("NOPE", Day(3)), citizen_)
                .status,
            400);
  // Moving to where it is changes nothing.
  auto same =
      client_->Post("/api/v1/registrations/" + id + "/move", Place("HN-OTHER", Day(2)), citizen_);
  EXPECT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(Booked("HN-OTHER", Day(2)), 1);
}

TEST_F(BookingsApiTest, OthersBookingsAreOutOfReach) {
  auto theirs = client_->Post("/api/v1/registrations", Place("HN-OTHER", Day(2), 2), admin_);
  ASSERT_EQ(theirs.status, 201) << theirs.body;
  const std::string id = std::to_string(theirs.Json().at("id").as_int64());
  // A citizen gets for someone else's booking exactly what a missing one gets.
  for (const char* action : {"/cancel", "/move"}) {
    auto other =
        client_->Post("/api/v1/registrations/" + id + action, Place("HN-OTHER", Day(3)), citizen_);
    auto none = client_->Post(std::string("/api/v1/registrations/999999") + action,
                              Place("HN-OTHER", Day(3)), citizen_);
    EXPECT_EQ(other.status, 404) << other.body;
    EXPECT_EQ(none.status, 404) << none.body;
    EXPECT_EQ(other.Json().at("error"), none.Json().at("error"));
  }
  EXPECT_EQ(client_->Get("/api/v1/people/2/bookings", citizen_).status, 404);
  // Staff change only their own facility's bookings (this one is at HN-OTHER).
  auto staff = client_->Post("/api/v1/registrations/" + id + "/cancel", "{}", staff_);
  EXPECT_EQ(staff.status, 403) << staff.body;
  // An authority moves a booking of its area only within its area.
  auto away =
      client_->Post("/api/v1/registrations/" + id + "/move", Place("SG-ONE", Day(3)), authority_);
  EXPECT_EQ(away.status, 403) << away.body;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM registrations WHERE id = " + id +
                  " AND status = 'booked' AND facility_code = 'HN-OTHER'"),
            1);
  EXPECT_EQ(client_->Post("/api/v1/registrations/" + id + "/cancel", "{}", authority_).status, 200);
}

TEST_F(BookingsApiTest, APassedBookingLapsesWhenTheDoseIsBookedAgain) {
  // A booking for dose 2 whose day has passed (written directly: the API books no past day).
  const std::string past = Day(-3);
  ASSERT_TRUE(runtime_->writer()
                  .SubmitAndWait([&](storage::Connection& c) {
                    return c
                        .Execute(
                            "INSERT INTO registrations (token, person_id, facility_code, day, "
                            "status, created_by, created_at, dose_number) VALUES ('old', 1, "
                            "'HN-OTHER', $1, 'booked', 'test', 0, 2)",
                            {past})
                        .status();
                  })
                  .ok());
  auto old = Count("SELECT id FROM registrations WHERE token = 'old'");
  auto cancel =
      client_->Post("/api/v1/registrations/" + std::to_string(old) + "/cancel", "{}", citizen_);
  EXPECT_EQ(cancel.status, 409) << cancel.body;
  EXPECT_EQ(Error(cancel).at("reason").as_string(), "booking.day_passed");
  auto booked = client_->Post("/api/v1/registrations", Place("HN-OTHER", Day(1)), citizen_);
  ASSERT_EQ(booked.status, 201) << booked.body;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM registrations WHERE token = 'old' AND status = 'missed'"),
            1);
  auto checkin = client_->Post("/api/v1/checkin", R"({"qr":"VXR1:old"})", admin_);
  EXPECT_EQ(checkin.status, 409) << checkin.body;
  EXPECT_EQ(Error(checkin).at("reason").as_string(), "booking.lapsed");
}

TEST_F(BookingsApiTest, TheDatabaseHoldsOneActiveBookingPerDose) {
  // Directly, past any check of the code: a second active row for (person 1, dose 2) fails.
  Status st = runtime_->writer().SubmitAndWait([&](storage::Connection& c) -> Status {
    RETURN_IF_ERROR(c.Execute("INSERT INTO registrations (token, person_id, facility_code, day, "
                              "status, created_by, created_at, dose_number) VALUES ('a', 1, "
                              "'HN-OTHER', $1, 'booked', 'test', 0, 2)",
                              {Day(4)})
                        .status());
    return c
        .Execute(
            "INSERT INTO registrations (token, person_id, facility_code, day, status, "
            "created_by, created_at, dose_number) VALUES ('b', 1, 'HN-OTHER', $1, 'booked', "
            "'test', 0, 2)",
            {Day(5)})
        .status();
  });
  EXPECT_EQ(st.code(), StatusCode::kAlreadyExists) << st.ToString();
}

TEST_F(BookingsApiTest, ConcurrentBookingsThroughTwoServersLeaveOneActive) {
  std::unique_ptr<app::Runtime> second = StartAnotherServer();
  ASSERT_NE(second, nullptr);
  constexpr int kCalls = 8;
  std::vector<int> statuses(kCalls);
  std::vector<std::thread> threads;
  std::atomic<int> ready{0};
  for (int i = 0; i < kCalls; ++i) {
    threads.emplace_back([&, i] {
      TestHttpClient client(i % 2 == 0 ? runtime_->port() : second->port());
      ready.fetch_add(1);
      while (ready.load() < kCalls) std::this_thread::yield();
      // Person 3, each call another facility and day.
      statuses[i] = client
                        .Post("/api/v1/registrations",
                              Place(i % 2 ? "HN-OTHER" : "HN-BACHMAI", Day(1 + i), 3), admin_)
                        .status;
    });
  }
  for (auto& t : threads) t.join();
  second->Shutdown();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 409), kCalls - 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM registrations WHERE person_id = 3 AND status = 'booked'"),
            1);
  EXPECT_EQ(Count("SELECT SUM(booked) FROM facility_day_bookings"), 1);
}

}  // namespace
}  // namespace vaxreg::testing
