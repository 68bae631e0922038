#pragma once
// A facility's working day, as its staff and its health authority see it: the bookings of a day
// (searchable by name, phone or identity number), the doses given or recorded on a day, the
// day's tally (given that day, recorded that day, checked in without a dose yet) and the lots
// the facility has been using. Reads only; the caller checks who may see the facility.

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "registry/dose.h"
#include "registry/person.h"
#include "registry/registration.h"
#include "storage/database.h"

namespace vaxreg::registry {

// What a search box holds, read as people type it: 12 digits (spaces, dots and hyphens allowed)
// is a CCCD, 9 digits a CMND, other digit strings of 3 or more the end of a phone number or of
// an identity number; anything else a piece of a name, with or without diacritics.
struct PersonSearch {
  enum class Kind { kNone, kIdentityNumber, kDigits, kName };
  Kind kind = Kind::kNone;
  std::string value;  // the digits, or the folded name ("nguyen van")
};
// kInvalidArgument (field "q") when the text is too short to search by (fewer than 2 letters or
// 3 digits) or longer than 100 bytes.
Result<PersonSearch> ParsePersonSearch(std::string_view text);

// The person fields shown beside a booking or a dose.
struct PersonSummary {
  int64_t id = 0;
  std::string full_name, cccd, dob, phone, vax_status;
};

struct BookingQuery {
  std::string facility_code;
  std::string day;     // "YYYY-MM-DD"
  PersonSearch search;  // kNone: every booking of the day
  std::string status;  // "" or booked | checked_in | cancelled | missed
  int64_t after_id = 0;
  int limit = 100;
};
struct BookingOfDay {
  Registration registration;
  PersonSummary person;
};
// In booking id order, after `after_id`.
Result<std::vector<BookingOfDay>> ListBookingsOfDay(storage::Connection& conn,
                                                    const BookingQuery& query);

struct DoseQuery {
  std::string facility_code;
  std::string given_day;     // administered_day, or ""
  std::string recorded_day;  // the day (Viet Nam time) the record was written, or ""
  std::string status;        // "" or active | voided
  int64_t after_id = 0;
  int limit = 100;
};
struct DoseOfDay {
  Dose dose;
  PersonSummary person;
};
// In dose id order, after `after_id`. At least one of the days must be given.
Result<std::vector<DoseOfDay>> ListFacilityDoses(storage::Connection& conn, const DoseQuery& query);

// The day's tally for a facility. Facilities upload every dose the day it is given; the gap
// between the first two figures and `checked_in_without_dose` show what is still missing.
struct FacilityDayTally {
  int64_t given = 0;             // active doses given that day
  int64_t recorded = 0;          // active doses recorded that day, whatever day they were given
  int64_t recorded_late = 0;     // of `recorded`, given on an earlier day
  int64_t bookings = 0;          // bookings of the day not cancelled
  int64_t checked_in = 0;        // of which checked in
  int64_t checked_in_without_dose = 0;  // checked in, but no dose of theirs given that day here
  int64_t unsigned_doses = 0;    // the facility's active doses not yet signed (all days)
};
Result<FacilityDayTally> TallyFacilityDay(storage::Connection& conn,
                                          std::string_view facility_code, std::string_view day);

// The lots a facility recorded in the last `days` days before `today`, per vaccine, the most
// recently used first.
struct LotInUse {
  std::string vaccine_code, lot, last_day;
  int64_t doses = 0;
};
Result<std::vector<LotInUse>> ListLotsInUse(storage::Connection& conn,
                                            std::string_view facility_code,
                                            std::string_view today, int days);

}  // namespace vaxreg::registry
