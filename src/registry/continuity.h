#pragma once
// The continuity check: whether a new dose fits the person's history. Pure; thread-safe.
//
// Refused (kFailedPrecondition, message explains, field names the input at fault):
//   - a date in the future (a later Viet Nam day than `now` + 10 minutes)    field "administered_at"
//   - a date before the person's birth                                        field "administered_at"
//   - a dose number the person already has an active dose for                field "dose_number"
//     (e.g. a second dose 1 of a primary series)
//   - an interval to the neighbouring active dose below the product minimum  field "administered_at"
//     (primary doses: the earlier dose's min_interval_days; after a complete primary series:
//     its booster_min_days)
// The last two may be overridden by a health authority with a reason (see dose_service.h); the
// first two are data errors and never can.

#include <chrono>
#include <vector>

#include "common/status.h"
#include "registry/vaccine_catalogue.h"

namespace vaxreg::registry {

struct HistoryDose {
  int64_t id = 0;
  std::string vaccine_code;
  int dose_number = 0;
  int64_t administered_at = 0;  // Unix seconds
};

struct ContinuityInput {
  HistoryDose dose;                    // the new dose (id 0)
  std::chrono::sys_days earliest_birth_day;
  std::vector<HistoryDose> history;    // the person's active doses, any order
  int64_t now = 0;
};

// Errors that no override can lift.
Status CheckDoseDate(const ContinuityInput& in);
// Conflicts with the history that a health authority may override.
Status CheckDoseSequence(const ContinuityInput& in, const std::vector<VaccineProduct>& catalogue);

}  // namespace vaxreg::registry
