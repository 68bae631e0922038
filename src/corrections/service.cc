#include "corrections/service.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "accounts/user_store.h"
#include "audit/audit_log.h"
#include "common/crypto_util.h"
#include "corrections/deadlines.h"
#include "corrections/messages.h"
#include "corrections/store.h"
#include "geo/admin_units.h"
#include "registry/dose_review.h"
#include "registry/dose_service.h"
#include "registry/facility.h"
#include "registry/identity_number.h"
#include "registry/person_store.h"
#include "registry/vaccine_names.h"
#include "text/vietnamese.h"

namespace vaxreg::corrections {
namespace {

namespace json = boost::json;

constexpr int64_t kDay = 24 * 3600;

// "VR" and 10 characters of Crockford's base 32 (no I, L, O, U): 50 random bits, easy to read
// out over the phone.
std::string NewTrackingNumber() {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  const std::string bytes = RandomBytes(10);
  std::string out = "VR";
  for (char b : bytes) out.push_back(kAlphabet[static_cast<unsigned char>(b) % 32]);
  return out;
}

std::string OptString(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string()) return "";
  return std::string(it->value().as_string());
}

bool Has(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && !it->value().is_null();
}

Result<std::string> RequireClaimString(const json::object& o, std::string_view key,
                                       size_t max_len = 200) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string() || it->value().as_string().empty()) {
    return InvalidArgumentError(std::string(key) + " is required", std::string(key));
  }
  if (it->value().as_string().size() > max_len) {
    return InvalidArgumentError(std::string(key) + " is too long", std::string(key));
  }
  return std::string(it->value().as_string());
}

Result<int> ClaimDoseNumber(const json::object& o) {
  auto it = o.find("dose_number");
  if (it == o.end() || !it->value().is_int64() || it->value().as_int64() < 1 ||
      it->value().as_int64() > 20) {
    return InvalidArgumentError("dose_number must be a whole number from 1 to 20", "dose_number");
  }
  return static_cast<int>(it->value().as_int64());
}

// "dd/mm/yyyy" (as Vietnamese write dates) as "yyyy-mm-dd"; other text as it is.
std::string IsoDate(std::string text) {
  if (text.size() == 10 && text[2] == '/' && text[5] == '/') {
    return text.substr(6, 4) + "-" + text.substr(3, 2) + "-" + text.substr(0, 2);
  }
  return text;
}

// "YYYY-MM-DD" or "dd/mm/yyyy", as noon in Viet Nam on that day.
Result<int64_t> ClaimDate(const json::object& o, std::string_view key) {
  ASSIGN_OR_RETURN(std::string claimed, RequireClaimString(o, key, 10));
  const std::string text = IsoDate(std::move(claimed));
  std::chrono::sys_days day;
  if (!registry::ParseDay(text, &day)) {
    return InvalidArgumentError(std::string(key) + " must be a date, dd/mm/yyyy or YYYY-MM-DD",
                                std::string(key));
  }
  return static_cast<int64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(day.time_since_epoch()).count() + 5 * 3600);
}

int Rank(Level l) {
  switch (l) {
    case Level::kFacility: return 0;
    case Level::kCommune: return 1;
    case Level::kDistrict: return 2;
    case Level::kProvince: return 3;
  }
  return 3;
}

// The level an authority bound to `unit` works at ("VN" and "" are national: 4).
int AuthorityRank(std::string_view unit) {
  if (unit.size() == 5) return 1;
  if (unit.size() == 3) return 2;
  if (unit.size() == 2 && unit != "VN") return 3;
  return 4;
}

// Whether the request's area lies in the authority's area.
bool AreaWithin(std::string_view authority_unit, const CorrectionRequest& r) {
  if (AuthorityRank(authority_unit) == 4) return true;
  const std::string_view unit = !r.commune_code.empty()    ? r.commune_code
                                : !r.district_code.empty() ? r.district_code
                                                           : r.province_code;
  if (unit.empty()) return false;
  return geo::AdminUnits::Get().Contains(authority_unit, unit);
}

std::string PhotoIdsJson(const std::vector<Photo>& photos) {
  json::array a;
  for (const Photo& p : photos) a.emplace_back(p.sha256);
  return json::serialize(a);
}

}  // namespace

int64_t HandlingSeconds(const CorrectionRequest& r) {
  return r.decided_at - r.received_at - r.paused_seconds;
}

Status CorrectionService::CheckMaySee(const auth::Principal& who, const CorrectionRequest& r) {
  switch (who.role) {
    case auth::Role::kAdmin:
      return Status::Ok();
    case auth::Role::kFacilityStaff:
      if (!who.facility_code.empty() &&
          (who.facility_code == r.facility_code ||
           (r.level == Level::kFacility && r.assigned_unit == who.facility_code))) {
        return Status::Ok();
      }
      break;
    case auth::Role::kHealthAuthority:
      if (AreaWithin(who.admin_unit_code, r)) return Status::Ok();
      break;
    default:
      break;
  }
  return PermissionDeniedError("correction request " + std::to_string(r.id) +
                               " is outside your facility or area");
}

Status CorrectionService::CheckMayDecide(const Handler& h, const CorrectionRequest& r) {
  RETURN_IF_ERROR(CheckMaySee(h.who, r));
  bool may = false;
  int rank = 0;
  switch (h.who.role) {
    case auth::Role::kAdmin:
      may = true;
      rank = 4;
      break;
    case auth::Role::kFacilityStaff:
      may = r.level == Level::kFacility && r.assigned_unit == h.who.facility_code;
      rank = 0;
      break;
    case auth::Role::kHealthAuthority:
      rank = AuthorityRank(h.who.admin_unit_code);
      may = AreaWithin(h.who.admin_unit_code, r) && rank >= Rank(r.level);
      break;
    default:
      break;
  }
  if (!may) {
    return PermissionDeniedError("this request is assigned to " + r.assigned_unit + " (" +
                                 std::string(LevelName(r.level)) + " level); you may not decide it");
  }
  return Status::Ok();
}

Result<CorrectionRequest> CorrectionService::LoadForDecision(storage::Connection& conn,
                                                             const Handler& h, int64_t id,
                                                             int version) const {
  ASSIGN_OR_RETURN(std::optional<CorrectionRequest> r, FindRequest(conn, id));
  if (!r) return NotFoundError("no correction request " + std::to_string(id));
  RETURN_IF_ERROR(CheckMayDecide(h, *r));
  if (version != 0 && version != r->version) {
    return FailedPreconditionError("the request changed since you read it (version " +
                                   std::to_string(r->version) + "); reload it",
                                   "version");
  }
  if (!r->IsOpen()) {
    return FailedPreconditionError("the request was already decided (" + r->status + ")");
  }
  return *r;
}

Status CorrectionService::Notify(storage::Connection& conn, const CorrectionRequest& r,
                                 std::string_view what) {
  ASSIGN_OR_RETURN(std::optional<accounts::User> user, accounts::FindUserById(conn, r.submitted_by));
  if (!user || user->phone.empty()) return Status::Ok();
  accounts::Message m;
  m.channel = "sms";
  m.recipient = user->phone;
  m.subject = "vaxreg: yêu cầu " + r.tracking + " / request " + r.tracking;
  m.body = CitizenMessage(r, what);
  return notifier_.Send(conn, m);
}

Status CorrectionService::Finish(storage::Connection& conn, const Handler& h,
                                 CorrectionRequest& r, std::string_view from_status,
                                 std::string_view event, std::string_view before,
                                 std::string_view detail) {
  const int64_t now = ToUnixSeconds(clock_.Now());
  r.updated_at = now;
  ASSIGN_OR_RETURN(bool won, UpdateRequestState(conn, r, from_status));
  if (!won) {
    return FailedPreconditionError("another handler changed this request at the same time; "
                                   "reload it");
  }
  const std::string actor = h.who.ActorId();
  RETURN_IF_ERROR(AddEvent(conn, r.id, now, actor, event, detail));
  return audit::AppendAudit(
      conn, clock_,
      {actor, "correction." + std::string(event), "correction:" + std::to_string(r.id),
       std::string(before), json::serialize(RequestToJson(r, now)), h.request_id});
}

Result<CorrectionRequest> CorrectionService::Submit(
    storage::Connection& conn, const std::vector<registry::VaccineProduct>& catalogue,
    const Citizen& who, const Submission& s) {
  const int64_t now = ToUnixSeconds(clock_.Now());
  ASSIGN_OR_RETURN(int64_t recent, CountSubmittedSince(conn, who.user_id, now - kDay));
  if (recent >= options_.requests_per_day) {
    return ResourceExhaustedError("at most " + std::to_string(options_.requests_per_day) +
                                  " requests a day; try again tomorrow");
  }
  if (s.note.size() > 2000) return InvalidArgumentError("note is too long (2000 bytes)", "note");
  if (s.photo_ids.empty() || s.photo_ids.size() > static_cast<size_t>(options_.max_photos)) {
    return InvalidArgumentError("attach 1 to " + std::to_string(options_.max_photos) +
                                    " photos of the paper vaccination certificate",
                                "photos");
  }
  CorrectionRequest r;
  for (const std::string& id : s.photo_ids) {
    ASSIGN_OR_RETURN(std::optional<Upload> upload, FindUpload(conn, who.user_id, id));
    if (!upload) return InvalidArgumentError("unknown photo " + id.substr(0, 64), "photos");
    r.photos.push_back({upload->sha256, upload->thumb_sha256});
  }

  // The person: the record CCCD and birth date agree with; or, for an identity request, the
  // record holding the citizen's CCCD under another birth date (its data stays hidden).
  std::optional<registry::Person> person;
  if (who.person_id) {
    ASSIGN_OR_RETURN(person, registry::FindPersonById(conn, *who.person_id));
  } else if (s.kind == Kind::kIdentity) {
    ASSIGN_OR_RETURN(person, registry::FindPersonByCccd(conn, who.cccd));
  }
  const registry::Person* p = person ? &*person : nullptr;

  std::optional<registry::Facility> facility;
  r.kind = s.kind;
  r.note = s.note;
  json::object claim;
  switch (s.kind) {
    case Kind::kMissingDose: {
      registry::NewDose d;
      ASSIGN_OR_RETURN(d.administered_at, ClaimDate(s.claim, "date"));
      ASSIGN_OR_RETURN(std::string vaccine_text, RequireClaimString(s.claim, "vaccine", 64));
      ASSIGN_OR_RETURN(const registry::VaccineProduct* vaccine,
                       registry::ResolveVaccineName(catalogue, vaccine_text));
      d.vaccine_code = vaccine->code;
      d.lot = OptString(s.claim, "lot");
      if (d.lot.size() > 64) return InvalidArgumentError("lot is too long", "lot");
      ASSIGN_OR_RETURN(d.dose_number, ClaimDoseNumber(s.claim));
      d.facility_code = OptString(s.claim, "facility_code");
      const std::string country = OptString(s.claim, "country");
      if (d.facility_code.empty() && country.empty()) {
        return InvalidArgumentError(
            "give the facility where the dose was given, or the country for a dose abroad",
            "facility_code");
      }
      if (!country.empty() && (country.size() != 2 || country[0] < 'A' || country[0] > 'Z' ||
                               country[1] < 'A' || country[1] > 'Z')) {
        return InvalidArgumentError("country must be a two-letter ISO 3166 code such as DE",
                                    "country");
      }
      if (!d.facility_code.empty()) {
        ASSIGN_OR_RETURN(facility, registry::FindFacility(conn, d.facility_code));
        if (!facility) {
          return InvalidArgumentError("unknown facility '" + d.facility_code + "'",
                                      "facility_code");
        }
      }
      if (!p) {
        ASSIGN_OR_RETURN(std::optional<registry::Person> holder,
                         registry::FindPersonByCccd(conn, who.cccd));
        if (holder) {
          return FailedPreconditionError(
              "a record with your CCCD exists under another birth date: first send an identity "
              "request with your correct birth date",
              "birth_date");
        }
        registry::NewPerson np;
        np.cccd = who.cccd;
        np.dob = who.birth_date;
        ASSIGN_OR_RETURN(np.full_name, RequireClaimString(s.claim, "full_name", 100));
        ASSIGN_OR_RETURN(registry::CccdInfo info, registry::ParseCccd(who.cccd));
        np.sex = std::string(registry::SexCode(info.sex));
        np.phone = who.phone;
        np.commune_code = OptString(s.claim, "commune_code");
        if (!np.commune_code.empty()) {
          const geo::AdminUnit* c = geo::AdminUnits::Get().Find(np.commune_code);
          if (c == nullptr || c->level != geo::Level::kCommune) {
            return InvalidArgumentError("unknown commune code", "commune_code");
          }
          np.district_code = c->parent_code;
          np.province_code = c->province_code;
        }
        ASSIGN_OR_RETURN(registry::Person valid,
                         registry::ValidateNewPerson(np, registry::DayOf(now)));
        ASSIGN_OR_RETURN(person, registry::InsertPerson(conn, clock_, valid,
                                                        {who.actor_id, who.request_id}));
        RETURN_IF_ERROR(conn.Execute("UPDATE people SET self_registered = 1 WHERE id = $1",
                                     {person->id})
                            .status());
        p = &*person;
      }
      d.person_id = p->id;
      d.source = "self_declared";
      registry::DoseWriter writer = registry::DoseWriter::System(who.actor_id);
      writer.actor.request_id = who.request_id;
      auto recorded = registry::RecordDose(conn, clock_, catalogue, d, writer);
      if (!recorded.ok()) {
        // The claimed date is the citizen's to fix: in the future, or before their birth.
        if (recorded.status().field() == "administered_at") {
          return InvalidArgumentError(recorded.status().message(), "date");
        }
        return recorded.status();
      }
      r.dose_id = recorded->dose.id;
      r.subject = "person:" + std::to_string(p->id) + ":dose:" + std::to_string(d.dose_number);
      claim = {{"date", registry::FormatDay(registry::DayOf(d.administered_at))},
               {"vaccine", d.vaccine_code},
               {"vaccine_as_written", vaccine_text},
               {"lot", d.lot},
               {"lot_recorded", !d.lot.empty()},
               {"dose_number", d.dose_number}};
      if (!d.facility_code.empty()) claim["facility_code"] = d.facility_code;
      if (!country.empty()) claim["country"] = country;
      break;
    }
    case Kind::kIdentity: {
      if (!p) return NotFoundError("the registry has no record with your CCCD yet");
      registry::NewPerson np;
      np.cccd = p->cccd;
      np.cmnd = p->cmnd;
      np.passport = p->passport;
      np.full_name = p->full_name;
      np.dob = p->dob;
      np.sex = p->sex == registry::Sex::kFemale ? "F" : "M";
      np.phone = p->phone;
      np.province_code = p->province_code;
      np.district_code = p->district_code;
      np.commune_code = p->commune_code;
      bool any = false;
      for (std::string_view field : {"full_name", "birth_date", "sex", "cccd"}) {
        if (!Has(s.claim, field)) continue;
        ASSIGN_OR_RETURN(std::string value, RequireClaimString(s.claim, field, 100));
        any = true;
        if (field == "full_name") np.full_name = value;
        if (field == "sex") np.sex = value;
        if (field == "cccd") np.cccd = value;
        if (field == "birth_date") {
          value = IsoDate(std::move(value));
          np.dob = value;
        }
        claim[field] = value;
      }
      if (!any) {
        return InvalidArgumentError("name at least one of full_name, birth_date, sex, cccd",
                                    "claim");
      }
      // The claimed identity must be a valid one (dates, CCCD structure and agreement).
      auto valid = registry::ValidateNewPerson(np, registry::DayOf(now));
      if (!valid.ok()) {
        Status st = valid.status();
        return InvalidArgumentError(st.message(), st.field() == "dob" ? "birth_date" : st.field());
      }
      r.subject = "person:" + std::to_string(p->id) + ":identity";
      break;
    }
    case Kind::kDoseFact:
    case Kind::kWrongPerson: {
      if (!p) return NotFoundError("the registry has no record with your CCCD and birth date yet");
      if (s.dose_id != 0) {
        ASSIGN_OR_RETURN(std::optional<registry::Dose> dose, registry::FindDose(conn, s.dose_id));
        if (!dose || dose->person_id != p->id || dose->status != "active") {
          return NotFoundError("no dose " + std::to_string(s.dose_id) + " on your record");
        }
        r.dose_id = dose->id;
        r.subject = "dose:" + std::to_string(dose->id);
        if (!dose->facility_code.empty()) {
          ASSIGN_OR_RETURN(facility, registry::FindFacility(conn, dose->facility_code));
        }
      } else if (s.kind == Kind::kDoseFact) {
        return InvalidArgumentError("name the dose that is wrong", "dose_id");
      }
      if (s.kind == Kind::kDoseFact) {
        bool any = false;
        if (Has(s.claim, "date")) {
          ASSIGN_OR_RETURN(int64_t at, ClaimDate(s.claim, "date"));
          claim["date"] = registry::FormatDay(registry::DayOf(at));
          any = true;
        }
        if (Has(s.claim, "vaccine")) {
          ASSIGN_OR_RETURN(std::string text, RequireClaimString(s.claim, "vaccine", 64));
          ASSIGN_OR_RETURN(const registry::VaccineProduct* v,
                           registry::ResolveVaccineName(catalogue, text));
          claim["vaccine"] = v->code;
          any = true;
        }
        if (Has(s.claim, "lot")) {
          claim["lot"] = OptString(s.claim, "lot").substr(0, 64);
          any = true;
        }
        if (Has(s.claim, "dose_number")) {
          ASSIGN_OR_RETURN(int n, ClaimDoseNumber(s.claim));
          claim["dose_number"] = n;
          any = true;
        }
        if (!any) {
          return InvalidArgumentError("name at least one of date, vaccine, lot, dose_number",
                                      "claim");
        }
      } else if (s.dose_id != 0) {
        const std::string owner = OptString(s.claim, "owner_cccd");
        if (!owner.empty()) {
          RETURN_IF_ERROR(registry::ParseCccd(owner).status());
          claim["owner_cccd"] = owner;
        }
      } else {
        ASSIGN_OR_RETURN(std::string other, RequireClaimString(s.claim, "recorded_to_cccd", 12));
        RETURN_IF_ERROR(registry::ParseCccd(other).status());
        ASSIGN_OR_RETURN(int64_t at, ClaimDate(s.claim, "date"));
        ASSIGN_OR_RETURN(int n, ClaimDoseNumber(s.claim));
        claim = {{"recorded_to_cccd", other},
                 {"date", registry::FormatDay(registry::DayOf(at))},
                 {"dose_number", n}};
        if (Has(s.claim, "vaccine")) claim["vaccine"] = OptString(s.claim, "vaccine").substr(0, 64);
        r.subject = "person:" + std::to_string(p->id) + ":from:" + other + ":" + std::to_string(n);
      }
      break;
    }
  }

  r.person_id = p->id;
  r.claim = json::serialize(claim);
  r.tracking = NewTrackingNumber();
  r.submitted_by = who.user_id;
  r.received_at = now;
  r.due_at = now + options_.deadline.count();
  r.status = "open";
  Route(r, *p, facility ? &*facility : nullptr);
  ASSIGN_OR_RETURN(r, InsertRequest(conn, std::move(r)));
  RETURN_IF_ERROR(AddEvent(conn, r.id, now, who.actor_id, "received",
                           "{\"photos\":" + PhotoIdsJson(r.photos) + "}"));
  RETURN_IF_ERROR(audit::AppendAudit(conn, clock_,
                                     {who.actor_id, "correction.submit",
                                      "correction:" + std::to_string(r.id), "null",
                                      json::serialize(RequestToJson(r, now)), who.request_id}));
  RETURN_IF_ERROR(Notify(conn, r, "received"));
  return r;
}

Result<CorrectionRequest> CorrectionService::Answer(storage::Connection& conn, const Citizen& who,
                                                    std::string_view tracking,
                                                    std::string_view note,
                                                    const std::vector<std::string>& photo_ids) {
  ASSIGN_OR_RETURN(std::optional<CorrectionRequest> found, FindRequestByTracking(conn, tracking));
  if (!found || found->submitted_by != who.user_id) {
    return NotFoundError("no request " + std::string(tracking.substr(0, 32)));
  }
  CorrectionRequest r = *found;
  if (r.status != "info_needed") {
    return FailedPreconditionError("request " + r.tracking + " is not waiting for an answer");
  }
  if (note.empty() && photo_ids.empty()) {
    return InvalidArgumentError("answer with a note or photos", "note");
  }
  if (note.size() > 2000) return InvalidArgumentError("note is too long (2000 bytes)", "note");
  if (photo_ids.size() > static_cast<size_t>(options_.max_photos)) {
    return InvalidArgumentError("at most " + std::to_string(options_.max_photos) + " photos",
                                "photos");
  }
  std::vector<Photo> photos;
  for (const std::string& id : photo_ids) {
    ASSIGN_OR_RETURN(std::optional<Upload> upload, FindUpload(conn, who.user_id, id));
    if (!upload) return InvalidArgumentError("unknown photo " + id.substr(0, 64), "photos");
    photos.push_back({upload->sha256, upload->thumb_sha256});
  }
  const int64_t now = ToUnixSeconds(clock_.Now());
  const std::string before = json::serialize(RequestToJson(r, now));
  const int64_t waited = now - r.paused_at;
  r.status = "open";
  r.paused_seconds += waited;
  r.due_at += waited;
  r.paused_at = 0;
  r.updated_at = now;
  ASSIGN_OR_RETURN(bool won, UpdateRequestState(conn, r, "info_needed"));
  if (!won) return FailedPreconditionError("the request changed at the same time; reload it");
  RETURN_IF_ERROR(AttachPhotos(conn, r.id, r.photos.size(), photos));
  for (const Photo& ph : photos) r.photos.push_back(ph);
  json::object detail{{"note", note}, {"waited_seconds", waited}};
  RETURN_IF_ERROR(AddEvent(conn, r.id, now, who.actor_id, "answered", json::serialize(detail)));
  RETURN_IF_ERROR(audit::AppendAudit(conn, clock_,
                                     {who.actor_id, "correction.answer",
                                      "correction:" + std::to_string(r.id), before,
                                      json::serialize(RequestToJson(r, now)), who.request_id}));
  return r;
}

Result<Decision> CorrectionService::Approve(storage::Connection& conn,
                                            const std::vector<registry::VaccineProduct>& catalogue,
                                            const Handler& h, int64_t id, const ApproveInput& in) {
  ASSIGN_OR_RETURN(CorrectionRequest r, LoadForDecision(conn, h, id, in.version));
  if (r.status != "open") {
    return FailedPreconditionError("the request waits for the citizen's answer");
  }
  if (!in.override_reason.empty() && h.who.role != auth::Role::kHealthAuthority &&
      h.who.role != auth::Role::kAdmin) {
    return PermissionDeniedError("only a health authority may override the continuity check");
  }
  ASSIGN_OR_RETURN(int64_t accepted, CountApprovedForPerson(conn, r.person_id));
  if (accepted >= options_.province_only_after && h.who.role != auth::Role::kAdmin &&
      !(h.who.role == auth::Role::kHealthAuthority &&
        AuthorityRank(h.who.admin_unit_code) >= 3)) {
    return PermissionDeniedError(
        "this person's record was corrected " + std::to_string(accepted) +
        " times already; only the province may accept further corrections");
  }
  const int64_t now = ToUnixSeconds(clock_.Now());
  const std::string before = json::serialize(RequestToJson(r, now));
  // Claim the request first: a second handler deciding at the same time waits on the row and
  // then finds it decided (409), and nothing below runs twice.
  r.status = "approved";
  r.decided_at = now;
  r.decided_by = h.who.ActorId();
  r.decided_in_time = HandlingSeconds(r) <= options_.deadline.count() ? 1 : 0;
  r.decision_note = in.note.substr(0, 2000);
  r.updated_at = now;
  ASSIGN_OR_RETURN(bool won, UpdateRequestState(conn, r, "open"));
  if (!won) {
    return FailedPreconditionError("another handler decided this request at the same time");
  }

  Decision out;
  out.people_to_refresh.push_back(r.person_id);
  const registry::Actor actor{h.who.ActorId(), h.request_id};
  boost::system::error_code ec;
  json::value parsed = json::parse(r.claim, ec);
  const json::object claim = ec || !parsed.is_object() ? json::object{} : parsed.as_object();
  json::object detail;
  switch (r.kind) {
    case Kind::kMissingDose: {
      std::string verifying = in.verifying_facility;
      if (h.who.role == auth::Role::kFacilityStaff) verifying = h.who.facility_code;
      ASSIGN_OR_RETURN(registry::Dose dose,
                       registry::VerifyDeclaredDose(conn, clock_, catalogue, r.dose_id, verifying,
                                                    in.override_reason, actor));
      out.facilities_to_sign.push_back(dose.facility_code);
      detail["dose_id"] = dose.id;
      break;
    }
    case Kind::kIdentity: {
      ASSIGN_OR_RETURN(std::optional<registry::Person> p, registry::FindPersonById(conn, r.person_id));
      if (!p) return InternalError("correction " + std::to_string(r.id) + " has no person");
      registry::NewPerson np;
      np.cccd = OptString(claim, "cccd").empty() ? p->cccd : OptString(claim, "cccd");
      np.cmnd = p->cmnd;
      np.passport = p->passport;
      np.full_name = OptString(claim, "full_name").empty() ? p->full_name
                                                            : OptString(claim, "full_name");
      np.dob = OptString(claim, "birth_date").empty() ? p->dob : OptString(claim, "birth_date");
      np.sex = OptString(claim, "sex").empty() ? (p->sex == registry::Sex::kFemale ? "F" : "M")
                                               : OptString(claim, "sex");
      np.phone = p->phone;
      np.province_code = p->province_code;
      np.district_code = p->district_code;
      np.commune_code = p->commune_code;
      ASSIGN_OR_RETURN(registry::Person next, registry::ValidateNewPerson(np, registry::DayOf(now)));
      auto changed = conn.Execute(
          "UPDATE people SET cccd = $1, full_name = $2, name_folded = $3, dob = $4, "
          "birth_year = $5, sex = $6, updated_at = $7 WHERE id = $8",
          {next.cccd.empty() ? storage::Value(nullptr) : storage::Value(next.cccd),
           next.full_name, next.name_folded, next.dob, int64_t{next.birth_year},
           std::string(next.sex == registry::Sex::kFemale ? "F" : "M"), now, r.person_id});
      if (!changed.ok() && changed.status().code() == StatusCode::kAlreadyExists) {
        return FailedPreconditionError("another record holds CCCD " + next.cccd +
                                           "; merge the duplicates first",
                                       "cccd");
      }
      RETURN_IF_ERROR(changed.status());
      next.id = p->id;
      RETURN_IF_ERROR(audit::AppendAudit(conn, clock_,
                                         {actor.id, "person.correct",
                                          "person:" + std::to_string(p->id),
                                          registry::PersonJson(*p), registry::PersonJson(next),
                                          actor.request_id}));
      out.identity_changed = true;
      break;
    }
    case Kind::kDoseFact: {
      registry::DoseChange change;
      if (Has(claim, "date")) {
        ASSIGN_OR_RETURN(change.administered_at, ClaimDate(claim, "date"));
      }
      if (Has(claim, "vaccine")) change.vaccine_code = OptString(claim, "vaccine");
      if (Has(claim, "lot")) change.lot = OptString(claim, "lot");
      if (Has(claim, "dose_number")) change.dose_number = static_cast<int>(claim.at("dose_number").as_int64());
      ASSIGN_OR_RETURN(registry::Dose dose,
                       registry::ReplaceDose(conn, clock_, catalogue, r.dose_id, change,
                                             "request " + r.tracking, in.override_reason, actor));
      if (!dose.facility_code.empty()) out.facilities_to_sign.push_back(dose.facility_code);
      detail["replaced_by_dose_id"] = dose.id;
      break;
    }
    case Kind::kWrongPerson: {
      if (r.dose_id != 0) {
        const std::string owner = OptString(claim, "owner_cccd");
        std::optional<registry::Person> to;
        if (!owner.empty()) {
          ASSIGN_OR_RETURN(to, registry::FindPersonByCccd(conn, owner));
        }
        if (to) {
          registry::DoseChange change;
          change.person_id = to->id;
          ASSIGN_OR_RETURN(registry::Dose dose,
                           registry::ReplaceDose(conn, clock_, catalogue, r.dose_id, change,
                                                 "request " + r.tracking, in.override_reason,
                                                 actor));
          if (!dose.facility_code.empty()) out.facilities_to_sign.push_back(dose.facility_code);
          out.people_to_refresh.push_back(to->id);
          detail["moved_to_person_id"] = to->id;
          detail["replaced_by_dose_id"] = dose.id;
        } else {
          registry::DoseWriter writer = registry::DoseWriter::System(actor.id);
          writer.actor.request_id = actor.request_id;
          RETURN_IF_ERROR(registry::VoidDose(conn, clock_, catalogue, r.dose_id,
                                             "not this person's dose: request " + r.tracking,
                                             writer)
                              .status());
          detail["voided_dose_id"] = r.dose_id;
        }
      } else {
        if (in.move_dose_id == 0) {
          return InvalidArgumentError(
              "name the dose (on the record of " + OptString(claim, "recorded_to_cccd") +
                  ") that belongs to this citizen",
              "move_dose_id");
        }
        ASSIGN_OR_RETURN(std::optional<registry::Dose> dose,
                         registry::FindDose(conn, in.move_dose_id));
        if (!dose || dose->status != "active") {
          return InvalidArgumentError("no active dose " + std::to_string(in.move_dose_id),
                                      "move_dose_id");
        }
        registry::DoseChange change;
        change.person_id = r.person_id;
        ASSIGN_OR_RETURN(registry::Dose moved,
                         registry::ReplaceDose(conn, clock_, catalogue, dose->id, change,
                                               "request " + r.tracking, in.override_reason,
                                               actor));
        if (!moved.facility_code.empty()) out.facilities_to_sign.push_back(moved.facility_code);
        out.people_to_refresh.push_back(dose->person_id);
        detail["moved_from_person_id"] = dose->person_id;
        detail["replaced_by_dose_id"] = moved.id;
      }
      break;
    }
  }
  detail["note"] = r.decision_note;
  RETURN_IF_ERROR(AddEvent(conn, r.id, now, actor.id, "approved", json::serialize(detail)));
  RETURN_IF_ERROR(audit::AppendAudit(conn, clock_,
                                     {actor.id, "correction.approve",
                                      "correction:" + std::to_string(r.id), before,
                                      json::serialize(RequestToJson(r, now)), h.request_id}));
  RETURN_IF_ERROR(Notify(conn, r, "approved"));
  out.request = std::move(r);
  return out;
}

Result<CorrectionRequest> CorrectionService::Reject(storage::Connection& conn, const Handler& h,
                                                    int64_t id, int version,
                                                    std::string_view reason_code,
                                                    std::string_view note) {
  ASSIGN_OR_RETURN(const RejectReason* reason, FindRejectReason(reason_code));
  ASSIGN_OR_RETURN(CorrectionRequest r, LoadForDecision(conn, h, id, version));
  const int64_t now = ToUnixSeconds(clock_.Now());
  const std::string before = json::serialize(RequestToJson(r, now));
  const std::string from = r.status;
  if (r.paused_at != 0) {
    r.paused_seconds += now - r.paused_at;
    r.paused_at = 0;
  }
  r.status = "rejected";
  r.decided_at = now;
  r.decided_by = h.who.ActorId();
  r.decided_in_time = HandlingSeconds(r) <= options_.deadline.count() ? 1 : 0;
  r.reject_reason = std::string(reason->code);
  r.decision_note = std::string(note.substr(0, 2000));
  RETURN_IF_ERROR(Finish(conn, h, r, from, "rejected", before,
                         json::serialize(json::object{{"reason", reason->code}, {"note", note}})));
  if (r.kind == Kind::kMissingDose && r.dose_id != 0) {
    RETURN_IF_ERROR(registry::RejectDeclaredDose(conn, clock_, r.dose_id, reason->code,
                                                 {h.who.ActorId(), h.request_id})
                        .status());
  }
  RETURN_IF_ERROR(Notify(conn, r, "rejected"));
  return r;
}

Result<CorrectionRequest> CorrectionService::RequestInfo(storage::Connection& conn,
                                                         const Handler& h, int64_t id, int version,
                                                         std::string_view question) {
  if (question.empty() || question.size() > 1000) {
    return InvalidArgumentError("ask a question (1-1000 bytes)", "question");
  }
  ASSIGN_OR_RETURN(CorrectionRequest r, LoadForDecision(conn, h, id, version));
  if (r.status != "open") {
    return FailedPreconditionError("the request already waits for the citizen's answer");
  }
  const int64_t now = ToUnixSeconds(clock_.Now());
  const std::string before = json::serialize(RequestToJson(r, now));
  r.status = "info_needed";
  r.paused_at = now;
  r.info_question = std::string(question);
  RETURN_IF_ERROR(Finish(conn, h, r, "open", "info_requested", before,
                         json::serialize(json::object{{"question", question}})));
  RETURN_IF_ERROR(Notify(conn, r, "info_needed"));
  return r;
}

Result<CorrectionRequest> CorrectionService::Reassign(storage::Connection& conn, const Handler& h,
                                                      int64_t id, int version,
                                                      std::string_view to,
                                                      std::string_view reason) {
  if (reason.empty() || reason.size() > 500) {
    return InvalidArgumentError("a reason (1-500 bytes) is required to reassign", "reason");
  }
  ASSIGN_OR_RETURN(CorrectionRequest r, LoadForDecision(conn, h, id, version));
  const int64_t now = ToUnixSeconds(clock_.Now());
  const std::string before = json::serialize(RequestToJson(r, now));
  const std::string from = r.status;
  ASSIGN_OR_RETURN(std::optional<registry::Facility> facility, registry::FindFacility(conn, to));
  if (facility) {
    if (facility->status != "active") {
      return FailedPreconditionError("facility " + facility->code + " is not active", "to");
    }
    r.level = Level::kFacility;
    r.assigned_unit = facility->code;
    r.facility_code = facility->code;
    r.province_code = facility->province_code;
    r.district_code = facility->district_code;
    r.commune_code = facility->commune_code;
  } else {
    const geo::AdminUnit* unit = geo::AdminUnits::Get().Find(to);
    if (unit == nullptr || to == "VN") {
      return InvalidArgumentError("'" + std::string(to.substr(0, 32)) +
                                      "' is neither a facility code nor a commune, district or "
                                      "province code",
                                  "to");
    }
    switch (unit->level) {
      case geo::Level::kCommune:
        r.level = Level::kCommune;
        r.commune_code = unit->code;
        r.district_code = unit->parent_code;
        r.province_code = unit->province_code;
        break;
      case geo::Level::kDistrict:
        r.level = Level::kDistrict;
        r.commune_code.clear();
        r.district_code = unit->code;
        r.province_code = unit->province_code;
        break;
      default:
        r.level = Level::kProvince;
        r.commune_code.clear();
        r.district_code.clear();
        r.province_code = unit->code;
        break;
    }
    r.assigned_unit = unit->code;
  }
  if (r.paused_at == 0) r.due_at = now + options_.deadline.count();
  RETURN_IF_ERROR(Finish(conn, h, r, from, "reassigned", before,
                         json::serialize(json::object{{"to", to}, {"reason", reason}})));
  return r;
}

}  // namespace vaxreg::corrections
