// Certificates (central signer), the citizen's own certificate, their QR codes, the published trust
// and revocation lists, and public verification. The certificate authority is optional: without a
// key folder the signer routes answer 503 and verification trusts nothing.

#include <boost/json.hpp>

#include "api/area_access.h"
#include "api/async_bridge.h"
#include "api/query_params.h"
#include "api/routes.h"
#include "api/shc_api.h"
#include "certs/pdf/certificate_pdf_record.h"
#include "certs/qr/qr_render.h"
#include "certs/qr_image.h"
#include "certs/service/certificate_authority.h"
#include "certs/shc/verifier.h"
#include "certs/verification_json.h"
#include "http/json.h"
#include "media/image_header.h"
#include "registry/person_store.h"

namespace vaxreg::api {
namespace {

namespace http_ = boost::beast::http;
using http::asio::awaitable;

// An image of a QR code, or HC1 text, posted for verification.
constexpr size_t kMaxVerifyBodyBytes = 4 * 1024 * 1024;

Status NoAuthority() {
  return UnavailableError("certificate signing is not configured (certs.key_dir)");
}

http::Response BytesResponse(std::string body, std::string_view content_type,
                             const http::Request& req) {
  http::Response res{http_::status::ok, req.version()};
  res.set(http_::field::content_type, content_type);
  res.set(http_::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

http::Response RawJson(std::string body, const http::Request& req) {
  return BytesResponse(std::move(body), "application/json; charset=utf-8", req);
}

registry::Actor ActorOf(const http::RequestContext& ctx) {
  return {ctx.principal ? ctx.principal->ActorId() : "anonymous", ctx.request_id};
}

// POST /api/v1/certificates {"person_id": N}: issue (or re-issue) the person's certificate.
awaitable<http::Response> IssueCertificate(ApiServices& s, http::RequestContext& ctx) {
  if (s.certificates == nullptr) co_return http::ErrorResponse(NoAuthority(), ctx.request);
  auto body = http::ParseJsonObject(ctx.request);
  if (!body.ok()) co_return http::ErrorResponse(body.status(), ctx.request);
  auto person_id = http::RequireInt(*body, "person_id");
  if (!person_id.ok()) co_return http::ErrorResponse(person_id.status(), ctx.request);
  const registry::Actor actor = ActorOf(ctx);
  const int64_t id = *person_id;
  auto issue = [&s, &actor, id] { return s.certificates->IssueForPerson(id, actor); };
  auto issued = co_await RunBlocking(s.blocking_pool, issue);
  if (!issued.ok()) co_return http::ErrorResponse(issued.status(), ctx.request);
  co_return http::JsonResponse(http_::status::created, boost::json::parse(issued->ToJson()),
                               ctx.request);
}

Result<certs::CertificateRecord> LoadCertificate(ApiServices& s, http::RequestContext& ctx) {
  ASSIGN_OR_RETURN(int64_t id, IdPathParam(ctx, "id"));
  ASSIGN_OR_RETURN(auto conn, s.db.Acquire());
  ASSIGN_OR_RETURN(auto rec, certs::FindCertificate(*conn, id));
  if (!rec) return NotFoundError("no certificate with id " + std::to_string(id));
  return *rec;
}

// GET /api/v1/certificates/{id}
awaitable<http::Response> GetCertificate(ApiServices& s, http::RequestContext& ctx) {
  auto rec = LoadCertificate(s, ctx);
  if (!rec.ok()) co_return http::ErrorResponse(rec.status(), ctx.request);
  co_return http::JsonResponse(http_::status::ok, boost::json::parse(rec->ToJson()), ctx.request);
}

// GET /api/v1/certificates/{id}/qr.svg and /qr.png
awaitable<http::Response> GetQr(ApiServices& s, http::RequestContext& ctx, bool png) {
  auto rec = LoadCertificate(s, ctx);
  if (!rec.ok()) co_return http::ErrorResponse(rec.status(), ctx.request);
  auto image = png ? certs::RenderQrPng(rec->hc1) : certs::RenderQrSvg(rec->hc1);
  if (!image.ok()) co_return http::ErrorResponse(image.status(), ctx.request);
  co_return BytesResponse(std::move(*image), png ? "image/png" : "image/svg+xml", ctx.request);
}

// The calling citizen's newest active certificate. kNotFound when no registry record agrees with
// the citizen's CCCD and birth date (CitizenPersonId) or the person has no active certificate.
Result<certs::CertificateRecord> LoadMyCertificate(ApiServices& s, http::RequestContext& ctx) {
  ASSIGN_OR_RETURN(auto conn, s.db.Acquire());
  ASSIGN_OR_RETURN(std::optional<int64_t> person_id, CitizenPersonId(*conn, *ctx.principal));
  if (!person_id) return NotFoundError(std::string(kNoOwnRecord));
  ASSIGN_OR_RETURN(auto rec, certs::ActiveCertificate(*conn, *person_id));
  if (!rec) return NotFoundError("you have no certificate yet");
  return *rec;
}

// GET /api/v1/me/certificate
awaitable<http::Response> GetMyCertificate(ApiServices& s, http::RequestContext& ctx) {
  auto rec = LoadMyCertificate(s, ctx);
  if (!rec.ok()) co_return http::ErrorResponse(rec.status(), ctx.request);
  co_return http::JsonResponse(http_::status::ok, boost::json::parse(rec->ToJson()), ctx.request);
}

// GET /api/v1/me/certificate/qr.svg and /qr.png
awaitable<http::Response> GetMyQr(ApiServices& s, http::RequestContext& ctx, bool png) {
  auto rec = LoadMyCertificate(s, ctx);
  if (!rec.ok()) co_return http::ErrorResponse(rec.status(), ctx.request);
  auto image = png ? certs::RenderQrPng(rec->hc1) : certs::RenderQrSvg(rec->hc1);
  if (!image.ok()) co_return http::ErrorResponse(image.status(), ctx.request);
  co_return BytesResponse(std::move(*image), png ? "image/png" : "image/svg+xml", ctx.request);
}

// GET /api/v1/certificates/{id}/certificate.pdf and /api/v1/me/certificate.pdf: the printable
// page (certs/pdf). Read and drawn on the image threads behind their admission, as photos are:
// no I/O thread waits on it, and a burst is answered 503 instead of queueing without bound.
awaitable<http::Response> GetPdf(ApiServices& s, http::RequestContext& ctx, bool mine) {
  auto rec = mine ? LoadMyCertificate(s, ctx) : LoadCertificate(s, ctx);
  if (!rec.ok()) co_return http::ErrorResponse(rec.status(), ctx.request);
  std::optional<WorkAdmission::Ticket> ticket =
      s.image_admission != nullptr ? s.image_admission->TryEnter() : std::nullopt;
  if (s.image_admission != nullptr && !ticket) {
    http::Response busy = http::ErrorResponse(
        UnavailableError("too many certificates are being printed; retry shortly"), ctx.request);
    busy.set(http_::field::retry_after, "2");
    co_return busy;
  }
  const certs::CertificateRecord& record = *rec;
  const registry::VaccineCatalogueCache::Snapshot catalogue = s.vaccines.Get();
  auto render = [&s, &record, &catalogue]() -> Result<std::string> {
    ASSIGN_OR_RETURN(auto conn, s.db.Acquire());
    ASSIGN_OR_RETURN(certs::CertificatePdfInput page,
                     certs::CertificatePdfInputFor(*conn, record, *catalogue));
    return certs::RenderCertificatePdf(page);
  };
  auto pdf =
      co_await RunBlocking(s.image_pool != nullptr ? *s.image_pool : s.blocking_pool, render);
  if (!pdf.ok()) co_return http::ErrorResponse(pdf.status(), ctx.request);
  http::Response res = BytesResponse(std::move(*pdf), "application/pdf", ctx.request);
  res.set(http_::field::cache_control, "private, no-store");
  // The file name carries neither the holder's name nor a number of theirs.
  res.set(http_::field::content_disposition,
          "attachment; filename=\"covid19-certificate-" + std::to_string(record.id) + ".pdf\"");
  co_return res;
}

// GET /api/v1/trust-list
awaitable<http::Response> GetTrustList(ApiServices& s, http::RequestContext& ctx) {
  if (s.certificates == nullptr) co_return http::ErrorResponse(NoAuthority(), ctx.request);
  auto list = s.certificates->SignedTrustList();
  if (!list.ok()) co_return http::ErrorResponse(list.status(), ctx.request);
  co_return RawJson(std::move(*list), ctx.request);
}

// GET /api/v1/revocation-list, with ETag / If-None-Match.
awaitable<http::Response> GetRevocationList(ApiServices& s, http::RequestContext& ctx) {
  if (s.certificates == nullptr) co_return http::ErrorResponse(NoAuthority(), ctx.request);
  const std::string etag = "\"" + s.certificates->revocations().Snapshot().second + "\"";
  auto inm = ctx.request.find(http_::field::if_none_match);
  if (inm != ctx.request.end() &&
      (inm->value() == etag || inm->value() == "*" ||
       std::string_view(inm->value()).find(etag) != std::string_view::npos)) {
    http::Response res{http_::status::not_modified, ctx.request.version()};
    res.set(http_::field::etag, etag);
    res.keep_alive(ctx.request.keep_alive());
    res.prepare_payload();
    co_return res;
  }
  auto list = s.certificates->SignedRevocationList();
  if (!list.ok()) co_return http::ErrorResponse(list.status(), ctx.request);
  http::Response res = RawJson(std::move(*list), ctx.request);
  res.set(http_::field::etag, etag);
  res.set(http_::field::cache_control, "no-cache");
  co_return res;
}

// POST /api/v1/verify[?view=minimal]: body HC1 text (any text type), a PNG or JPEG image of the
// QR code, or JSON {"hc1": "..."}; a SMART Health Card (shc:/ text, a JWS, a .smart-health-card
// file, JSON {"shc": "..."} or a QR image of one) is verified as such (shc_api.cc).
awaitable<http::Response> Verify(ApiServices& s, http::RequestContext& ctx) {
  auto view = http::OptionalQueryParam(ctx.request, "view");
  if (!view.ok()) co_return http::ErrorResponse(view.status(), ctx.request);
  const bool minimal = view->value_or("") == "minimal";
  if (view->has_value() && !minimal && **view != "full") {
    co_return http::ErrorResponse(InvalidArgumentError("view must be full or minimal", "view"),
                                  ctx.request);
  }
  const std::string& body = ctx.request.body();
  std::string text;
  if (certs::LooksLikePng(body) || certs::LooksLikeJpeg(body)) {
    // An image declaring more pixels than are ever decoded is refused from its header, before
    // it takes a place in the decoding queue.
    if (auto size = media::ReadDeclaredDimensions(body);
        size && (size->width == 0 || size->height == 0 || size->pixels() > certs::kMaxPngPixels)) {
      co_return http::ErrorResponse(
          http_::status::payload_too_large,
          ResourceExhaustedError("the image is " + std::to_string(size->width) + "x" +
                                 std::to_string(size->height) + " pixels; at most " +
                                 std::to_string(certs::kMaxPngPixels) + " pixels are read"),
          ctx.request);
    }
    // Decoding is the most expensive thing an anonymous caller can ask for: it runs on its own
    // threads behind a bounded queue, so it can delay neither logins nor other requests.
    std::optional<WorkAdmission::Ticket> ticket =
        s.image_admission != nullptr ? s.image_admission->TryEnter() : std::nullopt;
    if (s.image_admission != nullptr && !ticket) {
      http::Response busy = http::ErrorResponse(
          UnavailableError("too many images are being verified; retry shortly, or send the "
                           "certificate's text (HC1:...)"),
          ctx.request);
      busy.set(http_::field::retry_after, "2");
      co_return busy;
    }
    auto decode = [&body] { return certs::DecodeQrFromImage(body); };
    auto decoded =
        co_await RunBlocking(s.image_pool != nullptr ? *s.image_pool : s.blocking_pool, decode);
    if (!decoded.ok()) co_return http::ErrorResponse(decoded.status(), ctx.request);
    text = std::move(*decoded);
  } else if (!body.empty() && body.front() == '{' && certs::shc::LooksLikeShc(body)) {
    text = body;  // a .smart-health-card file, verified as it is
  } else if (!body.empty() && body.front() == '{') {
    auto obj = http::ParseJsonObject(ctx.request);
    if (!obj.ok()) co_return http::ErrorResponse(obj.status(), ctx.request);
    auto hc1 = http::RequireString(*obj, obj->contains("shc") ? "shc" : "hc1");
    if (!hc1.ok()) co_return http::ErrorResponse(hc1.status(), ctx.request);
    text = std::move(*hc1);
  } else {
    std::string_view t = body;
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) {
      t.remove_suffix(1);
    }
    text = std::string(t);
  }
  if (text.empty()) {
    co_return http::ErrorResponse(InvalidArgumentError("nothing to verify", "body"), ctx.request);
  }
  if (certs::shc::LooksLikeShc(text)) {
    co_return http::JsonResponse(http_::status::ok, VerifyShcJson(s, text, minimal), ctx.request);
  }
  static const certs::InMemoryTrustStore kNoTrust;
  // A snapshot: a key reload while this request verifies does not pull it away.
  const std::shared_ptr<const certs::TrustStore> loaded =
      s.certificates ? s.certificates->trust() : nullptr;
  const certs::TrustStore& trust = loaded ? *loaded : kNoTrust;
  const certs::RevocationChecker* revocations =
      s.certificates ? &s.certificates->revocations() : nullptr;
  certs::VerificationResult r = certs::VerifyHc1(text, trust, s.clock.Now(), revocations);
  co_return http::JsonResponse(http_::status::ok, certs::VerificationResultToJson(r, minimal),
                               ctx.request);
}

}  // namespace

void RegisterCertificateRoutes(http::Router& router, ApiServices& s) {
  const auto signer = auth::AccessRule::Roles({auth::Role::kSigner, auth::Role::kAdmin});
  const auto pub = auth::AccessRule::Public();
  router.Add({http_::verb::post, "/api/v1/certificates", signer,
              [&s](http::RequestContext& ctx) { return IssueCertificate(s, ctx); }, 0,
              "issue (or re-issue) a person's certificate"});
  router.Add({http_::verb::get, "/api/v1/certificates/{id}", signer,
              [&s](http::RequestContext& ctx) { return GetCertificate(s, ctx); }, 0,
              "one certificate with its HC1 text"});
  router.Add({http_::verb::get, "/api/v1/certificates/{id}/qr.svg", signer,
              [&s](http::RequestContext& ctx) { return GetQr(s, ctx, false); }, 0,
              "the certificate's QR code as SVG"});
  router.Add({http_::verb::get, "/api/v1/certificates/{id}/qr.png", signer,
              [&s](http::RequestContext& ctx) { return GetQr(s, ctx, true); }, 0,
              "the certificate's QR code as PNG"});
  router.Add({http_::verb::get, "/api/v1/certificates/{id}/certificate.pdf", signer,
              [&s](http::RequestContext& ctx) { return GetPdf(s, ctx, false); }, 0,
              "the printable certificate (A4 PDF) of the holder's current certificate"});
  const auto citizen = auth::AccessRule::Roles({auth::Role::kCitizen});
  router.Add({http_::verb::get, "/api/v1/me/certificate", citizen,
              [&s](http::RequestContext& ctx) { return GetMyCertificate(s, ctx); }, 0,
              "the citizen's own newest certificate with its HC1 text"});
  router.Add({http_::verb::get, "/api/v1/me/certificate/qr.svg", citizen,
              [&s](http::RequestContext& ctx) { return GetMyQr(s, ctx, false); }, 0,
              "the citizen's own certificate QR code as SVG"});
  router.Add({http_::verb::get, "/api/v1/me/certificate/qr.png", citizen,
              [&s](http::RequestContext& ctx) { return GetMyQr(s, ctx, true); }, 0,
              "the citizen's own certificate QR code as PNG"});
  router.Add({http_::verb::get, "/api/v1/me/certificate.pdf", citizen,
              [&s](http::RequestContext& ctx) { return GetPdf(s, ctx, true); }, 0,
              "the citizen's own printable certificate (A4 PDF)"});
  router.Add({http_::verb::get, "/api/v1/trust-list", pub,
              [&s](http::RequestContext& ctx) { return GetTrustList(s, ctx); }, 0,
              "signed list of the CSCA and every DSC"});
  router.Add({http_::verb::get, "/api/v1/revocation-list", pub,
              [&s](http::RequestContext& ctx) { return GetRevocationList(s, ctx); }, 0,
              "signed list of revoked certificates (UVCI hashes), with ETag"});
  router.Add({http_::verb::post, "/api/v1/verify", pub,
              [&s](http::RequestContext& ctx) { return Verify(s, ctx); }, kMaxVerifyBodyBytes,
              "verify an HC1 text or a QR image"});
}

}  // namespace vaxreg::api
