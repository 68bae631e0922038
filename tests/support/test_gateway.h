#pragma once
// A stand-in SMS / e-mail gateway for tests: a real HTTP(S) server on 127.0.0.1 (port 0) that
// records every request and answers with scripted statuses. Its TLS certificate is a fresh
// self-signed P-256 certificate for the DNS name "localhost" only (no IP address), made with
// OpenSSL when the gateway starts; ca_file() is that certificate, to trust it. Thread-safe.

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace vaxreg::testing {

struct GatewayRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

class TestGateway {
 public:
  // `tls` false: plain HTTP.
  explicit TestGateway(bool tls = true);
  ~TestGateway();
  TestGateway(const TestGateway&) = delete;
  TestGateway& operator=(const TestGateway&) = delete;

  uint16_t port() const;
  // https://localhost:PORT/v1/messages (or http://...).
  std::string url() const;
  // The PEM certificate the server presents (empty for plain HTTP).
  std::string ca_file() const;

  // The statuses of the next answers, in order; afterwards every answer is `default_status`.
  void Script(std::vector<int> statuses);
  void SetDefaultStatus(int status);
  // Each answer waits this long first (to test client timeouts).
  void SetDelay(std::chrono::milliseconds delay);

  std::vector<GatewayRequest> requests() const;
  size_t request_count() const;
  // Waits until at least `n` requests arrived; false after `timeout`.
  bool WaitForRequests(size_t n, std::chrono::milliseconds timeout) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vaxreg::testing
