// Reading and verifying the audit log (admin only), and the latest signed checkpoint of its
// head (public: anyone may keep copies, which is what makes rows removed later detectable).

#include <boost/json.hpp>

#include "api/query_params.h"
#include "api/routes.h"
#include "audit/audit_log.h"
#include "audit/checkpoint.h"
#include "http/json.h"

namespace vaxreg::api {
namespace {

namespace http_ = boost::beast::http;
using http::asio::awaitable;

// GET /api/v1/audit?before=SEQ&limit=N (newest first)
awaitable<http::Response> ListAudit(ApiServices& s, http::RequestContext& ctx) {
  auto before = NonNegativeIntParam(ctx.request, "before");
  if (!before.ok()) co_return http::ErrorResponse(before.status(), ctx.request);
  auto limit = PageLimit(ctx.request);
  if (!limit.ok()) co_return http::ErrorResponse(limit.status(), ctx.request);
  auto conn = s.db.Acquire();
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto rows = audit::ListAudit(**conn, *before, *limit);
  if (!rows.ok()) co_return http::ErrorResponse(rows.status(), ctx.request);
  boost::json::array items;
  for (const auto& r : *rows) {
    items.push_back({{"seq", r.seq},
                     {"at", r.at},
                     {"actor", r.entry.actor},
                     {"action", r.entry.action},
                     {"target", r.entry.target},
                     {"before", r.entry.before_json},
                     {"after", r.entry.after_json},
                     {"request_id", r.entry.request_id},
                     {"hash", r.hash}});
  }
  co_return http::JsonResponse(http_::status::ok, boost::json::object{{"items", std::move(items)}},
                               ctx.request);
}

// GET /api/v1/audit/verify
awaitable<http::Response> VerifyAudit(ApiServices& s, http::RequestContext& ctx) {
  auto conn = s.db.Acquire();
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto report = audit::VerifyAuditChain(**conn);
  if (!report.ok()) co_return http::ErrorResponse(report.status(), ctx.request);
  boost::json::object out{{"ok", report->ok},
                          {"rows_checked", report->rows_checked},
                          {"head_seq", report->head_seq},
                          {"head_hash", report->head_hash}};
  if (!report->ok) {
    out["first_bad_seq"] = report->first_bad_seq;
    out["problem"] = report->problem;
  }
  co_return http::JsonResponse(http_::status::ok, out, ctx.request);
}

// GET /api/v1/audit/checkpoint: the newest signed checkpoint, as in the checkpoint file, plus
// the exact bytes that were signed. 404 before the first checkpoint.
awaitable<http::Response> LatestCheckpoint(ApiServices& s, http::RequestContext& ctx) {
  auto conn = s.db.Acquire();
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto latest = audit::LatestRecordedCheckpoint(**conn);
  if (!latest.ok()) co_return http::ErrorResponse(latest.status(), ctx.request);
  if (!*latest) {
    co_return http::ErrorResponse(NotFoundError("no audit checkpoint has been published"),
                                  ctx.request);
  }
  const audit::Checkpoint& c = **latest;
  boost::json::object out = boost::json::parse(c.ToJsonLine()).as_object();
  out["signed"] = c.SignedBytes();
  out["algorithm"] = "Ed25519";
  co_return http::JsonResponse(http_::status::ok, out, ctx.request);
}

}  // namespace

void RegisterAuditRoutes(http::Router& router, ApiServices& s) {
  const auto admin = auth::AccessRule::Roles({auth::Role::kAdmin});
  router.Add({http_::verb::get, "/api/v1/audit", admin,
              [&s](http::RequestContext& ctx) { return ListAudit(s, ctx); }, 0,
              "audit log, newest first"});
  router.Add({http_::verb::get, "/api/v1/audit/verify", admin,
              [&s](http::RequestContext& ctx) { return VerifyAudit(s, ctx); }, 0,
              "check the audit hash chain"});
  router.Add({http_::verb::get, "/api/v1/audit/checkpoint", auth::AccessRule::Public(),
              [&s](http::RequestContext& ctx) { return LatestCheckpoint(s, ctx); }, 0,
              "the latest signed checkpoint of the audit chain head"});
}

}  // namespace vaxreg::api
