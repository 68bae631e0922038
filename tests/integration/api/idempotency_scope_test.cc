// Idempotency keys belong to their writer: staff of one facility replaying another facility's
// key neither get that dose back nor learn its id; the key as sent is what the answer shows.

#include "api_fixture.h"
#include "registry_fixture.h"

namespace vaxreg::testing {
namespace {

class IdempotencyScopeTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    SeedRegistryFixture(*runtime_, 4);
    CreateAccount("bachmai.staff", auth::Role::kFacilityStaff);  // HN-BACHMAI
    accounts::NewUser other;
    other.username = "other.staff";
    other.role = auth::Role::kFacilityStaff;
    other.facility_code = "HN-OTHER";
    other.password_hash =
        accounts::HashPassword(kPassword, accounts::PasswordCost::MinimumForTest()).value();
    ASSERT_TRUE(
        runtime_->writer()
            .SubmitAndWait([&](storage::Connection& c) {
              return accounts::CreateUser(c, SystemClock::Get(), other, {"test", ""}).status();
            })
            .ok());
    bachmai_ = Login("bachmai.staff", auth::Role::kFacilityStaff);
    other_ = Login("other.staff", auth::Role::kFacilityStaff);
  }

  static std::string Dose(int person, const std::string& facility, const std::string& key,
                          int number = 1) {
    return R"({"person_id":)" + std::to_string(person) +
           R"(,"vaccine":"COMIRNATY","dose_number":)" + std::to_string(number) +
           R"(,"administered_at":"2021-09-01T09:00:00+07:00","facility_code":")" + facility +
           R"(","idempotency_key":")" + key + R"("})";
  }

  std::string bachmai_, other_;
};

TEST_F(IdempotencyScopeTest, AnotherFacilitysKeyIsAnotherKey) {
  auto first = client_->Post("/api/v1/doses", Dose(2, "HN-BACHMAI", "tablet-1-0001"), bachmai_);
  ASSERT_EQ(first.status, 201) << first.body;
  const int64_t first_id = first.Json().at("id").as_int64();
  EXPECT_EQ(first.Json().at("idempotency_key").as_string(), "tablet-1-0001");

  // The owner's retry is a replay of its own dose.
  auto retry = client_->Post("/api/v1/doses", Dose(2, "HN-BACHMAI", "tablet-1-0001"), bachmai_);
  ASSERT_EQ(retry.status, 200) << retry.body;
  EXPECT_EQ(retry.Json().at("id").as_int64(), first_id);
  EXPECT_TRUE(retry.Json().at("replayed").as_bool());

  // Another facility's staff with the same key and other details: a new dose of their own,
  // not a conflict naming the first dose.
  auto other = client_->Post("/api/v1/doses", Dose(3, "HN-OTHER", "tablet-1-0001"), other_);
  ASSERT_EQ(other.status, 201) << other.body;
  EXPECT_NE(other.Json().at("id").as_int64(), first_id);
  EXPECT_EQ(other.body.find(std::to_string(first_id) + ")"), std::string::npos) << other.body;

  // The same key with the first dose's exact details never hands that dose over.
  auto replay_foreign =
      client_->Post("/api/v1/doses", Dose(2, "HN-BACHMAI", "tablet-1-0001"), other_);
  EXPECT_EQ(replay_foreign.status, 403) << replay_foreign.body;  // not their facility
  if (replay_foreign.status == 200) {
    EXPECT_NE(replay_foreign.Json().at("id").as_int64(), first_id);
  }

  // The batch endpoint scopes keys the same way.
  auto batch = client_->Post("/api/v1/doses/batch",
                             R"({"items":[)" + Dose(4, "HN-OTHER", "tablet-1-0001") + "," +
                                 Dose(5, "HN-OTHER", "tablet-9-0001") + "]}",
                             other_);
  ASSERT_EQ(batch.status, 200) << batch.body;
  const boost::json::value json = batch.Json();
  const auto& results = json.at("results").as_array();
  ASSERT_EQ(results.size(), 2u);
  // Item 0 reuses other.staff's own key with other details: a conflict without any id.
  ASSERT_TRUE(results[0].as_object().contains("error")) << batch.body;
  EXPECT_EQ(results[0].at("error").at("code").as_string(), "ALREADY_EXISTS") << batch.body;
  EXPECT_EQ(batch.body.find(std::to_string(first_id) + ")"), std::string::npos) << batch.body;
  ASSERT_TRUE(results[1].as_object().contains("dose")) << batch.body;
  EXPECT_EQ(results[1].at("dose").at("idempotency_key").as_string(), "tablet-9-0001");
  auto batch_again = client_->Post(
      "/api/v1/doses/batch", R"({"items":[)" + Dose(5, "HN-OTHER", "tablet-9-0001") + "]}", other_);
  ASSERT_EQ(batch_again.status, 200) << batch_again.body;
  EXPECT_TRUE(batch_again.Json().at("results").at(0).at("dose").at("replayed").as_bool())
      << batch_again.body;
}

TEST_F(IdempotencyScopeTest, KeysWithControlCharactersAreRefused) {
  auto res =
      client_->Post("/api/v1/doses", Dose(2, "HN-BACHMAI", "account:x\\u001ftablet"), bachmai_);
  EXPECT_EQ(res.status, 400) << res.body;
  EXPECT_EQ(res.Json().at("error").at("field").as_string(), "idempotency_key") << res.body;
  auto batch = client_->Post("/api/v1/doses/batch",
                             R"({"items":[)" + Dose(2, "HN-BACHMAI", "a\\u001fb") + "]}", bachmai_);
  ASSERT_EQ(batch.status, 200) << batch.body;
  EXPECT_EQ(batch.Json().at("results").at(0).at("error").at("field").as_string(), "idempotency_key")
      << batch.body;
}

}  // namespace
}  // namespace vaxreg::testing
