#pragma once
// Vaccination facilities: a facility applies (status "applied"), a health authority whose
// administrative unit contains it approves ("active") or suspends it. Only active facilities
// record doses and take bookings. Writes are audited and run on the group-commit writer.

#include <optional>
#include <string>
#include <vector>

#include "auth/role.h"
#include "common/clock.h"
#include "registry/actor.h"
#include "storage/database.h"

namespace vaxreg::registry {

struct Facility {
  std::string code;  // [A-Z0-9-]{3,32}: "HN-BACHMAI"
  std::string name;
  std::string province_code, district_code, commune_code;
  std::string address;
  std::string status;  // applied | active | suspended
  int64_t daily_capacity = 0;
  std::string contact;
  int64_t created_at = 0;
};

// Validates the code, name, capacity (0-100000) and that the commune lies in the district and
// province. kInvalidArgument naming the field.
Status ValidateFacility(const Facility& f);

// Inserts an application (status "applied"). kAlreadyExists (field "code") if the code is taken.
Result<Facility> ApplyFacility(storage::Connection& conn, const Clock& clock, Facility f,
                               const Actor& actor);

// Whether `principal` may approve or suspend `f`: a health authority bound to a province (or
// the country) containing the facility, or an admin. District and commune authorities may not.
bool CanDecideFacility(const auth::Principal& principal, const Facility& f);

// Sets status to "active" or "suspended" with an optional reason (audited). kNotFound,
// kInvalidArgument for another status.
Result<Facility> DecideFacility(storage::Connection& conn, const Clock& clock,
                                std::string_view code, std::string_view new_status,
                                std::string_view reason, const Actor& actor);

Result<std::optional<Facility>> FindFacility(storage::Connection& conn, std::string_view code);
// FindFacility's statement (the code as $1) and its row, for callers that send it along with
// other statements (storage::Connection::QueryPipelined).
const std::string& FacilityByCodeSql();
Facility FacilityFromRow(const storage::RowView& row);

// Filters of ListFacilities; "" = any.
struct FacilityFilter {
  std::string province_code, district_code, status;
  // Text in the name or the code, compared without case and diacritics ("bach mai" finds
  // "Bệnh viện Bạch Mai", "hn-bac" finds HN-BACHMAI).
  std::string text;
  std::string after;  // the last code of the previous page
  int limit = 100;
};
// Ordered by code. Without `text` one statement of `limit` rows; with it, the facilities that
// pass the other filters are read in pages of 1,000 and matched here until `limit` match (a
// search over the whole country reads every facility once).
Result<std::vector<Facility>> ListFacilities(storage::Connection& conn, const FacilityFilter& f);

// Places still free at each of `facilities` on each of `days` ("YYYY-MM-DD", ascending):
// daily capacity minus the bookings facility_day_bookings counts, never below 0; 0 for a
// facility that is not active (it takes no bookings) and for days before `today`. Result
// [i][j] is facilities[i] on days[j].
Result<std::vector<std::vector<int64_t>>> RemainingPlaces(storage::Connection& conn,
                                                          const std::vector<Facility>& facilities,
                                                          const std::vector<std::string>& days,
                                                          std::string_view today);

std::string FacilityJson(const Facility& f);

}  // namespace vaxreg::registry
