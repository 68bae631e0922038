#pragma once
// Correction requests and self-declared doses (flow 4): what a citizen sends, where it is
// handled, and its state. Plain value types and their JSON; no storage.
//
//   open --request_info--> info_needed --citizen answers--> open
//   open --approve--> approved          open --reject--> rejected
//   open --deadline passes--> open, one level up (facility -> commune -> district -> province)
//
// Deadlines count from receipt (DESIGN.md, letter 9458/BYT-CNTT): `due_at` is the receipt (or
// the last escalation) plus the deadline, pushed back by the time the request waited for the
// citizen; the clock stops while the request is info_needed.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "common/status.h"

namespace vaxreg::corrections {

// What the request is about.
enum class Kind {
  kMissingDose,  // a dose the registry lacks: the citizen declares it (self-declared, pending)
  kIdentity,     // a wrong name, birth date, sex or CCCD
  kDoseFact,     // a wrong date, vaccine, lot or dose number on a recorded dose
  kWrongPerson,  // a dose recorded to the wrong person: it belongs to the person named
};
std::string_view KindName(Kind k);  // "missing_dose", "identity", "dose_fact", "wrong_person"
Result<Kind> ParseKind(std::string_view name);

// Who handles a request now, lowest first.
enum class Level { kFacility, kCommune, kDistrict, kProvince };
std::string_view LevelName(Level l);
Result<Level> ParseLevel(std::string_view name);

struct Photo {
  std::string sha256;        // content address of the re-encoded photo (media/photo_store.h)
  std::string thumb_sha256;  // its thumbnail
};

struct CorrectionRequest {
  int64_t id = 0;
  std::string tracking;  // "VR" + 10 characters, shown to the citizen
  Kind kind = Kind::kMissingDose;
  std::string subject;   // at most one open request per subject
  int64_t person_id = 0;
  int64_t dose_id = 0;   // 0 when none (identity requests)
  std::string claim;     // JSON object of the claimed values
  std::string note;
  std::string status = "open";  // open | info_needed | approved | rejected
  Level level = Level::kCommune;
  std::string assigned_unit;    // facility code at facility level, else a GSO unit code or "VN"
  std::string facility_code;    // the facility the request names, or ""
  std::string province_code, district_code, commune_code;  // the area it is handled in
  int64_t submitted_by = 0;     // the citizen's account id
  int64_t received_at = 0, due_at = 0;
  int64_t paused_at = 0;        // while info_needed: when the clock stopped; else 0
  int64_t paused_seconds = 0;
  int escalations = 0;
  std::string info_question;
  int64_t decided_at = 0;
  std::string decided_by;
  int decided_in_time = -1;  // 1 / 0 once decided, -1 before
  std::string reject_reason, decision_note;
  int version = 1;
  int64_t updated_at = 0;
  std::vector<Photo> photos;

  bool IsOpen() const { return status == "open" || status == "info_needed"; }
  // Seconds left before the deadline at `now` (negative when overdue; frozen while paused).
  int64_t SecondsLeft(int64_t now) const;
};

// The request as JSON for the API. Photos are listed by position (their URLs are built by the
// API); `now` gives seconds_left.
boost::json::object RequestToJson(const CorrectionRequest& r, int64_t now);

// A standard reason to reject (DESIGN.md), stored as its code and shown in both languages.
struct RejectReason {
  std::string_view code;
  std::string_view vi;
  std::string_view en;
};
const std::vector<RejectReason>& RejectReasons();
// kInvalidArgument (field "reason") for an unknown code, listing the valid ones.
Result<const RejectReason*> FindRejectReason(std::string_view code);

}  // namespace vaxreg::corrections
