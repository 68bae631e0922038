#pragma once
// Migration 20, "facility_day": indexes for a facility's working day (registry/facility_day.h):
// the doses a facility gave on a day and the doses it recorded on a day, without reading the
// facility's whole history. Bookings of a day already have registrations_facility_day.
// Included only by storage/schema.cc. Never edit once shipped; append a new migration instead.

#include <string_view>

namespace vaxreg::storage {

inline constexpr std::string_view kFacilityDay = R"sql(
CREATE INDEX doses_facility_given ON doses(facility_code, administered_day);
CREATE INDEX doses_facility_recorded ON doses(facility_code, created_at);
)sql";

}  // namespace vaxreg::storage
