#include "http/json.h"

#include <algorithm>
#include <boost/beast/http/field.hpp>
#include <boost/json/error.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <limits>

#include "http/error_language.h"

namespace vaxreg::http {
namespace {

namespace bhttp = beast::http;

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF. Returns the
// offset of the first bad byte, or npos.
size_t FirstInvalidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c == 0xE0) {
      len = 3;
      lo = 0xA0;
    } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
      len = 3;
    } else if (c == 0xED) {
      len = 3;
      hi = 0x9F;
    } else if (c == 0xF0) {
      len = 4;
      lo = 0x90;
    } else if (c >= 0xF1 && c <= 0xF3) {
      len = 4;
    } else if (c == 0xF4) {
      len = 4;
      hi = 0x8F;
    } else {
      return i;
    }
    if (i + len > n) return i;
    if (p[i + 1] < lo || p[i + 1] > hi) return i;
    for (size_t k = 2; k < len; ++k) {
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

std::string_view KindName(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null:
      return "null";
    case boost::json::kind::bool_:
      return "boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
      return "integer";
    case boost::json::kind::double_:
      return "number";
    case boost::json::kind::string:
      return "string";
    case boost::json::kind::array:
      return "array";
    case boost::json::kind::object:
      return "object";
  }
  return "unknown";
}

// The value for `key`, or nullptr when missing or null.
const boost::json::value* Find(const boost::json::object& obj, std::string_view key) {
  const boost::json::value* v = obj.if_contains(key);
  return v == nullptr || v->is_null() ? nullptr : v;
}

Status Missing(std::string_view key) {
  return InvalidArgumentError("field '" + std::string(key) + "' is required", std::string(key));
}

Status WrongType(std::string_view key, std::string_view want, const boost::json::value& got) {
  return InvalidArgumentError("field '" + std::string(key) + "' must be " + std::string(want) +
                                  ", got " + std::string(KindName(got)),
                              std::string(key));
}

Result<int64_t> ToInt(std::string_view key, const boost::json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return InvalidArgumentError("field '" + std::string(key) + "' is out of range",
                                  std::string(key));
    }
    return static_cast<int64_t>(v.get_uint64());
  }
  return WrongType(key, "an integer", v);
}

bool IsJsonMediaType(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.remove_suffix(1);
  while (!media.empty() && (media.front() == ' ' || media.front() == '\t')) media.remove_prefix(1);
  std::string lower(media);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (lower == "application/json") return true;
  const size_t slash = lower.find('/');
  return slash != std::string::npos && lower.size() > 5 &&
         lower.compare(lower.size() - 5, 5, "+json") == 0;
}

}  // namespace

Response JsonResponse(bhttp::status status, const boost::json::value& body, const Request& req) {
  Response res{status, req.version()};
  res.set(bhttp::field::content_type, "application/json; charset=utf-8");
  res.set(bhttp::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = boost::json::serialize(body);
  res.prepare_payload();
  return res;
}

namespace {

boost::json::object ErrorObjectIn(const Status& s, const LocalizedError& text) {
  boost::json::object error{{"code", StatusCodeName(s.code())}, {"message", text.message}};
  if (!s.field().empty()) error["field"] = s.field();
  if (!text.reason.empty()) {
    error["reason"] = text.reason;
    if (!text.params.empty()) {
      boost::json::object params;
      for (const auto& [name, value] : text.params) params[name] = value;
      error["params"] = std::move(params);
    }
  }
  return error;
}

}  // namespace

boost::json::object ErrorObject(const Status& status, const Request& req) {
  const Status s = status.ok() ? InternalError("internal error") : status;
  return ErrorObjectIn(s, LocalizeError(s, PreferredLanguage(req[bhttp::field::accept_language])));
}

Response ErrorResponse(bhttp::status http_status, const Status& status, const Request& req) {
  Status s = status.ok() ? InternalError("internal error") : status;
  const LocalizedError text =
      LocalizeError(s, PreferredLanguage(req[bhttp::field::accept_language]));
  Response res =
      JsonResponse(http_status, boost::json::object{{"error", ErrorObjectIn(s, text)}}, req);
  res.set(bhttp::field::content_language, LanguageTag(text.language));
  res.set(bhttp::field::vary, "Accept-Language");
  if (http_status == bhttp::status::unauthorized) {
    res.set(bhttp::field::www_authenticate, "Bearer");
  }
  return res;
}

Response ErrorResponse(const Status& status, const Request& req) {
  return ErrorResponse(
      status.ok() ? bhttp::status::internal_server_error : HttpStatusFor(status.code()), status,
      req);
}

Result<boost::json::object> ParseJsonObjectBody(std::string_view body) {
  if (body.empty()) {
    return InvalidArgumentError("request body is empty; expected a JSON object", "body");
  }
  if (size_t bad = FirstInvalidUtf8(body); bad != std::string_view::npos) {
    return InvalidArgumentError("body is not valid UTF-8 at offset " + std::to_string(bad), "body");
  }
  boost::json::parse_options opts;
  opts.max_depth = kMaxJsonDepth;
  boost::json::parser parser(boost::json::storage_ptr(), opts);
  boost::json::error_code ec;
  const size_t consumed = parser.write(body.data(), body.size(), ec);
  if (ec == boost::json::error::too_deep) {
    return InvalidArgumentError(
        "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels", "body");
  }
  if (ec) {
    return InvalidArgumentError(
        "malformed JSON at offset " + std::to_string(consumed) + ": " + ec.message(), "body");
  }
  boost::json::value v = parser.release();
  if (!v.is_object()) {
    return InvalidArgumentError(
        "request body must be a JSON object, got " + std::string(KindName(v)), "body");
  }
  return std::move(v.get_object());
}

Result<boost::json::object> ParseJsonObject(const Request& req) {
  auto it = req.find(bhttp::field::content_type);
  if (it != req.end() && !IsJsonMediaType(it->value())) {
    return InvalidArgumentError(
        "content-type must be application/json, got '" + std::string(it->value()) + "'",
        "content-type");
  }
  return ParseJsonObjectBody(req.body());
}

Result<std::string> RequireString(const boost::json::object& obj, std::string_view key) {
  const boost::json::value* v = Find(obj, key);
  if (v == nullptr) return Missing(key);
  if (!v->is_string()) return WrongType(key, "a string", *v);
  return std::string(v->get_string());
}

Result<std::optional<std::string>> OptionalString(const boost::json::object& obj,
                                                  std::string_view key) {
  const boost::json::value* v = Find(obj, key);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->is_string()) return WrongType(key, "a string", *v);
  return std::optional<std::string>(std::string(v->get_string()));
}

Result<int64_t> RequireInt(const boost::json::object& obj, std::string_view key) {
  const boost::json::value* v = Find(obj, key);
  if (v == nullptr) return Missing(key);
  return ToInt(key, *v);
}

Result<std::optional<int64_t>> OptionalInt(const boost::json::object& obj, std::string_view key) {
  const boost::json::value* v = Find(obj, key);
  if (v == nullptr) return std::optional<int64_t>();
  ASSIGN_OR_RETURN(int64_t n, ToInt(key, *v));
  return std::optional<int64_t>(n);
}

Result<bool> OptionalBool(const boost::json::object& obj, std::string_view key,
                          bool default_value) {
  const boost::json::value* v = Find(obj, key);
  if (v == nullptr) return default_value;
  if (!v->is_bool()) return WrongType(key, "a boolean", *v);
  return v->get_bool();
}

Result<const boost::json::array*> RequireArray(const boost::json::object& obj,
                                               std::string_view key) {
  const boost::json::value* v = Find(obj, key);
  if (v == nullptr) return Missing(key);
  if (!v->is_array()) return WrongType(key, "an array", *v);
  return &v->get_array();
}

Result<std::optional<std::string>> OptionalQueryParam(const Request& req, std::string_view name) {
  auto url = boost::urls::parse_origin_form(req.target());
  if (!url) return InvalidArgumentError("malformed request target", "target");
  std::optional<std::string> found;
  for (const auto& param : url->params()) {
    if (param.key != name) continue;
    if (found) {
      return InvalidArgumentError(
          "query parameter '" + std::string(name) + "' is given more than once", std::string(name));
    }
    found = param.value;
  }
  return found;
}

Status OnlyQueryParams(const Request& req, std::initializer_list<std::string_view> allowed) {
  auto url = boost::urls::parse_origin_form(req.target());
  if (!url) return InvalidArgumentError("malformed request target", "target");
  for (const auto& param : url->params()) {
    if (std::find(allowed.begin(), allowed.end(), param.key) == allowed.end()) {
      return InvalidArgumentError("unknown query parameter '" + std::string(param.key) + "'",
                                  std::string(param.key));
    }
  }
  return Status::Ok();
}

Result<std::string> QueryParam(const Request& req, std::string_view name) {
  ASSIGN_OR_RETURN(std::optional<std::string> v, OptionalQueryParam(req, name));
  if (!v) {
    return InvalidArgumentError("query parameter '" + std::string(name) + "' is required",
                                std::string(name));
  }
  return std::move(*v);
}

}  // namespace vaxreg::http
