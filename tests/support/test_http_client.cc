// GCC 12 at -O2 reports -Wnull-dereference false positives inside Asio's inlined executor code
// (io_context.hpp, scheduler.ipp). Diagnostic pragmas apply by source location, so ignoring the
// warning around the first inclusion of those headers silences only them.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include "support/test_http_client.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <chrono>
#include <optional>
#pragma GCC diagnostic pop

namespace vaxreg::testing {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {
constexpr auto kTimeout = std::chrono::seconds(10);
}  // namespace

boost::json::value TestResponse::Json() const {
  boost::json::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (ec) {
    ADD_FAILURE() << "response body is not JSON (" << ec.message() << "), status " << status << ": "
                  << body;
    return nullptr;
  }
  return v;
}

struct TestHttpClient::Impl {
  uint16_t port;
  asio::io_context ioc;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  int connections = 0;

  // Runs one asynchronous operation to completion on the private io_context; the stream's
  // timeout turns a stuck operation into beast::error::timeout.
  template <class Start>
  beast::error_code Run(Start start) {
    beast::error_code result;
    stream->expires_after(kTimeout);
    start([&result](beast::error_code ec, std::size_t) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }

  beast::error_code Connect() {
    stream.reset();
    buffer.clear();
    stream.emplace(ioc);
    ++connections;
    beast::error_code result;
    stream->expires_after(kTimeout);
    stream->async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                          [&result](beast::error_code ec) { result = ec; });
    ioc.restart();
    ioc.run();
    if (result) stream.reset();
    return result;
  }
};

TestHttpClient::TestHttpClient(uint16_t port) : impl_(std::make_unique<Impl>()) {
  impl_->port = port;
}

TestHttpClient::~TestHttpClient() { Close(); }

int TestHttpClient::connections_opened() const { return impl_->connections; }

void TestHttpClient::Close() {
  if (impl_->stream) {
    beast::error_code ignored;
    impl_->stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
    impl_->stream.reset();
  }
}

TestResponse TestHttpClient::Send(bhttp::verb method, std::string target, std::string body,
                                  std::vector<std::pair<std::string, std::string>> headers) {
  bhttp::request<bhttp::string_body> req{method, target, 11};
  req.set(bhttp::field::host, "127.0.0.1:" + std::to_string(impl_->port));
  req.set(bhttp::field::user_agent, "vaxreg-test-client");
  for (const auto& [name, value] : headers) req.set(name, value);
  req.body() = std::move(body);
  req.prepare_payload();

  for (int attempt = 0;; ++attempt) {
    const bool reused = impl_->stream.has_value();
    if (!reused) {
      if (beast::error_code ec = impl_->Connect()) {
        return TestResponse{0, "connect failed: " + ec.message(), {}};
      }
    }
    Impl& d = *impl_;
    beast::error_code write_ec =
        d.Run([&](auto handler) { bhttp::async_write(*d.stream, req, std::move(handler)); });
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 << 20);
    if (method == bhttp::verb::head) parser.skip(true);
    // Read even after a failed write: the server may have answered early (413) and closed.
    beast::error_code read_ec = d.Run(
        [&](auto handler) { bhttp::async_read(*d.stream, d.buffer, parser, std::move(handler)); });
    if (read_ec) {
      Close();
      if (reused && attempt == 0 && !parser.got_some()) continue;  // stale keep-alive connection
      return TestResponse{0,
                          "no response: " + read_ec.message() +
                              (write_ec ? " (write: " + write_ec.message() + ")" : ""),
                          {}};
    }
    bhttp::response<bhttp::string_body> res = parser.release();
    TestResponse out;
    out.status = res.result_int();
    for (const auto& field : res) {
      std::string name(field.name_string());
      auto [it, inserted] = out.headers.emplace(name, std::string(field.value()));
      if (!inserted) it->second += ", " + std::string(field.value());
    }
    out.body = std::move(res.body());
    if (!res.keep_alive()) Close();
    return out;
  }
}

TestResponse TestHttpClient::Get(std::string target, std::string bearer) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!bearer.empty()) headers.emplace_back("Authorization", "Bearer " + bearer);
  return Send(bhttp::verb::get, std::move(target), "", std::move(headers));
}

TestResponse TestHttpClient::Post(std::string target, std::string json_body, std::string bearer) {
  std::vector<std::pair<std::string, std::string>> headers = {{"Content-Type", "application/json"}};
  if (!bearer.empty()) headers.emplace_back("Authorization", "Bearer " + bearer);
  return Send(bhttp::verb::post, std::move(target), std::move(json_body), std::move(headers));
}

TestResponse TestHttpClient::Delete(std::string target, std::string bearer) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!bearer.empty()) headers.emplace_back("Authorization", "Bearer " + bearer);
  return Send(bhttp::verb::delete_, std::move(target), "", std::move(headers));
}

}  // namespace vaxreg::testing
