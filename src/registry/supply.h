#pragma once
// Vaccine supply: shipments received nationally, allocations down the chain (national ->
// province -> facility), and stock per holder (`stock` table: received, allocated out, used by
// doses). Holders are "VN", a 2-digit province code or a facility code. Writes are audited and
// run on the group-commit writer.

#include <string>

#include "auth/role.h"
#include "common/clock.h"
#include "registry/actor.h"
#include "registry/vaccine_catalogue.h"
#include "storage/database.h"

namespace vaxreg::registry {

struct Shipment {
  std::string vaccine_code;
  int64_t quantity = 0;
  std::string reference;
  std::string received_day;  // "YYYY-MM-DD"
};

// Adds to the national stock. kInvalidArgument for an unknown vaccine, a quantity outside
// 1..100,000,000 or a bad day.
Result<int64_t> RecordShipment(storage::Connection& conn, const Clock& clock,
                               const std::vector<VaccineProduct>& catalogue, const Shipment& s,
                               const Actor& actor);

struct Allocation {
  std::string vaccine_code;
  std::string from;  // "VN" or a province code
  std::string to;    // a province code (from "VN") or a facility of that province (from a province)
  int64_t quantity = 0;
};

// Whether `principal` may allocate from `from`: admins and national authorities from anywhere,
// a provincial authority from its own province.
bool CanAllocateFrom(const auth::Principal& principal, std::string_view from);

// Moves stock one level down. kInvalidArgument for a bad pair of holders, kFailedPrecondition
// when `from` has less available than asked (available = received - allocated out - used).
Result<int64_t> RecordAllocation(storage::Connection& conn, const Clock& clock,
                                 const std::vector<VaccineProduct>& catalogue,
                                 const Allocation& a, const Actor& actor);

}  // namespace vaxreg::registry
