#pragma once
// The rules of correction requests (flow 4): what a citizen may send, who handles it, who may
// decide it, and what a decision changes in the registry. Every function runs on the
// group-commit writer's connection inside its savepoint: the request, the registry change, the
// history event, the audit row and the notification to the citizen commit together or not at
// all. Certificates follow after the commit (Decision::people_to_refresh).
//
// Routing (letter 9458/BYT-CNTT): a request naming a facility goes to that facility; otherwise to
// the commune health station of the person's address (or the lowest unit known). The deadline
// (48 hours by default) counts from receipt; deadlines.h escalates late requests one level up.
// Deciding: the facility it is assigned to, an authority whose area holds the request at or
// above its current level, or an admin. After `province_only_after` accepted corrections for a
// person, only a province (or national) authority or an admin may accept more.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "accounts/notifier.h"
#include "auth/role.h"
#include "common/clock.h"
#include "corrections/request.h"
#include "registry/vaccine_catalogue.h"
#include "storage/database.h"

namespace vaxreg::corrections {

struct CorrectionOptions {
  std::chrono::seconds deadline{std::chrono::hours(48)};
  int requests_per_day = 10;      // per citizen account
  int uploads_per_day = 30;       // photos per citizen account
  int max_photos = 3;             // per request (and per answer)
  int province_only_after = 5;    // accepted corrections per person
};

// The citizen sending or answering, as resolved by the API (accounts/citizen_record.h).
struct Citizen {
  int64_t user_id = 0;
  std::string actor_id;  // "citizen:<cccd>"
  std::string request_id;
  std::string cccd, birth_date, phone;
  std::optional<int64_t> person_id;  // the record CCCD and birth date agree with
};

struct Submission {
  Kind kind = Kind::kMissingDose;
  // missing_dose: {"date","vaccine","lot" ("" = not recorded),"dose_number",
  //                "facility_code" | "country", "full_name" (only without a record), "commune_code"}
  // identity:     any of {"full_name","birth_date","sex","cccd"}
  // dose_fact:    any of {"date","vaccine","lot","dose_number"} (with dose_id)
  // wrong_person: with dose_id (a dose on the citizen's record that is not theirs):
  //               {"owner_cccd"} optional; without dose_id (their dose on another record):
  //               {"recorded_to_cccd","date","vaccine","dose_number"}
  boost::json::object claim;
  int64_t dose_id = 0;
  std::string note;
  std::vector<std::string> photo_ids;  // sha256 of the citizen's uploads, 1-3
};

// A handler deciding: its principal and HTTP request id.
struct Handler {
  auth::Principal who;
  std::string request_id;
};

struct ApproveInput {
  int version = 0;                 // 0: any; else must match (409 otherwise)
  std::string verifying_facility;  // for a declared dose naming no facility
  std::string override_reason;     // health authorities: accept a continuity conflict
  std::string note;
  int64_t move_dose_id = 0;        // wrong_person without dose_id: the dose to move to the citizen
};

struct Decision {
  CorrectionRequest request;
  std::vector<int64_t> people_to_refresh;  // their certificates must follow
  bool identity_changed = false;
  std::vector<std::string> facilities_to_sign;  // doses they must sign (step 2)
};

class CorrectionService {
 public:
  CorrectionService(const Clock& clock, accounts::Notifier& notifier, CorrectionOptions options)
      : clock_(clock), notifier_(notifier), options_(options) {}
  const CorrectionOptions& options() const { return options_; }

  // A citizen's new request. kResourceExhausted past requests_per_day; kInvalidArgument naming
  // the field at fault (dates in the future or before birth included); kAlreadyExists when the
  // subject has an open request; kNotFound (as for a stranger's) for a dose not on the record.
  // Without a record, a missing_dose creates a pending (self-registered) person record.
  Result<CorrectionRequest> Submit(storage::Connection& conn,
                                   const std::vector<registry::VaccineProduct>& catalogue,
                                   const Citizen& who, const Submission& s);

  // The citizen answers a request for information: the clock runs again with the time waited
  // added to the deadline. kFailedPrecondition unless the request is info_needed.
  Result<CorrectionRequest> Answer(storage::Connection& conn, const Citizen& who,
                                   std::string_view tracking, std::string_view note,
                                   const std::vector<std::string>& photo_ids);

  Result<Decision> Approve(storage::Connection& conn,
                           const std::vector<registry::VaccineProduct>& catalogue,
                           const Handler& h, int64_t id, const ApproveInput& in);
  Result<CorrectionRequest> Reject(storage::Connection& conn, const Handler& h, int64_t id,
                                   int version, std::string_view reason_code,
                                   std::string_view note);
  // Returns the request to the citizen with a question; the clock stops.
  Result<CorrectionRequest> RequestInfo(storage::Connection& conn, const Handler& h, int64_t id,
                                        int version, std::string_view question);
  // Hands the request to another facility (a facility code) or unit (a GSO code or "VN"), with
  // a reason; the new assignee gets a fresh deadline.
  Result<CorrectionRequest> Reassign(storage::Connection& conn, const Handler& h, int64_t id,
                                     int version, std::string_view to, std::string_view reason);

  // kPermissionDenied unless `h` may read the request (the decider, the named facility, authorities
  // whose area holds it, admins).
  static Status CheckMaySee(const auth::Principal& who, const CorrectionRequest& r);

 private:
  static Status CheckMayDecide(const Handler& h, const CorrectionRequest& r);
  Result<CorrectionRequest> LoadForDecision(storage::Connection& conn, const Handler& h, int64_t id,
                                            int version) const;
  Status Notify(storage::Connection& conn, const CorrectionRequest& r, std::string_view what);
  Status Finish(storage::Connection& conn, const Handler& h, CorrectionRequest& r,
                std::string_view from_status, std::string_view event, std::string_view before,
                std::string_view detail);

  const Clock& clock_;
  accounts::Notifier& notifier_;
  CorrectionOptions options_;
};

// Seconds between receipt and decision, minus the time spent waiting for the citizen.
int64_t HandlingSeconds(const CorrectionRequest& r);

}  // namespace vaxreg::corrections
