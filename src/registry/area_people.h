#pragma once
// The people of an area by where they stand, for the health authority that must reach them:
// not vaccinated, or partly vaccinated and overdue for their next dose (its earliest date, the
// last counted dose plus the product's minimum interval, has passed). Reads only; the caller
// checks the area is the authority's.

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/database.h"

namespace vaxreg::registry {

enum class AreaPeopleStatus { kUnvaccinated, kOverdue };

struct AreaPeopleQuery {
  std::string unit_code;  // a province (2 digits), district (3) or commune (5); "" = everywhere
  AreaPeopleStatus status = AreaPeopleStatus::kUnvaccinated;
  int64_t now = 0;        // Unix seconds: "overdue" is judged at this time
  int64_t after_id = 0;
  int limit = 100;
};

struct AreaPerson {
  int64_t id = 0;
  std::string full_name, dob, cccd, phone;
  std::string province_code, district_code, commune_code;
  std::string vax_status;
  int64_t last_dose_at = 0;  // 0 when none
  int64_t next_due_at = 0;   // 0 when none (unvaccinated)
};

// By person id after `after_id`, at most `limit`.
Result<std::vector<AreaPerson>> ListAreaPeople(storage::Connection& conn, const AreaPeopleQuery& q);

}  // namespace vaxreg::registry
