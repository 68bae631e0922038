// Two vaxreg servers on one database, as a ministry runs them behind a load balancer: concurrent
// writes for the same people race through both, and every invariant holds as with one server:
// one "dose N" per person, one dose per idempotency key, counters equal to COUNT(*), stock and
// lots never allocated beyond what was received, no answer other than 2xx or 4xx. Built for SQLite (label integration) and PostgreSQL (label pg); on
// PostgreSQL the two writers really run at the same time.

#include <atomic>
#include <set>
#include <thread>

#include "registry_fixture.h"
#include "two_servers.h"

namespace vaxreg::testing {
namespace {

class MultiServerTest : public TwoServerTest {
 protected:
  void SetUp() override {
    TwoServerTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    SeedRegistryFixture(*runtime_, kPeople);
    CreateAccount("race.staff", auth::Role::kFacilityStaff);
    staff_ = Login("race.staff", auth::Role::kFacilityStaff);
    CreateAccount("race.admin", auth::Role::kAdmin);
    admin_ = Login("race.admin", auth::Role::kAdmin);
    StartSecondServer();
  }

  static std::string Dose(int64_t person, int number, const std::string& day,
                          const std::string& extra = "") {
    return R"({"person_id":)" + std::to_string(person) +
           R"(,"vaccine":"COMIRNATY","dose_number":)" + std::to_string(number) +
           R"(,"administered_at":")" + day + R"(T09:00:00+07:00","facility_code":"HN-BACHMAI")" +
           extra + "}";
  }

  // Sends `bodies[i]` to `target` from one thread per body, alternating between the servers,
  // as `token` (the staff member by default); returns the answers in order.
  std::vector<TestResponse> Race(const std::string& target, const std::vector<std::string>& bodies,
                                 const std::string& token = "") {
    std::vector<TestResponse> answers(bodies.size());
    std::vector<std::thread> threads;
    std::atomic<int> ready{0};
    for (size_t i = 0; i < bodies.size(); ++i) {
      threads.emplace_back([&, i] {
        TestHttpClient client(i % 2 == 0 ? runtime_->port() : second_->port());
        ready.fetch_add(1);
        while (ready.load() < static_cast<int>(bodies.size())) std::this_thread::yield();
        answers[i] = client.Post(target, bodies[i], token.empty() ? staff_ : token);
      });
    }
    for (auto& t : threads) t.join();
    return answers;
  }

  static constexpr int kPeople = 80;
  std::string staff_, admin_;
};

TEST_F(MultiServerTest, OneDoseNumberPerPersonWhateverServerWins) {
  for (int number : {1, 2}) {
    const std::string day = number == 1 ? "2021-09-01" : "2021-10-15";
    const auto answers = Race("/api/v1/doses", std::vector<std::string>(40, Dose(2, number, day)));
    int created = 0;
    for (const auto& a : answers) {
      ASSERT_LT(a.status, 500) << a.status << " " << a.body;
      if (a.status == 201) {
        ++created;
      } else {
        EXPECT_EQ(a.status, 409) << a.body;
      }
    }
    EXPECT_EQ(created, 1) << "dose " << number;
    EXPECT_EQ(Count("SELECT COUNT(*) FROM doses WHERE person_id = 2 AND status = 'active' AND "
                    "dose_number = " +
                    std::to_string(number)),
              1);
  }
}

TEST_F(MultiServerTest, AllocationsNeverOverdrawAStockOrALotAcrossServers) {
  // VN holds 500 Comirnaty of no named lot (the fixture: 1,000 received, 500 sent to Hà Nội),
  // plus 100 of lot FK-RACE.
  TestHttpClient client(runtime_->port());
  auto shipped = client.Post("/api/v1/shipments",
                             R"({"vaccine":"COMIRNATY","quantity":100,"received_day":"2021-08-01",)"
                             R"("lot":"FK-RACE","expires_on":"2022-02-01"})",
                             admin_);
  ASSERT_EQ(shipped.status, 201) << shipped.body;
  const auto allocation = [](int quantity, const std::string& lot) {
    return R"({"vaccine":"COMIRNATY","from":"VN","to":"79","quantity":)" +
           std::to_string(quantity) + (lot.empty() ? "" : R"(,"lot":")" + lot + R"(")") + "}";
  };
  const auto created = [](const std::vector<TestResponse>& answers) {
    int n = 0;
    for (const auto& a : answers) {
      EXPECT_TRUE(a.status == 201 || a.status == 409) << a.status << " " << a.body;
      n += a.status == 201;
    }
    return n;
  };
  // 20 allocations of 10 doses of the lot race through both servers: the lot's 100 go exactly.
  EXPECT_EQ(created(Race("/api/v1/allocations",
                         std::vector<std::string>(20, allocation(10, "FK-RACE")), admin_)),
            10);
  EXPECT_EQ(Count("SELECT allocated_out FROM stock_lots WHERE holder = 'VN' AND lot = 'FK-RACE'"),
            100);
  EXPECT_EQ(Count("SELECT received FROM stock_lots WHERE holder = '79' AND lot = 'FK-RACE'"), 100);
  // The rest of VN's stock (1,100 received, 600 sent on) in allocations of 25 without a lot.
  EXPECT_EQ(created(Race("/api/v1/allocations", std::vector<std::string>(30, allocation(25, "")),
                         admin_)),
            20);
  EXPECT_EQ(Count("SELECT received - allocated_out - used FROM stock WHERE holder = 'VN' AND "
                  "vaccine_code = 'COMIRNATY'"),
            0);
  EXPECT_EQ(Count("SELECT received FROM stock WHERE holder = '79'"), 600);
  EXPECT_EQ(Count("SELECT SUM(quantity) FROM allocations WHERE from_holder = 'VN'"), 1100);
}

TEST_F(MultiServerTest, OneDosePerIdempotencyKeyAcrossServers) {
  const auto answers = Race(
      "/api/v1/doses",
      std::vector<std::string>(30, Dose(3, 1, "2021-09-01", R"(,"idempotency_key":"k-race-1")")));
  std::set<int64_t> ids;
  int created = 0;
  for (const auto& a : answers) {
    ASSERT_TRUE(a.status == 201 || a.status == 200) << a.status << " " << a.body;
    created += a.status == 201;
    ids.insert(a.Json().at("id").as_int64());
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM doses WHERE person_id = 3"), 1);
}

TEST_F(MultiServerTest, CrossedBatchesAndSingleWritesKeepCountersExact) {
  // Each server takes batches of the same people in opposite orders, while single writes for
  // the same people go to both: the locks are taken in colliding orders on purpose.
  std::vector<std::string> bodies;
  for (int round = 0; round < 4; ++round) {
    std::string forward = R"({"items":[)", backward = R"({"items":[)";
    for (int k = 0; k < 30; ++k) {
      const int64_t up = 10 + k, down = 10 + 29 - k;
      const std::string sep = k ? "," : "";
      forward += sep + Dose(up, 1 + round % 2, round % 2 ? "2021-10-15" : "2021-09-01");
      backward += sep + Dose(down, 1 + round % 2, round % 2 ? "2021-10-15" : "2021-09-01");
    }
    bodies.push_back(forward + "]}");
    bodies.push_back(backward + "]}");
  }
  const auto batches = Race("/api/v1/doses/batch", bodies);
  for (const auto& a : batches) ASSERT_EQ(a.status, 200) << a.body;
  std::vector<std::string> singles;
  for (int64_t p = 45; p < 75; ++p) {
    singles.push_back(Dose(p, 1, "2021-09-01"));
    singles.push_back(Dose(p, 1, "2021-09-01"));
  }
  for (const auto& a : Race("/api/v1/doses", singles)) {
    ASSERT_TRUE(a.status == 201 || a.status == 409) << a.status << " " << a.body;
  }

  // One active dose per person and number.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM (SELECT person_id, dose_number FROM doses WHERE status = "
                  "'active' GROUP BY person_id, dose_number HAVING COUNT(*) > 1) AS d"),
            0);
  // Every counter equals the rows it counts.
  const int64_t doses = Count("SELECT COUNT(*) FROM doses WHERE status = 'active'");
  EXPECT_EQ(doses, 1 + 30 * 2 + 30);  // the fixture's dose, two per batched person, one single
  EXPECT_EQ(Count("SELECT SUM(doses) FROM stat_doses_daily"), doses);
  EXPECT_EQ(Count("SELECT used FROM stock WHERE holder = 'HN-BACHMAI' AND vaccine_code = "
                  "'COMIRNATY'"),
            doses);
  EXPECT_EQ(Count("SELECT SUM(at_least_one) FROM stat_coverage"),
            Count("SELECT COUNT(*) FROM people WHERE vax_status IN ('partly','fully','booster')"));
  EXPECT_EQ(Count("SELECT SUM(fully) FROM stat_coverage"),
            Count("SELECT COUNT(*) FROM people WHERE vax_status IN ('fully','booster')"));
}

}  // namespace
}  // namespace vaxreg::testing
