#pragma once
// A small synchronous HTTP/1.1 client for integration tests. It keeps one keep-alive connection
// to 127.0.0.1:port and reconnects when the server closed it. Every request is bounded by a 10 s
// timeout, so a misbehaving server fails a test instead of hanging it. Not thread-safe: use one
// client per thread.

#include <boost/beast/http/verb.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace vaxreg::testing {

struct TestResponse {
  // The HTTP status, or 0 when no response arrived (connection refused, reset, timed out); then
  // `body` says what went wrong.
  int status = 0;
  std::string body;
  // Header names as the server spelled them ("X-Request-Id", "Content-Type"); repeated headers
  // are joined with ", ".
  std::map<std::string, std::string> headers;

  // The body parsed as JSON. A body that is not JSON fails the current test and gives null.
  boost::json::value Json() const;
};

class TestHttpClient {
 public:
  explicit TestHttpClient(uint16_t port);
  ~TestHttpClient();
  TestHttpClient(const TestHttpClient&) = delete;
  TestHttpClient& operator=(const TestHttpClient&) = delete;

  // Sends `target` as is (no normalisation or escaping), with Host and Content-Length set and
  // `headers` added. A failure on a reused connection before any response byte is retried once
  // on a new connection.
  TestResponse Send(boost::beast::http::verb method, std::string target, std::string body = "",
                    std::vector<std::pair<std::string, std::string>> headers = {});
  // `bearer` non-empty adds "Authorization: Bearer <bearer>".
  TestResponse Get(std::string target, std::string bearer = "");
  // Content-Type: application/json.
  TestResponse Post(std::string target, std::string json_body, std::string bearer = "");
  TestResponse Delete(std::string target, std::string bearer = "");

  // Connections opened so far (keep-alive tests).
  int connections_opened() const;
  void Close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vaxreg::testing
