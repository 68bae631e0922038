#pragma once
// Vaccine supply: shipments received nationally, allocations down the chain (national ->
// province -> facility), and stock per holder (`stock` table: received, allocated out, used by
// doses). Holders are "VN", a 2-digit province code or a facility code. A shipment may name its
// lot (and expiry date); allocations of that lot then move it down the chain, tracked per lot in
// `stock_lots` beside the per-vaccine totals. Writes are audited and run on the group-commit
// writer.

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
  std::string lot;           // "" when the shipment is recorded without its lot
  std::string expires_on;    // "YYYY-MM-DD" or "": the lot's expiry date
};

// Adds to the national stock (and to the lot's, when it names one). kInvalidArgument for an
// unknown vaccine, a quantity outside 1..100,000,000, a bad day, a lot longer than 64 characters
// or with control characters, an expiry date without a lot, or one that differs from the expiry
// date already recorded for the lot.
Result<int64_t> RecordShipment(storage::Connection& conn, const Clock& clock,
                               const std::vector<VaccineProduct>& catalogue, const Shipment& s,
                               const Actor& actor);

struct Allocation {
  std::string vaccine_code;
  std::string from;  // "VN" or a province code
  std::string to;    // a province code (from "VN") or a facility of that province (from a province)
  int64_t quantity = 0;
  std::string lot;   // "" to move doses without naming their lot
};

// Whether `principal` may allocate from `from`: admins and national authorities from anywhere,
// a provincial authority from its own province.
bool CanAllocateFrom(const auth::Principal& principal, std::string_view from);

// Moves stock one level down. kInvalidArgument for a bad pair of holders, kFailedPrecondition
// when `from` has less available than asked (available = received - allocated out - used), or
// less of the named lot (received - allocated out of that lot).
Result<int64_t> RecordAllocation(storage::Connection& conn, const Clock& clock,
                                 const std::vector<VaccineProduct>& catalogue,
                                 const Allocation& a, const Actor& actor);

// One lot a holder has received.
struct LotInStock {
  std::string vaccine_code, lot, expires_on;  // expires_on "" when not recorded
  int64_t received = 0, allocated_out = 0;
  int64_t used = 0;  // the holder's active doses that name the lot (facilities only)
  int64_t available() const { return received - allocated_out - used; }
};

// The lots `holder` has received, first to expire first (lots without a date last), then by
// lot. Reads the holder's active doses once (doses_facility_given index).
Result<std::vector<LotInStock>> ListLotsInStock(storage::Connection& conn,
                                                std::string_view holder);

}  // namespace vaxreg::registry
