// The read fence at the HTTP edge (read_fence.h).

#include "api/read_fence.h"

#include <boost/beast/http/field.hpp>
#include <string_view>

#include "http/header_value.h"
#include "storage/read_routing.h"

namespace vaxreg::api {

std::string ReadFenceOf(const http::Request& request) {
  if (auto it = request.find(kReadAfterHeader); it != request.end()) {
    std::string_view v = http::TrimOws(std::string_view(it->value().data(), it->value().size()));
    if (storage::ParseLsn(v)) return std::string(v);
  }
  for (auto it = request.find(boost::beast::http::field::cookie); it != request.end(); ++it) {
    if (it->name() != boost::beast::http::field::cookie) break;
    std::string_view v =
        http::CookieValue(std::string_view(it->value().data(), it->value().size()),
                          kReadAfterCookie);
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
