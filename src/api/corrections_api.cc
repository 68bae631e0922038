// Correction requests and self-declared doses (flow 4; corrections/service.h): citizens upload
// photos of their paper certificate and send requests; facility staff and health authorities
// work their queues and decide; everybody sees the per-province share decided in time.
//
// Reads run on the database pool; each write runs in the group-commit writer, so a request
// answered 201 is durable together with its photos (stored and synced before the row) and the
// notification to the citizen. After an approval, the facility signs the changed doses and the
// person's certificate is re-issued (the old one revoked) before the answer goes out.

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "accounts/citizen_record.h"
#include "api/area_access.h"
#include "api/async_bridge.h"
#include "api/certificate_follow.h"
#include "api/query_params.h"
#include "api/routes.h"
#include "corrections/report.h"
#include "corrections/service.h"
#include "corrections/store.h"
#include "http/json.h"
#include "media/photo.h"
#include "media/photo_store.h"

namespace vaxreg::api {
namespace {

namespace http_ = boost::beast::http;
namespace json = boost::json;
using http::asio::awaitable;
using corrections::CorrectionRequest;

constexpr size_t kMaxPhotoUpload = 10u << 20;

Status NotConfigured() {
  return UnavailableError("correction requests are not enabled on this server");
}

int64_t Now(const ApiServices& s) { return ToUnixSeconds(s.clock.Now()); }

// The citizen behind the request, with the record CCCD and birth date agree with.
Result<corrections::Citizen> CitizenOf(ApiServices& s, const http::RequestContext& ctx) {
  ASSIGN_OR_RETURN(auto conn, s.db.Acquire());
  ASSIGN_OR_RETURN(accounts::CitizenIdentity id,
                   accounts::CitizenIdentityOf(*conn, ctx.principal->user_id));
  corrections::Citizen c;
  c.user_id = id.user_id;
  c.actor_id = ctx.principal->ActorId();
  c.request_id = ctx.request_id;
  c.cccd = id.cccd;
  c.birth_date = id.birth_date;
  c.phone = id.phone;
  ASSIGN_OR_RETURN(c.person_id, accounts::FindCitizenPersonId(*conn, id));
  if (c.birth_date.empty()) {
    return FailedPreconditionError("sign up with your birth date before sending requests",
                                   "birth_date");
  }
  return c;
}

Result<std::vector<std::string>> PhotoIds(const json::object& body) {
  std::vector<std::string> out;
  auto it = body.find("photos");
  if (it == body.end()) return out;
  if (!it->value().is_array()) return InvalidArgumentError("photos must be a list", "photos");
  for (const json::value& v : it->value().as_array()) {
    if (!v.is_string() || v.as_string().size() != 64) {
      return InvalidArgumentError("each photo is the id an upload returned", "photos");
    }
    out.emplace_back(v.as_string());
  }
  return out;
}

json::object WithEvents(ApiServices& s, storage::Connection& conn, const CorrectionRequest& r,
                        bool with_actors) {
  json::object o = corrections::RequestToJson(r, Now(s));
  json::array events;
  if (auto list = corrections::ListEvents(conn, r.id); list.ok()) {
    for (const auto& e : *list) {
      json::object ev{{"at", e.at}, {"event", e.event}};
      if (with_actors) ev["actor"] = e.actor;
      boost::system::error_code ec;
      json::value detail = json::parse(e.detail, ec);
      if (!ec) ev["detail"] = detail;
      events.push_back(std::move(ev));
    }
  }
  o["events"] = std::move(events);
  return o;
}

// POST /api/v1/photos: the raw image (Content-Type image/jpeg, image/png or image/webp), at most
// 10 MiB. Decoded, stripped of metadata, resized and stored; answers its id for a request.
awaitable<http::Response> UploadPhoto(ApiServices& s, http::RequestContext& ctx) {
  if (s.photos == nullptr) co_return http::ErrorResponse(NotConfigured(), ctx.request);
  const std::string content_type(ctx.request[http_::field::content_type]);
  const int64_t user_id = ctx.principal->user_id;
  {
    auto conn = s.db.Acquire();
    if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
    auto recent = corrections::CountUploadsSince(**conn, user_id, Now(s) - 24 * 3600);
    if (!recent.ok()) co_return http::ErrorResponse(recent.status(), ctx.request);
    const int limit = s.corrections != nullptr ? s.corrections->options().uploads_per_day : 30;
    if (*recent >= limit) {
      co_return http::ErrorResponse(
          ResourceExhaustedError("at most " + std::to_string(limit) +
                                 " photos a day; try again tomorrow"),
          ctx.request);
    }
  }
  std::optional<WorkAdmission::Ticket> ticket =
      s.image_admission != nullptr ? s.image_admission->TryEnter() : std::nullopt;
  if (s.image_admission != nullptr && !ticket) {
    http::Response busy = http::ErrorResponse(
        UnavailableError("too many photos are being processed; retry shortly"), ctx.request);
    busy.set(http_::field::retry_after, "2");
    co_return busy;
  }
  const std::string& body = ctx.request.body();
  media::PhotoStore& store = *s.photos;
  auto process = [&]() -> Result<media::ProcessedPhoto> {
    ASSIGN_OR_RETURN(media::ProcessedPhoto p,
                     media::ProcessPhoto(body, content_type, media::PhotoLimits{}));
    RETURN_IF_ERROR(store.Put(p.sha256, p.full_jpeg));
    RETURN_IF_ERROR(store.Put(p.thumb_sha256, p.thumb_jpeg));
    return p;
  };
  auto processed =
      co_await RunBlocking(s.image_pool != nullptr ? *s.image_pool : s.blocking_pool, process);
  if (!processed.ok()) {
    // Over a size or pixel limit: 413, like a body over the route's limit.
    if (processed.status().code() == StatusCode::kResourceExhausted) {
      co_return http::ErrorResponse(http_::status::payload_too_large, processed.status(),
                                    ctx.request);
    }
    co_return http::ErrorResponse(processed.status(), ctx.request);
  }
  const corrections::Upload upload{processed->sha256, processed->thumb_sha256, processed->width,
                                   processed->height,
                                   static_cast<int64_t>(processed->full_jpeg.size())};
  const int64_t now = Now(s);
  storage::WriteFn write = [&](storage::Connection& c) {
    return corrections::RecordUpload(c, user_id, upload, now);
  };
  Status st = co_await AwaitWrite(s.writer, write);
  if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  co_return http::JsonResponse(http_::status::created,
                               json::object{{"photo", upload.sha256},
                                            {"width", upload.width},
                                            {"height", upload.height},
                                            {"bytes", upload.bytes}},
                               ctx.request);
}

// POST /api/v1/me/corrections {"kind","claim":{...},"dose_id","note","photos":[ids]}
awaitable<http::Response> Submit(ApiServices& s, http::RequestContext& ctx) {
  if (s.corrections == nullptr) co_return http::ErrorResponse(NotConfigured(), ctx.request);
  auto body = http::ParseJsonObject(ctx.request);
  if (!body.ok()) co_return http::ErrorResponse(body.status(), ctx.request);
  corrections::Submission sub;
  {
    auto kind_text = http::RequireString(*body, "kind");
    if (!kind_text.ok()) co_return http::ErrorResponse(kind_text.status(), ctx.request);
    auto kind = corrections::ParseKind(*kind_text);
    if (!kind.ok()) co_return http::ErrorResponse(kind.status(), ctx.request);
    sub.kind = *kind;
    auto claim = body->find("claim");
    if (claim == body->end() || !claim->value().is_object()) {
      co_return http::ErrorResponse(
          InvalidArgumentError("claim must be an object with the claimed values", "claim"),
          ctx.request);
    }
    sub.claim = claim->value().as_object();
    auto note = http::OptionalString(*body, "note");
    if (!note.ok()) co_return http::ErrorResponse(note.status(), ctx.request);
    sub.note = note->value_or("");
    auto dose = body->find("dose_id");
    if (dose != body->end() && !dose->value().is_null()) {
      if (!dose->value().is_int64() || dose->value().as_int64() <= 0) {
        co_return http::ErrorResponse(InvalidArgumentError("dose_id must be a dose id", "dose_id"),
                                      ctx.request);
      }
      sub.dose_id = dose->value().as_int64();
    }
    auto photos = PhotoIds(*body);
    if (!photos.ok()) co_return http::ErrorResponse(photos.status(), ctx.request);
    sub.photo_ids = std::move(*photos);
  }
  auto citizen = CitizenOf(s, ctx);
  if (!citizen.ok()) co_return http::ErrorResponse(citizen.status(), ctx.request);
  const auto catalogue = s.vaccines.Get();
  Result<CorrectionRequest> out = InternalError("not run");
  storage::WriteFn write = [&](storage::Connection& c) {
    out = s.corrections->Submit(c, *catalogue, *citizen, sub);
    return out.status();
  };
  Status st = co_await AwaitWrite(s.writer, write);
  if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  s.metrics.IncrementCounter("vaxreg_corrections_received_total",
                             {{"kind", std::string(corrections::KindName(out->kind))}});
  co_return http::JsonResponse(http_::status::created, corrections::RequestToJson(*out, Now(s)),
                               ctx.request);
}

// GET /api/v1/me/corrections
awaitable<http::Response> ListMine(ApiServices& s, http::RequestContext& ctx) {
  auto conn = s.db.Acquire();
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto list = corrections::ListBySubmitter(**conn, ctx.principal->user_id, 100);
  if (!list.ok()) co_return http::ErrorResponse(list.status(), ctx.request);
  json::array items;
  for (const CorrectionRequest& r : *list) items.push_back(corrections::RequestToJson(r, Now(s)));
  co_return http::JsonResponse(http_::status::ok, json::object{{"items", std::move(items)}},
                               ctx.request);
}

// The citizen's own request by tracking number (kNotFound for anyone else's).
Result<CorrectionRequest> MyRequest(storage::Connection& conn, const http::RequestContext& ctx) {
  const std::string tracking(ctx.path_params.at("tracking"));
  ASSIGN_OR_RETURN(auto r, corrections::FindRequestByTracking(conn, tracking));
  if (!r || r->submitted_by != ctx.principal->user_id) {
    return NotFoundError("no request " + tracking.substr(0, 32));
  }
  return *r;
}

// GET /api/v1/me/corrections/{tracking}
awaitable<http::Response> GetMine(ApiServices& s, http::RequestContext& ctx) {
  auto conn = s.db.Acquire();
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto r = MyRequest(**conn, ctx);
  if (!r.ok()) co_return http::ErrorResponse(r.status(), ctx.request);
  co_return http::JsonResponse(http_::status::ok, WithEvents(s, **conn, *r, false), ctx.request);
}

// POST /api/v1/me/corrections/{tracking}/answer {"note","photos"}
awaitable<http::Response> Answer(ApiServices& s, http::RequestContext& ctx) {
  if (s.corrections == nullptr) co_return http::ErrorResponse(NotConfigured(), ctx.request);
  auto body = http::ParseJsonObject(ctx.request);
  if (!body.ok()) co_return http::ErrorResponse(body.status(), ctx.request);
  auto note = http::OptionalString(*body, "note");
  if (!note.ok()) co_return http::ErrorResponse(note.status(), ctx.request);
  auto photos = PhotoIds(*body);
  if (!photos.ok()) co_return http::ErrorResponse(photos.status(), ctx.request);
  auto citizen = CitizenOf(s, ctx);
  if (!citizen.ok()) co_return http::ErrorResponse(citizen.status(), ctx.request);
  const std::string tracking(ctx.path_params.at("tracking"));
  Result<CorrectionRequest> out = InternalError("not run");
  storage::WriteFn write = [&](storage::Connection& c) {
    out = s.corrections->Answer(c, *citizen, tracking, note->value_or(""), *photos);
    return out.status();
  };
  Status st = co_await AwaitWrite(s.writer, write);
  if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  co_return http::JsonResponse(http_::status::ok, corrections::RequestToJson(*out, Now(s)),
                               ctx.request);
}

// A photo of a request: ?size=thumb for the thumbnail.
awaitable<http::Response> PhotoOf(ApiServices& s, http::RequestContext& ctx,
                                  const CorrectionRequest& r) {
  // Photos are numbered from 0 in the order they were sent.
  const std::string& text = ctx.path_params.at("n");
  size_t n = r.photos.size();
  if (text.size() == 1 && text[0] >= '0' && text[0] <= '9') n = static_cast<size_t>(text[0] - '0');
  if (n >= r.photos.size()) {
    co_return http::ErrorResponse(NotFoundError("no such photo"), ctx.request);
  }
  auto size = http::OptionalQueryParam(ctx.request, "size");
  if (!size.ok()) co_return http::ErrorResponse(size.status(), ctx.request);
  const bool thumb = size->value_or("") == "thumb";
  const auto& photo = r.photos[n];
  auto bytes = s.photos->Get(thumb ? photo.thumb_sha256 : photo.sha256);
  if (!bytes.ok()) co_return http::ErrorResponse(bytes.status(), ctx.request);
  http::Response res{http_::status::ok, ctx.request.version()};
  res.set(http_::field::content_type, "image/jpeg");
  res.set(http_::field::cache_control, "private, no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.keep_alive(ctx.request.keep_alive());
  res.body() = std::move(*bytes);
  res.prepare_payload();
  co_return res;
}

// GET /api/v1/me/corrections/{tracking}/photos/{n}
awaitable<http::Response> GetMyPhoto(ApiServices& s, http::RequestContext& ctx) {
  if (s.photos == nullptr) co_return http::ErrorResponse(NotConfigured(), ctx.request);
  CorrectionRequest r;
  {
    auto conn = s.db.Acquire();
    if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
    auto found = MyRequest(**conn, ctx);
    if (!found.ok()) co_return http::ErrorResponse(found.status(), ctx.request);
    r = std::move(*found);
  }
  co_return co_await PhotoOf(s, ctx, r);
}

// A request the handler may see (kNotFound otherwise, as for a missing one).
Result<CorrectionRequest> SeenRequest(storage::Connection& conn, const http::RequestContext& ctx) {
  ASSIGN_OR_RETURN(int64_t id, IdPathParam(ctx, "id"));
  ASSIGN_OR_RETURN(auto r, corrections::FindRequest(conn, id));
  if (!r) return NotFoundError("no correction request " + std::to_string(id));
  RETURN_IF_ERROR(corrections::CorrectionService::CheckMaySee(*ctx.principal, *r));
  return *r;
}

// GET /api/v1/corrections/{id}: the request, its history and the person's record.
awaitable<http::Response> GetRequest(ApiServices& s, http::RequestContext& ctx) {
  auto conn = s.db.Acquire();
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto r = SeenRequest(**conn, ctx);
  if (!r.ok()) co_return http::ErrorResponse(r.status(), ctx.request);
  co_return http::JsonResponse(http_::status::ok, WithEvents(s, **conn, *r, true), ctx.request);
}

// GET /api/v1/corrections/{id}/photos/{n}
awaitable<http::Response> GetPhoto(ApiServices& s, http::RequestContext& ctx) {
  if (s.photos == nullptr) co_return http::ErrorResponse(NotConfigured(), ctx.request);
  CorrectionRequest r;
  {
    auto conn = s.db.Acquire();
    if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
    auto found = SeenRequest(**conn, ctx);
    if (!found.ok()) co_return http::ErrorResponse(found.status(), ctx.request);
    r = std::move(*found);
  }
  co_return co_await PhotoOf(s, ctx, r);
}

// The unit whose queue a handler works: its facility, its unit, or ?unit= for admins.
Result<std::string> QueueUnit(const http::RequestContext& ctx) {
  ASSIGN_OR_RETURN(std::optional<std::string> unit,
                   http::OptionalQueryParam(ctx.request, "unit"));
  const auth::Principal& who = *ctx.principal;
  switch (who.role) {
    case auth::Role::kFacilityStaff:
      return who.facility_code;
    case auth::Role::kHealthAuthority: {
      const std::string own = who.admin_unit_code.empty() ? "VN" : who.admin_unit_code;
      if (!unit || *unit == own) return own;
      RETURN_IF_ERROR(CheckUnitInArea(who, *unit, "the queue of " + *unit));
      return *unit;
    }
    default:
      return unit.value_or("VN");
  }
}

// GET /api/v1/corrections?scope=assigned|area&unit=&status=&after_due=&after_id=&before_id=&limit=
awaitable<http::Response> ListQueue(ApiServices& s, http::RequestContext& ctx) {
  if (Status st = http::OnlyQueryParams(ctx.request, {"scope", "unit", "status", "after_due",
                                                      "after_id", "before_id", "limit"});
      !st.ok()) {
    co_return http::ErrorResponse(st, ctx.request);
  }
  auto unit = QueueUnit(ctx);
  if (!unit.ok()) co_return http::ErrorResponse(unit.status(), ctx.request);
  auto scope = http::OptionalQueryParam(ctx.request, "scope");
  auto status = http::OptionalQueryParam(ctx.request, "status");
  auto limit = PageLimit(ctx.request);
  auto after_due = NonNegativeIntParam(ctx.request, "after_due");
  auto after_id = NonNegativeIntParam(ctx.request, "after_id");
  auto before_id = NonNegativeIntParam(ctx.request, "before_id");
  for (const Status& st : {scope.status(), status.status(), limit.status(), after_due.status(),
                           after_id.status(), before_id.status()}) {
    if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  }
  const std::string wanted = status->value_or("");
  if (!wanted.empty() && wanted != "open" && wanted != "info_needed" && wanted != "approved" &&
      wanted != "rejected") {
    co_return http::ErrorResponse(
        InvalidArgumentError("status must be open, info_needed, approved or rejected", "status"),
        ctx.request);
  }
  const bool area = scope->value_or("assigned") == "area";
  if (area && ctx.principal->role == auth::Role::kFacilityStaff) {
    co_return http::ErrorResponse(
        PermissionDeniedError("facility staff see the requests assigned to their facility"),
        ctx.request);
  }
  auto conn = s.db.Acquire();
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto page = area ? corrections::ListInArea(**conn, *unit, wanted, *before_id, *limit)
                   : corrections::ListQueue(**conn, *unit, wanted, {*after_due, *after_id}, *limit);
  if (!page.ok()) co_return http::ErrorResponse(page.status(), ctx.request);
  json::array items;
  for (const CorrectionRequest& r : *page) items.push_back(corrections::RequestToJson(r, Now(s)));
  json::object out{{"unit", *unit}, {"items", std::move(items)}};
  if (static_cast<int>(page->size()) == *limit && !page->empty()) {
    out["next"] = area ? json::object{{"before_id", page->back().id}}
                       : json::object{{"after_due", page->back().due_at},
                                      {"after_id", page->back().id}};
  }
  co_return http::JsonResponse(http_::status::ok, out, ctx.request);
}

Result<int> VersionOf(const json::object& body) {
  auto it = body.find("version");
  if (it == body.end() || it->value().is_null()) return 0;
  if (!it->value().is_int64() || it->value().as_int64() < 1) {
    return InvalidArgumentError("version must be the version you read", "version");
  }
  return static_cast<int>(it->value().as_int64());
}

// POST /api/v1/corrections/{id}/approve
//   {"version","note","verifying_facility","override_reason","move_dose_id"}
awaitable<http::Response> Approve(ApiServices& s, http::RequestContext& ctx) {
  if (s.corrections == nullptr) co_return http::ErrorResponse(NotConfigured(), ctx.request);
  auto id = IdPathParam(ctx, "id");
  if (!id.ok()) co_return http::ErrorResponse(id.status(), ctx.request);
  auto body = http::ParseJsonObject(ctx.request);
  if (!body.ok()) co_return http::ErrorResponse(body.status(), ctx.request);
  corrections::ApproveInput in;
  {
    auto version = VersionOf(*body);
    auto note = http::OptionalString(*body, "note");
    auto verifying = http::OptionalString(*body, "verifying_facility");
    auto override_reason = http::OptionalString(*body, "override_reason");
    for (const Status& st :
         {version.status(), note.status(), verifying.status(), override_reason.status()}) {
      if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
    }
    in.version = *version;
    in.note = note->value_or("");
    in.verifying_facility = verifying->value_or("");
    in.override_reason = override_reason->value_or("");
    auto move = body->find("move_dose_id");
    if (move != body->end() && move->value().is_int64()) in.move_dose_id = move->value().as_int64();
  }
  const corrections::Handler h{*ctx.principal, ctx.request_id};
  const auto catalogue = s.vaccines.Get();
  Result<corrections::Decision> out = InternalError("not run");
  storage::WriteFn write = [&](storage::Connection& c) -> Status {
    out = s.corrections->Approve(c, *catalogue, h, *id, in);
    if (!out.ok()) return out.status();
    return QueueCertificateFollow(s, c, out->people_to_refresh, out->facilities_to_sign,
                                  out->identity_changed);
  };
  Status st = co_await AwaitWrite(s.writer, write);
  if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  s.metrics.IncrementCounter("vaxreg_corrections_decided_total", {{"decision", "approved"}});
  // The certificate follows at once: the facility signs the changed doses (step 2), then the
  // person's certificate is re-issued and the old one revoked (step 3).
  const registry::Actor actor{ctx.principal->ActorId(), ctx.request_id};
  auto follow = [&] { return FollowCertificates(s, out->people_to_refresh, actor); };
  json::array certificates = co_await RunBlocking(s.blocking_pool, follow);
  json::object res = corrections::RequestToJson(out->request, Now(s));
  res["reissued_certificates"] = std::move(certificates);
  co_return http::JsonResponse(http_::status::ok, res, ctx.request);
}

// A decision other than approval: `decide` reads its own fields from the body (kInvalidArgument
// naming the field) and calls the service on the writer's connection.
using DecideFn = Result<CorrectionRequest> (*)(ApiServices& s, storage::Connection& c,
                                               const corrections::Handler& h, int64_t id,
                                               int version, const json::object& body);

awaitable<http::Response> RunDecision(ApiServices& s, http::RequestContext& ctx, DecideFn decide,
                                      const char* metric_decision) {
  if (s.corrections == nullptr) co_return http::ErrorResponse(NotConfigured(), ctx.request);
  auto id = IdPathParam(ctx, "id");
  if (!id.ok()) co_return http::ErrorResponse(id.status(), ctx.request);
  auto body = http::ParseJsonObject(ctx.request);
  if (!body.ok()) co_return http::ErrorResponse(body.status(), ctx.request);
  auto version = VersionOf(*body);
  if (!version.ok()) co_return http::ErrorResponse(version.status(), ctx.request);
  const corrections::Handler h{*ctx.principal, ctx.request_id};
  Result<CorrectionRequest> out = InternalError("not run");
  storage::WriteFn write = [&](storage::Connection& c) {
    out = decide(s, c, h, *id, *version, *body);
    return out.status();
  };
  Status st = co_await AwaitWrite(s.writer, write);
  if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  if (metric_decision != nullptr) {
    s.metrics.IncrementCounter("vaxreg_corrections_decided_total", {{"decision", metric_decision}});
  }
  co_return http::JsonResponse(http_::status::ok, corrections::RequestToJson(*out, Now(s)),
                               ctx.request);
}

// POST /api/v1/corrections/{id}/reject {"version","reason","note"}
Result<CorrectionRequest> RejectWith(ApiServices& s, storage::Connection& c,
                                     const corrections::Handler& h, int64_t id, int version,
                                     const json::object& body) {
  ASSIGN_OR_RETURN(std::string reason, http::RequireString(body, "reason"));
  ASSIGN_OR_RETURN(std::optional<std::string> note, http::OptionalString(body, "note"));
  return s.corrections->Reject(c, h, id, version, reason, note.value_or(""));
}

// POST /api/v1/corrections/{id}/request-info {"version","question"}
Result<CorrectionRequest> RequestInfoWith(ApiServices& s, storage::Connection& c,
                                          const corrections::Handler& h, int64_t id, int version,
                                          const json::object& body) {
  ASSIGN_OR_RETURN(std::string question, http::RequireString(body, "question"));
  return s.corrections->RequestInfo(c, h, id, version, question);
}

// POST /api/v1/corrections/{id}/reassign {"version","to","reason"}
Result<CorrectionRequest> ReassignWith(ApiServices& s, storage::Connection& c,
                                       const corrections::Handler& h, int64_t id, int version,
                                       const json::object& body) {
  ASSIGN_OR_RETURN(std::string to, http::RequireString(body, "to"));
  ASSIGN_OR_RETURN(std::string reason, http::RequireString(body, "reason"));
  return s.corrections->Reassign(c, h, id, version, to, reason);
}

awaitable<http::Response> Reject(ApiServices& s, http::RequestContext& ctx) {
  return RunDecision(s, ctx, RejectWith, "rejected");
}
awaitable<http::Response> RequestInfo(ApiServices& s, http::RequestContext& ctx) {
  return RunDecision(s, ctx, RequestInfoWith, nullptr);
}
awaitable<http::Response> Reassign(ApiServices& s, http::RequestContext& ctx) {
  return RunDecision(s, ctx, ReassignWith, nullptr);
}

json::object FiguresJson(const corrections::HandlingFigures& f) {
  return {{"unit", f.unit},
          {"received", f.received},
          {"open", f.open},
          {"decided", f.decided},
          {"decided_within_deadline", f.decided_in_time},
          {"overdue", f.overdue},
          {"escalated", f.escalated},
          {"share_decided_within_deadline",
           f.decided == 0 ? 0.0 : static_cast<double>(f.decided_in_time) / f.decided}};
}

// GET /api/v1/corrections/report?area=&by=province|district|commune|facility
awaitable<http::Response> Report(ApiServices& s, http::RequestContext& ctx) {
  if (Status st = http::OnlyQueryParams(ctx.request, {"area", "by"}); !st.ok()) {
    co_return http::ErrorResponse(st, ctx.request);
  }
  auto area = http::OptionalQueryParam(ctx.request, "area");
  auto by = http::OptionalQueryParam(ctx.request, "by");
  for (const Status& st : {area.status(), by.status()}) {
    if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  }
  std::string unit = area->value_or("");
  const auth::Principal& who = *ctx.principal;
  if (who.role == auth::Role::kHealthAuthority) {
    const std::string own = who.admin_unit_code.empty() ? "VN" : who.admin_unit_code;
    if (unit.empty()) unit = own;
    if (unit != own) {
      Status in_area = CheckUnitInArea(who, unit, "the report of " + unit);
      if (!in_area.ok()) co_return http::ErrorResponse(in_area, ctx.request);
    }
  }
  auto conn = s.db.Acquire();
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto report = corrections::HandlingByUnit(**conn, unit, by->value_or("province"), Now(s));
  if (!report.ok()) co_return http::ErrorResponse(report.status(), ctx.request);
  json::array rows;
  for (const auto& f : report->rows) rows.push_back(FiguresJson(f));
  json::array reasons;
  for (const auto& [code, n] : report->rejected_by_reason) {
    json::object o{{"code", code}, {"count", n}};
    if (auto r = corrections::FindRejectReason(code); r.ok()) {
      o["vi"] = (*r)->vi;
      o["en"] = (*r)->en;
    }
    reasons.push_back(std::move(o));
  }
  co_return http::JsonResponse(http_::status::ok,
                               json::object{{"area", unit.empty() ? "VN" : unit},
                                            {"by", by->value_or("province")},
                                            {"deadline_hours",
                                             s.corrections != nullptr
                                                 ? s.corrections->options().deadline.count() / 3600
                                                 : 48},
                                            {"total", FiguresJson(report->total)},
                                            {"rows", std::move(rows)},
                                            {"rejected_by_reason", std::move(reasons)}},
                               ctx.request);
}

// GET /api/v1/stats/corrections: per province, the share of requests decided in time.
awaitable<http::Response> PublicStats(ApiServices& s, http::RequestContext& ctx) {
  auto conn = s.db.Acquire();
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto report = corrections::HandlingByUnit(**conn, "", "province", Now(s));
  if (!report.ok()) co_return http::ErrorResponse(report.status(), ctx.request);
  json::array rows;
  for (const auto& f : report->rows) {
    rows.push_back({{"province_code", f.unit},
                    {"received", f.received},
                    {"decided", f.decided},
                    {"decided_within_deadline", f.decided_in_time},
                    {"share_decided_within_deadline",
                     f.decided == 0 ? 0.0 : static_cast<double>(f.decided_in_time) / f.decided}});
  }
  http::Response res = http::JsonResponse(
      http_::status::ok, json::object{{"as_of", Now(s)}, {"provinces", std::move(rows)}},
      ctx.request);
  res.set(http_::field::cache_control, "public, max-age=60");
  co_return res;
}

// GET /api/v1/corrections/reasons: the standard reasons to reject, in both languages.
awaitable<http::Response> Reasons(ApiServices&, http::RequestContext& ctx) {
  json::array out;
  for (const auto& r : corrections::RejectReasons()) {
    out.push_back({{"code", r.code}, {"vi", r.vi}, {"en", r.en}});
  }
  co_return http::JsonResponse(http_::status::ok, json::object{{"reasons", std::move(out)}},
                               ctx.request);
}

}  // namespace

void RegisterCorrectionRoutes(http::Router& router, ApiServices& s) {
  using auth::Role;
  const auto citizen = auth::AccessRule::Roles({Role::kCitizen});
  const auto handlers =
      auth::AccessRule::Roles({Role::kFacilityStaff, Role::kHealthAuthority, Role::kAdmin});
  auto bind = [&s](auto fn) {
    return [&s, fn](http::RequestContext& ctx) { return fn(s, ctx); };
  };
  router.Add({http_::verb::post, "/api/v1/photos", citizen, bind(UploadPhoto),
              kMaxPhotoUpload + 1024,
              "upload a photo of a paper vaccination certificate (JPEG, PNG or WebP, 10 MiB)"});
  router.Add({http_::verb::post, "/api/v1/me/corrections", citizen, bind(Submit), 0,
              "send a correction request or self-declare a dose"});
  router.Add({http_::verb::get, "/api/v1/me/corrections", citizen, bind(ListMine), 0,
              "the citizen's own correction requests"});
  router.Add({http_::verb::get, "/api/v1/me/corrections/{tracking}", citizen, bind(GetMine), 0,
              "one of the citizen's requests with its history"});
  router.Add({http_::verb::post, "/api/v1/me/corrections/{tracking}/answer", citizen,
              bind(Answer), 0, "answer a request for more information"});
  router.Add({http_::verb::get, "/api/v1/me/corrections/{tracking}/photos/{n}", citizen,
              bind(GetMyPhoto), 0, "a photo of the citizen's own request"});
  router.Add({http_::verb::get, "/api/v1/corrections", handlers, bind(ListQueue), 0,
              "a handler's queue of correction requests, by deadline"});
  router.Add({http_::verb::get, "/api/v1/corrections/report", handlers, bind(Report), 0,
              "requests received, decided in time, overdue and escalated, by unit"});
  router.Add({http_::verb::get, "/api/v1/corrections/reasons", auth::AccessRule::Public(),
              bind(Reasons), 0, "the standard reasons to reject a request"});
  router.Add({http_::verb::get, "/api/v1/corrections/{id}", handlers, bind(GetRequest), 0,
              "one correction request with its history"});
  router.Add({http_::verb::get, "/api/v1/corrections/{id}/photos/{n}", handlers, bind(GetPhoto),
              0, "a photo attached to a request"});
  router.Add({http_::verb::post, "/api/v1/corrections/{id}/approve", handlers, bind(Approve), 0,
              "approve a request: the record changes and certificates follow"});
  router.Add({http_::verb::post, "/api/v1/corrections/{id}/reject", handlers, bind(Reject), 0,
              "reject a request with a standard reason"});
  router.Add({http_::verb::post, "/api/v1/corrections/{id}/request-info", handlers,
              bind(RequestInfo), 0, "ask the citizen for more information (stops the clock)"});
  router.Add({http_::verb::post, "/api/v1/corrections/{id}/reassign", handlers, bind(Reassign),
              0, "hand a request to another facility or unit, with a reason"});
  router.Add({http_::verb::get, "/api/v1/stats/corrections", auth::AccessRule::Public(),
              bind(PublicStats), 0, "per province, the share of requests decided in time"});
}

}  // namespace vaxreg::api
