#pragma once
// How correction requests are handled, per unit and facility: received, decided, decided within
// the deadline, overdue, escalated, rejections by reason. For authorities (their area), the
// public (share decided in time per province) and /metrics.

#include <cstdint>
#include <string>
#include <vector>

#include "storage/database.h"

namespace vaxreg::corrections {

struct HandlingFigures {
  std::string unit;  // the grouping key (a province, district, commune or facility code)
  int64_t received = 0, open = 0, decided = 0, decided_in_time = 0, overdue = 0, escalated = 0;
};

struct HandlingReport {
  std::vector<HandlingFigures> rows;             // one per unit of the chosen level
  std::vector<std::pair<std::string, int64_t>> rejected_by_reason;
  HandlingFigures total;
};

// `area`: "VN" or "" (everything), or a province, district or commune code; `by`: "province",
// "district", "commune" or "facility" (requests that named no facility are left out of the
// facility rows but counted in the total). kInvalidArgument for another `by`.
Result<HandlingReport> HandlingByUnit(storage::Connection& conn, std::string_view area,
                                      std::string_view by, int64_t now);

}  // namespace vaxreg::corrections
