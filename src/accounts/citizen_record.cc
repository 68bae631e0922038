#include "accounts/citizen_record.h"

namespace vaxreg::accounts {
namespace {

// A person's dob ('YYYY-MM-DD' or 'YYYY') against a full birth date.
bool DobAgrees(std::string_view dob, std::string_view birth_date) {
  if (dob.size() == 4) return birth_date.substr(0, 4) == dob;
  return dob == birth_date;
}

}  // namespace

Result<CitizenIdentity> CitizenIdentityOf(storage::Connection& conn, int64_t user_id) {
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT username, COALESCE(birth_date, ''), COALESCE(phone, '') "
                              "FROM users WHERE id = $1 AND role = 'citizen'",
                              {user_id}));
  if (rows.empty()) return NotFoundError("no citizen account with id " + std::to_string(user_id));
  CitizenIdentity who;
  who.user_id = user_id;
  who.cccd = rows[0].Text(0);
  who.birth_date = rows[0].Text(1);
  who.phone = rows[0].Text(2);
  return who;
}

Result<std::optional<int64_t>> FindCitizenPersonId(storage::Connection& conn,
                                                   const CitizenIdentity& who) {
  if (who.cccd.empty() || who.birth_date.size() != 10) return std::optional<int64_t>();
  ASSIGN_OR_RETURN(storage::Rows people,
                   conn.Query("SELECT id, dob FROM people WHERE cccd = $1", {who.cccd}));
  if (people.empty()) return std::optional<int64_t>();
  const int64_t person_id = people[0].Int(0);
  if (DobAgrees(people[0].Text(1), who.birth_date)) return std::optional<int64_t>(person_id);
  ASSIGN_OR_RETURN(
      storage::Rows linked,
      conn.Query("SELECT r.id FROM identity_results ir "
                 "JOIN population_register r ON r.id = ir.register_id "
                 "WHERE ir.person_id = $1 AND ir.status IN ('verified', 'proposed_correction') "
                 "AND ir.review_status <> 'rejected' AND r.cccd = $2 AND r.dob = $3",
                 {person_id, who.cccd, who.birth_date}));
  if (linked.empty()) return std::optional<int64_t>();
  return std::optional<int64_t>(person_id);
}

}  // namespace vaxreg::accounts
