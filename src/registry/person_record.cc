#include "registry/person_record.h"

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

Result<std::optional<PersonRecord>> LoadPersonRecord(storage::Connection& conn, int64_t person_id,
                                                     const std::vector<VaccineProduct>& catalogue) {
  ASSIGN_OR_RETURN(std::optional<Person> person, FindPersonById(conn, person_id));
  if (!person) return std::optional<PersonRecord>();
  ASSIGN_OR_RETURN(std::vector<Dose> doses, ListPersonDoses(conn, person_id));
  return std::optional<PersonRecord>(BuildPersonRecord(*person, std::move(doses), catalogue));
}

std::string PersonRecordJson(const PersonRecord& r) {
  return boost::json::serialize(PersonRecordToJson(r));
}

boost::json::object PersonRecordToJson(const PersonRecord& r) {
  boost::json::array doses;
  for (const Dose& d : r.doses) {
    boost::json::object o = DoseToJson(d);
    o["display"] = DisplayOf(d);
    doses.push_back(std::move(o));
  }
  const StatusSummary& s = r.summary;
  boost::json::object status{{"status", VaccinationStatusName(s.status)},
                             {"colour", VaccinationStatusColour(s.status)},
                             {"counted_doses", s.counted_doses},
                             {"pending_doses", s.pending_doses},
                             {"primary_required", s.primary_required},
                             {"boosters", s.boosters}};
  boost::json::object next{{"dose_number", r.next_dose_number}};
  next["earliest_date"] =
      s.next_due ? boost::json::value(FormatDay(*s.next_due)) : boost::json::value(nullptr);
  return boost::json::object{{"person", PersonToJson(r.person)},
                             {"doses", std::move(doses)},
                             {"status", std::move(status)},
                             {"next_dose", std::move(next)}};
}

}  // namespace vaxreg::registry
