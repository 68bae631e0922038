// Reading and verifying the audit log (admin only), and the latest signed checkpoint of its
// head (public: anyone may keep copies, which is what makes rows removed later detectable).

#include <boost/json.hpp>

#include "api/query_params.h"
#include "http/json.h"
#include "registry/person.h"
#include "api/routes.h"
#include "audit/audit_log.h"
#include "audit/checkpoint.h"
#include "http/json.h"

namespace vaxreg::api {
namespace {

namespace http_ = boost::beast::http;
using http::asio::awaitable;

// An ISO 8601 date-time or date ("2026-12-04": its start, Viet Nam time) as Unix seconds.
Result<int64_t> TimeParam(const http::Request& req, std::string_view name) {
  ASSIGN_OR_RETURN(auto text, http::OptionalQueryParam(req, name));
  if (!text) return int64_t{0};
  std::chrono::sys_days day;
  if (registry::ParseDay(*text, &day)) {
    return std::chrono::duration_cast<std::chrono::seconds>(day.time_since_epoch()).count() -
           7 * 3600;
  }
  SystemTime t;
  if (ParseIso8601(*text, &t)) return ToUnixSeconds(t);
  return InvalidArgumentError(std::string(name) + " must be YYYY-MM-DD or an ISO 8601 date-time",
                              std::string(name));
}

// GET /api/v1/audit?before=SEQ&limit=N&actor=&target=&action=&from=&to= (newest first): who did
// what to which record and when. `action` is a prefix ("dose." for every dose action).
awaitable<http::Response> ListAudit(ApiServices& s, http::RequestContext& ctx) {
  auto query = [&]() -> Result<audit::AuditQuery> {
    RETURN_IF_ERROR(http::OnlyQueryParams(
        ctx.request, {"before", "limit", "actor", "target", "action", "from", "to"}));
    audit::AuditQuery q;
    ASSIGN_OR_RETURN(q.before_seq, NonNegativeIntParam(ctx.request, "before"));
    ASSIGN_OR_RETURN(q.limit, PageLimit(ctx.request));
    for (auto [name, field] : {std::pair{"actor", &q.actor}, std::pair{"target", &q.target},
                               std::pair{"action", &q.action_prefix}}) {
      ASSIGN_OR_RETURN(auto v, http::OptionalQueryParam(ctx.request, name));
      if (v && (v->empty() || v->size() > 200)) {
        return InvalidArgumentError(std::string(name) + " must be 1 to 200 characters", name);
      }
      if (v) *field = *v;
    }
    ASSIGN_OR_RETURN(q.from, TimeParam(ctx.request, "from"));
    ASSIGN_OR_RETURN(q.to, TimeParam(ctx.request, "to"));
    return q;
  }();
  if (!query.ok()) co_return http::ErrorResponse(query.status(), ctx.request);
  auto conn = s.db.Acquire();
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto rows = audit::ListAudit(**conn, *query);
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
  boost::json::value next = nullptr;
  if (static_cast<int>(rows->size()) == query->limit) next = rows->back().seq;
  co_return http::JsonResponse(http_::status::ok,
                               boost::json::object{{"items", std::move(items)}, {"next_before", next}},
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
