// People of an area by where they stand, over real HTTP: not vaccinated, or overdue for their
// next dose; as JSON pages and as a CSV export; an authority sees only its area. Built for
// SQLite (label integration) and PostgreSQL (label pg).

#include "api_fixture.h"
#include "registry_fixture.h"

namespace vaxreg::testing {
namespace {

class AreaPeopleApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    // Person 1 had one Comirnaty dose in 2021 (overdue for dose 2); persons 2-4 have none.
    SeedRegistryFixture(*runtime_, 3);
    CreateAccount("authority", auth::Role::kHealthAuthority);  // Hà Nội (01)
    authority_ = Login("authority", auth::Role::kHealthAuthority);
  }
  std::vector<int64_t> Ids(const std::string& target) {
    auto r = client_->Get(target, authority_);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<int64_t> out;
    const boost::json::value body = r.Json();
    for (const auto& p : body.at("items").as_array()) out.push_back(p.at("id").as_int64());
    return out;
  }
  std::string authority_;
};

TEST_F(AreaPeopleApiTest, UnvaccinatedAndOverduePeopleOfTheArea) {
  const std::string base = "/api/v1/people/by-status?status=";
  EXPECT_EQ(Ids(base + "unvaccinated"), (std::vector<int64_t>{2, 3, 4}));
  EXPECT_EQ(Ids(base + "overdue"), (std::vector<int64_t>{1}));
  EXPECT_EQ(Ids(base + "unvaccinated&area=01&limit=2"), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(Ids(base + "unvaccinated&after_id=3"), (std::vector<int64_t>{4}));
  auto overdue = client_->Get(base + "overdue", authority_);
  const boost::json::value o = overdue.Json();
  EXPECT_EQ(o.at("items").at(0).at("last_dose_day").as_string(), "2021-08-01");
  EXPECT_EQ(o.at("items").at(0).at("next_due_day").as_string(), "2021-08-22");

  auto csv = client_->Get(base + "unvaccinated&format=csv", authority_);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_NE(csv.headers["Content-Type"].find("text/csv"), std::string::npos);
  EXPECT_EQ(std::count(csv.body.begin(), csv.body.end(), '\n'), 4) << csv.body;
  EXPECT_NE(csv.body.find("Trần Văn Bình"), std::string::npos);

  EXPECT_EQ(client_->Get(base + "unvaccinated&area=79", authority_).status, 403);
  EXPECT_EQ(client_->Get("/api/v1/people/by-status", authority_).status, 400);
  EXPECT_EQ(client_->Get(base + "late", authority_).status, 400);
  EXPECT_EQ(client_->Get(base + "overdue&province=01", authority_).status, 400);
  EXPECT_EQ(client_->Get(base + "overdue&format=xlsx", authority_).status, 400);
}

}  // namespace
}  // namespace vaxreg::testing
