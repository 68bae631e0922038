#include "support/test_gateway.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <condition_variable>
#include <cstdio>
#include <thread>

namespace vaxreg::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

// A self-signed P-256 certificate for the DNS name "localhost" (subjectAltName), as PEM files.
void WriteLocalhostCertificate(const std::filesystem::path& cert_file,
                               const std::filesystem::path& key_file) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  ASSERT_NE(key, nullptr);
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  const unsigned char cn[] = "vaxreg test gateway";
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, cn, -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_subject_alt_name, "DNS:localhost"},
                            std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    ASSERT_NE(ext, nullptr);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
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

}  // namespace

struct TestGateway::Impl {
  bool tls = true;
  std::filesystem::path dir;
  std::unique_ptr<asio::ssl::context> ssl;  // outlives the sessions the context destroys
  asio::io_context ioc{2};
  tcp::acceptor acceptor{ioc};
  uint16_t port = 0;
  std::vector<std::thread> threads;

  mutable std::mutex mu;
  mutable std::condition_variable cv;
  std::deque<int> script;
  int default_status = 200;
  std::chrono::milliseconds delay{0};
  std::vector<GatewayRequest> requests;

  int NextStatus() {
    std::lock_guard lock(mu);
    if (script.empty()) return default_status;
    const int s = script.front();
    script.pop_front();
    return s;
  }

  template <class Stream>
  asio::awaitable<void> Serve(Stream& stream) {
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
    auto [rec, n] = co_await http::async_read(stream, buffer, req, kUseTuple);
    (void)n;
    if (rec) co_return;
    GatewayRequest got;
    got.method = std::string(req.method_string());
    got.target = std::string(req.target());
    for (const auto& field : req) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      got.headers[name] = std::string(field.value());
    }
    got.body = req.body();
    std::chrono::milliseconds wait;
    {
      std::lock_guard lock(mu);
      requests.push_back(std::move(got));
      wait = delay;
    }
    cv.notify_all();
    const int status = NextStatus();
    if (wait.count() > 0) {
      asio::steady_timer timer(co_await asio::this_coro::executor, wait);
      co_await timer.async_wait(kUseTuple);
    }
    http::response<http::string_body> res{static_cast<http::status>(status), 11};
    res.set(http::field::content_type, "application/json");
    res.body() = status < 300 ? R"({"accepted":true})" : R"({"error":"scripted"})";
    res.keep_alive(false);
    res.prepare_payload();
    co_await http::async_write(stream, res, kUseTuple);
  }

  asio::awaitable<void> Session(tcp::socket socket) {
    if (!tls) {
      beast::tcp_stream stream(std::move(socket));
      stream.expires_after(std::chrono::seconds(30));
      co_await Serve(stream);
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
      co_return;
    }
    beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *ssl);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
    auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kUseTuple);
    if (hec) co_return;  // a client that refused the certificate
    co_await Serve(stream);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(1));
    co_await stream.async_shutdown(kUseTuple);
  }

  asio::awaitable<void> Accept() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(kUseTuple);
      if (ec) co_return;
      asio::co_spawn(ioc, Session(std::move(socket)), asio::detached);
    }
  }
};

TestGateway::TestGateway(bool tls) : impl_(std::make_unique<Impl>()) {
  Impl& g = *impl_;
  g.tls = tls;
  g.dir = std::filesystem::temp_directory_path() /
          ("vaxreg_gateway_" + std::to_string(::getpid()) + "_" +
           std::to_string(reinterpret_cast<uintptr_t>(this)));
  std::filesystem::create_directories(g.dir);
  if (tls) {
    WriteLocalhostCertificate(g.dir / "cert.pem", g.dir / "key.pem");
    g.ssl = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    g.ssl->use_certificate_chain_file((g.dir / "cert.pem").string());
    g.ssl->use_private_key_file((g.dir / "key.pem").string(), asio::ssl::context::pem);
  }
  const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  g.acceptor.open(ep.protocol());
  g.acceptor.set_option(tcp::acceptor::reuse_address(true));
  g.acceptor.bind(ep);
  g.acceptor.listen();
  g.port = g.acceptor.local_endpoint().port();
  asio::co_spawn(g.ioc, g.Accept(), asio::detached);
  for (int i = 0; i < 2; ++i) g.threads.emplace_back([&g] { g.ioc.run(); });
}

TestGateway::~TestGateway() {
  Impl& g = *impl_;
  g.ioc.stop();
  for (auto& t : g.threads) t.join();
  beast::error_code ignored;
  g.acceptor.close(ignored);
  std::error_code ec;
  std::filesystem::remove_all(g.dir, ec);
}

uint16_t TestGateway::port() const { return impl_->port; }

std::string TestGateway::url() const {
  return std::string(impl_->tls ? "https" : "http") + "://localhost:" + std::to_string(port()) +
         "/v1/messages";
}

std::string TestGateway::ca_file() const {
  return impl_->tls ? (impl_->dir / "cert.pem").string() : "";
}

void TestGateway::Script(std::vector<int> statuses) {
  std::lock_guard lock(impl_->mu);
  impl_->script.assign(statuses.begin(), statuses.end());
}

void TestGateway::SetDefaultStatus(int status) {
  std::lock_guard lock(impl_->mu);
  impl_->default_status = status;
}

void TestGateway::SetDelay(std::chrono::milliseconds delay) {
  std::lock_guard lock(impl_->mu);
  impl_->delay = delay;
}

std::vector<GatewayRequest> TestGateway::requests() const {
  std::lock_guard lock(impl_->mu);
  return impl_->requests;
}

size_t TestGateway::request_count() const {
  std::lock_guard lock(impl_->mu);
  return impl_->requests.size();
}

bool TestGateway::WaitForRequests(size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mu);
  return impl_->cv.wait_for(lock, timeout, [&] { return impl_->requests.size() >= n; });
}

}  // namespace vaxreg::testing
