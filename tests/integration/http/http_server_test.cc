// The HTTP server end to end: a real server on 127.0.0.1 port 0 with an io_context on two
// threads, test routes, a fixed-token authenticator, and real clients (the test HTTP client, raw
// sockets for misbehaving clients, and a TLS client).

// GCC 12 at -O2 reports -Wnull-dereference false positives inside Asio's inlined executor code;
// diagnostic pragmas apply by source location, so this silences only the Boost headers.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json/parse.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/metrics.h"
#include "http/compression.h"
#include "http/json.h"
#include "http/server.h"
#include "http/static_files.h"
#include "support/test_http_client.h"
#pragma GCC diagnostic pop

namespace vaxreg::testing {
namespace {

namespace fs = std::filesystem;
namespace bhttp = boost::beast::http;
namespace asio = boost::asio;
using http::RequestContext;
using http::Response;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

class TestAuthenticator final : public http::Authenticator {
 public:
  Result<auth::Principal> Authenticate(std::string_view token) override {
    if (token == "admin-token") return auth::Principal{1, "alice", auth::Role::kAdmin, "", ""};
    if (token == "citizen-token") {
      return auth::Principal{2, "001090000001", auth::Role::kCitizen, "", ""};
    }
    if (token == "down-token") return UnavailableError("session store unreachable");
    return UnauthenticatedError("unknown token");
  }
};

// A blocking POSIX socket for clients that misbehave on purpose. Every wait is bounded.
class RawConnection {
 public:
  // `source`: the local address to connect from (any 127.0.0.0/8 address works on loopback,
  // which lets one test act as several clients).
  explicit RawConnection(uint16_t port, const char* source = nullptr) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (source != nullptr) {
      sockaddr_in local{};
      local.sin_family = AF_INET;
      ::inet_pton(AF_INET, source, &local.sin_addr);
      ::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof(local));
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~RawConnection() { ::close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }
  bool closed() const { return closed_; }
  const std::string& received() const { return received_; }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads whatever arrives within `wait`; notes when the peer has closed (EOF or reset).
  void Poll(milliseconds wait) {
    const auto deadline = SteadyClock::now() + wait;
    while (!closed_) {
      const auto left =
          std::chrono::duration_cast<milliseconds>(deadline - SteadyClock::now()).count();
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(std::max<int64_t>(left, 0))) <= 0) return;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) {
        closed_ = true;
        return;
      }
      received_.append(buf, static_cast<size_t>(n));
    }
  }

  // Waits until the peer closes; false if it is still open after `max`.
  bool WaitClosed(milliseconds max) {
    const auto deadline = SteadyClock::now() + max;
    while (!closed_ && SteadyClock::now() < deadline) Poll(milliseconds(50));
    return closed_;
  }

  // Waits until `needle` has been received; false after `max`.
  bool WaitFor(std::string_view needle, milliseconds max) {
    const auto deadline = SteadyClock::now() + max;
    while (received_.find(needle) == std::string::npos && !closed_ &&
           SteadyClock::now() < deadline) {
      Poll(milliseconds(20));
    }
    return received_.find(needle) != std::string::npos;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
  std::string received_;
};

asio::awaitable<Response> Hello(RequestContext& ctx) {
  boost::json::value principal = nullptr;
  if (ctx.principal) principal = ctx.principal->username;
  co_return http::JsonResponse(
      bhttp::status::ok,
      boost::json::object{{"hello", "world"}, {"principal", principal}, {"id", ctx.request_id}},
      ctx.request);
}

asio::awaitable<Response> AdminOnly(RequestContext& ctx) {
  co_return http::JsonResponse(bhttp::status::ok,
                               boost::json::object{{"user", ctx.principal->username}}, ctx.request);
}

asio::awaitable<Response> Echo(RequestContext& ctx) {
  auto body = http::ParseJsonObject(ctx.request);
  if (!body.ok()) co_return http::ErrorResponse(body.status(), ctx.request);
  co_return http::JsonResponse(bhttp::status::ok, *body, ctx.request);
}

asio::awaitable<Response> Throws(RequestContext&) {
  throw std::runtime_error("boom");
  co_return Response{};
}

asio::awaitable<Response> Slow(RequestContext& ctx) {
  asio::steady_timer timer(co_await asio::this_coro::executor, milliseconds(300));
  co_await timer.async_wait(asio::use_awaitable);
  co_return http::JsonResponse(bhttp::status::ok, boost::json::object{{"slow", true}}, ctx.request);
}

asio::awaitable<Response> Item(RequestContext& ctx) {
  co_return http::JsonResponse(
      bhttp::status::ok,
      boost::json::object{{"id", ctx.path_params.at("id")}, {"route", ctx.route_pattern}},
      ctx.request);
}

http::ServerOptions FastOptions() {
  http::ServerOptions o;
  o.address = "127.0.0.1";
  o.port = 0;
  o.threads = 2;
  return o;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() /
            ("vaxreg_http_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    fs::create_directories(base_ / "web" / "static");
    std::ofstream(base_ / "web" / "index.html") << "<!doctype html><title>vaxreg</title>";
    std::ofstream(base_ / "web" / "static" / "app.js") << "console.log('vaxreg')";
  }

  void StartServer(http::ServerOptions options = FastOptions(), bool with_static = true) {
    using auth::AccessRule;
    using auth::Role;
    router_.Add({bhttp::verb::get, "/hello", AccessRule::Public(), Hello});
    router_.Add({bhttp::verb::get, "/admin-only", AccessRule::Roles({Role::kAdmin}), AdminOnly});
    router_.Add({bhttp::verb::post, "/echo", AccessRule::Public(), Echo, 1024});
    router_.Add({bhttp::verb::get, "/throw", AccessRule::Public(), Throws});
    router_.Add({bhttp::verb::get, "/slow", AccessRule::Public(), Slow});
    router_.Add({bhttp::verb::get, "/items/{id}", AccessRule::Public(), Item});
    if (with_static) router_.Add(http::StaticFilesRoute(base_ / "web"));
    auto server = http::Server::Start(ioc_, options, router_, auth_, metrics_);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { ioc_.run(); });
    client_ = std::make_unique<TestHttpClient>(server_->port());
  }

  void TearDown() override {
    client_.reset();
    if (server_) {
      server_->StopAccepting();
      EXPECT_TRUE(server_->WaitIdle(milliseconds(5000)));
    }
    work_.reset();
    ioc_.stop();
    for (auto& t : threads_) t.join();
    server_.reset();
    std::error_code ec;
    fs::remove_all(base_, ec);
  }

  static std::string ErrorCode(const TestResponse& r) {
    return std::string(r.Json().at("error").at("code").as_string());
  }
  static std::string ErrorMessage(const TestResponse& r) {
    return std::string(r.Json().at("error").at("message").as_string());
  }

  fs::path base_;
  MetricsRegistry metrics_;
  http::Router router_;
  TestAuthenticator auth_;
  // Declared after everything the server's coroutines reference, so it is destroyed first.
  asio::io_context ioc_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(ioc_);
  std::unique_ptr<http::Server> server_;
  std::vector<std::thread> threads_;
  std::unique_ptr<TestHttpClient> client_;
};

bool IsHex16(const std::string& s) {
  return s.size() == 16 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST_F(HttpServerTest, PublicRouteAnswersWithStandardHeaders) {
  StartServer();
  auto r = client_->Get("/hello?secret=hunter2");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json().at("hello"), "world");
  EXPECT_TRUE(r.Json().at("principal").is_null());
  EXPECT_EQ(r.headers["Server"], "vaxreg");
  EXPECT_EQ(r.headers["Content-Type"], "application/json; charset=utf-8");
  EXPECT_TRUE(IsHex16(r.headers["X-Request-Id"])) << r.headers["X-Request-Id"];
  EXPECT_EQ(r.Json().at("id").as_string(), r.headers["X-Request-Id"]);
  EXPECT_FALSE(server_->tls());
  EXPECT_NE(server_->port(), 0);
}

TEST_F(HttpServerTest, ProtectedRouteChecksTokenAndRole) {
  StartServer();
  auto none = client_->Get("/admin-only");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(ErrorCode(none), "UNAUTHENTICATED");
  EXPECT_EQ(none.headers["WWW-Authenticate"], "Bearer");

  auto bad = client_->Get("/admin-only", "not-a-token");
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(ErrorCode(bad), "UNAUTHENTICATED");
  EXPECT_NE(bad.headers["WWW-Authenticate"].find("Bearer"), std::string::npos);

  auto basic = client_->Send(bhttp::verb::get, "/admin-only", "",
                             {{"Authorization", "Basic YWRtaW46YWRtaW4="}});
  EXPECT_EQ(basic.status, 401);

  auto citizen = client_->Get("/admin-only", "citizen-token");
  EXPECT_EQ(citizen.status, 403);
  EXPECT_EQ(ErrorCode(citizen), "PERMISSION_DENIED");

  auto admin = client_->Get("/admin-only", "admin-token");
  EXPECT_EQ(admin.status, 200) << admin.body;
  EXPECT_EQ(admin.Json().at("user"), "alice");

  auto lower =
      client_->Send(bhttp::verb::get, "/admin-only", "", {{"Authorization", "bearer admin-token"}});
  EXPECT_EQ(lower.status, 200);

  auto down = client_->Get("/admin-only", "down-token");
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(ErrorCode(down), "UNAVAILABLE");
}

TEST_F(HttpServerTest, PublicRouteSeesAValidTokenAndIgnoresABadOne) {
  StartServer();
  EXPECT_EQ(client_->Get("/hello", "admin-token").Json().at("principal"), "alice");
  auto bad = client_->Get("/hello", "not-a-token");
  EXPECT_EQ(bad.status, 200);
  EXPECT_TRUE(bad.Json().at("principal").is_null());
}

TEST_F(HttpServerTest, UnknownPathAndWrongMethodAreJson) {
  StartServer();
  auto missing = client_->Get("/missing.txt");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(ErrorCode(missing), "NOT_FOUND");

  auto method = client_->Delete("/hello");
  EXPECT_EQ(method.status, 405);
  EXPECT_EQ(method.headers["Allow"], "GET");
  EXPECT_EQ(ErrorCode(method), "INVALID_ARGUMENT");
  EXPECT_NE(ErrorMessage(method).find("DELETE"), std::string::npos);

  auto head = client_->Send(bhttp::verb::head, "/hello");
  EXPECT_EQ(head.status, 405);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(client_->Get("/hello").status, 200);  // the HEAD answer did not confuse the stream
}

TEST_F(HttpServerTest, UnknownRouteWithoutStaticFilesIs404) {
  StartServer(FastOptions(), /*with_static=*/false);
  auto r = client_->Get("/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(ErrorCode(r), "NOT_FOUND");
  EXPECT_EQ(client_->Post("/nope", "{}").status, 404);
}

TEST_F(HttpServerTest, OversizedBodyIs413AndTheServerStaysHealthy) {
  StartServer();
  auto big = client_->Post("/echo", "{\"x\":\"" + std::string(2000, 'a') + "\"}");
  EXPECT_EQ(big.status, 413) << big.body;
  EXPECT_EQ(ErrorCode(big), "RESOURCE_EXHAUSTED");
  EXPECT_NE(ErrorMessage(big).find("1024"), std::string::npos);
  EXPECT_EQ(big.headers["Connection"], "close");

  // A chunked body has no Content-Length: the limit applies while reading.
  RawConnection raw(server_->port());
  ASSERT_TRUE(raw.connected());
  const std::string chunk(600, 'a');
  raw.Send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
      "Content-Type: application/json\r\n\r\n");
  for (int i = 0; i < 3; ++i) raw.Send("258\r\n" + chunk + "\r\n");
  raw.Send("0\r\n\r\n");
  EXPECT_TRUE(raw.WaitFor("HTTP/1.1 413", milliseconds(5000))) << raw.received();

  EXPECT_EQ(client_->Get("/hello").status, 200);
  EXPECT_EQ(client_->Post("/echo", R"({"ok":true})").status, 200);
}

TEST_F(HttpServerTest, BadJsonIs400) {
  StartServer();
  auto malformed = client_->Post("/echo", "{\"a\": ");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(ErrorCode(malformed), "INVALID_ARGUMENT");
  EXPECT_NE(ErrorMessage(malformed).find("malformed JSON at offset"), std::string::npos);

  auto not_utf8 = client_->Post("/echo", "{\"a\":\"\xff\"}");
  EXPECT_EQ(not_utf8.status, 400);
  EXPECT_NE(ErrorMessage(not_utf8).find("UTF-8"), std::string::npos);

  auto array = client_->Post("/echo", "[1]");
  EXPECT_EQ(array.status, 400);

  auto ok = client_->Post("/echo", R"({"a":[1,2]})");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.Json().at("a").as_array().size(), 2u);
  EXPECT_EQ(client_->connections_opened(), 1);  // 400s from handlers keep the connection
}

TEST_F(HttpServerTest, SlowlorisHeaderIsCutOffAtHeaderTimeout) {
  http::ServerOptions o = FastOptions();
  o.header_timeout = milliseconds(300);
  StartServer(o);
  RawConnection raw(server_->port());
  ASSERT_TRUE(raw.connected());
  const auto start = SteadyClock::now();
  ASSERT_TRUE(raw.Send("GET /hello HTTP/1.1\r\nHost: x\r\n"));
  const std::string trickle = "X-Slow: " + std::string(100, 'a');
  for (size_t i = 0; i < trickle.size() && !raw.closed(); ++i) {
    if (!raw.Send(trickle.substr(i, 1))) break;
    raw.Poll(milliseconds(100));
  }
  raw.WaitClosed(milliseconds(100));
  const auto elapsed = SteadyClock::now() - start;
  EXPECT_TRUE(raw.closed()) << "still open after trickling for " << (elapsed / milliseconds(1))
                            << " ms";
  EXPECT_LT(elapsed, milliseconds(2000));
  EXPECT_EQ(raw.received().find("200 OK"), std::string::npos);
  EXPECT_EQ(client_->Get("/hello").status, 200);
}

TEST_F(HttpServerTest, SilentBodyIsCutOffAtBodyTimeout) {
  http::ServerOptions o = FastOptions();
  o.body_timeout = milliseconds(300);
  StartServer(o);
  RawConnection raw(server_->port());
  ASSERT_TRUE(raw.connected());
  const auto start = SteadyClock::now();
  ASSERT_TRUE(
      raw.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               "Content-Length: 100\r\n\r\n"));
  EXPECT_TRUE(raw.WaitClosed(milliseconds(3000)));
  EXPECT_LT(SteadyClock::now() - start, milliseconds(2000));
  EXPECT_EQ(client_->Get("/hello").status, 200);
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionIsClosedAtIdleTimeout) {
  http::ServerOptions o = FastOptions();
  o.idle_timeout = milliseconds(300);
  StartServer(o);
  RawConnection raw(server_->port());
  ASSERT_TRUE(raw.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(raw.WaitFor("\"hello\"", milliseconds(5000)));
  const auto start = SteadyClock::now();
  EXPECT_TRUE(raw.WaitClosed(milliseconds(3000)));
  EXPECT_LT(SteadyClock::now() - start, milliseconds(2000));
}

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  StartServer();
  for (int i = 0; i < 3; ++i) {
    auto r = client_->Get("/items/" + std::to_string(i));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.Json().at("id").as_string(), std::to_string(i));
    EXPECT_EQ(r.Json().at("route"), "/items/{id}");
    EXPECT_EQ(r.headers.count("Connection"), 0u) << r.headers["Connection"];
  }
  EXPECT_EQ(client_->connections_opened(), 1);
  EXPECT_EQ(server_->active_connections(), 1u);
}

TEST_F(HttpServerTest, ExpectContinueGetsA100BeforeTheBody) {
  StartServer();
  RawConnection raw(server_->port());
  const std::string body = R"({"a":1})";
  raw.Send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Expect: 100-continue\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n");
  ASSERT_TRUE(raw.WaitFor("HTTP/1.1 100 Continue\r\n\r\n", milliseconds(5000))) << raw.received();
  raw.Send(body);
  EXPECT_TRUE(raw.WaitFor("HTTP/1.1 200 OK", milliseconds(5000))) << raw.received();
}

TEST_F(HttpServerTest, RequestIdIsEchoedOrGenerated) {
  StartServer();
  auto echoed = client_->Send(bhttp::verb::get, "/hello", "", {{"X-Request-Id", "abc-123.X_y"}});
  EXPECT_EQ(echoed.headers["X-Request-Id"], "abc-123.X_y");
  auto invalid = client_->Send(bhttp::verb::get, "/hello", "", {{"X-Request-Id", "bad id!"}});
  EXPECT_TRUE(IsHex16(invalid.headers["X-Request-Id"])) << invalid.headers["X-Request-Id"];
  auto too_long =
      client_->Send(bhttp::verb::get, "/hello", "", {{"X-Request-Id", std::string(65, 'a')}});
  EXPECT_TRUE(IsHex16(too_long.headers["X-Request-Id"]));
  auto a = client_->Get("/hello");
  auto b = client_->Get("/hello");
  EXPECT_NE(a.headers["X-Request-Id"], b.headers["X-Request-Id"]);
  // Error answers carry it too.
  auto error = client_->Send(bhttp::verb::get, "/admin-only", "", {{"X-Request-Id", "req-401"}});
  EXPECT_EQ(error.status, 401);
  EXPECT_EQ(error.headers["X-Request-Id"], "req-401");
  EXPECT_EQ(error.headers["Server"], "vaxreg");
}

TEST_F(HttpServerTest, ThrowingHandlerGets500AndTheServerKeepsServing) {
  StartServer();
  auto r = client_->Send(bhttp::verb::get, "/throw", "", {{"X-Request-Id", "req-500"}});
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(ErrorCode(r), "INTERNAL");
  EXPECT_EQ(ErrorMessage(r), "internal error (request id req-500)");
  EXPECT_EQ(r.body.find("boom\""), std::string::npos);  // the exception text stays in the log
  EXPECT_EQ(client_->Get("/hello").status, 200);
  EXPECT_EQ(client_->Get("/throw").status, 500);
  EXPECT_EQ(client_->Get("/hello").status, 200);
}

TEST_F(HttpServerTest, PathTraversalIsRejectedBeforeRouting) {
  StartServer();
  for (const char* target : {"/../etc/passwd", "/%2e%2e/etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                             "/static/..%2f..%2fetc/passwd", "/static/%2E%2E/%2E%2E/etc/passwd",
                             "/./index.html", "//etc/passwd", "/static/x%00.js"}) {
    auto r = client_->Get(target);
    EXPECT_EQ(r.status, 400) << target << ": " << r.body;
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << target;
    EXPECT_EQ(ErrorCode(r), "INVALID_ARGUMENT") << target;
  }
  // A symlink inside the web root that points outside it.
  fs::create_directory_symlink("/etc", base_ / "web" / "etc-link");
  auto link = client_->Get("/etc-link/passwd");
  EXPECT_EQ(link.status, 400);
  EXPECT_EQ(link.body.find("root:"), std::string::npos);
  // Absolute-form and asterisk targets are not origin-form.
  RawConnection raw(server_->port());
  raw.Send("GET http://example.com/index.html HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(raw.WaitFor("HTTP/1.1 400", milliseconds(5000))) << raw.received();
}

TEST_F(HttpServerTest, StaticFilesAreServed) {
  StartServer();
  auto index = client_->Get("/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.body, "<!doctype html><title>vaxreg</title>");
  EXPECT_EQ(index.headers["Content-Type"], "text/html; charset=utf-8");
  auto js = client_->Get("/static/app.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, "console.log('vaxreg')");
  EXPECT_EQ(js.headers["Content-Type"], "text/javascript; charset=utf-8");
  EXPECT_EQ(client_->Get("/hello").Json().at("hello"), "world");  // literal beats the catch-all
}

TEST_F(HttpServerTest, PortalBuildOutputIsServedWithCachingCompressionAndPolicy) {
  fs::create_directories(base_ / "web" / "assets");
  std::ofstream(base_ / "web" / "assets" / "app-3F2A.js") << "plain";
  std::ofstream(base_ / "web" / "assets" / "app-3F2A.js.gz") << "gzip-bytes";
  std::ofstream(base_ / "web" / "assets" / "app-3F2A.js.br") << "brotli-bytes";
  StartServer();

  // Hashed assets: cached for a year; the best precompressed variant the client accepts.
  auto br = client_->Send(bhttp::verb::get, "/assets/app-3F2A.js", "", {{"Accept-Encoding", "gzip, br"}});
  EXPECT_EQ(br.status, 200);
  EXPECT_EQ(br.body, "brotli-bytes");
  EXPECT_EQ(br.headers["Content-Encoding"], "br");
  EXPECT_EQ(br.headers["Vary"], "Accept-Encoding");
  EXPECT_EQ(br.headers["Cache-Control"], "public, max-age=31536000, immutable");
  auto gz = client_->Send(bhttp::verb::get, "/assets/app-3F2A.js", "",
                             {{"Accept-Encoding", "br;q=0, gzip;q=0.5"}});
  EXPECT_EQ(gz.body, "gzip-bytes");
  EXPECT_EQ(gz.headers["Content-Encoding"], "gzip");
  auto plain = client_->Get("/assets/app-3F2A.js");
  EXPECT_EQ(plain.body, "plain");
  EXPECT_EQ(plain.headers.count("Content-Encoding"), 0u);

  // The page: revalidated every time (ETag, 304), with a strict Content-Security-Policy.
  auto index = client_->Get("/");
  EXPECT_EQ(index.headers["Cache-Control"], "no-cache");
  EXPECT_EQ(index.headers["Content-Security-Policy"], http::kPortalContentSecurityPolicy);
  EXPECT_EQ(index.headers["X-Content-Type-Options"], "nosniff");
  EXPECT_NE(index.headers["Content-Security-Policy"].find("script-src 'self';"), std::string::npos);
  ASSERT_FALSE(index.headers["ETag"].empty());
  auto again = client_->Send(bhttp::verb::get, "/", "", {{"If-None-Match", index.headers["ETag"]}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());

  // Client-side routes get the page; server namespaces and missing files stay 404.
  auto page = client_->Get("/me/bookings");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body, "<!doctype html><title>vaxreg</title>");
  EXPECT_EQ(client_->Get("/api/v1/nothing-here").status, 404);
  EXPECT_EQ(client_->Get("/assets/missing").status, 404);
  EXPECT_EQ(client_->Get("/missing.js").status, 404);
  EXPECT_EQ(client_->Get("/.well-known/jwks").status, 404);
}

TEST_F(HttpServerTest, LargeJsonAnswersAreGzippedForClientsThatAcceptIt) {
  StartServer();
  const std::string id(3000, 'a');
  auto gz = client_->Send(bhttp::verb::get, "/items/" + id, "", {{"Accept-Encoding", "gzip"}});
  ASSERT_EQ(gz.status, 200);
  EXPECT_EQ(gz.headers["Content-Encoding"], "gzip");
  EXPECT_EQ(gz.headers["Vary"], "Accept-Encoding");
  EXPECT_LT(gz.body.size(), id.size() / 4);
  auto body = http::GzipDecompress(gz.body, 1 << 20);
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_EQ(boost::json::parse(*body).at("id").as_string(), id);

  // A client that does not accept gzip gets the same JSON as it is; caches still learn the
  // answer depends on Accept-Encoding.
  auto plain = client_->Get("/items/" + id);
  EXPECT_EQ(plain.headers.count("Content-Encoding"), 0u);
  EXPECT_EQ(plain.headers["Vary"], "Accept-Encoding");
  EXPECT_EQ(plain.Json().at("id").as_string(), id);
  EXPECT_EQ(plain.body, *body);

  // A small answer fits one packet: sent as it is.
  auto small = client_->Send(bhttp::verb::get, "/hello", "", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(small.headers.count("Content-Encoding"), 0u);
  EXPECT_EQ(small.Json().at("hello"), "world");
}

TEST_F(HttpServerTest, MetricsRecordRoutePatterns) {
  StartServer();
  client_->Get("/hello");
  client_->Get("/items/1");
  client_->Get("/items/2");
  client_->Delete("/hello");
  // A request is recorded once its response is written, just after the client has it.
  const Labels last = {{"route", "unmatched"}, {"method", "DELETE"}, {"status", "405"}};
  for (int i = 0; i < 200 && !metrics_.ValueForTest("vaxreg_http_requests_total", last); ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  const std::string out = metrics_.RenderPrometheus();
  EXPECT_NE(
      out.find("vaxreg_http_requests_total{method=\"GET\",route=\"/hello\",status=\"200\"} 1"),
      std::string::npos)
      << out;
  EXPECT_NE(
      out.find("vaxreg_http_requests_total{method=\"GET\",route=\"/items/{id}\",status=\"200\"} 2"),
      std::string::npos)
      << out;
  EXPECT_NE(
      out.find(
          "vaxreg_http_requests_total{method=\"DELETE\",route=\"unmatched\",status=\"405\"} 1"),
      std::string::npos)
      << out;
  EXPECT_NE(out.find("vaxreg_http_request_duration_seconds_bucket{method=\"GET\",route=\"/hello\","
                     "status=\"200\",le=\"+Inf\"} 1"),
            std::string::npos)
      << out;
  EXPECT_NE(
      out.find("# TYPE vaxreg_http_connections_active gauge\nvaxreg_http_connections_active 1"),
      std::string::npos)
      << out;
}

TEST_F(HttpServerTest, StopAcceptingLetsInFlightRequestsFinish) {
  StartServer();
  // An idle keep-alive connection, opened before shutdown.
  RawConnection idle(server_->port());
  idle.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(idle.WaitFor("\"hello\"", milliseconds(5000)));

  TestResponse slow;
  std::thread in_flight([&] {
    TestHttpClient c(server_->port());
    slow = c.Get("/slow");
  });
  std::this_thread::sleep_for(milliseconds(100));  // the slow handler is now waiting on its timer
  server_->StopAccepting();

  TestHttpClient late(server_->port());
  EXPECT_EQ(late.Get("/hello").status, 0) << "a new connection was served after StopAccepting";
  EXPECT_TRUE(idle.WaitClosed(milliseconds(2000)));

  EXPECT_TRUE(server_->WaitIdle(milliseconds(5000)));
  in_flight.join();
  EXPECT_EQ(slow.status, 200) << slow.body;
  EXPECT_EQ(slow.headers["Connection"], "close");
  EXPECT_TRUE(server_->WaitIdle(milliseconds(0)));
}

TEST_F(HttpServerTest, MalformedRequestIs400AndCloses) {
  StartServer();
  RawConnection raw(server_->port());
  raw.Send("THIS IS NOT HTTP\r\n\r\n");
  EXPECT_TRUE(raw.WaitClosed(milliseconds(5000)));
  EXPECT_EQ(raw.received().rfind("HTTP/1.1 400", 0), 0u) << raw.received();
  EXPECT_NE(raw.received().find("\"INVALID_ARGUMENT\""), std::string::npos);
  EXPECT_NE(raw.received().find("X-Request-Id: "), std::string::npos);
}

TEST_F(HttpServerTest, OversizedHeaderIs431) {
  http::ServerOptions o = FastOptions();
  o.max_header_bytes = 1024;
  StartServer(o);
  RawConnection raw(server_->port());
  raw.Send("GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n");
  EXPECT_TRUE(raw.WaitClosed(milliseconds(5000)));
  EXPECT_EQ(raw.received().rfind("HTTP/1.1 431", 0), 0u) << raw.received();
  EXPECT_EQ(client_->Get("/hello").status, 200);
}

TEST(HttpServerStartTest, RejectsBadTlsAndAddressOptions) {
  asio::io_context ioc;
  http::Router router;
  TestAuthenticator auth;
  MetricsRegistry metrics;
  http::ServerOptions half = FastOptions();
  half.tls_cert_file = "/nonexistent/cert.pem";
  auto r1 = http::Server::Start(ioc, half, router, auth, metrics);
  ASSERT_FALSE(r1.ok());
  EXPECT_EQ(r1.status().code(), StatusCode::kInvalidArgument);

  http::ServerOptions missing = half;
  missing.tls_key_file = "/nonexistent/key.pem";
  auto r2 = http::Server::Start(ioc, missing, router, auth, metrics);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r2.status().message().find("/nonexistent/cert.pem"), std::string::npos);

  http::ServerOptions bad_address = FastOptions();
  bad_address.address = "not an address";
  EXPECT_EQ(http::Server::Start(ioc, bad_address, router, auth, metrics).status().code(),
            StatusCode::kInvalidArgument);
}

// A self-signed P-256 certificate for "localhost", written as PEM files.
void WriteSelfSignedCertificate(const fs::path& cert_file, const fs::path& key_file) {
  EVP_PKEY_CTX* kctx = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nullptr);
  ASSERT_NE(kctx, nullptr);
  ASSERT_EQ(EVP_PKEY_keygen_init(kctx), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_ec_paramgen_curve_nid(kctx, NID_X9_62_prime256v1), 1);
  EVP_PKEY* key = nullptr;
  ASSERT_EQ(EVP_PKEY_keygen(kctx, &key), 1);
  EVP_PKEY_CTX_free(kctx);

  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  const unsigned char cn[] = "localhost";
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, cn, -1, -1, 0);
  X509_set_issuer_name(cert, name);
  ASSERT_GT(X509_sign(cert, key, EVP_sha256()), 0);

  FILE* f = std::fopen(cert_file.c_str(), "w");
  ASSERT_NE(f, nullptr);
  PEM_write_X509(f, cert);
  std::fclose(f);
  f = std::fopen(key_file.c_str(), "w");
  ASSERT_NE(f, nullptr);
  PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
  X509_free(cert);
  EVP_PKEY_free(key);
}

// Arguments are passed as lvalues: GCC 12 destroys a prvalue bound to a by-value coroutine
// parameter twice.
asio::awaitable<int> HttpsGet(uint16_t port, const std::string& target, std::string* body) {
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_verify_mode(asio::ssl::verify_none);
  boost::beast::ssl_stream<boost::beast::tcp_stream> stream(co_await asio::this_coro::executor,
                                                            ctx);
  boost::beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
  co_await boost::beast::get_lowest_layer(stream).async_connect(
      asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), asio::use_awaitable);
  co_await stream.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
  bhttp::request<bhttp::string_body> req{bhttp::verb::get, target, 11};
  req.set(bhttp::field::host, "localhost");
  co_await bhttp::async_write(stream, req, asio::use_awaitable);
  boost::beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  co_await bhttp::async_read(stream, buffer, res, asio::use_awaitable);
  *body = res.body();
  co_return res.result_int();
}

TEST_F(HttpServerTest, ServesHttps) {
  const fs::path cert = base_ / "cert.pem";
  const fs::path key = base_ / "key.pem";
  WriteSelfSignedCertificate(cert, key);
  http::ServerOptions o = FastOptions();
  o.tls_cert_file = cert.string();
  o.tls_key_file = key.string();
  StartServer(o);
  EXPECT_TRUE(server_->tls());

  asio::io_context client_ioc;
  const std::string target = "/hello";
  std::string body;
  auto status =
      asio::co_spawn(client_ioc, HttpsGet(server_->port(), target, &body), asio::use_future);
  client_ioc.run_for(std::chrono::seconds(15));
  ASSERT_EQ(status.wait_for(std::chrono::seconds(0)), std::future_status::ready);
  EXPECT_EQ(status.get(), 200);
  EXPECT_NE(body.find("\"hello\":\"world\""), std::string::npos) << body;

  // Plain HTTP to the TLS port gets no HTTP answer.
  EXPECT_EQ(client_->Get("/hello").status, 0);
}

// RFC 9112 section 6.3: a Transfer-Encoding other than a single "chunked" makes the body length
// unknowable; the server answers 400 and closes, and never reads the bytes after the header as
// a second request.
TEST_F(HttpServerTest, UnsupportedTransferEncodingIsRefusedAndTheConnectionClosed) {
  StartServer();
  for (const char* coding : {"xchunked", "chunked, identity", "identity", "gzip, chunked",
                             "chunked, chunked", "chunked\r\nTransfer-Encoding: gzip"}) {
    RawConnection c(server_->port());
    ASSERT_TRUE(c.connected());
    ASSERT_TRUE(c.Send(std::string("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ") +
                       coding +
                       "\r\n\r\n5\r\n{\"a\":\r\n0\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_TRUE(c.WaitClosed(milliseconds(5000))) << coding;
    EXPECT_TRUE(c.received().starts_with("HTTP/1.1 400")) << coding << ": " << c.received();
    EXPECT_EQ(c.received().find("world"), std::string::npos)
        << coding << ": the smuggled request was served: " << c.received();
  }
  // A single chunked coding, in any letter case, is a normal request.
  RawConnection ok(server_->port());
  ASSERT_TRUE(
      ok.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              "Transfer-Encoding: Chunked\r\n\r\n8\r\n{\"a\": 1}\r\n0\r\n\r\n"));
  EXPECT_TRUE(ok.WaitFor("\"a\":1", milliseconds(5000))) << ok.received();
  EXPECT_TRUE(ok.received().starts_with("HTTP/1.1 200")) << ok.received();
}

// Sends one GET from `source` on a new connection and returns what came back before the close
// (or within 10 s).
std::string RawGet(uint16_t port, const char* source, const std::string& path) {
  RawConnection c(port, source);
  if (!c.connected()) return "not connected";
  c.Send("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  c.WaitClosed(milliseconds(10000));
  return c.received();
}

asio::awaitable<Response> Healthz(RequestContext& ctx) {
  co_return http::JsonResponse(bhttp::status::ok, boost::json::object{{"status", "ok"}},
                               ctx.request);
}

// Thousands of idle keep-alive connections from one address take neither the file descriptors
// nor the health probe: beyond the caps a connection gets one request, answered only for a
// probe path and with 503 + Retry-After otherwise.
TEST_F(HttpServerTest, ConnectionCapsKeepHealthAnsweringUnderAFlood) {
  http::ServerOptions o = FastOptions();
  o.max_connections = 150;
  o.max_connections_per_address = 100;
  router_.Add({bhttp::verb::get, "/healthz", auth::AccessRule::Public(), Healthz});
  StartServer(o, false);
  const uint16_t port = server_->port();

  constexpr int kFlood = 1500;
  std::vector<std::unique_ptr<RawConnection>> flood;
  for (int i = 0; i < kFlood; ++i) {
    flood.push_back(std::make_unique<RawConnection>(port, "127.0.0.1"));
    ASSERT_TRUE(flood.back()->connected()) << i;
  }
  // Every flood connection has been accepted and placed once the server holds steady.
  for (int i = 0; i < 100 && server_->active_connections() < 100; ++i) {
    std::this_thread::sleep_for(milliseconds(50));
  }
  EXPECT_LE(server_->active_connections(), 150 + 2 * http::kMaxOverflowConnections);

  // The flooding address: the probe answers, anything else is refused politely.
  const std::string health = RawGet(port, "127.0.0.1", "/healthz");
  EXPECT_TRUE(health.starts_with("HTTP/1.1 200")) << health;
  const std::string refused = RawGet(port, "127.0.0.1", "/hello");
  EXPECT_TRUE(refused.starts_with("HTTP/1.1 503")) << refused;
  EXPECT_NE(refused.find("Retry-After: 1"), std::string::npos) << refused;
  EXPECT_NE(refused.find("UNAVAILABLE"), std::string::npos) << refused;

  // Another address is served normally until the global cap is reached.
  const std::string other = RawGet(port, "127.0.0.2", "/hello");
  EXPECT_TRUE(other.starts_with("HTTP/1.1 200")) << other;
  std::vector<std::unique_ptr<RawConnection>> second;
  for (int i = 0; i < 60; ++i) {
    second.push_back(std::make_unique<RawConnection>(port, "127.0.0.3"));
    ASSERT_TRUE(second.back()->connected());
  }
  for (int i = 0; i < 100 && server_->active_connections() < 150; ++i) {
    std::this_thread::sleep_for(milliseconds(50));
  }
  const std::string at_cap = RawGet(port, "127.0.0.4", "/hello");
  EXPECT_TRUE(at_cap.starts_with("HTTP/1.1 503")) << at_cap;
  const std::string probe_at_cap = RawGet(port, "127.0.0.4", "/healthz");
  EXPECT_TRUE(probe_at_cap.starts_with("HTTP/1.1 200")) << probe_at_cap;
  EXPECT_LE(server_->active_connections(), 150 + 2 * http::kMaxOverflowConnections);
  EXPECT_NE(metrics_.RenderPrometheus().find("vaxreg_http_connections_over_cap_total"),
            std::string::npos);

  // Once the flood ends, the caps are free again.
  flood.clear();
  second.clear();
  std::string after;
  for (int i = 0; i < 50; ++i) {
    after = RawGet(port, "127.0.0.1", "/hello");
    if (after.starts_with("HTTP/1.1 200")) break;
    std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_TRUE(after.starts_with("HTTP/1.1 200")) << after;
}

}  // namespace
}  // namespace vaxreg::testing
