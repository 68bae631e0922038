#pragma once
// The texts sent to citizens and handlers about correction requests, in Vietnamese and English
// in one message (an SMS reaches phones whose owner's language the system does not know).

#include <string>

#include "corrections/request.h"

namespace vaxreg::corrections {

// `what`: "received", "info_needed", "approved", "rejected". Dates are dd/mm/yyyy HH:MM in
// Viet Nam time.
std::string CitizenMessage(const CorrectionRequest& r, std::string_view what);

// One line per unit for the daily digest: due within a day and overdue counts.
std::string DigestMessage(std::string_view unit, int64_t due_soon, int64_t overdue);

// "dd/mm/yyyy HH:MM" in Viet Nam time (UTC+7).
std::string VietnamTime(int64_t unix_seconds);

}  // namespace vaxreg::corrections
