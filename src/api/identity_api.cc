// Identity review queue, duplicate merge proposals and data-quality report for health
// authorities (identity/review.h, identity/merge.h). A health authority sees and decides only
// within its administrative unit; an admin acts nationally.

#include "api/async_bridge.h"
#include "api/certificate_follow.h"
#include "api/query_params.h"
#include "api/registry_json.h"
#include "api/routes.h"
#include "geo/admin_units.h"
#include "http/json.h"
#include "identity/merge.h"
#include "identity/review.h"

namespace vaxreg::api {
namespace {

namespace http_ = boost::beast::http;
using http::asio::awaitable;

// The unit the caller acts on: its binding (health authority) or the whole country (admin).
// ?unit= narrows it to a unit inside the binding.
Result<std::string> CallerUnit(const http::RequestContext& ctx) {
  const auth::Principal& who = *ctx.principal;
  std::string unit = who.role == auth::Role::kHealthAuthority && !who.admin_unit_code.empty()
                         ? who.admin_unit_code
                         : "VN";
  ASSIGN_OR_RETURN(std::optional<std::string> wanted, http::OptionalQueryParam(ctx.request, "unit"));
  if (wanted && !wanted->empty()) {
    if (geo::AdminUnits::Get().Find(*wanted) == nullptr) {
      return InvalidArgumentError("unknown administrative unit " + *wanted, "unit");
    }
    if (!geo::AdminUnits::Get().Contains(unit, *wanted)) {
      return PermissionDeniedError("unit " + *wanted + " is outside your area");
    }
    unit = *wanted;
  }
  return unit;
}

// The caller's unit and the page of a queue listing (?unit=&after=ID&limit=N).
struct QueuePage {
  std::string unit;
  int64_t after = 0;
  int limit = 0;
};
// `extra` is a query parameter of the route besides unit, after and limit ("" for none).
Result<QueuePage> ReadQueuePage(const http::RequestContext& ctx, std::string_view extra = "") {
  RETURN_IF_ERROR(extra.empty()
                      ? http::OnlyQueryParams(ctx.request, {"unit", "after", "limit"})
                      : http::OnlyQueryParams(ctx.request, {"unit", "after", "limit", extra}));
  ASSIGN_OR_RETURN(std::string unit, CallerUnit(ctx));
  ASSIGN_OR_RETURN(int limit, PageLimit(ctx.request));
  ASSIGN_OR_RETURN(int64_t after, NonNegativeIntParam(ctx.request, "after"));
  return QueuePage{unit, after, limit};
}

// {"unit":U,"items":[...]} from items that have ToJson().
template <typename Item>
http::Response QueueResponse(const std::string& unit, const std::vector<Item>& items,
                             const http::Request& req) {
  std::string json = "{\"unit\":\"" + unit + "\",\"items\":[";
  for (size_t i = 0; i < items.size(); ++i) json += (i ? "," : "") + items[i].ToJson();
  json += "]}";
  return RawJsonResponse(http_::status::ok, json, req);
}

// GET /api/v1/identity/review?status=proposed_correction|not_found&after=ID&limit=N
awaitable<http::Response> ListReview(ApiServices& s, http::RequestContext& ctx) {
  auto page = ReadQueuePage(ctx, "status");
  if (!page.ok()) co_return http::ErrorResponse(page.status(), ctx.request);
  auto status = http::OptionalQueryParam(ctx.request, "status");
  if (!status.ok()) co_return http::ErrorResponse(status.status(), ctx.request);
  auto conn = s.db.Acquire();
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto items = identity::ListReviewQueue(**conn, page->unit,
                                         status->value_or("proposed_correction"), page->after,
                                         page->limit);
  if (!items.ok()) co_return http::ErrorResponse(items.status(), ctx.request);
  co_return QueueResponse(page->unit, *items, ctx.request);
}

awaitable<http::Response> Decide(ApiServices& s, http::RequestContext& ctx,
                                 identity::ReviewDecision decision) {
  auto unit = CallerUnit(ctx);
  if (!unit.ok()) co_return http::ErrorResponse(unit.status(), ctx.request);
  auto id = IdPathParam(ctx, "id");
  if (!id.ok()) co_return http::ErrorResponse(id.status(), ctx.request);
  Result<identity::ReviewItem> decided = InternalError("not run");
  const std::string actor = ctx.principal->ActorId();
  storage::WriteFn write = [&](storage::Connection& c) -> Status {
    decided = identity::DecideReview(c, s.clock, *unit, *id, decision, actor, ctx.request_id);
    if (!decided.ok() || decision != identity::ReviewDecision::kAccept) return decided.status();
    const int64_t person = *id;
    return QueueCertificateFollow(s, c, {&person, 1}, {}, true);
  };
  Status st = co_await AwaitWrite(s.writer, write);
  if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  if (decision == identity::ReviewDecision::kAccept) {
    // The record took the register's identity: the certificate must say it at once.
    const registry::Actor who{actor, ctx.request_id};
    const std::vector<int64_t> people{*id};
    auto follow = [&] { return FollowCertificates(s, people, who); };
    co_await RunBlocking(s.blocking_pool, follow);
  }
  const char* outcome = decision == identity::ReviewDecision::kAccept ? "accepted" : "rejected";
  co_return RawJsonResponse(http_::status::ok,
                            "{\"person_id\":" + std::to_string(*id) + ",\"decision\":\"" +
                                outcome + "\",\"before\":" + decided->ToJson() + "}",
                            ctx.request);
}

// GET /api/v1/identity/duplicates?unit=&after=ID&limit=N
awaitable<http::Response> ListDuplicates(ApiServices& s, http::RequestContext& ctx) {
  auto page = ReadQueuePage(ctx);
  if (!page.ok()) co_return http::ErrorResponse(page.status(), ctx.request);
  auto conn = s.db.Acquire();
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto items = identity::ListMergeProposals(**conn, page->unit, page->after, page->limit);
  if (!items.ok()) co_return http::ErrorResponse(items.status(), ctx.request);
  co_return QueueResponse(page->unit, *items, ctx.request);
}

enum class DuplicateAction { kMerge, kReject, kUndo };

// POST /api/v1/identity/duplicates/{id}/merge {"override_reason"} (body optional), /reject, /undo
awaitable<http::Response> DecideDuplicate(ApiServices& s, http::RequestContext& ctx,
                                          DuplicateAction action) {
  auto unit = CallerUnit(ctx);
  if (!unit.ok()) co_return http::ErrorResponse(unit.status(), ctx.request);
  auto id = IdPathParam(ctx, "id");
  if (!id.ok()) co_return http::ErrorResponse(id.status(), ctx.request);
  std::string override_reason;
  if (action == DuplicateAction::kMerge && !ctx.request.body().empty()) {
    auto body = http::ParseJsonObject(ctx.request);
    if (!body.ok()) co_return http::ErrorResponse(body.status(), ctx.request);
    auto reason = http::OptionalString(*body, "override_reason");
    if (!reason.ok()) co_return http::ErrorResponse(reason.status(), ctx.request);
    override_reason = reason->value_or("");
  }
  const auto catalogue = s.vaccines.Get();
  Result<identity::MergeProposal> decided = InternalError("not run");
  const std::string actor = ctx.principal->ActorId();
  storage::WriteFn write = [&](storage::Connection& c) -> Status {
    switch (action) {
      case DuplicateAction::kMerge:
        decided = identity::MergeDuplicate(c, s.clock, *catalogue, *unit, *id, override_reason,
                                           actor, ctx.request_id);
        break;
      case DuplicateAction::kReject:
        decided = identity::RejectDuplicate(c, s.clock, *unit, *id, actor, ctx.request_id);
        break;
      case DuplicateAction::kUndo:
        decided = identity::UndoMerge(c, s.clock, *catalogue, *unit, *id, actor, ctx.request_id);
        break;
    }
    if (!decided.ok() || action == DuplicateAction::kReject) return decided.status();
    const int64_t people[] = {decided->survivor.id, decided->duplicate.id};
    return QueueCertificateFollow(s, c, people, {}, true);
  };
  Status st = co_await AwaitWrite(s.writer, write);
  if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  if (action != DuplicateAction::kReject) {
    // Doses moved between the two records (or back): both certificates follow at once.
    const registry::Actor who{actor, ctx.request_id};
    const std::vector<int64_t> people{decided->survivor.id, decided->duplicate.id};
    auto follow = [&] { return FollowCertificates(s, people, who); };
    co_await RunBlocking(s.blocking_pool, follow);
  }
  co_return RawJsonResponse(http_::status::ok, decided->ToJson(), ctx.request);
}

// GET /api/v1/identity/quality?unit=CODE
awaitable<http::Response> Quality(ApiServices& s, http::RequestContext& ctx) {
  if (Status st = http::OnlyQueryParams(ctx.request, {"unit"}); !st.ok()) {
    co_return http::ErrorResponse(st, ctx.request);
  }
  auto unit = CallerUnit(ctx);
  if (!unit.ok()) co_return http::ErrorResponse(unit.status(), ctx.request);
  auto conn = s.db.Acquire();
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto report = identity::DataQuality(**conn, *unit);
  if (!report.ok()) co_return http::ErrorResponse(report.status(), ctx.request);
  co_return RawJsonResponse(http_::status::ok, report->ToJson(), ctx.request);
}

}  // namespace

void RegisterIdentityRoutes(http::Router& router, ApiServices& s) {
  using auth::Role;
  const auto reviewers = auth::AccessRule::Roles({Role::kHealthAuthority, Role::kAdmin});
  router.Add({http_::verb::get, "/api/v1/identity/review", reviewers,
              [&s](http::RequestContext& ctx) { return ListReview(s, ctx); }, 0,
              "open identity reviews in the caller's area (?status=&unit=&after=&limit=)"});
  router.Add({http_::verb::post, "/api/v1/identity/review/{id}/accept", reviewers,
              [&s](http::RequestContext& ctx) {
                return Decide(s, ctx, identity::ReviewDecision::kAccept);
              },
              0, "accept a proposed correction: the person record takes the register's data"});
  router.Add({http_::verb::post, "/api/v1/identity/review/{id}/reject", reviewers,
              [&s](http::RequestContext& ctx) {
                return Decide(s, ctx, identity::ReviewDecision::kReject);
              },
              0, "reject a proposed correction"});
  router.Add({http_::verb::get, "/api/v1/identity/duplicates", reviewers,
              [&s](http::RequestContext& ctx) { return ListDuplicates(s, ctx); }, 0,
              "open duplicate-record merge proposals in the caller's area (?unit=&after=&limit=)"});
  router.Add({http_::verb::post, "/api/v1/identity/duplicates/{id}/merge", reviewers,
              [&s](http::RequestContext& ctx) {
                return DecideDuplicate(s, ctx, DuplicateAction::kMerge);
              },
              0, "merge the duplicate record into the survivor ({\"override_reason\"} optional)"});
  router.Add({http_::verb::post, "/api/v1/identity/duplicates/{id}/reject", reviewers,
              [&s](http::RequestContext& ctx) {
                return DecideDuplicate(s, ctx, DuplicateAction::kReject);
              },
              0, "reject a merge proposal: the records are different people"});
  router.Add({http_::verb::post, "/api/v1/identity/duplicates/{id}/undo", reviewers,
              [&s](http::RequestContext& ctx) {
                return DecideDuplicate(s, ctx, DuplicateAction::kUndo);
              },
              0, "undo a merge: doses and fields go back as they were"});
  router.Add({http_::verb::get, "/api/v1/identity/quality", reviewers,
              [&s](http::RequestContext& ctx) { return Quality(s, ctx); }, 0,
              "data-quality counts for the caller's area (?unit=)"});
}

}  // namespace vaxreg::api
