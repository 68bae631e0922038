// Liveness, readiness and metrics: public so load balancers and Prometheus need no token.

#include <boost/json.hpp>

#include "api/routes.h"
#include "certs/service/certificate_authority.h"
#include "certs/service/refresh_queue.h"
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
  boost::json::object out{{"status", "ready"}, {"database", "ok"}};
  if (s.certificates != nullptr) {
    // A signer near its end does not make the server unready (it still verifies and, until the
    // end, signs), but it is said here so that probes and operators see it.
    const auto h = s.certificates->signer_health();
    out["signer"] = boost::json::object{
        {"kid", h.kid},
        {"not_after", FormatIso8601(FromUnixSeconds(h.not_after))},
        {"days_left", h.days_left},
        {"status", h.days_left < 0 ? "expired" : h.rotation_due ? "rotation_due" : "ok"}};
  }
  co_return http::JsonResponse(http_::status::ok, out, ctx.request);
}

// Gauges read at scrape time: the active DSC's remaining validity and the certificate refresh
// backlog (certs/service/refresh_queue.h).
void UpdateCertificateGauges(ApiServices& s) {
  if (s.certificates == nullptr) return;
  const auto h = s.certificates->signer_health();
  s.metrics.SetGauge("vaxreg_dsc_days_left", {}, static_cast<double>(h.days_left));
  s.metrics.SetGauge("vaxreg_dsc_rotation_due", {}, h.rotation_due ? 1.0 : 0.0);
  auto conn = s.db.Acquire();
  if (!conn.ok()) return;
  auto backlog = certs::CertificateRefreshBacklog(**conn);
  if (!backlog.ok()) return;
  s.metrics.SetGauge("vaxreg_certificate_refresh_queued", {},
                     static_cast<double>(backlog->queued));
  const int64_t now = ToUnixSeconds(s.clock.Now());
  s.metrics.SetGauge("vaxreg_certificate_refresh_oldest_seconds", {},
                     backlog->queued == 0 ? 0.0
                                          : static_cast<double>(now - backlog->oldest_enqueued_at));
}

http::asio::awaitable<http::Response> Metrics(ApiServices& s, http::RequestContext& ctx) {
  http::Response res{http_::status::ok, ctx.request.version()};
  res.set(http_::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  UpdateCertificateGauges(s);
  res.body() = s.metrics.RenderPrometheus();
  res.keep_alive(ctx.request.keep_alive());
  res.prepare_payload();
  co_return res;
}

}  // namespace

void RegisterHealthRoutes(http::Router& router, ApiServices& s) {
  if (s.certificates != nullptr) {
    s.metrics.RegisterGauge("vaxreg_dsc_days_left",
                            "days until the active document signer certificate expires");
    s.metrics.RegisterGauge("vaxreg_dsc_rotation_due",
                            "1 when the active DSC is too close to its end for a 12-month "
                            "certificate (it is rotated at the next renewal run)");
    s.metrics.RegisterGauge("vaxreg_certificate_refresh_queued",
                            "people whose certificates wait to follow a change of their record");
    s.metrics.RegisterGauge("vaxreg_certificate_refresh_oldest_seconds",
                            "age of the oldest waiting certificate refresh");
  }
  router.Add({http_::verb::get, "/healthz", auth::AccessRule::Public(),
              [](http::RequestContext& ctx) { return Healthz(ctx); }, 0, "liveness probe"});
  router.Add({http_::verb::get, "/readyz", auth::AccessRule::Public(),
              [&s](http::RequestContext& ctx) { return Readyz(s, ctx); }, 0,
              "readiness probe: the database answers; the signer's remaining validity"});
  router.Add({http_::verb::get, "/metrics", auth::AccessRule::Public(),
              [&s](http::RequestContext& ctx) { return Metrics(s, ctx); }, 0,
              "Prometheus metrics"});
}

}  // namespace vaxreg::api
