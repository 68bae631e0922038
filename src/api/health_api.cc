// Liveness, readiness and metrics: public so load balancers and Prometheus need no token.

#include <boost/json.hpp>

#include "api/routes.h"
#include "http/json.h"

namespace vaxreg::api {
namespace {

namespace http_ = boost::beast::http;

http::asio::awaitable<http::Response> Healthz(http::RequestContext& ctx) {
  co_return http::JsonResponse(http_::status::ok, boost::json::object{{"status", "ok"}},
                               ctx.request);
}

http::asio::awaitable<http::Response> Readyz(ApiServices& s, http::RequestContext& ctx) {
  Status st = s.db.Ping();
  if (!st.ok()) {
    co_return http::ErrorResponse(UnavailableError("database unreachable: " + st.message()),
                                  ctx.request);
  }
  co_return http::JsonResponse(http_::status::ok,
                               boost::json::object{{"status", "ready"}, {"database", "ok"}},
                               ctx.request);
}

http::asio::awaitable<http::Response> Metrics(ApiServices& s, http::RequestContext& ctx) {
  http::Response res{http_::status::ok, ctx.request.version()};
  res.set(http_::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  res.body() = s.metrics.RenderPrometheus();
  res.keep_alive(ctx.request.keep_alive());
  res.prepare_payload();
  co_return res;
}

}  // namespace

void RegisterHealthRoutes(http::Router& router, ApiServices& s) {
  router.Add({http_::verb::get, "/healthz", auth::AccessRule::Public(),
              [](http::RequestContext& ctx) { return Healthz(ctx); }, 0, "liveness probe"});
  router.Add({http_::verb::get, "/readyz", auth::AccessRule::Public(),
              [&s](http::RequestContext& ctx) { return Readyz(s, ctx); }, 0,
              "readiness probe: the database answers"});
  router.Add({http_::verb::get, "/metrics", auth::AccessRule::Public(),
              [&s](http::RequestContext& ctx) { return Metrics(s, ctx); }, 0,
              "Prometheus metrics"});
}

}  // namespace vaxreg::api
