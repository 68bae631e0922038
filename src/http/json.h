#pragma once
// JSON in and out of HTTP messages: responses (success and the one error shape), request-body
// parsing with limits, typed field getters and query parameters. Every failure is kInvalidArgument
// with a message written for the API caller and, where a field is at fault, `field` set.
// Pure functions; thread-safe.
//
// Error body (every error response, from handlers and from the server itself):
//   {"error":{"code":"INVALID_ARGUMENT","message":"field 'age' must be an integer, got string",
//             "field":"age"}}
// "field" is present only when the Status names a field; clients must treat a missing "field"
// as "no particular field". "reason" (a stable code such as "booking.fully_booked") and
// "params" (the values in the message, {"facility":"HN-BACHMAI","day":"2025-06-01",...}) are
// present when the message is one of the catalogue's (http/error_language.h). "message" is in
// Vietnamese when the request's Accept-Language prefers it and the catalogue has the message;
// Content-Language says which language it is in, and every error carries
// "Vary: Accept-Language".

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "http/error_mapping.h"
#include "http/types.h"

namespace vaxreg::http {

// Deepest nesting of arrays/objects accepted in a request body.
inline constexpr size_t kMaxJsonDepth = 32;

// `body` serialised, Content-Type "application/json; charset=utf-8", Cache-Control: no-store,
// keep-alive and HTTP version as in `req`, Content-Length set.
Response JsonResponse(beast::http::status status, const boost::json::value& body,
                      const Request& req);

// The error body above with HTTP status HttpStatusFor(status.code()), in the language the
// request's Accept-Language prefers. A 401 also carries "WWW-Authenticate: Bearer". An OK status is a bug in the caller and is answered as a 500.
Response ErrorResponse(const Status& status, const Request& req);
// The "error" object ErrorResponse answers with (code, message, field; reason and params when the
// catalogue knows the message), in the language `req` prefers. Also for each refused item of a
// batch or CSV report, so a row's reason reads in the reader's language too.
boost::json::object ErrorObject(const Status& status, const Request& req);
// Same, with an explicit HTTP status (the server uses it for 405, 413 and 431).
Response ErrorResponse(beast::http::status http_status, const Status& status, const Request& req);

// Parses the request body as a JSON object. Content-Type may be absent; if present it must be
// application/json or a +json type (parameters such as charset allowed), else "content-type"
// is the field at fault. Rejects an empty body, bytes that are not UTF-8 ("body is not valid
// UTF-8 at offset N"), malformed JSON ("malformed JSON at offset N: ..."), nesting deeper than
// kMaxJsonDepth, and a top-level value that is not an object. Duplicate keys: the last wins.
Result<boost::json::object> ParseJsonObject(const Request& req);
// The same checks on raw body bytes, without the Content-Type check.
Result<boost::json::object> ParseJsonObjectBody(std::string_view body);

// Field getters. A missing key and an explicit null are the same: "field 'username' is
// required" for Require*, nullopt / the default for Optional*. A value of the wrong type gives
// "field 'age' must be an integer, got string". Integers must be JSON integers (no fraction or
// exponent) that fit in int64.
Result<std::string> RequireString(const boost::json::object& obj, std::string_view key);
Result<std::optional<std::string>> OptionalString(const boost::json::object& obj,
                                                  std::string_view key);
Result<int64_t> RequireInt(const boost::json::object& obj, std::string_view key);
Result<std::optional<int64_t>> OptionalInt(const boost::json::object& obj, std::string_view key);
Result<bool> OptionalBool(const boost::json::object& obj, std::string_view key, bool default_value);
// The pointer points into `obj`; valid while `obj` is alive and unmodified.
Result<const boost::json::array*> RequireArray(const boost::json::object& obj,
                                               std::string_view key);

// Query parameters of the request target, percent-decoded ('+' is a space). A parameter given
// more than once is an error (ambiguous). QueryParam also fails when the parameter is absent
// ("query parameter 'limit' is required"). `field` is the parameter name.
Result<std::string> QueryParam(const Request& req, std::string_view name);
Result<std::optional<std::string>> OptionalQueryParam(const Request& req, std::string_view name);
// OK when every query parameter of `req` is one of `allowed`; otherwise kInvalidArgument
// "unknown query parameter 'x'" with field "x", so a misspelt filter is refused, never ignored.
Status OnlyQueryParams(const Request& req, std::initializer_list<std::string_view> allowed);

}  // namespace vaxreg::http
