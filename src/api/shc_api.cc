// SMART Health Cards: the issuer's public key set and revocation lists under /.well-known (CORS:
// any origin, so browsers and apps verify offline with what they fetched), the citizen's card as
// a .smart-health-card file and as a QR code, and the FHIR operation $health-cards-issue.
// Every card is the one stored beside the certificate's DCC (certs/service/certificate_authority.h),
// made on first request for certificates issued before SHC support.

#include "api/shc_api.h"

#include <boost/json.hpp>

#include "api/area_access.h"
#include "api/fhir_api.h"
#include "api/async_bridge.h"
#include "api/query_params.h"
#include "api/routes.h"
#include "certs/iso_time.h"
#include "certs/qr/qr_render.h"
#include "certs/service/certificate_authority.h"
#include "certs/shc/issuer.h"
#include "certs/shc/numeric.h"
#include "certs/shc/verification_json.h"
#include "http/error_mapping.h"
#include "http/json.h"
#include "registry/person_store.h"

namespace vaxreg::api {
namespace {

namespace http_ = boost::beast::http;
namespace json = boost::json;
using http::asio::awaitable;

constexpr std::string_view kSmartHealthCardType = "application/smart-health-card";
constexpr size_t kMaxFhirBodyBytes = 64 * 1024;

Status NotPublished() {
  return UnavailableError("SMART Health Cards are not set up here (certs.key_dir with an SHC key)");
}

registry::Actor ActorOf(const http::RequestContext& ctx) {
  return {ctx.principal ? ctx.principal->ActorId() : "anonymous", ctx.request_id};
}

http::Response Reply(http_::status status, std::string body, std::string_view content_type,
                     const http::Request& req) {
  http::Response res{status, req.version()};
  res.set(http_::field::content_type, content_type);
  res.set(http_::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

// A public document every origin may read, revalidated by ETag (the version of the publication).
http::Response PublicDocument(std::string body, const std::string& version,
                              const http::Request& req) {
  const std::string etag = "\"" + version + "\"";
  auto inm = req.find(http_::field::if_none_match);
  const bool fresh = inm != req.end() && (inm->value() == "*" ||
                                          std::string_view(inm->value()).find(etag) !=
                                              std::string_view::npos);
  http::Response res = Reply(fresh ? http_::status::not_modified : http_::status::ok,
                             fresh ? std::string() : std::move(body),
                             "application/json; charset=utf-8", req);
  if (fresh) res.erase(http_::field::content_type);
  res.set(http_::field::access_control_allow_origin, "*");
  res.set(http_::field::cache_control, "no-cache");
  res.set(http_::field::etag, etag);
  res.prepare_payload();
  return res;
}

// GET /.well-known/jwks.json
awaitable<http::Response> GetJwks(ApiServices& s, http::RequestContext& ctx) {
  auto pub = s.certificates != nullptr ? s.certificates->shc() : nullptr;
  if (!pub) {
    http::Response res = http::ErrorResponse(NotPublished(), ctx.request);
    res.set(http_::field::access_control_allow_origin, "*");
    co_return res;
  }
  co_return PublicDocument(pub->jwks, pub->version, ctx.request);
}

// GET /.well-known/crl/{file}: file is "<kid>.json".
awaitable<http::Response> GetCrl(ApiServices& s, http::RequestContext& ctx) {
  auto pub = s.certificates != nullptr ? s.certificates->shc() : nullptr;
  const std::string& file = ctx.path_params.at("file");
  const certs::shc::ShcCrl* crl = nullptr;
  if (pub && file.ends_with(".json")) {
    auto it = pub->trust->crls.find(std::string_view(file).substr(0, file.size() - 5));
    if (it != pub->trust->crls.end()) crl = &it->second;
  }
  if (crl == nullptr) {
    http::Response res = http::ErrorResponse(
        pub ? NotFoundError("no revocation list " + file) : NotPublished(), ctx.request);
    res.set(http_::field::access_control_allow_origin, "*");
    co_return res;
  }
  co_return PublicDocument(crl->ToJson(), pub->version, ctx.request);
}

// The active certificate of `person_id` with its SMART Health Card (made now when missing);
// nullopt when the person has no active certificate. An SHC that cannot be made is a conflict
// with the certificate's state, not a size limit the caller hit.
Result<std::optional<certs::CertificateRecord>> ActiveShc(ApiServices& s, int64_t person_id,
                                                          const registry::Actor& actor) {
  if (s.certificates == nullptr || !s.certificates->shc()) return NotPublished();
  std::optional<certs::CertificateRecord> rec;
  {
    ASSIGN_OR_RETURN(auto conn, s.db.Acquire());
    ASSIGN_OR_RETURN(rec, certs::ActiveCertificate(*conn, person_id));
  }
  if (!rec || !rec->shc_jws.empty()) return rec;
  auto made = s.certificates->EnsureShc(rec->id, actor);
  if (made.status().code() == StatusCode::kResourceExhausted) {
    return FailedPreconditionError("this certificate has no SMART Health Card: " +
                                   made.status().message());
  }
  if (!made.ok()) return made.status();
  return std::optional<certs::CertificateRecord>(std::move(*made));
}

// The calling citizen's card (kNotFound when they have no record or no certificate).
Result<certs::CertificateRecord> MyShc(ApiServices& s, const http::RequestContext& ctx) {
  std::optional<int64_t> person_id;
  {
    ASSIGN_OR_RETURN(auto conn, s.db.Acquire());
    ASSIGN_OR_RETURN(person_id, CitizenPersonId(*conn, *ctx.principal));
  }
  if (!person_id) return NotFoundError(std::string(kNoOwnRecord));
  ASSIGN_OR_RETURN(auto rec, ActiveShc(s, *person_id, ActorOf(ctx)));
  if (!rec) return NotFoundError("you have no certificate yet");
  return std::move(*rec);
}

std::string HealthCardFile(const std::string& jws) {
  return json::serialize(json::object{{"verifiableCredential", json::array{json::string(jws)}}});
}

// GET /api/v1/me/certificate.smart-health-card
awaitable<http::Response> GetMyHealthCardFile(ApiServices& s, http::RequestContext& ctx) {
  auto load = [&s, &ctx] { return MyShc(s, ctx); };
  auto rec = co_await RunBlocking(s.blocking_pool, load);
  if (!rec.ok()) co_return http::ErrorResponse(rec.status(), ctx.request);
  http::Response res =
      Reply(http_::status::ok, HealthCardFile(rec->shc_jws), kSmartHealthCardType, ctx.request);
  res.set(http_::field::content_disposition,
          "attachment; filename=\"vaxreg-certificate-" + std::to_string(rec->id) +
              ".smart-health-card\"");
  co_return res;
}

// GET /api/v1/me/certificate/shc-qr.svg and /shc-qr.png: one QR code at error correction L.
awaitable<http::Response> GetMyHealthCardQr(ApiServices& s, http::RequestContext& ctx, bool png) {
  auto load = [&s, &ctx] { return MyShc(s, ctx); };
  auto rec = co_await RunBlocking(s.blocking_pool, load);
  if (!rec.ok()) co_return http::ErrorResponse(rec.status(), ctx.request);
  auto text = certs::shc::EncodeShcNumeric(rec->shc_jws);
  if (!text.ok()) co_return http::ErrorResponse(text.status(), ctx.request);
  certs::QrRenderOptions options;
  options.low_error_correction = true;
  auto image = png ? certs::RenderQrPng(*text, options) : certs::RenderQrSvg(*text, options);
  if (!image.ok()) co_return http::ErrorResponse(image.status(), ctx.request);
  co_return Reply(http_::status::ok, std::move(*image), png ? "image/png" : "image/svg+xml",
                  ctx.request);
}

// The credential types of a $health-cards-issue request that vaxreg's cards answer (the SHC type
// URIs and the FHIR resource type they hold); kInvalidArgument when the body is not a Parameters
// resource with at least one credentialType.
Result<bool> WantsImmunizationCard(const json::object& body) {
  if (const json::value* t = body.if_contains("resourceType"); t == nullptr || *t != "Parameters") {
    return InvalidArgumentError("the body must be a FHIR Parameters resource");
  }
  const json::value* params = body.if_contains("parameter");
  if (params == nullptr || !params->is_array()) {
    return InvalidArgumentError("Parameters.parameter must list at least one credentialType");
  }
  bool any_type = false;
  bool wanted = false;
  for (const json::value& p : params->get_array()) {
    const json::object* o = p.if_object();
    const json::value* name = o != nullptr ? o->if_contains("name") : nullptr;
    if (name == nullptr || *name != "credentialType") continue;
    any_type = true;
    for (const char* key : {"valueUri", "valueString", "valueCode"}) {
      const json::value* v = o->if_contains(key);
      if (v == nullptr || !v->is_string()) continue;
      const std::string_view type = v->get_string();
      wanted = wanted || type == certs::shc::kHealthCardVcType ||
               type == certs::shc::kImmunizationVcType || type == certs::shc::kCovid19VcType ||
               type == "Immunization";
    }
  }
  if (!any_type) {
    return InvalidArgumentError("Parameters.parameter must list at least one credentialType");
  }
  return wanted;
}

// POST /fhir/Patient/{id}/$health-cards-issue: Parameters in (credentialType, ...), Parameters
// out ({"name":"verifiableCredential","valueString": JWS} when the person has a card of a
// requested type; no parameter otherwise). Citizens only for their own person (any other id is
// "not found", as a missing one); signers and admins for anyone, as the certificate routes.
Result<json::object> IssueHealthCards(ApiServices& s, const http::RequestContext& ctx,
                                      int64_t person_id, const json::object& body) {
  ASSIGN_OR_RETURN(bool wanted, WantsImmunizationCard(body));
  {
    ASSIGN_OR_RETURN(auto conn, s.db.Acquire());
    ASSIGN_OR_RETURN(auto person, registry::FindPersonById(*conn, person_id));
    if (!person) return PersonNotFound(*ctx.principal, person_id);
    RETURN_IF_ERROR(CheckMayAccessPerson(*conn, *ctx.principal, *person));
  }
  json::array out;
  if (wanted) {
    ASSIGN_OR_RETURN(auto rec, ActiveShc(s, person_id, ActorOf(ctx)));
    if (rec) {
      out.push_back(json::object{{"name", "verifiableCredential"}, {"valueString", rec->shc_jws}});
    }
  }
  return json::object{{"resourceType", "Parameters"}, {"parameter", std::move(out)}};
}

awaitable<http::Response> HealthCardsIssue(ApiServices& s, http::RequestContext& ctx) {
  auto id = IdPathParam(ctx, "id");
  if (!id.ok()) co_return FhirError(NotFoundError("no Patient " + ctx.path_params.at("id")),
                                    ctx.request);
  auto body = http::ParseJsonObject(ctx.request);
  if (!body.ok()) co_return FhirError(body.status(), ctx.request);
  const int64_t person_id = *id;
  auto issue = [&s, &ctx, person_id, &body] { return IssueHealthCards(s, ctx, person_id, *body); };
  auto out = co_await RunBlocking(s.blocking_pool, issue);
  if (!out.ok()) co_return FhirError(out.status(), ctx.request);
  co_return FhirResponse(*out, ctx.request);
}

}  // namespace

json::object VerifyShcJson(const ApiServices& s, std::string_view text, bool minimal) {
  auto pub = s.certificates != nullptr ? s.certificates->shc() : nullptr;
  static const certs::shc::ShcTrust kNoTrust;
  const certs::shc::ShcTrust& trust = pub ? *pub->trust : kNoTrust;
  return certs::shc::ShcVerificationResultsToJson(
      certs::shc::VerifyShcInput(text, trust, s.clock.Now()), minimal);
}

void RegisterShcRoutes(http::Router& router, ApiServices& s) {
  const auto pub = auth::AccessRule::Public();
  router.Add({http_::verb::get, "/.well-known/jwks.json", pub,
              [&s](http::RequestContext& ctx) { return GetJwks(s, ctx); }, 0,
              "the SMART Health Card issuer's public keys (JWK set, CORS *)"});
  router.Add({http_::verb::get, "/.well-known/crl/{file}", pub,
              [&s](http::RequestContext& ctx) { return GetCrl(s, ctx); }, 0,
              "revocation list of one SHC key: /.well-known/crl/<kid>.json (CORS *)"});
  const auto citizen = auth::AccessRule::Roles({auth::Role::kCitizen});
  router.Add({http_::verb::get, "/api/v1/me/certificate.smart-health-card", citizen,
              [&s](http::RequestContext& ctx) { return GetMyHealthCardFile(s, ctx); }, 0,
              "the citizen's SMART Health Card as a .smart-health-card file"});
  router.Add({http_::verb::get, "/api/v1/me/certificate/shc-qr.svg", citizen,
              [&s](http::RequestContext& ctx) { return GetMyHealthCardQr(s, ctx, false); }, 0,
              "the citizen's SMART Health Card QR code as SVG"});
  router.Add({http_::verb::get, "/api/v1/me/certificate/shc-qr.png", citizen,
              [&s](http::RequestContext& ctx) { return GetMyHealthCardQr(s, ctx, true); }, 0,
              "the citizen's SMART Health Card QR code as PNG"});
  const auto holder_or_signer =
      auth::AccessRule::Roles({auth::Role::kCitizen, auth::Role::kSigner, auth::Role::kAdmin});
  router.Add({http_::verb::post, "/fhir/Patient/{id}/$health-cards-issue", holder_or_signer,
              [&s](http::RequestContext& ctx) { return HealthCardsIssue(s, ctx); },
              kMaxFhirBodyBytes, "FHIR $health-cards-issue: a person's SMART Health Card"});
}

}  // namespace vaxreg::api
