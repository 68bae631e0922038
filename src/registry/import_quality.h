#pragma once
// The data quality of what facilities send, per area: how many import rows (CSV uploads, batch
// items, `vaxreg import doses` files) were kept for cleaning and why, what became of them
// (released as sent, fixed then released, rejected, still open), how long cleaning took, and the
// facilities ranked by kept rows per 1,000 doses they sent, since the head of each facility
// answers for its data.
//
// The window is [from, to) in Unix seconds over the time rows were received (and doses were
// recorded); a facility's "sent" is its doses recorded in the window plus its rows kept in it.
// Thread-compatible.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/database.h"

namespace vaxreg::registry {

struct ImportQualityQuery {
  std::string unit_code;  // "" everywhere; 2 (province), 3 (district) or 5 (commune) digits
  int64_t from = 0, to = 0;
  int max_facilities = 50;  // the worst first
};

struct ImportOutcomeCounts {
  int64_t kept = 0, open = 0, released = 0, fixed = 0, rejected = 0;
};

struct ImportReasonCount {
  std::string code, field, sample_message;
  ImportOutcomeCounts counts;
};

struct FacilityImportQuality {
  std::string code, name;
  int64_t doses_recorded = 0, rows_kept = 0;
  double kept_per_1000 = 0;  // rows_kept per 1,000 sent (recorded + kept)
};

struct ImportQuality {
  ImportQualityQuery query;
  ImportOutcomeCounts totals;
  std::vector<ImportReasonCount> reasons;  // most rows first
  // Time from receipt to release or rejection of the rows handled in the window.
  int64_t handled = 0;
  double median_hours_to_clean = 0, p90_hours_to_clean = 0;
  std::vector<FacilityImportQuality> facilities;  // most kept per 1,000 first
};

// Sets q.from and q.to to the Viet Nam days [from, to] ("YYYY-MM-DD"; "" for the defaults: the
// 7 days ending `today`). kInvalidArgument naming "from" or "to" for a bad day, a reversed
// window or one over 366 days.
Status SetImportQualityWindow(ImportQualityQuery& q, std::string_view from, std::string_view to,
                              std::chrono::sys_days today);

Result<ImportQuality> ImportQualityOf(storage::Connection& conn, const ImportQualityQuery& q);

// {"area","from","to","totals":{...},"reasons":[...],"time_to_clean":{...},"facilities":[...]}
std::string ImportQualityJson(const ImportQuality& report);

}  // namespace vaxreg::registry
