#pragma once
// The HTTP/1.1 server: Beast over Asio C++20 coroutines, optionally TLS.
//
// One coroutine per connection, on its own strand. Per request: wait for the first byte
// (idle_timeout between keep-alive requests, header_timeout before the first), read the header
// within header_timeout (an absolute deadline: trickling bytes does not extend it), validate the
// target (DecodeTargetPath), route, authenticate and authorise, read the body within
// body_timeout and under the route's body limit, run the handler, write within write_timeout.
// See docs/http.md for the full lifecycle, limits and error answers.
//
// Lifetime: the caller owns the io_context and runs it (typically on `threads` threads). The
// router, authenticator and metrics registry must outlive every coroutine the server spawned,
// i.e. until the io_context has been stopped and destroyed or has run out of work. Destroying the
// Server closes the acceptor but does not wait for connections.
//
// Thread-safety: all methods may be called from any thread. StopAccepting() and WaitIdle() are
// meant for a thread that is not running the io_context (WaitIdle blocks).

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/metrics.h"
#include "common/status.h"
#include "http/authenticator.h"
#include "http/router.h"

namespace vaxreg::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0 = any free port; see Server::port()
  int threads = 0;       // 0 = hardware_concurrency; informational: the caller runs the ioc
  size_t max_body_bytes = 1 << 20;     // default per-route body limit (413 above it)
  size_t max_header_bytes = 16 << 10;  // request line + headers (431 above it)
  // Slow or silent clients hold a connection and a coroutine each; these bound how long.
  std::chrono::milliseconds header_timeout{10000};  // first byte .. end of header
  std::chrono::milliseconds body_timeout{30000};    // end of header .. end of body
  std::chrono::milliseconds idle_timeout{60000};    // between keep-alive requests
  std::chrono::milliseconds write_timeout{30000};   // whole response
  // Connection caps (0 = none). A connection beyond either cap is still accepted, but it is an
  // "overflow" connection: it may send one request, which is served only when its path is one
  // of probe_paths (so health checks keep answering at the cap) and answered 503 with
  // Retry-After otherwise, then closed. At most kMaxOverflowConnections overflow connections
  // exist at once; beyond that a new connection is closed at once. max_connections is lowered
  // at start when the process's file-descriptor limit could not hold it.
  size_t max_connections = 10000;
  size_t max_connections_per_address = 1000;
  std::vector<std::string> probe_paths = {"/healthz", "/readyz"};
  // Both set: HTTPS (TLS 1.2+) with this PEM certificate chain and private key.
  std::string tls_cert_file;
  std::string tls_key_file;
  // Passphrase of an encrypted tls_key_file ("" = the key is not encrypted). Never logged.
  std::string tls_key_passphrase;
};

// How many connections beyond the caps may wait for their one request at once.
inline constexpr size_t kMaxOverflowConnections = 256;

class Server final {
 public:
  // Binds and starts accepting (connections are served once the io_context runs).
  // kInvalidArgument: bad address, only one of the TLS files set, unreadable or mismatched
  // certificate/key. kUnavailable: the address cannot be bound (port in use, permission).
  //
  // `connection_contexts` (optional, each outliving the Server like `ioc`) spreads accepted
  // connections round-robin over several io_contexts, each run by exactly one thread: a
  // connection then lives on one thread, its readiness events never wake another (which on a
  // small machine costs more than the request itself) and it needs no strand. Empty:
  // connections run on `ioc`, each on its own strand, and `ioc` may run on any number of threads.
  static Result<std::unique_ptr<Server>> Start(
      asio::io_context& ioc, ServerOptions options, const Router& router,
      Authenticator& authenticator, MetricsRegistry& metrics,
      std::vector<asio::io_context*> connection_contexts = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound port (the real one when options.port was 0).
  uint16_t port() const;
  bool tls() const;

  // Graceful shutdown, step 1: closes the listening socket (new connections are refused), closes
  // idle keep-alive connections, and makes in-flight requests finish with "Connection: close".
  // When called from a thread that is not running the io_context, returns once the listening
  // socket is closed (or after 1 s if the io_context is not being run). Idempotent.
  void StopAccepting();
  // Step 2: blocks until no request is in flight (from its first byte until its response is
  // written) or `deadline` has passed. True if idle was reached.
  bool WaitIdle(std::chrono::milliseconds deadline);

  size_t active_connections() const;

  struct State;  // shared with the connection coroutines; defined in server.cc

 private:
  explicit Server(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace vaxreg::http
