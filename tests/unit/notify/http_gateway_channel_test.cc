// The HTTPS gateway client against a local gateway: what it sends, how answers map to retry or
// refusal, certificate and host name verification, timeouts, and refused configurations.

#include "notify/http_gateway_channel.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json/parse.hpp>

#include "support/test_gateway.h"

namespace vaxreg::notify {
namespace {

using testing::TestGateway;

HttpGatewayOptions OptionsFor(const TestGateway& g) {
  HttpGatewayOptions o;
  o.url = g.url();
  o.ca_file = g.ca_file();
  o.auth_header = "Authorization: Bearer s3cr3t-token";
  o.timeout = std::chrono::milliseconds(5000);
  return o;
}

std::unique_ptr<HttpGatewayChannel> Make(HttpGatewayOptions o) {
  auto c = HttpGatewayChannel::Create(std::move(o));
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? std::move(c).value() : nullptr;
}

const OutgoingMessage kMessage{17, "sms", "0912345678", "Mã \"đăng nhập\"",
                               "Mã của bạn là 482913.\nYour code is 482913."};

TEST(HttpGatewayChannelTest, PostsTheTemplateWithHeaders) {
  TestGateway gateway;
  auto channel = Make(OptionsFor(gateway));
  ASSERT_NE(channel, nullptr);
  ASSERT_TRUE(channel->Deliver(kMessage).ok());
  ASSERT_EQ(gateway.request_count(), 1u);
  const auto req = gateway.requests()[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/v1/messages");
  EXPECT_EQ(req.Header("authorization"), "Bearer s3cr3t-token");
  EXPECT_EQ(req.Header("idempotency-key"), "vaxreg-outbox-17");
  EXPECT_EQ(req.Header("content-type"), "application/json; charset=utf-8");
  EXPECT_EQ(req.Header("host"), "localhost:" + std::to_string(gateway.port()));
  const boost::json::value v = boost::json::parse(req.body);
  EXPECT_EQ(v.at("text").as_string(), kMessage.body);
  EXPECT_EQ(v.at("subject").as_string(), kMessage.subject);
  EXPECT_EQ(v.at("to").as_string(), "0912345678");
  EXPECT_EQ(v.at("reference").as_string(), "17");
}

TEST(HttpGatewayChannelTest, AnswersMapToRetryOrRefusal) {
  TestGateway gateway;
  auto channel = Make(OptionsFor(gateway));
  ASSERT_NE(channel, nullptr);
  gateway.Script({201, 500, 503, 408, 429, 302, 400, 401, 404, 422});
  EXPECT_TRUE(channel->Deliver(kMessage).ok());
  for (int retried : {500, 503, 408, 429, 302}) {
    const Status st = channel->Deliver(kMessage);
    EXPECT_TRUE(IsRetryable(st)) << retried << " " << st.ToString();
    EXPECT_NE(st.message().find(std::to_string(retried)), std::string::npos) << st.ToString();
  }
  for (int refused : {400, 401, 404, 422}) {
    const Status st = channel->Deliver(kMessage);
    EXPECT_FALSE(st.ok());
    EXPECT_FALSE(IsRetryable(st)) << refused << " " << st.ToString();
    EXPECT_NE(st.message().find(std::to_string(refused)), std::string::npos);
    // The gateway's answer body is never quoted; neither is the message.
    EXPECT_EQ(st.message().find("scripted"), std::string::npos);
    EXPECT_EQ(st.message().find("482913"), std::string::npos);
  }
}

TEST(HttpGatewayChannelTest, UntrustedCertificateGetsNothing) {
  TestGateway gateway;
  HttpGatewayOptions o = OptionsFor(gateway);
  o.ca_file = "";  // the system's trust store does not know the test certificate
  auto channel = Make(o);
  ASSERT_NE(channel, nullptr);
  const Status st = channel->Deliver(kMessage);
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
  EXPECT_NE(st.message().find("certificate verify failed"), std::string::npos) << st.ToString();
  EXPECT_EQ(gateway.request_count(), 0u);
}

TEST(HttpGatewayChannelTest, HostNameMustMatchTheCertificate) {
  TestGateway gateway;  // certificate for "localhost" only
  HttpGatewayOptions o = OptionsFor(gateway);
  o.url = "https://127.0.0.1:" + std::to_string(gateway.port()) + "/v1/messages";
  auto channel = Make(o);
  ASSERT_NE(channel, nullptr);
  const Status st = channel->Deliver(kMessage);
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
  EXPECT_EQ(gateway.request_count(), 0u);
}

TEST(HttpGatewayChannelTest, SlowGatewayTimesOut) {
  TestGateway gateway;
  gateway.SetDelay(std::chrono::milliseconds(3000));
  HttpGatewayOptions o = OptionsFor(gateway);
  o.timeout = std::chrono::milliseconds(300);
  auto channel = Make(o);
  ASSERT_NE(channel, nullptr);
  const auto start = std::chrono::steady_clock::now();
  const Status st = channel->Deliver(kMessage);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(st.code(), StatusCode::kDeadlineExceeded) << st.ToString();
  EXPECT_LT(took, std::chrono::milliseconds(2500));
}

TEST(HttpGatewayChannelTest, ConnectionRefusedIsRetryable) {
  uint16_t port = 0;
  {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = a.local_endpoint().port();
  }  // closed again: nothing listens there
  HttpGatewayOptions o;
  o.url = "http://127.0.0.1:" + std::to_string(port) + "/";
  o.allow_plain_http = true;
  auto channel = Make(o);
  ASSERT_NE(channel, nullptr);
  const Status st = channel->Deliver(kMessage);
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
}

TEST(HttpGatewayChannelTest, PlainHttpOnlyWhenAllowed) {
  TestGateway gateway(/*tls=*/false);
  HttpGatewayOptions o;
  o.url = gateway.url();
  auto refused = HttpGatewayChannel::Create(o);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().field(), "notify.gateway_url");
  o.allow_plain_http = true;
  auto channel = Make(o);
  ASSERT_NE(channel, nullptr);
  EXPECT_TRUE(channel->Deliver(kMessage).ok());
  EXPECT_EQ(gateway.request_count(), 1u);
}

TEST(HttpGatewayChannelTest, RefusedConfigurations) {
  const auto field_of = [](HttpGatewayOptions o) {
    auto c = HttpGatewayChannel::Create(std::move(o));
    EXPECT_FALSE(c.ok());
    return c.ok() ? std::string() : c.status().field();
  };
  HttpGatewayOptions base;
  base.url = "https://gateway.example/send";
  HttpGatewayOptions o = base;
  o.url = "ftp://gateway.example/";
  EXPECT_EQ(field_of(o), "notify.gateway_url");
  o.url = "https://user:pass@gateway.example/";
  EXPECT_EQ(field_of(o), "notify.gateway_url");
  o.url = "not a url";
  EXPECT_EQ(field_of(o), "notify.gateway_url");
  o = base;
  o.auth_header = "Authorization Bearer x";  // no colon
  EXPECT_EQ(field_of(o), "notify.gateway_auth_header");
  o.auth_header = "Authorization: Bearer x\r\nX-Injected: 1";
  auto injected = HttpGatewayChannel::Create(o);
  ASSERT_FALSE(injected.ok());
  EXPECT_EQ(injected.status().message().find("Bearer"), std::string::npos);  // never quoted
  o = base;
  o.body_template = R"({"text":"{{message}}"})";
  EXPECT_EQ(field_of(o), "notify.body_template");
  o = base;
  o.ca_file = "/nonexistent/ca.pem";
  EXPECT_EQ(field_of(o), "notify.gateway_ca_file");
}

}  // namespace
}  // namespace vaxreg::notify
