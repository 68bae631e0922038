// The central signer's desk (step 3 of a certificate) over HTTP, for signers and admins:
//   GET  /api/v1/certificates[?status=&person_id=&after_id=&limit=]  certificates, by id
//   GET  /api/v1/certificates/awaiting[?after_id=&limit=]            people with signed doses and
//        no current certificate (with "total" on the first page)
//   POST /api/v1/certificates/issue-awaiting {"after_id"?, "limit"?}  issues the next people of
//        that list (1..500, default 100), one certificate each; a person who fails is reported
//        and skipped, so a client walks the list to its end by passing back `last_person_id`
//   POST /api/v1/certificates/{id}/revoke {"reason"}                  revokes, on every server
//   GET  /api/v1/signing/status                                      the active DSC's validity
//        and rotation, the trust list's DSCs, the revocation list's size
// Lists page by id (`next_after_id`); an unknown parameter is a 400.

#include <boost/json.hpp>

#include "api/async_bridge.h"
#include "api/query_params.h"
#include "api/routes.h"
#include "api/signer_json.h"
#include "certs/codec/base64.h"
#include "certs/service/certificate_authority.h"
#include "certs/service/certificate_store.h"
#include "certs/trust/signed_lists.h"
#include "http/json.h"

namespace vaxreg::api {
namespace {

namespace http_ = boost::beast::http;
using boost::asio::awaitable;

constexpr int64_t kDefaultIssueBatch = 100;
constexpr int64_t kMaxIssueBatch = 500;

Status RequireSigningKeys(const ApiServices& s) {
  if (s.certificates == nullptr || !s.certificates->can_issue()) {
    return UnavailableError("certificate signing keys are not configured (certs.key_dir, "
                            "VAXREG_KEY_PASSPHRASE)");
  }
  return Status::Ok();
}

// GET /api/v1/certificates
Result<boost::json::object> ListCertificatesJson(ApiServices& s, const http::RequestContext& ctx) {
  RETURN_IF_ERROR(
      http::OnlyQueryParams(ctx.request, {"status", "person_id", "after_id", "limit"}));
  certs::CertificateQuery q;
  ASSIGN_OR_RETURN(auto status, http::OptionalQueryParam(ctx.request, "status"));
  if (status) {
    if (*status != "active" && *status != "superseded" && *status != "revoked") {
      return InvalidArgumentError("status must be active, superseded or revoked", "status");
    }
    q.status = *status;
  }
  ASSIGN_OR_RETURN(q.person_id, NonNegativeIntParam(ctx.request, "person_id"));
  ASSIGN_OR_RETURN(q.after_id, NonNegativeIntParam(ctx.request, "after_id"));
  ASSIGN_OR_RETURN(q.limit, PageLimit(ctx.request));
  ASSIGN_OR_RETURN(auto conn, s.db.Acquire());
  ASSIGN_OR_RETURN(auto rows, certs::ListCertificates(*conn, q));
  boost::json::array items;
  for (const auto& c : rows) {
    boost::json::object o = boost::json::parse(c.ToJson()).as_object();
    o.erase("hc1");
    o.erase("shc");
    items.push_back(std::move(o));
  }
  boost::json::value next = nullptr;
  if (static_cast<int>(rows.size()) == q.limit) next = rows.back().id;
  return boost::json::object{{"items", std::move(items)}, {"next_after_id", next}};
}

// GET /api/v1/certificates/awaiting
Result<boost::json::object> AwaitingJson(ApiServices& s, const http::RequestContext& ctx) {
  RETURN_IF_ERROR(http::OnlyQueryParams(ctx.request, {"after_id", "limit"}));
  ASSIGN_OR_RETURN(int64_t after, NonNegativeIntParam(ctx.request, "after_id"));
  ASSIGN_OR_RETURN(int limit, PageLimit(ctx.request));
  ASSIGN_OR_RETURN(auto conn, s.db.Acquire());
  ASSIGN_OR_RETURN(auto rows, certs::ListPeopleAwaitingCertificate(*conn, after, limit));
  boost::json::array items;
  for (const auto& p : rows) {
    items.push_back({{"person_id", p.person_id},
                     {"full_name", p.full_name},
                     {"dob", p.dob},
                     {"cccd", p.cccd},
                     {"province_code", p.province_code},
                     {"signed_doses", p.signed_doses}});
  }
  boost::json::object out{{"items", std::move(items)}};
  out["next_after_id"] = static_cast<int>(rows.size()) == limit
                             ? boost::json::value(rows.back().person_id)
                             : boost::json::value(nullptr);
  if (after == 0) {
    ASSIGN_OR_RETURN(int64_t total, certs::CountPeopleAwaitingCertificate(*conn));
    out["total"] = total;
  }
  return out;
}

// POST /api/v1/certificates/issue-awaiting
Result<boost::json::object> IssueAwaiting(ApiServices& s, const http::RequestContext& ctx) {
  RETURN_IF_ERROR(RequireSigningKeys(s));
  int64_t after = 0;
  int64_t limit = kDefaultIssueBatch;
  if (!ctx.request.body().empty()) {
    ASSIGN_OR_RETURN(auto body, http::ParseJsonObject(ctx.request));
    ASSIGN_OR_RETURN(auto a, http::OptionalInt(body, "after_id"));
    ASSIGN_OR_RETURN(auto l, http::OptionalInt(body, "limit"));
    if (a) after = *a;
    if (l) limit = *l;
  }
  if (after < 0) return InvalidArgumentError("after_id must not be negative", "after_id");
  if (limit < 1 || limit > kMaxIssueBatch) {
    return InvalidArgumentError("limit must be 1.." + std::to_string(kMaxIssueBatch), "limit");
  }
  std::vector<certs::AwaitingCertificate> batch;
  {
    ASSIGN_OR_RETURN(auto conn, s.db.Acquire());
    ASSIGN_OR_RETURN(batch, certs::ListPeopleAwaitingCertificate(*conn, after,
                                                                 static_cast<int>(limit)));
  }
  const registry::Actor actor{ctx.principal->ActorId(), ctx.request_id};
  int64_t issued = 0;
  boost::json::array failed;
  for (const auto& p : batch) {
    // Another server may be issuing over the same people: one already issued is skipped.
    auto rec = s.certificates->IssueFirstCertificate(p.person_id, actor);
    if (rec.ok()) {
      issued += rec->has_value() ? 1 : 0;
    } else {
      failed.push_back({{"person_id", p.person_id}, {"error", rec.status().message()}});
    }
  }
  const bool done = static_cast<int64_t>(batch.size()) < limit;
  return boost::json::object{
      {"issued", issued},
      {"failed", std::move(failed)},
      {"last_person_id", batch.empty() ? after : batch.back().person_id},
      {"done", done}};
}

// POST /api/v1/certificates/{id}/revoke
Result<boost::json::object> RevokeCertificate(ApiServices& s, const http::RequestContext& ctx) {
  RETURN_IF_ERROR(RequireSigningKeys(s));
  ASSIGN_OR_RETURN(int64_t id, IdPathParam(ctx, "id"));
  ASSIGN_OR_RETURN(auto body, http::ParseJsonObject(ctx.request));
  ASSIGN_OR_RETURN(std::string reason, http::RequireString(body, "reason"));
  if (reason.empty() || reason.size() > 500) {
    return InvalidArgumentError("reason must be 1 to 500 characters", "reason");
  }
  const registry::Actor actor{ctx.principal->ActorId(), ctx.request_id};
  ASSIGN_OR_RETURN(auto rec, s.certificates->Revoke(id, reason, actor));
  boost::json::object o = boost::json::parse(rec.ToJson()).as_object();
  o.erase("hc1");
  o.erase("shc");
  return o;
}

// The published trust list as a verifier reads it: parsed and its signature checked, the DSCs
// it holds and whether the active one is among them (a verifier trusts nothing else).
boost::json::object TrustListStatusJson(const certs::CertificateAuthority& ca) {
  boost::json::object out{{"published", false}};
  auto text = ca.SignedTrustList();
  if (!text.ok()) {
    out["error"] = text.status().message();
    return out;
  }
  auto list = certs::ParseSignedTrustList(*text);
  if (!list.ok()) {
    out["error"] = list.status().message();
    return out;
  }
  const std::string active = ca.signer_health().kid;
  bool has_active = false;
  for (const auto& dsc : list->dscs) has_active = has_active || certs::Base64Encode(dsc->kid()) == active;
  out["published"] = true;
  out["dscs"] = list->dscs.size();
  out["issued_at"] = FormatIso8601(list->issued_at);
  out["has_active_dsc"] = has_active;
  return out;
}

// GET /api/v1/signing/status
Result<boost::json::object> SigningStatus(ApiServices& s, const http::RequestContext& ctx) {
  RETURN_IF_ERROR(http::OnlyQueryParams(ctx.request, {}));
  boost::json::object out{{"can_issue", s.certificates != nullptr && s.certificates->can_issue()}};
  if (s.certificates != nullptr) out["signer"] = SignerHealthJson(*s.certificates);
  ASSIGN_OR_RETURN(auto conn, s.db.Acquire());
  ASSIGN_OR_RETURN(auto revoked,
                   certs::ListRevokedUvcis(*conn, ToUnixSeconds(s.clock.Now())));
  ASSIGN_OR_RETURN(int64_t epoch, certs::RevocationEpoch(*conn));
  ASSIGN_OR_RETURN(int64_t awaiting, certs::CountPeopleAwaitingCertificate(*conn));
  out["revocation_list"] = {{"entries", revoked.size()}, {"epoch", epoch}};
  out["trust_list"] = TrustListStatusJson(*s.certificates);
  out["awaiting_certificate"] = awaiting;
  return out;
}

using Handler = Result<boost::json::object> (*)(ApiServices&, const http::RequestContext&);

awaitable<http::Response> Serve(ApiServices& s, http::RequestContext& ctx, Handler handler) {
  auto out = co_await RunBlocking(s.blocking_pool, [&] { return handler(s, ctx); });
  if (!out.ok()) co_return http::ErrorResponse(out.status(), ctx.request);
  co_return http::JsonResponse(http_::status::ok, *out, ctx.request);
}

}  // namespace

void RegisterCertificateDeskRoutes(http::Router& router, ApiServices& s) {
  const auto signers = auth::AccessRule::Roles({auth::Role::kSigner, auth::Role::kAdmin});
  const auto add = [&](http_::verb verb, const char* path, Handler handler, const char* what) {
    router.Add({verb, path, signers,
                [&s, handler](http::RequestContext& ctx) { return Serve(s, ctx, handler); }, 0,
                what});
  };
  add(http_::verb::get, "/api/v1/certificates", &ListCertificatesJson,
      "certificates by id, filtered by status or person (without the credential itself)");
  add(http_::verb::get, "/api/v1/certificates/awaiting", &AwaitingJson,
      "people with signed doses and no current certificate");
  add(http_::verb::post, "/api/v1/certificates/issue-awaiting", &IssueAwaiting,
      "issue certificates for the next people awaiting one (a batch of up to 500)");
  add(http_::verb::post, "/api/v1/certificates/{id}/revoke", &RevokeCertificate,
      "revoke a certificate with a reason; every server refuses it within a second");
  add(http_::verb::get, "/api/v1/signing/status", &SigningStatus,
      "the signer's key validity and rotation, revocation list size, people awaiting a "
      "certificate");
}

}  // namespace vaxreg::api
