// Pre-registration (booking a facility and day for the person's next dose, within capacity; the
// answer carries the QR text), the bookings of a person (listing, cancelling, moving) and
// check-in: scanning a registration QR or the chip ID card's QR returns the person, their doses
// and the next dose due in one call, creating the person from the card when new.

#include <boost/json.hpp>
#include <functional>

#include "api/read_fence.h"
#include "api/area_access.h"
#include "api/async_bridge.h"
#include "api/query_params.h"
#include "api/registry_json.h"
#include "api/routes.h"
#include "http/json.h"
#include "identity/person.h"
#include "registry/chip_card_qr.h"
#include "registry/facility.h"
#include "registry/person_record.h"
#include "registry/person_store.h"
#include "registry/registration.h"
#include "registry/vaccination_status.h"
#include "text/vietnamese.h"

namespace vaxreg::api {
namespace {

namespace http_ = boost::beast::http;
using http::asio::awaitable;

// What the person at the desk should be asked about before a dose: each warning has a stable
// code (the portal shows it in the reader's language) and an English message. None stops the
// check-in; staff decide.
//   booking_other_day   the booking scanned is for another day
//   fully_vaccinated    the primary series is complete: a further dose is a booster
//   too_early           the next dose is not due yet (product's minimum interval)
//   name_differs        the chip card's name is not the record's (diacritics and case aside)
//   dob_differs         the chip card's birth date is not the record's
boost::json::array CheckInWarnings(const registry::PersonRecord& record,
                                   const std::optional<registry::Registration>& registration,
                                   const std::optional<registry::ChipCardQr>& card,
                                   std::chrono::sys_days today, boost::json::storage_ptr sp) {
  boost::json::array out(sp);
  auto add = [&](std::string_view code, const std::string& message) {
    out.push_back(boost::json::object({{"code", code}, {"message", message}}, sp));
  };
  if (registration && registration->day != registry::FormatDay(today)) {
    add("booking_other_day", "this booking is for " + registration->day + ", not today");
  }
  const registry::StatusSummary& sum = record.summary;
  if (sum.status == registry::VaccinationStatus::kFullyVaccinated ||
      sum.status == registry::VaccinationStatus::kBoosted) {
    add("fully_vaccinated", "the person is already fully vaccinated (" +
                                std::to_string(sum.counted_doses) +
                                " doses); a further dose is a booster");
  }
  if (sum.next_due && *sum.next_due > today) {
    add("too_early", "the next dose is due from " + registry::FormatDay(*sum.next_due));
  }
  if (card) {
    // Compared folded, with runs of blanks as one: "NGUYỄN  VĂN AN" is "Nguyễn Văn An".
    const auto folded = [](std::string_view name) {
      std::string f;
      for (char c : text::FoldToAscii(name)) {
        if (c != ' ') f += c;
        else if (!f.empty() && f.back() != ' ') f += ' ';
      }
      while (!f.empty() && f.back() == ' ') f.pop_back();
      return f;
    };
    if (folded(card->full_name) != folded(record.person.full_name)) {
      add("name_differs", "the name on the card (" + card->full_name +
                              ") differs from the record's (" + record.person.full_name + ")");
    }
    // A record may hold the birth year only.
    const std::string& dob = record.person.dob;
    if (dob.size() == 4 ? !card->dob.starts_with(dob) : card->dob != dob) {
      add("dob_differs", "the birth date on the card (" + card->dob +
                             ") differs from the record's (" + record.person.dob + ")");
    }
  }
  return out;
}

// The check-in answer: the person's record, whether the person was created from the card, the
// booking scanned (or null) and the warnings for the desk.
// `sp` holds the JSON's memory.
boost::json::object CheckInJson(const registry::PersonRecord& record, bool created,
                                const std::optional<registry::Registration>& registration,
                                const std::optional<registry::ChipCardQr>& card,
                                std::chrono::sys_days today, boost::json::storage_ptr sp = {}) {
  boost::json::object out = registry::PersonRecordToJson(record, sp);
  out["created"] = created;
  out["registration"] = registration
                            ? boost::json::parse(registry::RegistrationJson(*registration), sp)
                            : boost::json::value(nullptr, sp);
  out["warnings"] = CheckInWarnings(record, registration, card, today, sp);
  return out;
}

// For a health authority: the person of a booking lives in its area (kNotFound when there is
// no such person) and the facility lies in it. Other roles: OK.
Status CheckAreaForRegistration(storage::Connection& conn, const auth::Principal& who,
                                int64_t person_id, const std::string& facility_code) {
  if (who.role != auth::Role::kHealthAuthority) return Status::Ok();
  ASSIGN_OR_RETURN(std::optional<registry::Person> person,
                   registry::FindPersonById(conn, person_id));
  if (!person) return NotFoundError("no person with id " + std::to_string(person_id));
  RETURN_IF_ERROR(CheckMayAccessPerson(who, *person));
  ASSIGN_OR_RETURN(std::optional<registry::Facility> facility,
                   registry::FindFacility(conn, facility_code));
  // An unknown facility is reported by the booking itself.
  if (!facility) return Status::Ok();
  return CheckUnitInArea(who, facility->commune_code, "facility " + facility->code);
}

// What a citizen is told both for a booking that does not exist and for someone else's (and
// what everyone else is told for one that does not exist).
constexpr std::string_view kNoSuchBooking = "no such booking";

// Booking `id` read on `conn`, if `who` may change it: a citizen only their own (kNotFound, as
// for a missing booking, for anyone else's), facility staff only their facility's, an authority
// only one whose person and facility lie in its area.
Result<registry::Registration> BookingToChange(storage::Connection& conn,
                                               const auth::Principal& who, int64_t id) {
  ASSIGN_OR_RETURN(std::optional<registry::Registration> r,
                   registry::FindRegistrationById(conn, id));
  if (!r) return NotFoundError(std::string(kNoSuchBooking));
  switch (who.role) {
    case auth::Role::kCitizen: {
      ASSIGN_OR_RETURN(std::optional<int64_t> mine, CitizenPersonId(conn, who));
      if (!mine || *mine != r->person_id) return NotFoundError(std::string(kNoSuchBooking));
      break;
    }
    case auth::Role::kFacilityStaff:
      if (r->facility_code != who.facility_code) {
        return PermissionDeniedError("booking " + std::to_string(r->id) + " is at facility " +
                                     r->facility_code +
                                     "; staff change only their own facility's bookings");
      }
      break;
    case auth::Role::kHealthAuthority:
      RETURN_IF_ERROR(CheckAreaForRegistration(conn, who, r->person_id, r->facility_code));
      break;
    default:
      break;
  }
  return *std::move(r);
}

// {"items":[booking + "facility_name", ...]}, the latest day first.
Result<boost::json::object> BookingsJson(storage::Connection& conn, int64_t person_id) {
  ASSIGN_OR_RETURN(std::vector<registry::RegistrationListing> list,
                   registry::ListPersonRegistrations(conn, person_id, kMaxPageSize));
  boost::json::array items;
  for (const registry::RegistrationListing& l : list) {
    boost::json::object o = registry::RegistrationToJson(l.registration);
    o["facility_name"] = l.facility_name;
    items.push_back(std::move(o));
  }
  return boost::json::object{{"items", std::move(items)}};
}

// POST /api/v1/registrations {"facility_code","day"[,"person_id"]}; citizens always book for
// themselves, the record agreeing with their CCCD and birth date (person_id is not used for
// them).
awaitable<http::Response> Book(ApiServices& s, http::RequestContext& ctx) {
  auto body = http::ParseJsonObject(ctx.request);
  if (!body.ok()) co_return http::ErrorResponse(body.status(), ctx.request);
  auto facility = http::RequireString(*body, "facility_code");
  auto day = http::RequireString(*body, "day");
  auto person_field = http::OptionalInt(*body, "person_id");
  for (const Status& st : {facility.status(), day.status(), person_field.status()}) {
    if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  }
  int64_t person_id = person_field->value_or(0);
  if (ctx.principal->role == auth::Role::kCitizen) {
    auto conn = s.db.Acquire();
    if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
    auto me = CitizenPersonId(**conn, *ctx.principal);
    if (!me.ok()) co_return http::ErrorResponse(me.status(), ctx.request);
    if (!*me) {
      co_return http::ErrorResponse(NotFoundError(std::string(kNoOwnRecord)), ctx.request);
    }
    person_id = **me;
  } else if (person_id == 0) {
    co_return http::ErrorResponse(
        InvalidArgumentError("field 'person_id' is required", "person_id"), ctx.request);
  } else if (ctx.principal->role == auth::Role::kHealthAuthority) {
    // An authority books only for people of its area, at facilities of its area.
    auto conn = s.db.Acquire();
    if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
    if (Status st = CheckAreaForRegistration(**conn, *ctx.principal, person_id, *facility);
        !st.ok()) {
      co_return http::ErrorResponse(st, ctx.request);
    }
  }
  Result<registry::Registration> booked = InternalError("not run");
  const registry::Actor actor{ctx.principal->ActorId(), ctx.request_id};
  storage::WriteFn write = [&](storage::Connection& c) {
    booked = registry::BookRegistration(c, s.clock, person_id, *facility, *day, actor);
    return booked.status();
  };
  Status st = co_await AwaitWrite(s.writer, write);
  if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  co_return RawJsonResponse(http_::status::created, registry::RegistrationJson(*booked),
                            ctx.request);
}

// GET /api/v1/me/bookings: the citizen's own bookings.
awaitable<http::Response> ListMyBookings(ApiServices& s, http::RequestContext& ctx) {
  auto conn = AcquireForRead(s, ctx.request);
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto me = CitizenPersonId(**conn, *ctx.principal);
  if (!me.ok()) co_return http::ErrorResponse(me.status(), ctx.request);
  if (!*me) co_return http::ErrorResponse(NotFoundError(std::string(kNoOwnRecord)), ctx.request);
  auto out = BookingsJson(**conn, **me);
  if (!out.ok()) co_return http::ErrorResponse(out.status(), ctx.request);
  co_return http::JsonResponse(http_::status::ok, *out, ctx.request);
}

// GET /api/v1/people/{id}/bookings: a person's bookings (citizens: only their own; authorities:
// people of their area).
awaitable<http::Response> ListPersonBookings(ApiServices& s, http::RequestContext& ctx) {
  auto id = IdPathParam(ctx, "id");
  if (!id.ok()) co_return http::ErrorResponse(id.status(), ctx.request);
  auto conn = AcquireForRead(s, ctx.request);
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto person = registry::FindPersonById(**conn, *id);
  if (!person.ok()) co_return http::ErrorResponse(person.status(), ctx.request);
  if (!*person) co_return http::ErrorResponse(PersonNotFound(*ctx.principal, *id), ctx.request);
  if (Status st = CheckMayAccessPerson(**conn, *ctx.principal, **person); !st.ok()) {
    co_return http::ErrorResponse(st, ctx.request);
  }
  auto out = BookingsJson(**conn, *id);
  if (!out.ok()) co_return http::ErrorResponse(out.status(), ctx.request);
  co_return http::JsonResponse(http_::status::ok, *out, ctx.request);
}

// Applies `change` to booking {id} in one write, after BookingToChange read it and checked the
// caller's right to it there (so nothing can change in between); answers the booking.
using BookingChange = std::function<Result<registry::Registration>(storage::Connection&,
                                                                   const registry::Registration&)>;
awaitable<http::Response> ChangeBooking(ApiServices& s, http::RequestContext& ctx, int64_t id,
                                        const BookingChange& change) {
  Result<registry::Registration> changed = InternalError("not run");
  storage::WriteFn write = [&](storage::Connection& c) -> Status {
    auto r = BookingToChange(c, *ctx.principal, id);
    changed = r.ok() ? change(c, *r) : r;
    return changed.status();
  };
  Status st = co_await AwaitWrite(s.writer, write);
  if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  co_return RawJsonResponse(http_::status::ok, registry::RegistrationJson(*changed), ctx.request);
}

// POST /api/v1/registrations/{id}/cancel [{}]: frees the place.
awaitable<http::Response> CancelBooking(ApiServices& s, http::RequestContext& ctx) {
  auto id = IdPathParam(ctx, "id");
  if (!id.ok()) co_return http::ErrorResponse(id.status(), ctx.request);
  if (!ctx.request.body().empty()) {
    auto body = http::ParseJsonObject(ctx.request);
    if (!body.ok()) co_return http::ErrorResponse(body.status(), ctx.request);
  }
  const registry::Actor actor{ctx.principal->ActorId(), ctx.request_id};
  co_return co_await ChangeBooking(s, ctx, *id,
                                   [&](storage::Connection& c, const registry::Registration& r) {
                                     return registry::CancelRegistration(c, s.clock, r, actor);
                                   });
}

// POST /api/v1/registrations/{id}/move {"facility_code","day"}: one write takes the new place
// and frees the old one; the booking keeps its id and QR.
awaitable<http::Response> MoveBooking(ApiServices& s, http::RequestContext& ctx) {
  auto id = IdPathParam(ctx, "id");
  if (!id.ok()) co_return http::ErrorResponse(id.status(), ctx.request);
  auto body = http::ParseJsonObject(ctx.request);
  if (!body.ok()) co_return http::ErrorResponse(body.status(), ctx.request);
  auto facility = http::RequireString(*body, "facility_code");
  auto day = http::RequireString(*body, "day");
  for (const Status& st : {facility.status(), day.status()}) {
    if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
  }
  const auth::Principal& who = *ctx.principal;
  const registry::Actor actor{who.ActorId(), ctx.request_id};
  co_return co_await ChangeBooking(
      s, ctx, *id,
      [&](storage::Connection& c,
          const registry::Registration& r) -> Result<registry::Registration> {
        if (who.role == auth::Role::kHealthAuthority) {
          // The new facility must lie in the area too (an unknown one is reported by the move).
          ASSIGN_OR_RETURN(std::optional<registry::Facility> to,
                           registry::FindFacility(c, *facility));
          if (to) RETURN_IF_ERROR(CheckUnitInArea(who, to->commune_code, "facility " + to->code));
        }
        return registry::MoveRegistration(c, s.clock, r, *facility, *day, actor);
      });
}

// POST /api/v1/checkin {"qr": registration QR or chip ID card QR text} or
// {"registration_id": N} (a booking picked from the facility's list of the day).
awaitable<http::Response> CheckIn(ApiServices& s, http::RequestContext& ctx) {
  auto body = http::ParseJsonObject(ctx.request);
  if (!body.ok()) co_return http::ErrorResponse(body.status(), ctx.request);
  auto booking_id = http::OptionalInt(*body, "registration_id");
  if (!booking_id.ok()) co_return http::ErrorResponse(booking_id.status(), ctx.request);
  Result<std::string> qr = std::string();
  if (!*booking_id) qr = http::RequireString(*body, "qr");
  if (!qr.ok()) co_return http::ErrorResponse(qr.status(), ctx.request);
  const registry::Actor actor{ctx.principal->ActorId(), ctx.request_id};
  const std::chrono::sys_days today = registry::DayOf(ToUnixSeconds(s.clock.Now()));
  std::optional<registry::Person> person;
  std::optional<registry::Registration> registration;
  std::optional<registry::Person> to_create;
  std::optional<registry::ChipCardQr> card;
  bool created = false;
  {
    auto conn = AcquireForRead(s, ctx.request);
    if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
    const auto catalogue = s.vaccines.Get();
    // The common case, a known person and nothing to write: answered from this connection
    // with one read of the person and their doses.
    const auto answer = [&](const registry::PersonRecord& record) {
      // The answer's JSON tree lives in an arena freed at once, not in ~60 heap blocks.
      boost::json::monotonic_resource arena;
      return http::JsonResponse(http_::status::ok,
                                CheckInJson(record, false, registration, card, today, &arena),
                                ctx.request);
    };
    if (!*booking_id && registry::LooksLikeChipCardQr(*qr)) {
      auto parsed = registry::ParseChipCardQr(*qr);
      if (!parsed.ok()) co_return http::ErrorResponse(parsed.status(), ctx.request);
      card = *std::move(parsed);
      auto record = registry::LoadPersonRecordByCccd(**conn, card->cccd, *catalogue);
      if (!record.ok()) co_return http::ErrorResponse(record.status(), ctx.request);
      if (*record) {
        if (Status st = CheckMayAccessPerson(*ctx.principal, (*record)->person); !st.ok()) {
          co_return http::ErrorResponse(st, ctx.request);
        }
        co_return answer(**record);
      }
      registry::NewPerson np;
      np.cccd = card->cccd;
      np.cmnd = card->cmnd;
      np.full_name = card->full_name;
      np.dob = card->dob;
      np.sex = card->sex;
      // The card's address is free text; the registry keeps the units it names, when found.
      identity::AddressCodes units =
          identity::FormatAddressCodes(identity::ParseAddressText(card->address));
      np.province_code = std::move(units.province);
      np.district_code = std::move(units.district);
      np.commune_code = std::move(units.commune);
      auto valid = registry::ValidateNewPerson(np, registry::DayOf(ToUnixSeconds(s.clock.Now())));
      if (!valid.ok()) {
        co_return http::ErrorResponse(
            InvalidArgumentError("the card QR is not valid: " + valid.status().message(), "qr"),
            ctx.request);
      }
      // An authority creates people of its area only (the card's address decides).
      if (Status st = CheckMayAccessPerson(*ctx.principal, *valid); !st.ok()) {
        co_return http::ErrorResponse(st, ctx.request);
      }
      to_create = *valid;
    } else {
      auto found = *booking_id ? registry::FindRegistrationById(**conn, **booking_id)
                               : registry::FindRegistrationByToken(**conn, *qr);
      if (!found.ok()) co_return http::ErrorResponse(found.status(), ctx.request);
      if (!*found) {
        co_return http::ErrorResponse(
            NotFoundError(*booking_id ? "no booking " + std::to_string(**booking_id)
                                      : std::string("no registration for this QR code")),
            ctx.request);
      }
      registration = **found;
      if (ctx.principal->role == auth::Role::kFacilityStaff &&
          registration->facility_code != ctx.principal->facility_code) {
        co_return http::ErrorResponse(
            FailedPreconditionError("this booking is for facility " + registration->facility_code),
            ctx.request);
      }
      if (ctx.principal->role == auth::Role::kHealthAuthority) {
        // Both the booking's facility and its person must lie in the authority's area, before
        // anything is returned or marked.
        if (Status st = CheckAreaForRegistration(**conn, *ctx.principal, registration->person_id,
                                                 registration->facility_code);
            !st.ok()) {
          co_return http::ErrorResponse(st, ctx.request);
        }
      }
      // A cancelled or lapsed booking is refused, and nothing of its person shown.
      if (Status st = registry::CheckMayCheckIn(*registration); !st.ok()) {
        co_return http::ErrorResponse(st, ctx.request);
      }
      if (registration->status != "booked") {
        auto record = registry::LoadPersonRecord(**conn, registration->person_id, *catalogue);
        if (!record.ok()) co_return http::ErrorResponse(record.status(), ctx.request);
        if (*record) co_return answer(**record);
      } else {
        auto p = registry::FindPersonById(**conn, registration->person_id);
        if (!p.ok()) co_return http::ErrorResponse(p.status(), ctx.request);
        person = *p;
      }
    }
  }
  if (to_create || (registration && registration->status == "booked")) {
    Result<registry::Person> inserted = InternalError("not run");
    bool found_on_primary = false;
    storage::WriteFn write = [&](storage::Connection& c) {
      found_on_primary = false;  // the writer may run this more than once
      if (to_create) {
        // The first read may have come from a replica a few milliseconds behind: a person just
        // created from the same card elsewhere is found here, on the primary, not duplicated.
        auto existing = registry::FindPersonByIdentityNumber(c, to_create->cccd);
        if (!existing.ok()) return existing.status();
        if (*existing) {
          inserted = **existing;
          found_on_primary = true;
          return Status::Ok();
        }
        inserted = registry::InsertPerson(c, s.clock, *to_create, actor);
        return inserted.status();
      }
      return registry::MarkCheckedIn(c, s.clock, *registration, actor);
    };
    Status st = co_await AwaitWrite(s.writer, write);
    if (!st.ok()) co_return http::ErrorResponse(st, ctx.request);
    if (to_create) {
      person = *inserted;
      created = !found_on_primary;
      if (created) NotifyPeopleCreated(s, {&person->id, 1});
    }
    if (registration) registration->status = "checked_in";
  }
  if (!person)
    co_return http::ErrorResponse(InternalError("registration without a person"), ctx.request);
  auto conn = s.db.Acquire();
  if (!conn.ok()) co_return http::ErrorResponse(conn.status(), ctx.request);
  auto record = registry::LoadPersonRecord(**conn, person->id, *s.vaccines.Get());
  if (!record.ok()) co_return http::ErrorResponse(record.status(), ctx.request);
  if (!*record)
    co_return http::ErrorResponse(InternalError("person vanished after check-in"), ctx.request);
  co_return http::JsonResponse(created ? http_::status::created : http_::status::ok,
                               CheckInJson(**record, created, registration, card, today),
                               ctx.request);
}

}  // namespace

void RegisterCheckInRoutes(http::Router& router, ApiServices& s) {
  using auth::Role;
  const auto bookers = auth::AccessRule::Roles(
      {Role::kCitizen, Role::kFacilityStaff, Role::kHealthAuthority, Role::kAdmin});
  router.Add({http_::verb::post, "/api/v1/registrations", bookers,
              [&s](http::RequestContext& ctx) { return Book(s, ctx); }, 0,
              "book a facility and day for the person's next dose; the answer carries the QR"});
  router.Add({http_::verb::post, "/api/v1/registrations/{id}/cancel", bookers,
              [&s](http::RequestContext& ctx) { return CancelBooking(s, ctx); }, 0,
              "cancel a booking, freeing its place (citizens: their own)"});
  router.Add({http_::verb::post, "/api/v1/registrations/{id}/move", bookers,
              [&s](http::RequestContext& ctx) { return MoveBooking(s, ctx); }, 0,
              "move a booking to another facility or day (citizens: their own)"});
  router.Add({http_::verb::get, "/api/v1/me/bookings", auth::AccessRule::Roles({Role::kCitizen}),
              [&s](http::RequestContext& ctx) { return ListMyBookings(s, ctx); }, 0,
              "the citizen's own bookings, the latest day first"});
  router.Add({http_::verb::get, "/api/v1/people/{id}/bookings", bookers,
              [&s](http::RequestContext& ctx) { return ListPersonBookings(s, ctx); }, 0,
              "a person's bookings (citizens: only their own)"});
  router.Add({http_::verb::post, "/api/v1/checkin",
              auth::AccessRule::Roles({Role::kFacilityStaff, Role::kHealthAuthority, Role::kAdmin}),
              [&s](http::RequestContext& ctx) { return CheckIn(s, ctx); }, 0,
              "scan a registration or chip ID card QR: person, doses and next dose"});
}

}  // namespace vaxreg::api
