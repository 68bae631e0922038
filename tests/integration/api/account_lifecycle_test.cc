// Accounts through the API: one-time codes (not shown in the outbox, limited per CCCD, no
// lockout of the owner, the same answer and timing for every CCCD), login throttles shared by
// two servers on one database, and the account lifecycle (disable and enable, password reset,
// role and binding change, sessions) with the area rule of health authorities and the audit log.

#include <algorithm>
#include <chrono>
#include <regex>
#include <thread>

#include "api_fixture.h"
#include "registry_fixture.h"

namespace vaxreg::testing {
namespace {

namespace http_ = boost::beast::http;

class AccountLifecycleTest : public ApiTest {
 protected:
  // A second server on the same database, with the production notifier (the outbox).
  void StartSecondServer(int session_cache_seconds = 5) {
    app::Config config;
    config.db_url = test_db_.url();
    config.port = 0;
    config.threads = 1;
    config.password_cost = "min";
    config.verify_on_create = false;
    config.login_attempts_per_minute = 10000;
    config.session_cache_seconds = session_cache_seconds;
    // Reads see the other server's writes at once (no reader snapshot kept between reads).
    config.db_sqlite_read_snapshot_ms = 0;
    auto rt = app::Runtime::Start(config);
    ASSERT_TRUE(rt.ok()) << rt.status().ToString();
    second_ = std::move(rt).value();
    second_client_ = std::make_unique<TestHttpClient>(second_->port());
  }

  void TearDown() override {
    second_client_.reset();
    if (second_) second_->Shutdown();
    second_.reset();
    ApiTest::TearDown();
  }

  TestResponse PostAs(const std::string& token, const std::string& target,
                      const std::string& body = "{}") {
    return client_->Post(target, body, token);
  }

  std::string Code(const TestResponse& r) {
    return std::string(r.Json().at("error").at("code").as_string());
  }

  std::vector<std::string> AuditActions() {
    auto conn = runtime_->db().Acquire();
    auto rows = (*conn)->Query("SELECT action, actor FROM audit_log ORDER BY seq", {});
    std::vector<std::string> out;
    for (const auto& row : *rows) out.push_back(row.Text(0) + " by " + row.Text(1));
    return out;
  }

  std::unique_ptr<app::Runtime> second_;
  std::unique_ptr<TestHttpClient> second_client_;
};

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST_F(AccountLifecycleTest, OutboxShowsThatACodeWasSentButNotTheCode) {
  CreateAccount("001090012345", auth::Role::kCitizen);
  CreateAccount("root.admin", auth::Role::kAdmin);
  const std::string admin = Login("root.admin", auth::Role::kAdmin);
  StartSecondServer();  // writes the outbox
  ASSERT_EQ(second_client_->Post("/api/v1/auth/otp", R"({"cccd":"001090012345"})").status, 202);
  auto outbox = client_->Get("/api/v1/outbox", admin);
  ASSERT_EQ(outbox.status, 200) << outbox.body;
  const boost::json::value listed = outbox.Json();
  const auto& items = listed.at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  const std::string body(items[0].at("body").as_string());
  EXPECT_FALSE(std::regex_search(body, std::regex("[0-9]{6}"))) << body;
  EXPECT_NE(body.find("not stored"), std::string::npos) << body;
  auto conn = runtime_->db().Acquire();
  auto rows = (*conn)->Query("SELECT body FROM outbox", {});
  ASSERT_TRUE(rows.ok());
  for (const auto& row : *rows) {
    EXPECT_FALSE(std::regex_search(row.Text(0), std::regex("[0-9]{6}"))) << row.Text(0);
  }
}

// A stranger's wrong guesses kill the code they guessed at, never the account: the owner asks
// for a new code and logs in.
TEST_F(AccountLifecycleTest, WrongGuessesDoNotLockTheOwnerOut) {
  CreateAccount("001090012345", auth::Role::kCitizen);
  ASSERT_EQ(client_->Post("/api/v1/auth/otp", R"({"cccd":"001090012345"})").status, 202);
  const std::string first = notifier_.LastCode();
  const std::string wrong = first == "000000" ? "111111" : "000000";
  for (int i = 0; i < 6; ++i) {
    auto r =
        client_->Post("/api/v1/auth/login", R"({"cccd":"001090012345","code":")" + wrong + R"("})");
    EXPECT_EQ(r.status, 401) << i << ": " << r.body;
  }
  auto dead =
      client_->Post("/api/v1/auth/login", R"({"cccd":"001090012345","code":")" + first + R"("})");
  EXPECT_EQ(dead.status, 401) << "the guessed-at code must be dead";
  auto again = client_->Post("/api/v1/auth/otp", R"({"cccd":"001090012345"})");
  ASSERT_EQ(again.status, 202) << again.body;
  auto login = client_->Post("/api/v1/auth/login",
                             R"({"cccd":"001090012345","code":")" + notifier_.LastCode() + R"("})");
  EXPECT_EQ(login.status, 200) << login.body;
}

// Known and unknown CCCDs: the same status, the same body, and no faster than the configured
// minimum (100 ms by default), so neither the answer nor its timing tells whether an account
// exists. Past the limit both get the same 429.
TEST_F(AccountLifecycleTest, OtpRequestsLookTheSameForEveryCccd) {
  CreateAccount("001090012345", auth::Role::kCitizen);
  using Clock = std::chrono::steady_clock;
  for (int i = 0; i < 4; ++i) {
    const auto t0 = Clock::now();
    auto known = client_->Post("/api/v1/auth/otp", R"({"cccd":"001090012345"})");
    const auto t1 = Clock::now();
    auto unknown = client_->Post("/api/v1/auth/otp", R"({"cccd":"001090099999"})");
    const auto t2 = Clock::now();
    EXPECT_EQ(known.status, unknown.status) << i;
    EXPECT_EQ(known.status, i < 3 ? 202 : 429) << i << ": " << known.body;
    if (known.status == 202) {
      EXPECT_EQ(known.body, unknown.body);
    } else if (known.status == 429) {
      EXPECT_EQ(Code(known), Code(unknown));
    }
    EXPECT_GE(t1 - t0, std::chrono::milliseconds(100)) << i;
    EXPECT_GE(t2 - t1, std::chrono::milliseconds(100)) << i;
  }
  EXPECT_EQ(notifier_.sent().size(), 3u);
}

// Failure counters live in the database: five failures through one server lock the account on
// the other too.
TEST_F(AccountLifecycleTest, LoginThrottleIsSharedByTwoServers) {
  CreateAccount("lan.staff", auth::Role::kFacilityStaff);
  StartSecondServer();
  const std::string wrong = R"({"username":"lan.staff","password":"not the password"})";
  for (int i = 0; i < 5; ++i) EXPECT_EQ(client_->Post("/api/v1/auth/login", wrong).status, 401);
  auto blocked = second_client_->Post("/api/v1/auth/login",
                                      R"({"username":"lan.staff","password":"a test password"})");
  EXPECT_EQ(blocked.status, 429) << blocked.body;
}

TEST_F(AccountLifecycleTest, DisableEndsSessionsOnEveryServerWithinTheCacheTime) {
  auto staff = CreateAccount("lan.staff", auth::Role::kFacilityStaff);
  CreateAccount("root.admin", auth::Role::kAdmin);
  const std::string admin = Login("root.admin", auth::Role::kAdmin);
  StartSecondServer(/*session_cache_seconds=*/1);
  const std::string token = Login("lan.staff", auth::Role::kFacilityStaff);
  ASSERT_EQ(client_->Get("/api/v1/me", token).status, 200);
  ASSERT_EQ(second_client_->Get("/api/v1/me", token).status, 200);  // cached there now
  const std::string path = "/api/v1/users/" + std::to_string(staff.id);
  auto disabled = PostAs(admin, path + "/disable", R"({"reason":"left the facility"})");
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_TRUE(disabled.Json().at("disabled").as_bool());
  EXPECT_EQ(client_->Get("/api/v1/me", token).status, 401);  // this server: at once
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(second_client_->Get("/api/v1/me", token).status, 401);  // the other: within 1 s
  auto relogin = client_->Post("/api/v1/auth/login",
                               R"({"username":"lan.staff","password":"a test password"})");
  EXPECT_EQ(relogin.status, 401);

  ASSERT_EQ(PostAs(admin, path + "/enable").status, 200);
  EXPECT_EQ(client_->Get("/api/v1/me", token).status, 401);  // the old token stays dead
  Login("lan.staff", auth::Role::kFacilityStaff);
  auto audit = AuditActions();
  EXPECT_TRUE(Contains(audit, "user.disable by admin:root.admin"));
  EXPECT_TRUE(Contains(audit, "user.enable by admin:root.admin"));
}

TEST_F(AccountLifecycleTest, PasswordResetRoleChangeAndSessions) {
  auto staff = CreateAccount("lan.staff", auth::Role::kFacilityStaff);
  auto admin_user = CreateAccount("root.admin", auth::Role::kAdmin);
  const std::string admin = Login("root.admin", auth::Role::kAdmin);
  const std::string path = "/api/v1/users/" + std::to_string(staff.id);
  const std::string t1 = Login("lan.staff", auth::Role::kFacilityStaff);
  const std::string t2 = Login("lan.staff", auth::Role::kFacilityStaff);

  auto sessions = client_->Get(path + "/sessions", admin);
  ASSERT_EQ(sessions.status, 200) << sessions.body;
  const boost::json::value listed = sessions.Json();
  const auto& items = listed.at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(sessions.body.find(t1), std::string::npos);
  const std::string one(items[0].at("id").as_string());
  auto revoked = PostAs(admin, path + "/sessions/revoke", R"({"session_id":")" + one + R"("})");
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(revoked.Json().at("revoked").as_int64(), 1);
  // Exactly one of the two tokens still works.
  EXPECT_NE(client_->Get("/api/v1/me", t1).status, client_->Get("/api/v1/me", t2).status);
  EXPECT_EQ(PostAs(admin, path + "/sessions/revoke", R"({"session_id":"0000000000000000"})").status,
            404);
  ASSERT_EQ(PostAs(admin, path + "/sessions/revoke").status, 200);
  EXPECT_EQ(client_->Get("/api/v1/me", t1).status, 401);
  EXPECT_EQ(client_->Get("/api/v1/me", t2).status, 401);

  const std::string t3 = Login("lan.staff", auth::Role::kFacilityStaff);
  auto reset = PostAs(admin, path + "/password", R"({"password":"a brand new password"})");
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_EQ(reset.body.find("argon2"), std::string::npos);
  EXPECT_EQ(client_->Get("/api/v1/me", t3).status, 401);
  EXPECT_EQ(
      client_
          ->Post("/api/v1/auth/login", R"({"username":"lan.staff","password":"a test password"})")
          .status,
      401);
  auto fresh = client_->Post("/api/v1/auth/login",
                             R"({"username":"lan.staff","password":"a brand new password"})");
  ASSERT_EQ(fresh.status, 200) << fresh.body;
  const std::string t4(fresh.Json().at("token").as_string());
  EXPECT_EQ(PostAs(admin, path + "/password", R"({"password":"short"})").status, 400);

  auto bad = PostAs(admin, path + "/role", R"({"role":"health_authority","admin_unit_code":"99"})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  auto role =
      PostAs(admin, path + "/role", R"({"role":"health_authority","admin_unit_code":"01"})");
  ASSERT_EQ(role.status, 200) << role.body;
  EXPECT_EQ(std::string(role.Json().at("role").as_string()), "health_authority");
  EXPECT_EQ(client_->Get("/api/v1/me", t4).status, 401);  // sessions ended with the change
  auto again = client_->Post("/api/v1/auth/login",
                             R"({"username":"lan.staff","password":"a brand new password"})");
  ASSERT_EQ(again.status, 200) << again.body;
  auto me = client_->Get("/api/v1/me", std::string(again.Json().at("token").as_string()));
  EXPECT_EQ(std::string(me.Json().at("role").as_string()), "health_authority");
  EXPECT_EQ(std::string(me.Json().at("admin_unit_code").as_string()), "01");

  // Admins cannot disable themselves or change their own role.
  const std::string self = "/api/v1/users/" + std::to_string(admin_user.id);
  EXPECT_EQ(PostAs(admin, self + "/disable").status, 409);
  EXPECT_EQ(PostAs(admin, self + "/role", R"({"role":"signer"})").status, 409);
  EXPECT_EQ(client_->Get("/api/v1/users/999999", admin).status, 404);

  auto audit = AuditActions();
  EXPECT_TRUE(Contains(audit, "session.revoke by admin:root.admin"));
  EXPECT_TRUE(Contains(audit, "user.password_reset by admin:root.admin"));
  EXPECT_TRUE(Contains(audit, "user.update by admin:root.admin"));
}

// A health authority manages facility staff of facilities in its area, and nothing else.
TEST_F(AccountLifecycleTest, AuthoritiesManageOnlyFacilityStaffOfTheirArea) {
  SeedRegistryFixture(*runtime_, 0);
  auto hanoi_staff = CreateAccount("lan.staff", auth::Role::kFacilityStaff);  // HN-BACHMAI
  auto saigon_staff = CreateAccount("sg.staff", auth::Role::kFacilityStaff);
  ASSERT_TRUE(runtime_->writer()
                  .SubmitAndWait([&](storage::Connection& c) {
                    return c
                        .Execute("UPDATE users SET facility_code = 'SG-ONE' WHERE id = $1",
                                 {saigon_staff.id})
                        .status();
                  })
                  .ok());
  auto signer = CreateAccount("probe.signer", auth::Role::kSigner);
  CreateAccount("ha.noi", auth::Role::kHealthAuthority);  // unit 01
  auto national_user = CreateAccount("vn.authority", auth::Role::kHealthAuthority);
  ASSERT_TRUE(runtime_->writer()
                  .SubmitAndWait([&](storage::Connection& c) {
                    return c
                        .Execute("UPDATE users SET admin_unit_code = 'VN' WHERE id = $1",
                                 {national_user.id})
                        .status();
                  })
                  .ok());
  const std::string hanoi = Login("ha.noi", auth::Role::kHealthAuthority);
  const std::string national = Login("vn.authority", auth::Role::kHealthAuthority);
  auto user_path = [](const accounts::User& u) { return "/api/v1/users/" + std::to_string(u.id); };

  EXPECT_EQ(client_->Get(user_path(hanoi_staff), hanoi).status, 200);
  EXPECT_EQ(PostAs(hanoi, user_path(hanoi_staff) + "/disable").status, 200);
  EXPECT_EQ(PostAs(hanoi, user_path(hanoi_staff) + "/enable").status, 200);
  EXPECT_EQ(PostAs(hanoi, user_path(hanoi_staff) + "/role",
                   R"({"role":"facility_staff","facility_code":"HN-OTHER"})")
                .status,
            200);
  // Not into another area, not another role.
  EXPECT_EQ(PostAs(hanoi, user_path(hanoi_staff) + "/role",
                   R"({"role":"facility_staff","facility_code":"SG-ONE"})")
                .status,
            403);
  EXPECT_EQ(PostAs(hanoi, user_path(hanoi_staff) + "/role", R"({"role":"admin"})").status, 403);
  // Not staff of another area, not other roles.
  EXPECT_EQ(client_->Get(user_path(saigon_staff), hanoi).status, 403);
  EXPECT_EQ(PostAs(hanoi, user_path(saigon_staff) + "/disable").status, 403);
  EXPECT_EQ(
      PostAs(hanoi, user_path(saigon_staff) + "/password", R"({"password":"another password"})")
          .status,
      403);
  EXPECT_EQ(client_->Get(user_path(saigon_staff) + "/sessions", hanoi).status, 403);
  EXPECT_EQ(PostAs(hanoi, user_path(saigon_staff) + "/sessions/revoke").status, 403);
  EXPECT_EQ(PostAs(hanoi, user_path(signer) + "/disable").status, 403);
  EXPECT_EQ(PostAs(hanoi, user_path(national_user) + "/disable").status, 403);
  // The national authority sees every facility.
  EXPECT_EQ(PostAs(national, user_path(saigon_staff) + "/disable").status, 200);
  EXPECT_EQ(PostAs(national, user_path(signer) + "/disable").status, 403);
  auto audit = AuditActions();
  EXPECT_TRUE(Contains(audit, "user.disable by health_authority:ha.noi"));
  EXPECT_TRUE(Contains(audit, "user.disable by health_authority:vn.authority"));
}

}  // namespace
}  // namespace vaxreg::testing
