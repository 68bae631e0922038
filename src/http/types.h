#pragma once
// The vocabulary of the HTTP layer: Beast request/response types, the per-request context that
// handlers receive, and the handler signature. Handlers are coroutines that run on the
// connection's strand (an I/O thread): they must not block; blocking work goes to a thread pool
// (see api/async_bridge.h).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>

#include "auth/role.h"

namespace vaxreg::http {

namespace beast = boost::beast;
namespace asio = boost::asio;

using Request = beast::http::request<beast::http::string_body>;
using Response = beast::http::response<beast::http::string_body>;
// Values are percent-decoded. A catch-all `{name...}` holds the rest of the path without its
// leading '/', possibly empty.
using PathParams = std::unordered_map<std::string, std::string>;

// What a handler knows about the request. Lives for the duration of one handler call; the
// request (headers and the fully read body) is owned by the server.
struct RequestContext {
  const Request& request;
  // From a valid incoming X-Request-Id, else 16 random hex characters. Echoed in the response.
  std::string request_id;
  // Peer IP address (no port).
  std::string remote_address;
  PathParams path_params;
  // Set when the request carried a valid bearer token. Always set on non-public routes.
  std::optional<auth::Principal> principal;
  // The matched route's pattern, e.g. "/api/v1/users/{id}".
  std::string route_pattern;
};

// Builds the response. Errors are answered with ErrorResponse() (http/json.h); an exception that
// escapes is logged and answered with 500 INTERNAL. The server sets X-Request-Id, Server and the
// Connection header on whatever is returned.
using Handler = std::function<asio::awaitable<Response>(RequestContext&)>;

}  // namespace vaxreg::http
