#pragma once
// The response centre's figures, read straight from the registry: doses recorded and
// certificates issued per hour over the last day, and the active facilities that have recorded
// nothing today (facilities upload every dose the day it is given). Reads only.

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/database.h"

namespace vaxreg::registry {

struct HourCount {
  int64_t hour_start = 0;  // Unix seconds, a multiple of 3600
  int64_t count = 0;
};

// The 24 whole hours before the hour of `now`, and that hour: 25 buckets, oldest first (hours
// with nothing are there with 0). `province` ("" for the country) narrows doses to those given
// in the province and certificates to people of it.
Result<std::vector<HourCount>> DosesPerHour(storage::Connection& conn, int64_t now,
                                            const std::string& province);
Result<std::vector<HourCount>> CertificatesPerHour(storage::Connection& conn, int64_t now,
                                                   const std::string& province);

struct SilentFacility {
  std::string code, name, province_code;
};
// Active facilities (of `province`, or all) with no dose recorded since `day_start`: the first
// `limit` by code, and how many there are.
struct SilentFacilities {
  int64_t total = 0;
  std::vector<SilentFacility> first;
};
Result<SilentFacilities> FacilitiesSilentSince(storage::Connection& conn, int64_t day_start,
                                              const std::string& province, int limit);

}  // namespace vaxreg::registry
