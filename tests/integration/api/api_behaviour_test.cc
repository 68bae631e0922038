// The API as a client sees it: login flows, tokens, throttling, and clear JSON errors for every
// kind of bad input, with the server staying healthy afterwards.

#include "api_fixture.h"

namespace vaxreg::testing {
namespace {

namespace http_ = boost::beast::http;

std::string ErrorCode(const TestResponse& r) {
  return std::string(r.Json().at("error").at("code").as_string());
}
std::string ErrorField(const TestResponse& r) {
  const boost::json::value body = r.Json();
  const auto& e = body.at("error").as_object();
  auto it = e.find("field");
  return it == e.end() || !it->value().is_string() ? "" : std::string(it->value().as_string());
}

class ApiBehaviourTest : public ApiTest {};

TEST_F(ApiBehaviourTest, HealthReadinessAndMetrics) {
  auto health = client_->Get("/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(std::string(health.Json().at("status").as_string()), "ok");
  EXPECT_FALSE(health.headers["X-Request-Id"].empty());
  EXPECT_EQ(client_->Get("/readyz").status, 200);
  CreateAccount("ops.admin", auth::Role::kAdmin);
  Login("ops.admin", auth::Role::kAdmin);  // one commit at least
  auto metrics = client_->Get("/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("vaxreg_http_requests_total{"), std::string::npos);
  EXPECT_NE(metrics.body.find("route=\"/healthz\""), std::string::npos);
  EXPECT_NE(metrics.body.find("vaxreg_http_request_duration_seconds_bucket"), std::string::npos);
  EXPECT_NE(metrics.body.find("vaxreg_commit_batch_size_count"), std::string::npos);
}

TEST_F(ApiBehaviourTest, StaffLoginMeLogout) {
  CreateAccount("lan.staff", auth::Role::kFacilityStaff);
  const std::string token = Login("lan.staff", auth::Role::kFacilityStaff);
  auto me = client_->Get("/api/v1/me", token);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(std::string(me.Json().at("role").as_string()), "facility_staff");
  EXPECT_EQ(std::string(me.Json().at("facility_code").as_string()), "HN-BACHMAI");
  EXPECT_EQ(client_->Post("/api/v1/auth/logout", "", token).status, 200);
  EXPECT_EQ(client_->Get("/api/v1/me", token).status, 401);
}

TEST_F(ApiBehaviourTest, WrongPasswordIs401WithoutSayingWhy) {
  CreateAccount("lan.staff", auth::Role::kFacilityStaff);
  auto wrong = client_->Post("/api/v1/auth/login",
                             R"({"username":"lan.staff","password":"not the password"})");
  auto unknown = client_->Post("/api/v1/auth/login",
                               R"({"username":"nobody.here","password":"not the password"})");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.Json().at("error").at("message"), unknown.Json().at("error").at("message"));
}

TEST_F(ApiBehaviourTest, RepeatedFailuresAreThrottledPerAccount) {
  CreateAccount("lan.staff", auth::Role::kFacilityStaff);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(client_->Post("/api/v1/auth/login",
                            R"({"username":"lan.staff","password":"guess number )" +
                                std::to_string(i) + "\"}")
                  .status,
              401);
  }
  auto blocked = client_->Post("/api/v1/auth/login",
                               R"({"username":"lan.staff","password":"a test password"})");
  EXPECT_EQ(blocked.status, 429);
  EXPECT_EQ(ErrorCode(blocked), "RESOURCE_EXHAUSTED");
}

TEST_F(ApiBehaviourTest, CitizenOtpLogin) {
  CreateAccount("001090012345", auth::Role::kCitizen);
  const std::string token = Login("001090012345", auth::Role::kCitizen);
  auto me = client_->Get("/api/v1/me", token);
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(std::string(me.Json().at("role").as_string()), "citizen");
  auto bad = client_->Post("/api/v1/auth/login", R"({"cccd":"001090012345","code":"12345x"})");
  EXPECT_EQ(bad.status, 401);
}

TEST_F(ApiBehaviourTest, AdminCreatesUsersWithClearErrors) {
  CreateAccount("root.admin", auth::Role::kAdmin);
  const std::string admin = Login("root.admin", auth::Role::kAdmin);
  auto created = client_->Post(
      "/api/v1/users",
      R"({"username":"hn.cdc","role":"health_authority","admin_unit_code":"01","password":"long enough pw"})",
      admin);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_FALSE(created.Json().as_object().contains("password_hash"));
  auto dup = client_->Post(
      "/api/v1/users",
      R"({"username":"hn.cdc","role":"health_authority","admin_unit_code":"01","password":"long enough pw"})",
      admin);
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(ErrorField(dup), "username");
  auto bad_role = client_->Post("/api/v1/users",
                                R"({"username":"x.y","role":"root","password":"long enough pw"})",
                                admin);
  EXPECT_EQ(bad_role.status, 400);
  EXPECT_EQ(ErrorField(bad_role), "role");
  auto no_facility = client_->Post(
      "/api/v1/users", R"({"username":"x.y","role":"facility_staff","password":"long enough pw"})",
      admin);
  EXPECT_EQ(no_facility.status, 400);
  EXPECT_EQ(ErrorField(no_facility), "facility_code");
  auto got = client_->Get("/api/v1/users/" + std::to_string(static_cast<int64_t>(
                                                  created.Json().at("id").as_int64())),
                          admin);
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(client_->Get("/api/v1/users/999999", admin).status, 404);
  auto bad_id = client_->Get("/api/v1/users/abc", admin);
  EXPECT_EQ(bad_id.status, 400);
  EXPECT_EQ(ErrorField(bad_id), "id");
  auto signers = client_->Get("/api/v1/users?role=signer", admin);
  ASSERT_EQ(signers.status, 200) << signers.body;
  const boost::json::value signers_json = signers.Json();
  for (const auto& u : signers_json.at("items").as_array()) {
    EXPECT_EQ(u.at("role").as_string(), "signer");
  }
  EXPECT_EQ(ErrorField(client_->Get("/api/v1/users?role=boss", admin)), "role");
  EXPECT_EQ(client_->Get("/api/v1/users?sort=name", admin).status, 400);
  auto bad_limit = client_->Get("/api/v1/users?limit=0", admin);
  EXPECT_EQ(bad_limit.status, 400);
  EXPECT_EQ(ErrorField(bad_limit), "limit");
  // The write was audited with the actor, and the chain verifies.
  auto log = client_->Get("/api/v1/audit?limit=50", admin);
  ASSERT_EQ(log.status, 200);
  bool found = false;
  const boost::json::value log_body = log.Json();
  for (const auto& item : log_body.at("items").as_array()) {
    if (item.at("action") == "user.create" && item.at("actor") == "admin:root.admin") found = true;
  }
  EXPECT_TRUE(found) << log.body;
  auto verify = client_->Get("/api/v1/audit/verify", admin);
  EXPECT_EQ(verify.Json().at("ok"), true) << verify.body;

  // Searching the log by actor, record, action prefix and time; bad filters are refused.
  const auto actions = [&](const std::string& query) {
    auto r = client_->Get("/api/v1/audit?" + query, admin);
    EXPECT_EQ(r.status, 200) << query << ": " << r.body;
    std::vector<std::string> out;
    const boost::json::value body = r.Json();
    for (const auto& item : body.at("items").as_array()) {
      out.push_back(std::string(item.at("action").as_string()) + " " +
                    std::string(item.at("actor").as_string()));
    }
    return out;
  };
  const auto by_admin = actions("actor=admin:root.admin");
  ASSERT_FALSE(by_admin.empty());
  for (const auto& a : by_admin) EXPECT_TRUE(a.ends_with(" admin:root.admin")) << a;
  const auto user_actions = actions("action=user.");
  ASSERT_FALSE(user_actions.empty());
  for (const auto& a : user_actions) EXPECT_TRUE(a.starts_with("user.")) << a;
  EXPECT_TRUE(actions("action=user_").empty()) << "'_' is not a wildcard";
  EXPECT_TRUE(actions("actor=nobody:at.all").empty());
  EXPECT_TRUE(actions("from=2999-01-01").empty());
  EXPECT_FALSE(actions("from=2020-01-01&to=2999-01-01T00:00:00Z").empty());
  EXPECT_EQ(client_->Get("/api/v1/audit?who=me", admin).status, 400);
  EXPECT_EQ(ErrorField(client_->Get("/api/v1/audit?from=yesterday", admin)), "from");
}

// The administrator's status page shows the configuration without secrets.
TEST_F(ApiBehaviourTest, AdminStatusShowsConfigurationWithoutSecrets) {
  CreateAccount("status.admin", auth::Role::kAdmin);
  const std::string admin = Login("status.admin", auth::Role::kAdmin);
  auto r = client_->Get("/api/v1/admin/status", admin);
  ASSERT_EQ(r.status, 200) << r.body;
  const boost::json::value o = r.Json();
  const std::string toml(o.at("configuration").as_string());
  EXPECT_NE(toml.find("[server]"), std::string::npos) << toml;
  EXPECT_NE(toml.find("[database]"), std::string::npos) << toml;
  EXPECT_EQ(toml.find("passphrase"), std::string::npos) << toml;
  EXPECT_EQ(o.at("accounts").at("admin").at("accounts").as_int64(), 1);
  EXPECT_EQ(client_->Get("/api/v1/admin/status?verbose=1", admin).status, 400);
}

// Every list with filters refuses a filter it does not know (a misspelt one would otherwise
// silently list everything), naming it; the same list without it answers.
TEST_F(ApiBehaviourTest, ListsRefuseUnknownFilters) {
  CreateAccount("lists.admin", auth::Role::kAdmin);
  const std::string admin = Login("lists.admin", auth::Role::kAdmin);
  const char* lists[] = {
      "/api/v1/users?limit=5",
      "/api/v1/audit?limit=5",
      "/api/v1/outbox?limit=5",
      "/api/v1/corrections?status=open",
      "/api/v1/corrections/report?by=province",
      "/api/v1/identity/review?limit=5",
      "/api/v1/identity/duplicates?limit=5",
      "/api/v1/identity/quality?unit=01",
      "/api/v1/quarantine?status=open",
      "/api/v1/facilities?province=01",
      "/api/v1/certificates?status=active",
      "/api/v1/certificates/awaiting?limit=5",
      "/api/v1/people/by-status?status=unvaccinated",
      "/api/v1/ops/overview?province=01",
      "/api/v1/stats/coverage?level=province",
  };
  for (const char* target : lists) {
    auto ok = client_->Get(target, admin);
    EXPECT_EQ(ok.status, 200) << target << ": " << ok.body;
    auto bad = client_->Get(std::string(target) + "&sattus=open", admin);
    EXPECT_EQ(bad.status, 400) << target << ": " << bad.body;
    EXPECT_NE(bad.body.find("sattus"), std::string::npos) << target << ": " << bad.body;
  }
}

TEST_F(ApiBehaviourTest, BadInputGetsClearJsonErrors) {
  struct Case {
    const char* name;
    std::string body;
    std::string content_type;
    int status;
    const char* field;  // nullptr = don't care
  };
  const Case cases[] = {
      {"malformed JSON", "{\"username\": ", "application/json", 400, nullptr},
      {"not UTF-8", "{\"username\":\"\xff\xfe\",\"password\":\"x\"}", "application/json", 400,
       nullptr},
      {"not an object", "[1,2,3]", "application/json", 400, nullptr},
      {"missing field", R"({"username":"a.b"})", "application/json", 400, "password"},
      {"wrong type", R"({"username":42,"password":"x"})", "application/json", 400, "username"},
      {"empty body", "", "application/json", 400, nullptr},
  };
  for (const Case& c : cases) {
    auto res = client_->Send(http_::verb::post, "/api/v1/auth/login", c.body,
                             {{"Content-Type", c.content_type}});
    EXPECT_EQ(res.status, c.status) << c.name << ": " << res.body;
    EXPECT_EQ(ErrorCode(res), "INVALID_ARGUMENT") << c.name;
    EXPECT_FALSE(std::string(res.Json().at("error").at("message").as_string()).empty()) << c.name;
    if (c.field) {
      EXPECT_EQ(ErrorField(res), c.field) << c.name;
    }
  }
  EXPECT_EQ(client_->Get("/healthz").status, 200);
}

TEST_F(ApiBehaviourTest, OversizedUnknownAndWrongMethod) {
  auto big = client_->Send(http_::verb::post, "/api/v1/auth/login",
                           std::string(200 * 1024, 'x'), {{"Content-Type", "application/json"}});
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(ErrorCode(big), "RESOURCE_EXHAUSTED");
  auto unknown = client_->Get("/api/v1/no-such-thing");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(ErrorCode(unknown), "NOT_FOUND");
  auto method = client_->Send(http_::verb::delete_, "/api/v1/auth/login");
  EXPECT_EQ(method.status, 405);
  auto traversal = client_->Get("/%2e%2e/%2e%2e/etc/passwd");
  EXPECT_EQ(traversal.status, 400);
  EXPECT_EQ(traversal.body.find("root:"), std::string::npos);
  EXPECT_EQ(client_->Get("/").status, 200);
  EXPECT_EQ(client_->Get("/healthz").status, 200);
}

TEST_F(ApiBehaviourTest, AcknowledgedWritesAreDurableOnReopen) {
  CreateAccount("root.admin", auth::Role::kAdmin);
  const std::string admin = Login("root.admin", auth::Role::kAdmin);
  auto created = client_->Post(
      "/api/v1/users", R"({"username":"durable.one","role":"signer","password":"long enough pw"})",
      admin);
  ASSERT_EQ(created.status, 201);
  // A separate handle on the same file sees the row as soon as the response arrived.
  auto db = test_db_.Open();
  auto conn = db->Acquire();
  ASSERT_TRUE(conn.ok());
  auto user = accounts::FindUserByUsername(**conn, "durable.one");
  ASSERT_TRUE(user.ok());
  EXPECT_TRUE(user->has_value());
}

}  // namespace
}  // namespace vaxreg::testing
