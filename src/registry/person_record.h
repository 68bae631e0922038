#pragma once
// A person's record as shown at check-in and to the citizen: the person, every dose (voided
// ones marked, self-declared ones marked pending until verified), the vaccination status with
// its colour, and the next dose due.

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "registry/dose.h"
#include "registry/person.h"
#include "registry/vaccination_status.h"
#include "storage/database.h"

namespace vaxreg::registry {

struct PersonRecord {
  Person person;
  std::vector<Dose> doses;
  StatusSummary summary;
  int next_dose_number = 1;  // the highest active dose number + 1
};

PersonRecord BuildPersonRecord(Person person, std::vector<Dose> doses,
                               const std::vector<VaccineProduct>& catalogue);

// nullopt when there is no such person. The person and their doses are read with one statement
// (one read transaction: a consistent view, and one WAL lock round on SQLite instead of two).
Result<std::optional<PersonRecord>> LoadPersonRecord(storage::Connection& conn, int64_t person_id,
                                                     const std::vector<VaccineProduct>& catalogue);
Result<std::optional<PersonRecord>> LoadPersonRecordByCccd(
    storage::Connection& conn, std::string_view cccd, const std::vector<VaccineProduct>& catalogue);

// {"person":{...},"doses":[...],"status":{"status","colour","counted_doses","pending_doses",
//  "primary_required","boosters"},"next_dose":{"dose_number","earliest_date"|null}}
// Each dose carries "display": "counted", "pending" (self-declared, not yet verified),
// "rejected" or "voided".
// `sp` holds the JSON's memory (an arena for answers built and thrown away per request).
boost::json::object PersonRecordToJson(const PersonRecord& record,
                                       boost::json::storage_ptr sp = {});
std::string PersonRecordJson(const PersonRecord& record);

}  // namespace vaxreg::registry
