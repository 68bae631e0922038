#include "app/demo_corrections.h"

#include <boost/json.hpp>

#include "accounts/notifier.h"
#include "accounts/user_store.h"
#include "certs/qr/qr_render.h"
#include "corrections/service.h"
#include "corrections/store.h"
#include "media/photo.h"
#include "media/photo_store.h"
#include "registry/dose.h"
#include "registry/person_store.h"
#include "registry/vaccine_store.h"

namespace vaxreg::app {
namespace {

constexpr int64_t kHour = 3600;

// A stand-in for a photographed paper certificate: an image whose QR code carries the card's
// text, processed and stored as an upload would be.
Result<corrections::Upload> DemoPhoto(const std::filesystem::path& photo_dir) {
  ASSIGN_OR_RETURN(std::string png,
                   certs::RenderQrPng("GIẤY XÁC NHẬN ĐÃ TIÊM VẮC XIN COVID-19 / demo photo"));
  ASSIGN_OR_RETURN(media::ProcessedPhoto photo, media::ProcessPhoto(png, "image/png"));
  ASSIGN_OR_RETURN(auto store, media::PhotoStore::Open(photo_dir));
  RETURN_IF_ERROR(store->Put(photo.sha256, photo.full_jpeg));
  RETURN_IF_ERROR(store->Put(photo.thumb_sha256, photo.thumb_jpeg));
  return corrections::Upload{photo.sha256, photo.thumb_sha256, photo.width, photo.height,
                             static_cast<int64_t>(photo.full_jpeg.size())};
}

// A request about a synthetic person, as received `age_hours` ago, in `status` at `level`.
Status InsertAbout(storage::Connection& c, const registry::Person& p, const corrections::Upload& u,
                   int64_t now, int age_hours, const std::string& status,
                   corrections::Level level, int escalations, int64_t due_at, int n) {
  corrections::CorrectionRequest r;
  r.tracking = "VRDEMO" + std::to_string(100000 + n);
  r.kind = corrections::Kind::kIdentity;
  r.subject = "person:" + std::to_string(p.id) + ":identity";
  r.person_id = p.id;
  r.claim = boost::json::serialize(boost::json::object{{"full_name", p.full_name}});
  r.note = "Tên trên giấy chứng nhận khác với hồ sơ / the name on the card differs";
  r.province_code = p.province_code;
  r.district_code = p.district_code;
  r.commune_code = p.commune_code;
  r.level = level;
  r.assigned_unit = level == corrections::Level::kCommune    ? p.commune_code
                    : level == corrections::Level::kDistrict ? p.district_code
                                                             : p.province_code;
  r.received_at = now - age_hours * kHour;
  r.due_at = due_at;
  r.photos.push_back({u.sha256, u.thumb_sha256});
  ASSIGN_OR_RETURN(r, corrections::InsertRequest(c, r));
  RETURN_IF_ERROR(corrections::AddEvent(c, r.id, r.received_at, "system:demo-seed", "received", "{}"));
  if (status == "open" && escalations == 0) return Status::Ok();
  r.escalations = escalations;
  if (status != "open") {
    r.status = status;
    r.decided_at = now - kHour;
    r.decided_by = "health_authority:demo.authority";
    r.decided_in_time = corrections::HandlingSeconds(r) <= 48 * kHour ? 1 : 0;
    if (status == "rejected") r.reject_reason = "photo_blurred";
  }
  ASSIGN_OR_RETURN(bool written, corrections::UpdateRequestState(c, r, "open"));
  if (!written) return InternalError("demo request " + r.tracking + " changed while seeding");
  return Status::Ok();
}

}  // namespace

Result<int> SeedDemoCorrections(storage::Database& db, storage::GroupCommitWriter& writer,
                                const Clock& clock, const std::filesystem::path& photo_dir) {
  std::optional<accounts::User> citizen;
  std::vector<registry::Person> people;
  std::vector<registry::VaccineProduct> catalogue;
  {
    ASSIGN_OR_RETURN(auto conn, db.Acquire());
    ASSIGN_OR_RETURN(storage::Rows any,
                     conn->Query("SELECT COUNT(*) FROM correction_requests", {}));
    if (any.at(0).Int(0) > 0) return 0;
    ASSIGN_OR_RETURN(citizen, accounts::FindUserByUsername(*conn, "001090012345"));
    ASSIGN_OR_RETURN(storage::Rows ids,
                     conn->Query("SELECT id FROM people WHERE commune_code <> '' AND "
                                 "cccd <> '001090012345' ORDER BY id LIMIT 10",
                                 {}));
    for (const auto& row : ids) {
      ASSIGN_OR_RETURN(auto p, registry::FindPersonById(*conn, row.Int(0)));
      if (p) people.push_back(*p);
    }
    ASSIGN_OR_RETURN(catalogue, registry::LoadVaccineProducts(*conn));
  }
  ASSIGN_OR_RETURN(corrections::Upload photo, DemoPhoto(photo_dir));
  accounts::OutboxNotifier notifier(clock);
  corrections::CorrectionService service(clock, notifier, {});
  int created = 0;
  const int64_t now = ToUnixSeconds(clock.Now());
  const Status written = writer.SubmitAndWait([&](storage::Connection& c) -> Status {
    created = 0;
    if (citizen) {
      RETURN_IF_ERROR(corrections::RecordUpload(c, citizen->id, photo, now));
      corrections::Citizen who;
      who.user_id = citizen->id;
      who.actor_id = "citizen:" + citizen->username;
      who.cccd = citizen->username;
      who.birth_date = "1990-05-01";
      who.phone = citizen->phone;
      ASSIGN_OR_RETURN(auto me, registry::FindPersonByCccd(c, who.cccd));
      if (me) {
        who.person_id = me->id;
        corrections::Submission booster;
        booster.kind = corrections::Kind::kMissingDose;
        booster.claim = {{"date", "20/02/2022"}, {"vaccine", "Moderna"}, {"lot", ""},
                         {"dose_number", 3}, {"facility_code", "HN-BACHMAI"}};
        booster.note = "Mũi 3 chưa có trên hồ sơ / my booster is missing";
        booster.photo_ids = {photo.sha256};
        RETURN_IF_ERROR(service.Submit(c, catalogue, who, booster).status());
        ASSIGN_OR_RETURN(auto doses, registry::ListPersonDoses(c, me->id));
        if (!doses.empty()) {
          corrections::Submission lot;
          lot.kind = corrections::Kind::kDoseFact;
          lot.dose_id = doses.front().id;
          lot.claim = {{"lot", "FF2588"}};
          lot.note = "Số lô trên giấy là FF2588 / the lot on my card is FF2588";
          lot.photo_ids = {photo.sha256};
          RETURN_IF_ERROR(service.Submit(c, catalogue, who, lot).status());
        }
        created += 2;
      }
    }
    using corrections::Level;
    for (size_t i = 0; i < people.size(); ++i) {
      const registry::Person& p = people[i];
      const int n = static_cast<int>(i);
      if (i < 4) {  // waiting at their commune, well within the deadline
        RETURN_IF_ERROR(InsertAbout(c, p, photo, now, 10 + n, "open", Level::kCommune, 0,
                                    now + (38 - n) * kHour, n));
      } else if (i < 6) {  // escalated twice and still late at the province
        RETURN_IF_ERROR(InsertAbout(c, p, photo, now, 160, "open", Level::kProvince, 2,
                                    now - 10 * kHour, n));
      } else if (i < 7) {  // late at the commune: the next deadline pass escalates it
        RETURN_IF_ERROR(InsertAbout(c, p, photo, now, 60, "open", Level::kCommune, 0,
                                    now - 12 * kHour, n));
      } else if (i < 9) {
        RETURN_IF_ERROR(InsertAbout(c, p, photo, now, 20, "approved", Level::kCommune, 0,
                                    now + 28 * kHour, n));
      } else {
        RETURN_IF_ERROR(InsertAbout(c, p, photo, now, 70, "rejected", Level::kDistrict, 1,
                                    now + 20 * kHour, n));
      }
      ++created;
    }
    return Status::Ok();
  });
  // Another server started with --demo on the same database seeded them at the same moment.
  if (written.code() == StatusCode::kAlreadyExists) return 0;
  RETURN_IF_ERROR(written);
  return created;
}

}  // namespace vaxreg::app
