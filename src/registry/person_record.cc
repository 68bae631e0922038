#include "registry/person_record.h"

#include <algorithm>
#include <tuple>

#include <boost/json.hpp>

#include "registry/dose_service.h"
#include "registry/person_store.h"

namespace vaxreg::registry {
namespace {

std::string_view DisplayOf(const Dose& d) {
  if (d.status != "active") return "voided";
  if (d.source == "self_declared") {
    if (d.review_status == "verified") return "counted";
    return d.review_status == "rejected" ? "rejected" : "pending";
  }
  return "counted";
}

}  // namespace

PersonRecord BuildPersonRecord(Person person, std::vector<Dose> doses,
                               const std::vector<VaccineProduct>& catalogue) {
  PersonRecord r;
  r.summary = ComputeStatus(ToDoseFacts(doses), catalogue);
  for (const Dose& d : doses) {
    if (d.status == "active") r.next_dose_number = std::max(r.next_dose_number, d.dose_number + 1);
  }
  r.person = std::move(person);
  r.doses = std::move(doses);
  return r;
}

namespace {

// "SELECT <person columns>, <dose columns> FROM people p LEFT JOIN doses d ... " + where.
std::string JoinedSelect(std::string_view where) {
  return "SELECT " + PersonColumns("p") + ", " + DoseColumns("d") +
         " FROM people p LEFT JOIN doses d ON d.person_id = p.id " + std::string(where);
}

// The person that `sql` (a JoinedSelect) finds with every dose, in one statement.
Result<std::optional<PersonRecord>> LoadJoined(storage::Connection& conn, const std::string& sql,
                                               storage::Value key,
                                               const std::vector<VaccineProduct>& catalogue) {
  constexpr size_t kFirstDoseColumn = 16;
  // Read in place: the person's columns repeat on every dose row and are read from the first.
  std::optional<Person> person;
  std::vector<Dose> doses;
  RETURN_IF_ERROR(conn.ForEachRow(sql, {std::move(key)}, [&](const storage::RowView& r) {
    if (!person) person = PersonFromRow(r, 0);
    if (!r.IsNull(kFirstDoseColumn)) doses.push_back(DoseFromRow(r, kFirstDoseColumn));
    return Status::Ok();
  }));
  if (!person) return std::optional<PersonRecord>();
  // Oldest first, sorted here rather than by SQL: a handful of rows, and no temporary b-tree.
  std::sort(doses.begin(), doses.end(), [](const Dose& a, const Dose& b) {
    return std::tie(a.administered_at, a.id) < std::tie(b.administered_at, b.id);
  });
  return std::optional<PersonRecord>(
      BuildPersonRecord(std::move(*person), std::move(doses), catalogue));
}

}  // namespace

Result<std::optional<PersonRecord>> LoadPersonRecord(storage::Connection& conn, int64_t person_id,
                                                     const std::vector<VaccineProduct>& catalogue) {
  static const std::string sql = JoinedSelect("WHERE p.id = $1");
  return LoadJoined(conn, sql, person_id, catalogue);
}

Result<std::optional<PersonRecord>> LoadPersonRecordByCccd(
    storage::Connection& conn, std::string_view cccd, const std::vector<VaccineProduct>& catalogue) {
  static const std::string sql = JoinedSelect("WHERE p.cccd = $1");
  return LoadJoined(conn, sql, std::string(cccd), catalogue);
}

std::string PersonRecordJson(const PersonRecord& r) {
  return boost::json::serialize(PersonRecordToJson(r));
}

boost::json::object PersonRecordToJson(const PersonRecord& r, boost::json::storage_ptr sp) {
  boost::json::array doses(sp);
  doses.reserve(r.doses.size());
  for (const Dose& d : r.doses) {
    boost::json::object o = DoseToJson(d, sp);
    o["display"] = DisplayOf(d);
    doses.push_back(std::move(o));
  }
  const StatusSummary& s = r.summary;
  boost::json::object status({{"status", VaccinationStatusName(s.status)},
                              {"colour", VaccinationStatusColour(s.status)},
                              {"counted_doses", s.counted_doses},
                              {"pending_doses", s.pending_doses},
                              {"primary_required", s.primary_required},
                              {"boosters", s.boosters}},
                             sp);
  boost::json::object next({{"dose_number", r.next_dose_number}, {"earliest_date", nullptr}}, sp);
  if (s.next_due) next["earliest_date"] = FormatDay(*s.next_due);
  boost::json::object out(sp);
  out.reserve(4);
  out.emplace("person", PersonToJson(r.person, sp));
  out.emplace("doses", std::move(doses));
  out.emplace("status", std::move(status));
  out.emplace("next_dose", std::move(next));
  return out;
}

}  // namespace vaxreg::registry
