#pragma once
// Migration 20, "work_screens": indexes for the staff's and officials' screens.
// - doses_facility_given / doses_facility_recorded: a facility's working day
//   (registry/facility_day.h), the doses it gave or recorded on a day, without reading its whole
//   history (bookings of a day already have registrations_facility_day);
// - audit_log_actor / audit_log_target: the audit search by actor or by record
//   (audit/audit_log.h AuditQuery), newest first;
// - people_area_status: a health authority's people by province and vaccination status
//   (registry/area_people.h), walked by id;
// - doses_recorded / certificates_issued: the response centre's figures per hour over the last
//   day (registry/operations.h).
// Included only by storage/schema.cc. Never edit once shipped; append a new migration instead.

#include <string_view>

namespace vaxreg::storage {

inline constexpr std::string_view kWorkScreens = R"sql(
CREATE INDEX doses_facility_given ON doses(facility_code, administered_day);
CREATE INDEX doses_facility_recorded ON doses(facility_code, created_at);
CREATE INDEX audit_log_actor ON audit_log(actor, seq);
CREATE INDEX audit_log_target ON audit_log(target, seq);
CREATE INDEX people_area_status ON people(province_code, vax_status, id);
CREATE INDEX doses_recorded ON doses(created_at);
CREATE INDEX certificates_issued ON certificates(issued_at);
)sql";

}  // namespace vaxreg::storage
