// GCC 12 at -O2 reports -Wnull-dereference false positives inside Asio's inlined executor code
// (io_context.hpp, scheduler.ipp). Diagnostic pragmas apply by source location, so ignoring the
// warning around the first inclusion of those headers silences only them.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include "http/server.h"

#include <openssl/ssl.h>
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <future>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/crypto_util.h"
#include "common/logging.h"
#include "http/cache.h"
#include "http/json.h"
#pragma GCC diagnostic pop

namespace vaxreg::http {
namespace {

namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

// Every asynchronous operation reports errors as values: a timed-out or reset connection is
// normal traffic, not an exception.
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

constexpr std::string_view kRequestsTotal = "vaxreg_http_requests_total";
constexpr std::string_view kRequestDuration = "vaxreg_http_request_duration_seconds";
constexpr std::string_view kConnectionsActive = "vaxreg_http_connections_active";
constexpr std::string_view kConnectionsRefused = "vaxreg_http_connections_over_cap_total";

// An overflow connection (beyond a cap) must send its one request quickly.
constexpr auto kOverflowFirstByteTime = std::chrono::milliseconds(2000);
// File descriptors kept free for the database, log files and the listening socket when the
// connection cap is derived from RLIMIT_NOFILE.
constexpr size_t kReservedDescriptors = 256;

// After an early answer (413, 401 before the body) the client may still be sending. Closing a
// socket with unread input makes the kernel send RST, which can destroy our response before the
// client reads it; so half-close and discard input for a short while first ("lingering close").
constexpr auto kLingerTime = std::chrono::milliseconds(1000);
constexpr size_t kLingerMaxBytes = 4 << 20;
constexpr auto kTlsShutdownTime = std::chrono::milliseconds(1000);
constexpr size_t kReadChunk = 16 << 10;

// A connection as the shutdown logic sees it.
class ConnectionBase {
 public:
  explicit ConnectionBase(asio::any_io_executor executor) : executor_(std::move(executor)) {}
  virtual ~ConnectionBase() = default;
  const asio::any_io_executor& executor() const { return executor_; }
  // Must run on executor(): cancels the pending read if the connection is between requests.
  virtual void CloseIfIdle() = 0;

 private:
  asio::any_io_executor executor_;  // the connection's strand, or its single-threaded context
};

}  // namespace

struct Server::State {
  State(asio::io_context& io, ServerOptions opts, const Router& r, Authenticator& a,
        MetricsRegistry& m)
      : ioc(io),
        options(std::move(opts)),
        router(r),
        authenticator(a),
        metrics(m),
        acceptor_strand(asio::make_strand(io)),
        acceptor(acceptor_strand) {}

  asio::io_context& ioc;
  // Where accepted connections run, round-robin; never empty after Start().
  std::vector<asio::io_context*> connection_contexts;
  size_t next_context = 0;  // touched only on acceptor_strand
  // True when each connection context runs on one thread, so a connection needs no strand.
  bool single_threaded_contexts = false;
  const ServerOptions options;
  const Router& router;
  Authenticator& authenticator;
  MetricsRegistry& metrics;
  std::unique_ptr<ssl::context> tls;  // null for plain HTTP
  asio::strand<asio::io_context::executor_type> acceptor_strand;
  tcp::acceptor acceptor;  // after Start(), touched only on acceptor_strand
  uint16_t port = 0;
  std::atomic<bool> stopping{false};
  std::atomic<size_t> connections{0};

  // Connections within the caps, and overflow connections (ServerOptions::max_connections).
  size_t max_connections = 0;  // effective cap, set by Start()
  std::atomic<size_t> overflow{0};
  std::atomic<int64_t> last_cap_warning{0};  // steady-clock seconds of the last log line

  std::mutex mu;
  size_t admitted = 0;                                  // guarded by mu
  std::unordered_map<std::string, size_t> per_address;  // guarded by mu
  // Overflow connections, oldest first; the oldest is closed when a new one needs room.
  std::deque<std::weak_ptr<ConnectionBase>> overflow_queue;  // guarded by mu
  std::condition_variable idle_cv;
  size_t in_flight = 0;                                              // guarded by mu
  uint64_t next_connection_id = 0;                                   // guarded by mu
  std::unordered_map<uint64_t, std::weak_ptr<ConnectionBase>> live;  // guarded by mu
};

namespace {

using State = Server::State;

// Counts a request as in flight from its first byte until its response is written (or the
// connection fails), which is what WaitIdle waits for.
class InFlight {
 public:
  explicit InFlight(State& s) : s_(s) {
    std::lock_guard lock(s_.mu);
    ++s_.in_flight;
  }
  ~InFlight() {
    std::lock_guard lock(s_.mu);
    if (--s_.in_flight == 0) s_.idle_cv.notify_all();
  }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  State& s_;
};

// Registers a connection for StopAccepting and keeps the connection count and gauge.
class ConnectionRegistration {
 public:
  ConnectionRegistration(State& s, const std::shared_ptr<ConnectionBase>& c) : s_(s) {
    {
      std::lock_guard lock(s_.mu);
      id_ = s_.next_connection_id++;
      s_.live.emplace(id_, c);
    }
    s_.connections.fetch_add(1);
    s_.metrics.AddGauge(kConnectionsActive, {}, 1);
  }
  ~ConnectionRegistration() {
    {
      std::lock_guard lock(s_.mu);
      s_.live.erase(id_);
    }
    s_.connections.fetch_sub(1);
    s_.metrics.AddGauge(kConnectionsActive, {}, -1);
  }
  ConnectionRegistration(const ConnectionRegistration&) = delete;
  ConnectionRegistration& operator=(const ConnectionRegistration&) = delete;

 private:
  State& s_;
  uint64_t id_ = 0;
};

// A connection's place under the connection caps, taken at accept and given back when the
// connection ends. Move-only.
class Admission {
 public:
  enum class Kind { kRefused, kAdmitted, kOverflow };

  Admission() = default;
  Admission(std::shared_ptr<State> s, Kind kind, std::string address)
      : s_(std::move(s)), kind_(kind), address_(std::move(address)) {}
  Admission(Admission&& o) noexcept
      : s_(std::move(o.s_)), kind_(o.kind_), address_(std::move(o.address_)) {}
  Admission& operator=(Admission&&) = delete;
  Admission(const Admission&) = delete;
  ~Admission() {
    if (s_ == nullptr) return;
    if (kind_ == Kind::kOverflow) {
      s_->overflow.fetch_sub(1);
    } else if (kind_ == Kind::kAdmitted) {
      std::lock_guard lock(s_->mu);
      --s_->admitted;
      auto it = s_->per_address.find(address_);
      if (it != s_->per_address.end() && --it->second == 0) s_->per_address.erase(it);
    }
  }
  Kind kind() const { return kind_; }

 private:
  std::shared_ptr<State> s_;  // the State outlives every admission
  Kind kind_ = Kind::kRefused;
  std::string address_;
};

// Decides where a new connection from `address` stands against the caps.
Admission Admit(const std::shared_ptr<State>& state, const std::string& address) {
  State& s = *state;
  const ServerOptions& o = s.options;
  std::string_view reason;
  {
    std::lock_guard lock(s.mu);
    const bool over_global = s.max_connections != 0 && s.admitted >= s.max_connections;
    size_t& mine = s.per_address[address];
    const bool over_address =
        o.max_connections_per_address != 0 && mine >= o.max_connections_per_address;
    if (!over_global && !over_address) {
      ++s.admitted;
      ++mine;
      return Admission(state, Admission::Kind::kAdmitted, address);
    }
    if (mine == 0) s.per_address.erase(address);
    reason = over_global ? "global" : "per_address";
  }
  // Log at most once per 10 s: a flood must not flood the log too.
  const int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(SteadyClock::now().time_since_epoch())
          .count();
  int64_t last = s.last_cap_warning.load();
  if (now - last >= 10 && s.last_cap_warning.compare_exchange_strong(last, now)) {
    spdlog::warn(
        "connection cap reached ({}): max_connections={}, per address={}; new "
        "connections get one probe request or 503",
        reason, s.max_connections, o.max_connections_per_address);
  }
  // Overflow connections are bounded: the oldest one still waiting for its request is closed
  // to make room, so that a probe arriving during a flood of idle connections is still read.
  // Closing is asynchronous; the hard bound below covers the moments in between.
  const size_t overflow = s.overflow.fetch_add(1);
  if (overflow >= 2 * kMaxOverflowConnections) {
    s.overflow.fetch_sub(1);
    s.metrics.IncrementCounter(kConnectionsRefused, {{"reason", "closed"}});
    return Admission();
  }
  if (overflow >= kMaxOverflowConnections) {
    std::shared_ptr<ConnectionBase> oldest;
    {
      std::lock_guard lock(s.mu);
      while (!oldest && !s.overflow_queue.empty()) {
        oldest = s.overflow_queue.front().lock();
        s.overflow_queue.pop_front();
      }
    }
    if (oldest) asio::post(oldest->executor(), [oldest] { oldest->CloseIfIdle(); });
  }
  s.metrics.IncrementCounter(kConnectionsRefused, {{"reason", std::string(reason)}});
  return Admission(state, Admission::Kind::kOverflow, address);
}

// Remembers an overflow connection for eviction (Admit).
void QueueOverflow(State& s, const std::shared_ptr<ConnectionBase>& c) {
  std::lock_guard lock(s.mu);
  s.overflow_queue.push_back(c);
  // Entries of connections that ended are dropped from the front as they are met; keep the
  // queue from growing with them when no eviction happens for a long time.
  while (s.overflow_queue.size() > 4 * kMaxOverflowConnections) s.overflow_queue.pop_front();
}

// Raises the soft file-descriptor limit to the hard one and returns the connection cap the
// limit can hold (`wanted`, or less with a warning).
size_t EffectiveConnectionCap(size_t wanted) {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return wanted;
  if (lim.rlim_cur < lim.rlim_max) {
    rlimit raised = lim;
    raised.rlim_cur = lim.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
  }
  if (lim.rlim_cur == RLIM_INFINITY) return wanted;
  const size_t fds = static_cast<size_t>(lim.rlim_cur);
  const size_t room = fds > kReservedDescriptors + kMaxOverflowConnections + 64
                          ? fds - kReservedDescriptors - kMaxOverflowConnections
                          : 64;
  if (wanted == 0 || wanted > room) {
    spdlog::warn("server.max_connections {} lowered to {}: the process may open {} files", wanted,
                 room, fds);
    return room;
  }
  return wanted;
}

bool IsValidRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string RequestIdFor(const Request& req) {
  auto it = req.find("X-Request-Id");
  if (it != req.end() && IsValidRequestId(it->value())) return std::string(it->value());
  // Request ids correlate log lines; they need to be unique, not secret. A per-thread
  // SplitMix64 sequence seeded once from the CSPRNG avoids a getrandom call per request.
  thread_local uint64_t state = [] {
    const std::string seed = RandomBytes(sizeof(uint64_t));
    uint64_t v = 0;
    std::memcpy(&v, seed.data(), sizeof v);
    return v;
  }();
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  char bytes[sizeof z];
  std::memcpy(bytes, &z, sizeof z);
  return HexEncode(std::string_view(bytes, sizeof bytes));
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// RFC 9112 section 6.3: a request whose Transfer-Encoding is present but is not exactly
// "chunked" has no reliable length; it must be answered 400 and the connection closed, or the
// bytes after it would be read as a second request (request smuggling). vaxreg supports no other
// transfer coding, so every field value but a single "chunked" is refused.
bool HasUnsupportedTransferEncoding(const Request& req) {
  auto [first, last] = req.equal_range(bhttp::field::transfer_encoding);
  if (first == last) return false;
  size_t codings = 0;
  for (auto it = first; it != last; ++it) {
    std::string_view v = it->value();
    while (!v.empty()) {
      const size_t comma = v.find(',');
      std::string_view coding = v.substr(0, comma);
      v = comma == std::string_view::npos ? std::string_view() : v.substr(comma + 1);
      while (!coding.empty() && (coding.front() == ' ' || coding.front() == '\t')) {
        coding.remove_prefix(1);
      }
      while (!coding.empty() && (coding.back() == ' ' || coding.back() == '\t')) {
        coding.remove_suffix(1);
      }
      if (coding.empty()) continue;
      if (++codings > 1 || !EqualsIgnoreCase(coding, "chunked")) return true;
    }
  }
  return codings != 1;
}

// What the Authorization header holds.
struct Credentials {
  bool present = false;    // an Authorization header was sent
  std::string_view token;  // empty when the header is not a well-formed Bearer credential
};

Credentials BearerCredentials(const Request& req) {
  Credentials c;
  auto it = req.find(bhttp::field::authorization);
  if (it == req.end()) return c;
  c.present = true;
  std::string_view v = it->value();
  const size_t space = v.find(' ');
  if (space == std::string_view::npos || !EqualsIgnoreCase(v.substr(0, space), "bearer")) return c;
  v.remove_prefix(space);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  if (v.find_first_of(" \t") != std::string_view::npos) return c;
  c.token = v;
  return c;
}

std::string MethodLabel(const Request& req) {
  if (req.method() == bhttp::verb::unknown) return "OTHER";
  return std::string(bhttp::to_string(req.method()));
}

// The encoded target up to the query string (which may carry secrets), for the access log.
std::string_view LoggablePath(const Request& req) {
  std::string_view t = req.target();
  t = t.substr(0, t.find('?'));
  return t.substr(0, 256);
}

// The outcome of everything that happens before the handler runs.
struct Prepared {
  std::optional<Response> early;  // set: answer this and do not run a handler
  const Route* route = nullptr;
  PathParams params;
  std::optional<auth::Principal> principal;
  std::string route_label = "unmatched";
};

Prepared PrepareRequest(State& state, const Request& req) {
  Prepared p;
  Result<std::string> path = DecodeTargetPath(req.target());
  if (!path.ok()) {
    p.early = ErrorResponse(path.status(), req);
    return p;
  }
  MatchResult match = state.router.Match(req.method(), *path);
  if (match.kind == MatchKind::kNotFound) {
    p.early = ErrorResponse(NotFoundError("no route for this path"), req);
    return p;
  }
  if (match.kind == MatchKind::kMethodNotAllowed) {
    p.early =
        ErrorResponse(bhttp::status::method_not_allowed,
                      InvalidArgumentError("method " + std::string(req.method_string()) +
                                           " is not allowed here; allowed: " + match.AllowHeader()),
                      req);
    p.early->set(bhttp::field::allow, match.AllowHeader());
    return p;
  }
  p.route = match.route;
  p.params = std::move(match.params);
  p.route_label = p.route->pattern;

  const Credentials creds = BearerCredentials(req);
  const auth::AccessRule& access = p.route->access;
  if (access.is_public()) {
    // A public route still learns who is calling when the token is good; a bad token is ignored
    // so that, for example, logging in again with a stale token works.
    if (!creds.token.empty()) {
      Result<auth::Principal> principal = state.authenticator.Authenticate(creds.token);
      if (principal.ok()) p.principal = std::move(principal).value();
    }
    return p;
  }
  if (!creds.present) {
    p.early = ErrorResponse(UnauthenticatedError("this route requires a bearer token"), req);
    return p;
  }
  Result<auth::Principal> principal = creds.token.empty()
                                          ? Result<auth::Principal>(UnauthenticatedError(""))
                                          : state.authenticator.Authenticate(creds.token);
  if (!principal.ok()) {
    const StatusCode code = principal.status().code();
    if (code == StatusCode::kUnavailable || code == StatusCode::kInternal ||
        code == StatusCode::kDeadlineExceeded) {
      p.early = ErrorResponse(principal.status(), req);
    } else {
      p.early = ErrorResponse(UnauthenticatedError("invalid or expired bearer token"), req);
      p.early->set(bhttp::field::www_authenticate, "Bearer error=\"invalid_token\"");
    }
    return p;
  }
  if (!access.Allows(principal->role)) {
    p.early = ErrorResponse(
        PermissionDeniedError("role '" + std::string(auth::RoleName(principal->role)) +
                              "' may not call " + std::string(req.method_string()) + " " +
                              p.route->pattern),
        req);
    return p;
  }
  p.principal = std::move(principal).value();
  return p;
}

asio::awaitable<Response> RunHandler(const Route& route, RequestContext& ctx) {
  std::string what;
  try {
    co_return co_await route.handler(ctx);
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "unknown exception";
  }
  spdlog::error("request {} {} {}: handler threw: {}", ctx.request_id,
                std::string(ctx.request.method_string()), route.pattern, what);
  co_return ErrorResponse(InternalError("internal error (request id " + ctx.request_id + ")"),
                          ctx.request);
}

// Headers every response carries, and the Connection decision.
void FinishResponse(Response& res, const Request& req, const std::string& request_id, bool close) {
  res.set(bhttp::field::server, "vaxreg");
  res.set("X-Request-Id", request_id);
  res.set("X-Content-Type-Options", "nosniff");
  res.version(req.version() == 10 ? 10 : 11);
  res.keep_alive(!close && res.keep_alive() && req.keep_alive());
  CompressLargeTextResponse(req, res);
  try {
    res.prepare_payload();
  } catch (const std::exception& e) {
    // A handler built an impossible message (a body on a 204); answer 500 instead.
    spdlog::error("request {}: invalid response: {}", request_id, e.what());
    res = ErrorResponse(InternalError("internal error (request id " + request_id + ")"), req);
    FinishResponse(res, req, request_id, true);
    return;
  }
  if (req.method() == bhttp::verb::head) {
    // No body after a HEAD; keep the Content-Length the body would have had.
    const std::string length(res[bhttp::field::content_length]);
    res.body().clear();
    res.set(bhttp::field::content_length, length);
  }
}

void RecordRequest(State& state, const std::string& remote, const std::string& method,
                   std::string_view path, const Response& res, SteadyClock::time_point start,
                   const std::string& request_id, const std::string& route_label,
                   const std::optional<auth::Principal>& principal) {
  const double seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  const std::string status = std::to_string(res.result_int());
  const Labels labels = {{"route", route_label}, {"method", method}, {"status", status}};
  state.metrics.IncrementCounter(kRequestsTotal, labels);
  state.metrics.ObserveHistogram(kRequestDuration, labels, seconds);
  AccessLog().info("{} {} {} {} {} {:.1f}ms {} {}", remote, method, path, status, res.body().size(),
                   seconds * 1000, request_id, principal ? principal->username : std::string("-"));
}

bool IsDisconnect(const beast::error_code& ec) {
  return ec == beast::error::timeout || ec == asio::error::eof ||
         ec == bhttp::error::end_of_stream || ec == asio::error::connection_reset ||
         ec == asio::error::operation_aborted || ec == asio::error::broken_pipe ||
         ec == bhttp::error::partial_message || ec.category() == asio::error::get_ssl_category() ||
         ec == ssl::error::stream_truncated;
}

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

template <class Stream>
class Session final : public ConnectionBase {
 public:
  Session(tcp::socket socket, ssl::context* tls, Admission admission)
      : ConnectionBase(socket.get_executor()),
        stream_(MakeStream(std::move(socket), tls)),
        admission_(std::move(admission)) {}

  // Beyond a connection cap: one request, served only for a probe path.
  bool overflow() const { return admission_.kind() == Admission::Kind::kOverflow; }

  Stream& stream() { return stream_; }
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }
  void set_idle(bool idle) { idle_ = idle; }

  void CloseIfIdle() override {
    if (idle_) lowest().cancel();
  }

 private:
  static Stream MakeStream(tcp::socket socket, ssl::context* tls) {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      return Stream(std::move(socket), *tls);
    } else {
      (void)tls;
      return Stream(std::move(socket));
    }
  }

  Stream stream_;
  Admission admission_;
  bool idle_ = false;  // touched only on the strand
};

template <class Stream>
asio::awaitable<void> RunSession(std::shared_ptr<State> state,
                                 std::shared_ptr<Session<Stream>> session) {
  constexpr bool kTls = std::is_same_v<Stream, TlsStream>;
  const ServerOptions& opt = state->options;
  ConnectionRegistration registration(*state, session);
  Stream& stream = session->stream();
  beast::tcp_stream& lowest = session->lowest();
  beast::error_code ignored;
  const std::string remote = lowest.socket().remote_endpoint(ignored).address().to_string();

  if constexpr (kTls) {
    lowest.expires_after(opt.header_timeout);
    auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, kUseTuple);
    if (ec) {
      spdlog::debug("TLS handshake with {} failed: {}", remote, ec.message());
      co_return;
    }
  }

  beast::flat_buffer buffer;
  bool unread_input = false;  // we answer before reading everything the client sent
  for (bool first = true;; first = false) {
    if (state->stopping.load()) break;

    // Idle: wait for the first byte of the next request. StopAccepting may cancel this read.
    if (buffer.size() == 0) {
      session->set_idle(true);
      lowest.expires_after(session->overflow() ? std::min<SteadyClock::duration>(
                                                     opt.header_timeout, kOverflowFirstByteTime)
                           : first ? opt.header_timeout
                                   : opt.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(kReadChunk), kUseTuple);
      session->set_idle(false);
      if (ec) break;
      buffer.commit(n);
    }
    InFlight in_flight(*state);
    const SteadyClock::time_point start = SteadyClock::now();

    // Header: one absolute deadline, so a client trickling bytes cannot extend it.
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<uint32_t>(opt.max_header_bytes));
    parser.body_limit(boost::none);  // the route's limit is applied once we know the route
    lowest.expires_after(opt.header_timeout);
    auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, parser, kUseTuple);
    (void)hn;
    if (hec && IsDisconnect(hec)) {
      spdlog::debug("connection from {} closed while reading a header: {}", remote, hec.message());
      break;
    }

    const Request& req = parser.get();
    std::string request_id;
    std::string method = "-";
    std::string_view path = "-";
    Prepared prepared;
    std::optional<Response> res;
    bool close = false;
    if (hec) {
      static const Request kUnparsed = [] {
        Request r{bhttp::verb::unknown, "/", 11};
        r.keep_alive(false);
        return r;
      }();
      request_id = HexEncode(RandomBytes(8));
      if (hec == bhttp::error::header_limit) {
        res = ErrorResponse(bhttp::status::request_header_fields_too_large,
                            ResourceExhaustedError("request header larger than " +
                                                   std::to_string(opt.max_header_bytes) + " bytes"),
                            kUnparsed);
      } else {
        res = ErrorResponse(InvalidArgumentError("malformed HTTP request: " + hec.message()),
                            kUnparsed);
      }
      close = true;
      unread_input = true;
      FinishResponse(*res, kUnparsed, request_id, true);
    } else if (HasUnsupportedTransferEncoding(req)) {
      request_id = RequestIdFor(req);
      method = MethodLabel(req);
      path = LoggablePath(req);
      res = ErrorResponse(InvalidArgumentError("unsupported Transfer-Encoding; only a single "
                                               "\"chunked\" coding is accepted",
                                               "Transfer-Encoding"),
                          req);
      close = true;
      unread_input = true;
    } else {
      request_id = RequestIdFor(req);
      method = MethodLabel(req);
      path = LoggablePath(req);
      try {
        prepared = PrepareRequest(*state, req);
      } catch (const std::exception& e) {
        spdlog::error("request {}: authentication threw: {}", request_id, e.what());
        prepared.early =
            ErrorResponse(InternalError("internal error (request id " + request_id + ")"), req);
      }
      if (prepared.early) res = std::move(prepared.early);
      if (!res && session->overflow() &&
          std::find(opt.probe_paths.begin(), opt.probe_paths.end(), prepared.route->pattern) ==
              opt.probe_paths.end()) {
        res = ErrorResponse(UnavailableError("the server is at its connection limit; retry "
                                             "shortly"),
                            req);
        res->set(bhttp::field::retry_after, "1");
      }
      if (session->overflow()) close = true;
    }

    // Body: only for a request that is going to reach its handler.
    if (!res && !parser.is_done()) {
      const size_t limit =
          prepared.route->max_body_bytes ? prepared.route->max_body_bytes : opt.max_body_bytes;
      const auto too_large = [&] {
        return ErrorResponse(
            bhttp::status::payload_too_large,
            ResourceExhaustedError("request body larger than " + std::to_string(limit) + " bytes"),
            req);
      };
      if (parser.content_length() && *parser.content_length() > limit) {
        res = too_large();
      } else {
        parser.body_limit(limit);
        auto expect = req.find(bhttp::field::expect);
        if (expect != req.end() && EqualsIgnoreCase(expect->value(), "100-continue")) {
          bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, req.version()};
          lowest.expires_after(opt.write_timeout);
          auto [cec, cn] = co_await bhttp::async_write(stream, cont, kUseTuple);
          (void)cn;
          if (cec) break;
        }
        lowest.expires_after(opt.body_timeout);
        auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, kUseTuple);
        (void)bn;
        if (bec == bhttp::error::body_limit) {
          res = too_large();
        } else if (bec && IsDisconnect(bec)) {
          spdlog::debug("request {} from {}: body not received: {}", request_id, remote,
                        bec.message());
          break;
        } else if (bec) {
          res = ErrorResponse(InvalidArgumentError("malformed HTTP request body: " + bec.message()),
                              req);
        }
      }
    }

    if (!res) {
      RequestContext ctx{req,
                         request_id,
                         remote,
                         std::move(prepared.params),
                         prepared.principal,
                         prepared.route->pattern};
      res = co_await RunHandler(*prepared.route, ctx);
    }
    if (!hec) {
      if (!parser.is_done()) unread_input = true;
      close = close || unread_input || state->stopping.load();
      FinishResponse(*res, req, request_id, close);
      close = !res->keep_alive();
    }

    lowest.expires_after(opt.write_timeout);
    auto [wec, wn] = co_await bhttp::async_write(stream, *res, kUseTuple);
    (void)wn;
    RecordRequest(*state, remote, method, path, *res, start, request_id, prepared.route_label,
                  prepared.principal);
    if (wec) {
      spdlog::debug("request {} to {}: response not written: {}", request_id, remote,
                    wec.message());
      unread_input = false;
      break;
    }
    if (close) break;
  }

  // Close politely: TLS close_notify, or a TCP half-close (draining unread input first).
  if constexpr (kTls) {
    lowest.expires_after(kTlsShutdownTime);
    auto [ec] = co_await stream.async_shutdown(kUseTuple);
    (void)ec;
  } else {
    lowest.socket().shutdown(tcp::socket::shutdown_send, ignored);
    if (unread_input) {
      lowest.expires_after(kLingerTime);
      std::array<char, 8192> sink;
      for (size_t drained = 0; drained < kLingerMaxBytes;) {
        auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), kUseTuple);
        if (ec) break;
        drained += n;
      }
    }
  }
  lowest.close();
}

void LogCoroutineFailure(std::string_view what, std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    spdlog::error("{} failed: {}", what, ex.what());
  } catch (...) {
    spdlog::error("{} failed with an unknown exception", what);
  }
}

asio::awaitable<void> AcceptLoop(std::shared_ptr<State> state) {
  for (;;) {
    asio::io_context& target =
        *state->connection_contexts[state->next_context++ % state->connection_contexts.size()];
    const asio::any_io_executor connection_executor =
        state->single_threaded_contexts ? asio::any_io_executor(target.get_executor())
                                        : asio::any_io_executor(asio::make_strand(target));
    auto [ec, socket] = co_await state->acceptor.async_accept(connection_executor, kUseTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !state->acceptor.is_open()) co_return;
      // Out of file descriptors and the like: back off instead of spinning.
      spdlog::warn("accept failed: {}", ec.message());
      asio::steady_timer pause(co_await asio::this_coro::executor, std::chrono::milliseconds(50));
      co_await pause.async_wait(kUseTuple);
      continue;
    }
    if (state->stopping.load()) {
      beast::error_code ignored;
      socket.close(ignored);
      continue;
    }
    beast::error_code ignored;
    const std::string address = socket.remote_endpoint(ignored).address().to_string();
    Admission admission = Admit(state, address);
    if (admission.kind() == Admission::Kind::kRefused) {
      socket.close(ignored);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ignored);
    const asio::any_io_executor executor = socket.get_executor();
    if (state->tls) {
      auto session = std::make_shared<Session<TlsStream>>(std::move(socket), state->tls.get(),
                                                          std::move(admission));
      if (session->overflow()) QueueOverflow(*state, session);
      asio::co_spawn(executor, RunSession<TlsStream>(state, std::move(session)),
                     [](std::exception_ptr e) { LogCoroutineFailure("HTTPS connection", e); });
    } else {
      auto session =
          std::make_shared<Session<PlainStream>>(std::move(socket), nullptr, std::move(admission));
      if (session->overflow()) QueueOverflow(*state, session);
      asio::co_spawn(executor, RunSession<PlainStream>(state, std::move(session)),
                     [](std::exception_ptr e) { LogCoroutineFailure("HTTP connection", e); });
    }
  }
}

Result<std::unique_ptr<ssl::context>> MakeTlsContext(const ServerOptions& o) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                   ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  beast::error_code ec;
  ctx->use_certificate_chain_file(o.tls_cert_file, ec);
  if (ec) {
    return InvalidArgumentError(
        "cannot load TLS certificate chain '" + o.tls_cert_file + "': " + ec.message(),
        "tls_cert_file");
  }
  // Always a callback: without a passphrase an encrypted key fails to load instead of OpenSSL
  // prompting on the terminal.
  ctx->set_password_callback(
      [pass = o.tls_key_passphrase](std::size_t, ssl::context::password_purpose) { return pass; });
  ctx->use_private_key_file(o.tls_key_file, ssl::context::pem, ec);
  if (ec) {
    return InvalidArgumentError(
        "cannot load TLS private key '" + o.tls_key_file + "': " + ec.message(), "tls_key_file");
  }
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    return InvalidArgumentError("TLS private key does not match the certificate", "tls_key_file");
  }
  return ctx;
}

}  // namespace

Server::Server(std::shared_ptr<State> state) : state_(std::move(state)) {}

Server::~Server() { StopAccepting(); }

Result<std::unique_ptr<Server>> Server::Start(asio::io_context& ioc, ServerOptions options,
                                              const Router& router, Authenticator& authenticator,
                                              MetricsRegistry& metrics,
                                              std::vector<asio::io_context*> connection_contexts) {
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return InvalidArgumentError("TLS needs both a certificate and a private key file",
                                options.tls_cert_file.empty() ? "tls_cert_file" : "tls_key_file");
  }
  InitCrypto();  // request ids come from the CSPRNG
  auto state = std::make_shared<State>(ioc, std::move(options), router, authenticator, metrics);
  state->single_threaded_contexts = !connection_contexts.empty();
  if (connection_contexts.empty()) connection_contexts.push_back(&ioc);
  for (asio::io_context* c : connection_contexts) CHECK(c != nullptr);
  state->connection_contexts = std::move(connection_contexts);
  const ServerOptions& o = state->options;
  if (!o.tls_cert_file.empty()) {
    ASSIGN_OR_RETURN(state->tls, MakeTlsContext(o));
  }

  beast::error_code ec;
  const asio::ip::address address = asio::ip::make_address(o.address, ec);
  if (ec) return InvalidArgumentError("invalid listen address '" + o.address + "'", "address");
  const tcp::endpoint endpoint(address, o.port);
  const auto fail = [&](std::string_view step) {
    return UnavailableError("cannot " + std::string(step) + " " + o.address + ":" +
                            std::to_string(o.port) + ": " + ec.message());
  };
  state->acceptor.open(endpoint.protocol(), ec);
  if (ec) return fail("open a socket for");
  state->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return fail("set SO_REUSEADDR on");
  state->acceptor.bind(endpoint, ec);
  if (ec) return fail("bind");
  state->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen on");
  state->port = state->acceptor.local_endpoint(ec).port();
  if (ec) return fail("read the bound port of");

  metrics.RegisterCounter(std::string(kRequestsTotal),
                          "HTTP requests answered, by route pattern, method and status");
  metrics.RegisterHistogram(
      std::string(kRequestDuration),
      "Time from the first byte of a request to its response written",
      {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10});
  metrics.RegisterGauge(std::string(kConnectionsActive), "Open HTTP connections");
  metrics.RegisterCounter(std::string(kConnectionsRefused),
                          "Connections accepted beyond a connection cap (reason: global, "
                          "per_address) or closed at once (closed)");
  state->max_connections = EffectiveConnectionCap(o.max_connections);
  metrics.AddGauge(kConnectionsActive, {}, 0);

  asio::co_spawn(state->acceptor_strand, AcceptLoop(state),
                 [](std::exception_ptr e) { LogCoroutineFailure("accept loop", e); });
  return std::unique_ptr<Server>(new Server(std::move(state)));
}

uint16_t Server::port() const { return state_->port; }

bool Server::tls() const { return state_->tls != nullptr; }

size_t Server::active_connections() const { return state_->connections.load(); }

void Server::StopAccepting() {
  State& s = *state_;
  s.stopping.store(true);
  if (s.ioc.stopped()) {
    // Nothing runs the acceptor's strand, so closing here races with nothing; connections are
    // not being served either.
    beast::error_code ignored;
    s.acceptor.close(ignored);
    return;
  }
  auto closed = std::make_shared<std::promise<void>>();
  std::future<void> closed_future = closed->get_future();
  asio::post(s.acceptor_strand, [state = state_, closed] {
    beast::error_code ignored;
    state->acceptor.close(ignored);
    closed->set_value();
  });

  std::vector<std::shared_ptr<ConnectionBase>> connections;
  {
    std::lock_guard lock(s.mu);
    for (const auto& [id, weak] : s.live) {
      if (auto c = weak.lock()) connections.push_back(std::move(c));
    }
  }
  for (auto& c : connections) {
    asio::post(c->executor(), [c] { c->CloseIfIdle(); });
  }

  // Waiting from an I/O thread could deadlock a single-threaded io_context.
  if (!s.ioc.get_executor().running_in_this_thread()) {
    closed_future.wait_for(std::chrono::seconds(1));
  }
}

bool Server::WaitIdle(std::chrono::milliseconds deadline) {
  State& s = *state_;
  std::unique_lock lock(s.mu);
  return s.idle_cv.wait_for(lock, deadline, [&s] { return s.in_flight == 0; });
}

}  // namespace vaxreg::http
