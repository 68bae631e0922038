#pragma once
// HttpGatewayChannel: delivers each message as one HTTPS POST of a JSON document (body_template.h)
// to an SMS or e-mail gateway (notify.gateway_url).
//
// Transport: a new connection per message (Boost.Beast over Asio; OpenSSL). TLS 1.2 or later;
// the server's certificate chain is verified against notify.gateway_ca_file, or the system's
// trust store when it is empty, and its name against the URL's host (DNS name or IP address);
// SNI is sent for DNS names. Plain http:// only with allow_plain_http (a gateway on the same
// host, tests). The whole exchange (name resolution, connect, handshake, request, answer) is
// bounded by `timeout`; a slow name server can hold it longer, up to the resolver's own limit.
//
// Request: POST, Content-Type: application/json; charset=utf-8, Idempotency-Key:
// vaxreg-outbox-<id> (the same for every attempt at one message, so a gateway that honours it
// drops repeats), and the configured auth header. The auth header is a credential: it is never
// logged nor put into an error message.
//
// Answer -> Status (DeliveryChannel): 2xx OK; 408 kDeadlineExceeded and 429 kResourceExhausted
// (retried); any other 4xx kFailedPrecondition (refused for good: the message is dead); 5xx and
// anything else (1xx, 3xx: redirects are not followed) kUnavailable (retried). Connection, TLS
// and protocol failures are kUnavailable, timeouts kDeadlineExceeded. Error messages give the
// status line or the failure, never the answer's body (a gateway may echo the message text).
//
// Thread-safety: Deliver may be called from several threads; each call has its own connection.

#include <chrono>
#include <memory>
#include <string>

#include "common/status.h"
#include "notify/body_template.h"
#include "notify/delivery_channel.h"

namespace vaxreg::notify {

struct HttpGatewayOptions {
  std::string url;                // https://host[:port]/path[?query]; no user:password@
  bool allow_plain_http = false;  // notify.allow_plain_http
  std::string auth_header;        // "Name: value", or "" for none
  std::string ca_file;            // PEM CA certificates; "" = the system's trust store
  std::string body_template{kDefaultBodyTemplate};
  std::chrono::milliseconds timeout{10000};
};

class HttpGatewayChannel final : public DeliveryChannel {
 public:
  // kInvalidArgument (naming the notify.* key) for a URL that is not http(s), plain http without
  // allow_plain_http, credentials in the URL, a malformed auth header, a bad template, or a CA
  // file that cannot be loaded.
  static Result<std::unique_ptr<HttpGatewayChannel>> Create(HttpGatewayOptions options);
  ~HttpGatewayChannel() override;

  Status Deliver(const OutgoingMessage& m) override;

 private:
  struct Impl;
  explicit HttpGatewayChannel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vaxreg::notify
