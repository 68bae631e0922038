// The read fence at the HTTP edge (read_fence.h).

#include "api/read_fence.h"

#include <boost/beast/http/field.hpp>
#include <string_view>

#include "storage/read_routing.h"

namespace vaxreg::api {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or "".
std::string_view CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const size_t semi = header.find(';');
    std::string_view pair = Trim(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && Trim(pair.substr(0, eq)) == name) {
      return Trim(pair.substr(eq + 1));
    }
  }
  return {};
}

}  // namespace

std::string ReadFenceOf(const http::Request& request) {
  if (auto it = request.find(kReadAfterHeader); it != request.end()) {
    std::string_view v = Trim(std::string_view(it->value().data(), it->value().size()));
    if (storage::ParseLsn(v)) return std::string(v);
  }
  for (auto it = request.find(boost::beast::http::field::cookie); it != request.end(); ++it) {
    if (it->name() != boost::beast::http::field::cookie) break;
    std::string_view v =
        CookieValue(std::string_view(it->value().data(), it->value().size()), kReadAfterCookie);
    if (storage::ParseLsn(v)) return std::string(v);
  }
  return {};
}

Result<storage::PooledConnection> AcquireForRead(ApiServices& s, const http::Request& request) {
  if (s.reads == nullptr || !s.reads->has_replica()) return s.db.Acquire();
  bool on_replica = false;
  auto conn = s.reads->AcquireForRead(ReadFenceOf(request), &on_replica);
  s.metrics.IncrementCounter("vaxreg_db_reads_total",
                             {{"target", on_replica ? "replica" : "primary"}});
  return conn;
}

namespace {

// A plain coroutine function, not a coroutine lambda (see async_bridge.h on GCC 12): `inner`
// lives in the route table for the server's lifetime.
boost::asio::awaitable<http::Response> AnswerWithFence(const http::Handler& inner, ApiServices& s,
                                                       http::RequestContext& ctx) {
  http::Response res = co_await inner(ctx);
  const unsigned code = res.result_int();
  if (code < 200 || code >= 300) co_return res;
  // The write committed before its answer was made, so any position read now covers it. When the
  // position cannot be read the answer goes without it: the caller's next read may then come
  // from a replica that has not caught up yet.
  auto fence = s.reads->WriteFence();
  if (!fence.ok() || fence->empty()) co_return res;
  res.set(kWrittenLsnHeader, *fence);
  std::string cookie = std::string(kReadAfterCookie) + "=" + *fence +
                       "; Path=/; Max-Age=60; HttpOnly; SameSite=Strict";
  if (s.serves_tls) cookie += "; Secure";
  res.insert(boost::beast::http::field::set_cookie, cookie);
  co_return res;
}

}  // namespace

http::Handler WithWriteFence(http::Handler inner, ApiServices& s) {
  if (s.reads == nullptr || !s.reads->has_replica()) return inner;
  return [inner = std::move(inner), &s](http::RequestContext& ctx) {
    return AnswerWithFence(inner, s, ctx);
  };
}

}  // namespace vaxreg::api
