#include "identity/merge.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>

#include "audit/audit_log.h"
#include "identity/area.h"
#include "registry/continuity.h"
#include "registry/dose.h"
#include "registry/dose_service.h"
#include "registry/person.h"
#include "registry/person_store.h"
#include "registry/statistics.h"
#include "registry/vaccination_status.h"

namespace vaxreg::identity {
namespace {

namespace json = boost::json;
using storage::Value;

constexpr int kPersonColumnCount = 16;

std::string PersonColumns(const std::string& a) {
  return a + ".id, COALESCE(" + a + ".cccd, ''), COALESCE(" + a + ".cmnd, ''), COALESCE(" + a +
         ".passport, ''), " + a + ".full_name, " + a + ".dob, " + a + ".sex, " + a + ".phone, " +
         a + ".province_code, " + a + ".district_code, " + a + ".commune_code, " + a +
         ".identity_status, " + a + ".vax_status, " + a + ".birth_year, COALESCE(" + a +
         ".merged_into, 0), (SELECT COUNT(*) FROM doses x WHERE x.person_id = " + a +
         ".id AND x.status = 'active')";
}

MergePerson PersonFromRow(const storage::Row& r, size_t at) {
  MergePerson p;
  p.id = r.Int(at);
  p.cccd = r.Text(at + 1), p.cmnd = r.Text(at + 2), p.passport = r.Text(at + 3);
  p.full_name = r.Text(at + 4), p.dob = r.Text(at + 5), p.sex = r.Text(at + 6);
  p.phone = r.Text(at + 7), p.province_code = r.Text(at + 8), p.district_code = r.Text(at + 9);
  p.commune_code = r.Text(at + 10), p.identity_status = r.Text(at + 11);
  p.vax_status = r.Text(at + 12), p.birth_year = r.Int(at + 13), p.merged_into = r.Int(at + 14);
  p.active_doses = r.Int(at + 15);
  return p;
}

// Columns 0-7 of the proposal, then the survivor's and the duplicate's.
std::string ProposalSelect() {
  return "SELECT m.id, m.status, m.score, m.reasons_json, m.decided_by, m.override_reason, "
         "COALESCE(m.decided_at, 0), m.moved_dose_ids, " +
         PersonColumns("s") + ", " + PersonColumns("d") +
         " FROM merge_proposals m JOIN people s ON s.id = m.survivor_id "
         "JOIN people d ON d.id = m.duplicate_id ";
}

std::vector<int64_t> ParseIds(const std::string& text) {
  std::vector<int64_t> ids;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return ids;
  for (const json::value& e : v.as_array()) {
    if (e.is_int64()) ids.push_back(e.as_int64());
  }
  return ids;
}

std::string IdsJson(const std::vector<int64_t>& ids) {
  json::array a;
  for (int64_t id : ids) a.push_back(id);
  return json::serialize(a);
}

MergeProposal ProposalFromRow(const storage::Row& r) {
  MergeProposal m;
  m.id = r.Int(0);
  m.status = r.Text(1);
  m.score = r.Double(2);
  m.reasons_json = r.Text(3);
  m.decided_by = r.Text(4);
  m.override_reason = r.Text(5);
  m.decided_at = r.Int(6);
  m.moved_dose_ids = ParseIds(r.Text(7));
  m.survivor = PersonFromRow(r, 8);
  m.duplicate = PersonFromRow(r, 8 + kPersonColumnCount);
  return m;
}

// The proposal if it exists and both records lie in `unit`; kNotFound otherwise.
Result<MergeProposal> LoadProposal(storage::Connection& conn, const std::string& unit,
                                   int64_t id) {
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query(ProposalSelect() + "WHERE m.id = $1 AND " +
                                  UnitCondition("s", unit, 2) + " AND " +
                                  UnitCondition("d", unit, 2),
                              {id, unit}));
  if (rows.empty()) return NotFoundError("no duplicate proposal " + std::to_string(id));
  return ProposalFromRow(rows.at(0));
}

Status RequireStatus(const MergeProposal& m, std::string_view wanted) {
  if (m.status == wanted) return Status::Ok();
  return FailedPreconditionError("duplicate proposal " + std::to_string(m.id) + " is " + m.status +
                                 ", not " + std::string(wanted));
}

Value NullIfEmpty(const std::string& s) { return s.empty() ? Value(nullptr) : Value(s); }

std::string ProposalAudit(const MergeProposal& m, const std::string& extra = "") {
  return "{\"proposal\":" + std::to_string(m.id) + ",\"status\":" + JsonString(m.status) +
         ",\"survivor\":" + m.survivor.ToJson() + ",\"duplicate\":" + m.duplicate.ToJson() + extra +
         "}";
}

// The province where a person's coverage is counted: its own, else that of its newest dose.
std::string CoverageProvince(const MergePerson& p, const std::vector<registry::Dose>& doses) {
  if (!p.province_code.empty()) return p.province_code;
  const registry::Dose* newest = nullptr;
  for (const registry::Dose& d : doses) {
    if (newest == nullptr || d.id > newest->id) newest = &d;
  }
  return newest != nullptr ? newest->province_code : std::string();
}

// Recomputes a person's cached vaccination status from `doses` (its doses now) and moves the
// coverage counters from `from` to the new status in `province`.
Status RefreshVaxStatus(storage::Connection& conn, int64_t person_id, const std::string& from,
                        const std::vector<registry::Dose>& doses, const std::string& province,
                        const std::vector<registry::VaccineProduct>& catalogue, int64_t now) {
  const registry::StatusSummary s = registry::ComputeStatus(registry::ToDoseFacts(doses), catalogue);
  const std::string next(registry::VaccinationStatusName(s.status));
  if (next == from) return Status::Ok();
  RETURN_IF_ERROR(registry::SetPersonVaxStatus(conn, person_id, next, now));
  return registry::MoveCoverage(conn, province, from, next);
}

registry::HistoryDose History(const registry::Dose& d) {
  return {d.id, d.vaccine_code, d.dose_number, d.administered_at};
}

// The duplicate's active doses that conflict with the survivor's history, with the reasons;
// kFailedPrecondition for a dose dated before the survivor's birth (never overridable).
struct Conflicts {
  std::vector<int64_t> dose_ids;
  std::string explanation;
};
Result<Conflicts> CheckCombinedHistory(const MergeProposal& m,
                                       const std::vector<registry::Dose>& survivor_doses,
                                       const std::vector<registry::Dose>& duplicate_doses,
                                       const std::string& survivor_dob,
                                       const std::vector<registry::VaccineProduct>& catalogue,
                                       int64_t now) {
  registry::ContinuityInput in;
  in.now = now;
  ASSIGN_OR_RETURN(registry::BirthDate birth,
                   registry::ParseBirthDate(survivor_dob, registry::DayOf(now)));
  in.earliest_birth_day = birth.EarliestDay();
  for (const registry::Dose& d : survivor_doses) {
    if (d.status == "active") in.history.push_back(History(d));
  }
  Conflicts out;
  for (const registry::Dose& d : duplicate_doses) {
    if (d.status != "active") continue;
    in.dose = History(d);
    const Status date = registry::CheckDoseDate(in);
    if (!date.ok()) {
      return FailedPreconditionError("cannot merge person " + std::to_string(m.duplicate.id) +
                                     " into person " + std::to_string(m.survivor.id) +
                                     ": dose id " + std::to_string(d.id) + ": " + date.message());
    }
    const Status seq = registry::CheckDoseSequence(in, catalogue);
    if (!seq.ok()) {
      out.dose_ids.push_back(d.id);
      out.explanation += (out.explanation.empty() ? "" : "; ") + std::string("dose id ") +
                         std::to_string(d.id) + " (dose " + std::to_string(d.dose_number) + ", " +
                         d.vaccine_code + "): " + seq.message();
    }
  }
  return out;
}

json::object PersonBefore(const MergePerson& p, bool survivor) {
  json::object o{{"cccd", p.cccd}, {"cmnd", p.cmnd}, {"passport", p.passport}};
  if (survivor) {
    o["phone"] = p.phone;
    o["dob"] = p.dob;
  }
  return o;
}

std::string Field(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

Result<json::object> ParseObject(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return InternalError("malformed undo data in a merge proposal");
  return v.as_object();
}

}  // namespace

std::string MergePerson::ToJson() const {
  json::object o{{"id", id},
                 {"full_name", full_name},
                 {"dob", dob},
                 {"sex", sex},
                 {"phone", phone},
                 {"province_code", province_code},
                 {"district_code", district_code},
                 {"commune_code", commune_code},
                 {"identity_status", identity_status},
                 {"vaccination_status", vax_status},
                 {"active_doses", active_doses}};
  o["cccd"] = cccd.empty() ? json::value(nullptr) : json::value(cccd);
  o["cmnd"] = cmnd.empty() ? json::value(nullptr) : json::value(cmnd);
  o["passport"] = passport.empty() ? json::value(nullptr) : json::value(passport);
  o["merged_into"] = merged_into == 0 ? json::value(nullptr) : json::value(merged_into);
  return json::serialize(o);
}

std::string MergeProposal::ToJson() const {
  char score_text[32];
  std::snprintf(score_text, sizeof score_text, "%.4f", score);
  return "{\"id\":" + std::to_string(id) + ",\"status\":" + JsonString(status) +
         ",\"score\":" + score_text + ",\"details\":" +
         (reasons_json.empty() ? "{}" : reasons_json) + ",\"survivor\":" + survivor.ToJson() +
         ",\"duplicate\":" + duplicate.ToJson() + ",\"decided_by\":" + JsonString(decided_by) +
         ",\"decided_at\":" + (decided_at == 0 ? "null" : std::to_string(decided_at)) +
         ",\"override_reason\":" + JsonString(override_reason) +
         ",\"moved_dose_ids\":" + IdsJson(moved_dose_ids) + "}";
}

Result<std::vector<MergeProposal>> ListMergeProposals(storage::Connection& conn,
                                                      const std::string& unit, int64_t after_id,
                                                      int limit) {
  ASSIGN_OR_RETURN(
      storage::Rows rows,
      conn.Query(ProposalSelect() +
                     "WHERE m.status = 'proposed' AND m.id > $1 AND s.merged_into IS NULL AND "
                     "d.merged_into IS NULL AND " + UnitCondition("s", unit, 2) + " AND " +
                     UnitCondition("d", unit, 2) + " ORDER BY m.id LIMIT $3",
                 {after_id, unit, static_cast<int64_t>(limit)}));
  std::vector<MergeProposal> out;
  for (const storage::Row& r : rows) out.push_back(ProposalFromRow(r));
  return out;
}

Result<MergeProposal> MergeDuplicate(storage::Connection& conn, const Clock& clock,
                                     const std::vector<registry::VaccineProduct>& catalogue,
                                     const std::string& unit, int64_t proposal_id,
                                     const std::string& override_reason, const std::string& actor,
                                     const std::string& request_id) {
  if (override_reason.size() > 500) {
    return InvalidArgumentError("override_reason is at most 500 bytes", "override_reason");
  }
  ASSIGN_OR_RETURN(MergeProposal m, LoadProposal(conn, unit, proposal_id));
  RETURN_IF_ERROR(RequireStatus(m, "proposed"));
  for (const MergePerson* p : {&m.survivor, &m.duplicate}) {
    if (p->merged_into != 0) {
      return FailedPreconditionError("person " + std::to_string(p->id) +
                                     " has been merged into person " +
                                     std::to_string(p->merged_into));
    }
  }
  const MergePerson& s = m.survivor;
  const MergePerson& d = m.duplicate;
  const int64_t now = ToUnixSeconds(clock.Now());

  // The survivor's fields after the merge: blanks filled from the duplicate.
  MergePerson filled = s;
  if (filled.cccd.empty()) filled.cccd = d.cccd;
  if (filled.cmnd.empty()) filled.cmnd = d.cmnd;
  if (filled.passport.empty()) filled.passport = d.passport;
  if (filled.phone.empty()) filled.phone = d.phone;
  if (filled.dob.size() == 4 && d.dob.size() == 10 && d.dob.compare(0, 4, filled.dob) == 0) {
    filled.dob = d.dob;
  }

  ASSIGN_OR_RETURN(std::vector<registry::Dose> survivor_doses,
                   registry::ListPersonDoses(conn, s.id));
  ASSIGN_OR_RETURN(std::vector<registry::Dose> duplicate_doses,
                   registry::ListPersonDoses(conn, d.id));
  ASSIGN_OR_RETURN(Conflicts conflicts, CheckCombinedHistory(m, survivor_doses, duplicate_doses,
                                                             filled.dob, catalogue, now));
  if (!conflicts.dose_ids.empty() && override_reason.empty()) {
    return FailedPreconditionError(
        "merging person " + std::to_string(d.id) + " into person " + std::to_string(s.id) +
        " would give a dose history that fails the continuity check: " + conflicts.explanation +
        ". Void the dose entered in error first, or give an override_reason to merge anyway");
  }
  const std::string survivor_province = CoverageProvince(s, survivor_doses);
  const std::string duplicate_province = CoverageProvince(d, duplicate_doses);

  // The duplicate gives up the identity numbers the survivor takes (CCCDs are unique).
  const bool moves_cccd = s.cccd.empty() && !d.cccd.empty();
  const bool moves_cmnd = s.cmnd.empty() && !d.cmnd.empty();
  const bool moves_passport = s.passport.empty() && !d.passport.empty();
  RETURN_IF_ERROR(
      conn.Execute("UPDATE people SET cccd = $1, cmnd = $2, passport = $3, merged_into = $4, "
                   "updated_at = $5 WHERE id = $6",
                   {moves_cccd ? Value(nullptr) : NullIfEmpty(d.cccd),
                    moves_cmnd ? Value(nullptr) : NullIfEmpty(d.cmnd),
                    moves_passport ? Value(nullptr) : NullIfEmpty(d.passport), s.id, now, d.id})
          .status());
  RETURN_IF_ERROR(conn.Execute("UPDATE people SET cccd = $1, cmnd = $2, passport = $3, phone = $4, "
                               "dob = $5, updated_at = $6 WHERE id = $7",
                               {NullIfEmpty(filled.cccd), NullIfEmpty(filled.cmnd),
                                NullIfEmpty(filled.passport), filled.phone, filled.dob, now, s.id})
                      .status());

  std::vector<int64_t> moved, overridden;
  for (registry::Dose& dose : duplicate_doses) {
    moved.push_back(dose.id);
    dose.person_id = s.id;
  }
  RETURN_IF_ERROR(conn.Execute("UPDATE doses SET person_id = $1 WHERE person_id = $2", {s.id, d.id})
                      .status());
  const std::string dose_override = "merge of person " + std::to_string(d.id) + " into " +
                                    std::to_string(s.id) + ": " + override_reason;
  for (int64_t id : conflicts.dose_ids) {
    ASSIGN_OR_RETURN(int64_t changed,
                     conn.Execute("UPDATE doses SET override_reason = $1 WHERE id = $2 AND "
                                  "override_reason IS NULL",
                                  {dose_override, id}));
    if (changed > 0) overridden.push_back(id);
  }

  std::vector<registry::Dose> combined = survivor_doses;
  combined.insert(combined.end(), duplicate_doses.begin(), duplicate_doses.end());
  RETURN_IF_ERROR(RefreshVaxStatus(conn, s.id, s.vax_status, combined, survivor_province,
                                   catalogue, now));
  RETURN_IF_ERROR(
      RefreshVaxStatus(conn, d.id, d.vax_status, {}, duplicate_province, catalogue, now));

  RETURN_IF_ERROR(
      conn.Execute("UPDATE merge_proposals SET status = 'merged', decided_by = $1, decided_at = $2, "
                   "override_reason = $3, moved_dose_ids = $4, overridden_dose_ids = $5, "
                   "survivor_before_json = $6, duplicate_before_json = $7 WHERE id = $8",
                   {actor, now, override_reason, IdsJson(moved), IdsJson(overridden),
                    json::serialize(PersonBefore(s, true)),
                    json::serialize(PersonBefore(d, false)), m.id})
          .status());
  ASSIGN_OR_RETURN(MergeProposal after, LoadProposal(conn, unit, m.id));
  const std::string extra = ",\"overridden_dose_ids\":" + IdsJson(overridden) +
                            (conflicts.dose_ids.empty()
                                 ? std::string()
                                 : ",\"conflicts\":" + JsonString(conflicts.explanation));
  RETURN_IF_ERROR(audit::AppendAudit(
      conn, clock,
      {actor,
       conflicts.dose_ids.empty() ? "identity.duplicate.merge" : "identity.duplicate.merge_override",
       "person:" + std::to_string(d.id), ProposalAudit(m), ProposalAudit(after, extra),
       request_id}));
  return after;
}

Result<MergeProposal> RejectDuplicate(storage::Connection& conn, const Clock& clock,
                                      const std::string& unit, int64_t proposal_id,
                                      const std::string& actor, const std::string& request_id) {
  ASSIGN_OR_RETURN(MergeProposal m, LoadProposal(conn, unit, proposal_id));
  RETURN_IF_ERROR(RequireStatus(m, "proposed"));
  const int64_t now = ToUnixSeconds(clock.Now());
  RETURN_IF_ERROR(conn.Execute("UPDATE merge_proposals SET status = 'rejected', decided_by = $1, "
                               "decided_at = $2 WHERE id = $3",
                               {actor, now, m.id})
                      .status());
  MergeProposal after = m;
  after.status = "rejected", after.decided_by = actor, after.decided_at = now;
  RETURN_IF_ERROR(audit::AppendAudit(conn, clock,
                                     {actor, "identity.duplicate.reject",
                                      "person:" + std::to_string(m.duplicate.id),
                                      ProposalAudit(m), ProposalAudit(after), request_id}));
  return after;
}

Result<MergeProposal> UndoMerge(storage::Connection& conn, const Clock& clock,
                                const std::vector<registry::VaccineProduct>& catalogue,
                                const std::string& unit, int64_t proposal_id,
                                const std::string& actor, const std::string& request_id) {
  ASSIGN_OR_RETURN(MergeProposal m, LoadProposal(conn, unit, proposal_id));
  RETURN_IF_ERROR(RequireStatus(m, "merged"));
  const MergePerson& s = m.survivor;
  const MergePerson& d = m.duplicate;
  if (s.merged_into != 0) {
    return FailedPreconditionError("person " + std::to_string(s.id) +
                                   " has since been merged into person " +
                                   std::to_string(s.merged_into) + "; undo that merge first");
  }
  if (d.merged_into != s.id) {
    return FailedPreconditionError("person " + std::to_string(d.id) + " is no longer merged into " +
                                   std::to_string(s.id));
  }
  ASSIGN_OR_RETURN(storage::Rows undo_rows,
                   conn.Query("SELECT overridden_dose_ids, survivor_before_json, "
                              "duplicate_before_json FROM merge_proposals WHERE id = $1",
                              {m.id}));
  const std::vector<int64_t> overridden = ParseIds(undo_rows.at(0).Text(0));
  ASSIGN_OR_RETURN(json::object survivor_before, ParseObject(undo_rows.at(0).Text(1)));
  ASSIGN_OR_RETURN(json::object duplicate_before, ParseObject(undo_rows.at(0).Text(2)));

  ASSIGN_OR_RETURN(std::vector<registry::Dose> survivor_doses,
                   registry::ListPersonDoses(conn, s.id));
  for (int64_t id : m.moved_dose_ids) {
    const bool still_there =
        std::any_of(survivor_doses.begin(), survivor_doses.end(),
                    [id](const registry::Dose& x) { return x.id == id; });
    if (!still_there) {
      return FailedPreconditionError("dose " + std::to_string(id) +
                                     " no longer belongs to person " + std::to_string(s.id));
    }
  }
  const int64_t now = ToUnixSeconds(clock.Now());
  std::vector<registry::Dose> kept, returned;
  for (registry::Dose& dose : survivor_doses) {
    const bool moved = std::find(m.moved_dose_ids.begin(), m.moved_dose_ids.end(), dose.id) !=
                       m.moved_dose_ids.end();
    if (moved) {
      RETURN_IF_ERROR(
          conn.Execute("UPDATE doses SET person_id = $1 WHERE id = $2", {d.id, dose.id}).status());
      dose.person_id = d.id;
      if (std::find(overridden.begin(), overridden.end(), dose.id) != overridden.end()) {
        RETURN_IF_ERROR(
            conn.Execute("UPDATE doses SET override_reason = NULL WHERE id = $1", {dose.id})
                .status());
        dose.override_reason.clear();
      }
      returned.push_back(dose);
    } else {
      kept.push_back(dose);
    }
  }
  // The survivor first gives back what it took, so the duplicate's CCCD is free again.
  RETURN_IF_ERROR(conn.Execute("UPDATE people SET cccd = $1, cmnd = $2, passport = $3, phone = $4, "
                               "dob = $5, updated_at = $6 WHERE id = $7",
                               {NullIfEmpty(Field(survivor_before, "cccd")),
                                NullIfEmpty(Field(survivor_before, "cmnd")),
                                NullIfEmpty(Field(survivor_before, "passport")),
                                Field(survivor_before, "phone"), Field(survivor_before, "dob"),
                                now, s.id})
                      .status());
  RETURN_IF_ERROR(conn.Execute("UPDATE people SET cccd = $1, cmnd = $2, passport = $3, "
                               "merged_into = NULL, updated_at = $4 WHERE id = $5",
                               {NullIfEmpty(Field(duplicate_before, "cccd")),
                                NullIfEmpty(Field(duplicate_before, "cmnd")),
                                NullIfEmpty(Field(duplicate_before, "passport")), now, d.id})
                      .status());
  // Provinces as the merge used them: the survivor's own doses, the duplicate's returned ones.
  RETURN_IF_ERROR(RefreshVaxStatus(conn, s.id, s.vax_status, kept, CoverageProvince(s, kept),
                                   catalogue, now));
  RETURN_IF_ERROR(RefreshVaxStatus(conn, d.id, d.vax_status, returned,
                                   CoverageProvince(d, returned), catalogue, now));
  RETURN_IF_ERROR(conn.Execute("UPDATE merge_proposals SET status = 'undone', undone_by = $1, "
                               "undone_at = $2 WHERE id = $3",
                               {actor, now, m.id})
                      .status());
  ASSIGN_OR_RETURN(MergeProposal after, LoadProposal(conn, unit, m.id));
  RETURN_IF_ERROR(audit::AppendAudit(
      conn, clock,
      {actor, "identity.duplicate.undo", "person:" + std::to_string(d.id), ProposalAudit(m),
       ProposalAudit(after, ",\"returned_dose_ids\":" + IdsJson(m.moved_dose_ids)), request_id}));
  return after;
}

}  // namespace vaxreg::identity
