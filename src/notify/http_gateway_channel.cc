#include "notify/http_gateway_channel.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>
#include <cctype>
#include <exception>
#include <optional>

namespace vaxreg::notify {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Request = http::request<http::string_body>;

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
// The answer is read only for its status; a longer body is not needed.
constexpr uint64_t kMaxAnswerBytes = 64 * 1024;

bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Status Classify(unsigned code, std::string_view reason) {
  const std::string line = "gateway answered HTTP " + std::to_string(code) +
                           (reason.empty() ? "" : " " + std::string(reason));
  if (code >= 200 && code < 300) return Status::Ok();
  if (code == 408) return DeadlineExceededError(line);
  if (code == 429) return ResourceExhaustedError(line);
  if (code >= 400 && code < 500) return FailedPreconditionError(line + " (refused for good)");
  if (code >= 300 && code < 400) return UnavailableError(line + " (redirects are not followed)");
  return UnavailableError(line);
}

Status Transport(std::string_view phase, const beast::error_code& ec,
                 std::chrono::milliseconds timeout) {
  if (ec == beast::error::timeout) {
    return DeadlineExceededError("gateway timed out (" + std::to_string(timeout.count()) +
                                 " ms) while " + std::string(phase));
  }
  return UnavailableError("gateway " + std::string(phase) + ": " + ec.message());
}

template <class Stream>
asio::awaitable<Status> Exchange(Stream& stream, const Request& req,
                                 std::chrono::milliseconds timeout) {
  auto [wec, written] = co_await http::async_write(stream, req, kUseTuple);
  (void)written;
  if (wec) co_return Transport("sending the request", wec, timeout);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxAnswerBytes);
  auto [rec, read] = co_await http::async_read(stream, buffer, parser, kUseTuple);
  (void)read;
  // The status line is all that counts; an answer cut short after it still has one.
  if (rec && !parser.is_header_done()) co_return Transport("reading the answer", rec, timeout);
  co_return Classify(parser.get().result_int(), parser.get().reason());
}

}  // namespace

struct HttpGatewayChannel::Impl {
  HttpGatewayOptions options;
  BodyTemplate body;
  bool tls = true;
  bool host_is_ip = false;
  std::string host;         // name or address, without IPv6 brackets
  std::string port;         // as text, for the resolver
  std::string host_header;  // Host: value
  std::string target;       // path and query
  std::string auth_name;
  std::string auth_value;
  std::unique_ptr<asio::ssl::context> ssl;

  asio::awaitable<Status> Run(const Request& req,
                              std::chrono::steady_clock::time_point deadline) const {
    auto ex = co_await asio::this_coro::executor;
    tcp::resolver resolver(ex);
    auto [rec, endpoints] = co_await resolver.async_resolve(host, port, kUseTuple);
    if (rec) co_return Transport("resolving " + host, rec, options.timeout);
    if (!tls) {
      beast::tcp_stream stream(ex);
      stream.expires_at(deadline);
      auto [cec, ep] = co_await stream.async_connect(endpoints, kUseTuple);
      (void)ep;
      if (cec) co_return Transport("connecting", cec, options.timeout);
      Status st = co_await Exchange(stream, req, options.timeout);
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
      co_return st;
    }
    beast::ssl_stream<beast::tcp_stream> stream(ex, *ssl);
    SSL* native = stream.native_handle();
    // The certificate must name the host: without this, any certificate the CAs vouch for
    // would do. Failing to set it up must stop the request, not skip the check.
    bool named = false;
    if (host_is_ip) {
      named = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(native), host.c_str()) == 1;
    } else {
      // SSL_set_tlsext_host_name (SNI), without the macro's C cast.
      SSL_ctrl(native, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               const_cast<char*>(host.c_str()));
      SSL_set_hostflags(native, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      named = SSL_set1_host(native, host.c_str()) == 1;
    }
    if (!named) co_return InternalError("gateway: cannot set up host name verification");
    beast::get_lowest_layer(stream).expires_at(deadline);
    auto [cec, ep] = co_await beast::get_lowest_layer(stream).async_connect(endpoints, kUseTuple);
    (void)ep;
    if (cec) co_return Transport("connecting", cec, options.timeout);
    auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::client, kUseTuple);
    if (hec) co_return Transport("in the TLS handshake", hec, options.timeout);
    Status st = co_await Exchange(stream, req, options.timeout);
    // close_notify, briefly: the outcome is known, a peer that does not answer it is no matter.
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(1));
    auto [sec] = co_await stream.async_shutdown(kUseTuple);
    (void)sec;
    co_return st;
  }
};

HttpGatewayChannel::HttpGatewayChannel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpGatewayChannel::~HttpGatewayChannel() = default;

Result<std::unique_ptr<HttpGatewayChannel>> HttpGatewayChannel::Create(HttpGatewayOptions o) {
  auto impl = std::make_unique<Impl>();
  auto parsed = boost::urls::parse_uri(o.url);
  if (!parsed) {
    return InvalidArgumentError("notify.gateway_url is not a URL", "notify.gateway_url");
  }
  const boost::urls::url_view u = *parsed;
  if (u.scheme_id() == boost::urls::scheme::https) {
    impl->tls = true;
  } else if (u.scheme_id() == boost::urls::scheme::http) {
    if (!o.allow_plain_http) {
      return InvalidArgumentError(
          "notify.gateway_url: plain http:// sends messages and the auth header unencrypted; "
          "use https://, or set notify.allow_plain_http for a gateway on this host",
          "notify.gateway_url");
    }
    impl->tls = false;
  } else {
    return InvalidArgumentError("notify.gateway_url must start with https://",
                                "notify.gateway_url");
  }
  if (u.has_userinfo()) {
    return InvalidArgumentError(
        "notify.gateway_url must not carry credentials; use notify.gateway_auth_header",
        "notify.gateway_url");
  }
  switch (u.host_type()) {
    case boost::urls::host_type::name:
      impl->host = u.host();
      break;
    case boost::urls::host_type::ipv4:
      impl->host = u.host_ipv4_address().to_string();
      impl->host_is_ip = true;
      break;
    case boost::urls::host_type::ipv6:
      impl->host = u.host_ipv6_address().to_string();
      impl->host_is_ip = true;
      break;
    default:
      return InvalidArgumentError("notify.gateway_url has no usable host", "notify.gateway_url");
  }
  if (impl->host.empty()) {
    return InvalidArgumentError("notify.gateway_url has no host", "notify.gateway_url");
  }
  if (u.has_port() && u.port_number() == 0) {
    return InvalidArgumentError("notify.gateway_url has a bad port", "notify.gateway_url");
  }
  impl->port = u.has_port() ? std::to_string(u.port_number()) : (impl->tls ? "443" : "80");
  impl->host_header =
      (u.host_type() == boost::urls::host_type::ipv6 ? "[" + impl->host + "]" : impl->host) +
      (u.has_port() ? ":" + impl->port : "");
  impl->target = u.encoded_path().empty() ? "/" : std::string(u.encoded_path());
  if (u.has_query()) impl->target += "?" + std::string(u.encoded_query());

  if (!o.auth_header.empty()) {
    const size_t colon = o.auth_header.find(':');
    const std::string_view name = colon == std::string::npos
                                      ? std::string_view()
                                      : Trim(std::string_view(o.auth_header).substr(0, colon));
    const std::string_view value = colon == std::string::npos
                                       ? std::string_view()
                                       : Trim(std::string_view(o.auth_header).substr(colon + 1));
    const bool name_ok = !name.empty() && std::all_of(name.begin(), name.end(), IsTokenChar);
    const bool value_ok = std::none_of(value.begin(), value.end(),
                                       [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
    // The message never quotes the header: it is a credential.
    if (!name_ok || !value_ok) {
      return InvalidArgumentError(
          "notify.gateway_auth_header must look like 'Name: value' on one line",
          "notify.gateway_auth_header");
    }
    impl->auth_name = std::string(name);
    impl->auth_value = std::string(value);
  }

  ASSIGN_OR_RETURN(impl->body, BodyTemplate::Parse(o.body_template));
  if (o.timeout.count() <= 0) {
    return InvalidArgumentError("the gateway timeout must be positive",
                                "notify.request_timeout_ms");
  }

  if (impl->tls) {
    impl->ssl = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(impl->ssl->native_handle(), TLS1_2_VERSION);
    impl->ssl->set_verify_mode(asio::ssl::verify_peer);
    beast::error_code ec;
    if (!o.ca_file.empty()) {
      impl->ssl->load_verify_file(o.ca_file, ec);
      if (ec) {
        return InvalidArgumentError(
            "notify.gateway_ca_file '" + o.ca_file + "' cannot be loaded: " + ec.message(),
            "notify.gateway_ca_file");
      }
    } else {
      impl->ssl->set_default_verify_paths(ec);
      if (ec) {
        return InvalidArgumentError(
            "the system's CA certificates cannot be loaded: " + ec.message(),
            "notify.gateway_ca_file");
      }
    }
  }
  impl->options = std::move(o);
  return std::unique_ptr<HttpGatewayChannel>(new HttpGatewayChannel(std::move(impl)));
}

Status HttpGatewayChannel::Deliver(const OutgoingMessage& m) {
  const Impl& c = *impl_;
  Request req{http::verb::post, c.target, 11};
  req.set(http::field::host, c.host_header);
  req.set(http::field::user_agent, "vaxreg-notify");
  req.set(http::field::content_type, "application/json; charset=utf-8");
  req.set("Idempotency-Key", "vaxreg-outbox-" + std::to_string(m.id));
  if (!c.auth_name.empty()) req.set(c.auth_name, c.auth_value);
  req.body() = c.body.Render(m);
  req.prepare_payload();

  const auto deadline = std::chrono::steady_clock::now() + c.options.timeout;
  std::optional<Status> result;  // outlives the context, whose destruction drops the handler
  asio::io_context ioc(1);
  asio::co_spawn(ioc, impl_->Run(req, deadline), [&result](std::exception_ptr e, Status st) {
    result = e ? InternalError("gateway client failed unexpectedly") : std::move(st);
  });
  // Socket operations time out by themselves at the deadline; this bounds the rest (name
  // resolution) and the brief TLS close.
  ioc.run_until(deadline + std::chrono::seconds(2));
  if (!result) {
    ioc.stop();
    return DeadlineExceededError("gateway timed out (" + std::to_string(c.options.timeout.count()) +
                                 " ms)");
  }
  return *result;
}

}  // namespace vaxreg::notify
