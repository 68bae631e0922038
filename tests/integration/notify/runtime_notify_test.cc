// A server started with notify.gateway_url delivers what its notifier queues to the gateway and
// counts it in /metrics; a gateway configuration it cannot honour safely stops it from starting.

#include <gtest/gtest.h>

#include <thread>

#include "accounts/notifier.h"
#include "app/config.h"
#include "app/runtime.h"
#include "support/test_db.h"
#include "support/test_gateway.h"
#include "support/test_http_client.h"

namespace vaxreg::testing {
namespace {

constexpr const char* kKeyHex = "5a17c0de5a17c0de5a17c0de5a17c0de5a17c0de5a17c0de5a17c0de5a17c0de";

class RuntimeNotifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    VAXREG_REQUIRE_BACKEND(test_db_);
    ::setenv("VAXREG_NOTIFY_SECRET_KEY", kKeyHex, 1);
    config_.db_url = test_db_.url();
    config_.port = 0;
    config_.threads = 1;
    config_.password_cost = "min";
    config_.verify_on_create = false;
    config_.notify_gateway_url = gateway_.url();
    config_.notify_gateway_ca_file = gateway_.ca_file();
    config_.notify_gateway_auth_header = "X-Api-Key: k-123";
    config_.notify_poll_interval_ms = 20;
  }
  void TearDown() override { ::unsetenv("VAXREG_NOTIFY_SECRET_KEY"); }

  TestDatabase test_db_{Backend::kSqlite};
  TestGateway gateway_;
  app::Config config_;
};

TEST_F(RuntimeNotifyTest, DeliversQueuedMessagesAndCountsThem) {
  auto rt = app::Runtime::Start(config_);
  ASSERT_TRUE(rt.ok()) << rt.status().ToString();
  // Queued as the server's own notifier does, under the same key.
  accounts::OutboxNotifier notifier(
      SystemClock::Get(), false,
      accounts::OutboxDelivery{std::make_shared<const accounts::OutboxSealKey>(
                                   accounts::OutboxSealKey::FromHex(kKeyHex).value()),
                               std::chrono::minutes(5)});
  accounts::Message m;
  m.channel = "sms";
  m.recipient = "0912345678";
  m.subject = "vaxreg login code";
  m.body = "Mã đăng nhập vaxreg của bạn là 604218.";
  m.secret = "604218";
  m.stored_body = "Đã gửi mã đăng nhập; mã không được lưu.";
  ASSERT_TRUE((*rt)
                  ->writer()
                  .SubmitAndWait([&](storage::Connection& c) { return notifier.Send(c, m); })
                  .ok());

  ASSERT_TRUE(gateway_.WaitForRequests(1, std::chrono::seconds(10)));
  const auto req = gateway_.requests()[0];
  EXPECT_EQ(req.Header("x-api-key"), "k-123");
  EXPECT_NE(req.body.find("604218"), std::string::npos);

  TestHttpClient client((*rt)->port());
  std::string metrics;
  for (int i = 0; i < 200; ++i) {
    metrics = client.Get("/metrics").body;
    if (metrics.find("vaxreg_notify_sent_total 1") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_NE(metrics.find("vaxreg_notify_sent_total 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("vaxreg_notify_queue_depth"), std::string::npos);
  {
    auto conn = (*rt)->db().Acquire();
    auto rows = (*conn)->Query("SELECT status, body FROM outbox", {});
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ((*rows)[0].Text(0), "sent");
    EXPECT_EQ((*rows)[0].Text(1), m.stored_body);
  }
  (*rt)->Shutdown();
}

TEST_F(RuntimeNotifyTest, WithoutAGatewayNothingIsDelivered) {
  config_.notify_gateway_url = "";
  auto rt = app::Runtime::Start(config_);
  ASSERT_TRUE(rt.ok()) << rt.status().ToString();
  TestHttpClient client((*rt)->port());
  EXPECT_EQ(client.Get("/metrics").body.find("vaxreg_notify_sent_total"), std::string::npos);
  (*rt)->Shutdown();
}

TEST_F(RuntimeNotifyTest, RefusesToStartWithoutASecretKey) {
  ::unsetenv("VAXREG_NOTIFY_SECRET_KEY");
  auto rt = app::Runtime::Start(config_);
  ASSERT_FALSE(rt.ok());
  EXPECT_EQ(rt.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(rt.status().message().find("VAXREG_NOTIFY_SECRET_KEY"), std::string::npos);
}

TEST_F(RuntimeNotifyTest, RefusesPlainHttpUnlessAllowed) {
  config_.notify_gateway_url = "http://127.0.0.1:9/send";
  auto rt = app::Runtime::Start(config_);
  ASSERT_FALSE(rt.ok());
  EXPECT_EQ(rt.status().field(), "notify.gateway_url");
}

TEST(NotifyConfigTest, KeysFromTomlAndEnvironment) {
  app::Config c;
  ASSERT_TRUE(app::ApplyToml(c, R"(
[notify]
gateway_url = "https://sms.example.vn/v2/send"
gateway_auth_header = "Authorization: Bearer abc"
gateway_ca_file = "/etc/vaxreg/sms-ca.pem"
body_template = '{"to":"{{recipient}}","text":"{{body}}"}'
secret_key_file = "/etc/vaxreg/notify.key"
max_attempts = 4
backoff_initial_seconds = 5
backoff_max_seconds = 120
poll_interval_ms = 250
request_timeout_ms = 3000
allow_plain_http = false
)",
                             "test.toml")
                  .ok());
  EXPECT_EQ(c.notify_gateway_url, "https://sms.example.vn/v2/send");
  EXPECT_EQ(c.notify_max_attempts, 4);
  EXPECT_EQ(c.notify_poll_interval_ms, 250);
  const auto o = app::OutboundOptionsFromConfig(c);
  EXPECT_EQ(o.gateway.body_template, R"({"to":"{{recipient}}","text":"{{body}}"})");
  EXPECT_EQ(o.delivery.backoff_max.count(), 120);
  EXPECT_EQ(o.gateway.timeout.count(), 3000);
  ASSERT_TRUE(app::ApplyEnvironment(c, [](const char* name) -> const char* {
                return std::string_view(name) == "VAXREG_NOTIFY_MAX_ATTEMPTS" ? "7" : nullptr;
              }).ok());
  EXPECT_EQ(c.notify_max_attempts, 7);
  c.notify_backoff_initial_seconds = 600;
  EXPECT_EQ(app::ValidateConfig(c).field(), "notify.backoff_initial_seconds");
  // The built-in template when none is set.
  EXPECT_EQ(app::OutboundOptionsFromConfig(app::Config{}).gateway.body_template,
            std::string(notify::kDefaultBodyTemplate));
}

}  // namespace
}  // namespace vaxreg::testing
