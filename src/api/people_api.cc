// People: create, read, look up by identity number, and a person's record (doses + status).
// Citizens read only their own record: the one whose CCCD and birth date agree with their
// account's (accounts/citizen_record.h).

#include <boost/json.hpp>

#include "api/read_fence.h"
#include "api/area_access.h"
#include "api/async_bridge.h"
#include "api/query_params.h"
#include "api/registry_json.h"
#include "api/routes.h"
#include "http/json.h"
#include "registry/person_record.h"
#include "registry/person_store.h"

namespace vaxreg::api {
namespace {

namespace http_ = boost::beast::http;
using http::asio::awaitable;

// POST /api/v1/people
awaitable<http::Response> CreatePerson(ApiServices& s, http::RequestContext& ctx) {
  auto body = http::ParseJsonObject(ctx.request);
  if (!body.ok()) co_return http::ErrorResponse(body.status(), ctx.request);
  auto in = NewPersonFromJson(*body);
  if (!in.ok()) co_return http::ErrorResponse(in.status(), ctx.request);
  auto person = registry::ValidateNewPerson(*in, registry::DayOf(ToUnixSeconds(s.clock.Now())));
  if (!person.ok()) co_return http::ErrorResponse(person.status(), ctx.request);
  // An authority registers only people who live in its area.
  if (Status st = CheckMayAccessPerson(*ctx.principal, *person); !st.ok()) {
    co_return http::ErrorResponse(st, ctx.request);
  }
  Result<registry::Person> created = InternalError("not run");
  const registry::Actor actor{ctx.principal->ActorId(), ctx.request_id};
  storage::WriteFn write = [&](storage::Connection& c) {
    created = registry::InsertPerson(c, s.clock, *person, actor);
    return created.status();
  };
  Status st = co_await AwaitWrite(s.writer, write);
  if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  const int64_t id = created->id;
  NotifyPeopleCreated(s, {&id, 1});
  co_return RawJsonResponse(http_::status::created, registry::PersonJson(*created), ctx.request);
}

// GET /api/v1/people/{id}
awaitable<http::Response> GetPerson(ApiServices& s, http::RequestContext& ctx) {
  auto id = IdPathParam(ctx, "id");
  if (!id.ok()) co_return http::ErrorResponse(id.status(), ctx.request);
  auto conn = AcquireForRead(s, ctx.request);
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto p = registry::FindPersonById(**conn, *id);
  if (!p.ok()) co_return http::ErrorResponse(p.status(), ctx.request);
  if (!*p) co_return http::ErrorResponse(PersonNotFound(*ctx.principal, *id), ctx.request);
  if (Status st = CheckMayAccessPerson(**conn, *ctx.principal, **p); !st.ok()) {
    co_return http::ErrorResponse(st, ctx.request);
  }
  co_return RawJsonResponse(http_::status::ok, registry::PersonJson(**p), ctx.request);
}

// GET /api/v1/people?number=CCCD-or-CMND
awaitable<http::Response> FindPerson(ApiServices& s, http::RequestContext& ctx) {
  if (Status st = http::OnlyQueryParams(ctx.request, {"number"}); !st.ok()) {
    co_return http::ErrorResponse(st, ctx.request);
  }
  auto number = http::QueryParam(ctx.request, "number");
  if (!number.ok()) co_return http::ErrorResponse(number.status(), ctx.request);
  auto conn = AcquireForRead(s, ctx.request);
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto p = registry::FindPersonByIdentityNumber(**conn, *number);
  if (!p.ok()) co_return http::ErrorResponse(p.status(), ctx.request);
  if (!*p) co_return http::ErrorResponse(NotFoundError("no person with that number"), ctx.request);
  if (Status st = CheckMayAccessPerson(*ctx.principal, **p); !st.ok()) {
    co_return http::ErrorResponse(st, ctx.request);
  }
  co_return RawJsonResponse(http_::status::ok, registry::PersonJson(**p), ctx.request);
}

// GET /api/v1/people/{id}/record
awaitable<http::Response> GetRecord(ApiServices& s, http::RequestContext& ctx) {
  auto id = IdPathParam(ctx, "id");
  if (!id.ok()) co_return http::ErrorResponse(id.status(), ctx.request);
  auto conn = AcquireForRead(s, ctx.request);
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto record = registry::LoadPersonRecord(**conn, *id, *s.vaccines.Get());
  if (!record.ok()) co_return http::ErrorResponse(record.status(), ctx.request);
  if (!*record) co_return http::ErrorResponse(PersonNotFound(*ctx.principal, *id), ctx.request);
  if (Status st = CheckMayAccessPerson(**conn, *ctx.principal, (*record)->person); !st.ok()) {
    co_return http::ErrorResponse(st, ctx.request);
  }
  co_return http::JsonResponse(http_::status::ok, registry::PersonRecordToJson(**record),
                               ctx.request);
}

// GET /api/v1/me/record: the citizen's own doses and status.
awaitable<http::Response> GetMyRecord(ApiServices& s, http::RequestContext& ctx) {
  auto conn = AcquireForRead(s, ctx.request);
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto mine = CitizenPersonId(**conn, *ctx.principal);
  if (!mine.ok()) co_return http::ErrorResponse(mine.status(), ctx.request);
  if (!*mine) co_return http::ErrorResponse(NotFoundError(std::string(kNoOwnRecord)), ctx.request);
  auto record = registry::LoadPersonRecord(**conn, **mine, *s.vaccines.Get());
  if (!record.ok()) co_return http::ErrorResponse(record.status(), ctx.request);
  if (!*record) {
    co_return http::ErrorResponse(NotFoundError(std::string(kNoOwnRecord)), ctx.request);
  }
  co_return http::JsonResponse(http_::status::ok, registry::PersonRecordToJson(**record),
                               ctx.request);
}

}  // namespace

void RegisterPeopleRoutes(http::Router& router, ApiServices& s) {
  using auth::Role;
  const auto writers =
      auth::AccessRule::Roles({Role::kFacilityStaff, Role::kHealthAuthority, Role::kAdmin});
  const auto readers = auth::AccessRule::Roles(
      {Role::kFacilityStaff, Role::kHealthAuthority, Role::kSigner, Role::kAdmin});
  router.Add({http_::verb::post, "/api/v1/people", writers,
              [&s](http::RequestContext& ctx) { return CreatePerson(s, ctx); }, 0,
              "register a person"});
  router.Add({http_::verb::get, "/api/v1/people", readers,
              [&s](http::RequestContext& ctx) { return FindPerson(s, ctx); }, 0,
              "find a person by CCCD or CMND (?number=)"});
  router.Add({http_::verb::get, "/api/v1/people/{id}", auth::AccessRule::AnyRole(),
              [&s](http::RequestContext& ctx) { return GetPerson(s, ctx); }, 0,
              "one person (citizens: only themselves)"});
  router.Add({http_::verb::get, "/api/v1/people/{id}/record", auth::AccessRule::AnyRole(),
              [&s](http::RequestContext& ctx) { return GetRecord(s, ctx); }, 0,
              "a person's doses and status (citizens: only themselves)"});
  router.Add({http_::verb::get, "/api/v1/me/record", auth::AccessRule::Roles({Role::kCitizen}),
              [&s](http::RequestContext& ctx) { return GetMyRecord(s, ctx); }, 0,
              "the citizen's own doses and status colour"});
}

}  // namespace vaxreg::api
