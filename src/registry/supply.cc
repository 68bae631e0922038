#include "registry/supply.h"

#include <boost/json.hpp>

#include "audit/audit_log.h"
#include "geo/admin_units.h"
#include "registry/facility.h"
#include "registry/person.h"
#include "registry/statistics.h"
#include "registry/vaccine_store.h"

namespace vaxreg::registry {
namespace {

constexpr int64_t kMaxQuantity = 100000000;

Status CheckVaccineAndQuantity(const std::vector<VaccineProduct>& catalogue,
                               const std::string& vaccine, int64_t quantity) {
  if (VaccineCatalogueCache::Find(catalogue, vaccine) == nullptr) {
    return InvalidArgumentError("unknown vaccine '" + vaccine + "'", "vaccine");
  }
  if (quantity < 1 || quantity > kMaxQuantity) {
    return InvalidArgumentError("quantity must be 1-100000000", "quantity");
  }
  return Status::Ok();
}

bool IsProvince(std::string_view code) {
  const geo::AdminUnit* u = geo::AdminUnits::Get().Find(code);
  return u != nullptr && u->level == geo::Level::kProvince;
}

}  // namespace

Result<int64_t> RecordShipment(storage::Connection& conn, const Clock& clock,
                               const std::vector<VaccineProduct>& catalogue, const Shipment& s,
                               const Actor& actor) {
  RETURN_IF_ERROR(CheckVaccineAndQuantity(catalogue, s.vaccine_code, s.quantity));
  std::chrono::sys_days day;
  if (!ParseDay(s.received_day, &day)) {
    return InvalidArgumentError("received_day must be YYYY-MM-DD", "received_day");
  }
  const int64_t now = ToUnixSeconds(clock.Now());
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("INSERT INTO shipments (vaccine_code, quantity, reference, "
                              "received_day, created_by, created_at) VALUES ($1, $2, $3, $4, $5, "
                              "$6) RETURNING id",
                              {s.vaccine_code, s.quantity, s.reference, s.received_day, actor.id,
                               now}));
  const int64_t id = rows[0].Int(0);
  RETURN_IF_ERROR(AdjustStock(conn, "VN", s.vaccine_code, s.quantity, 0, 0));
  RETURN_IF_ERROR(audit::AppendAudit(
      conn, clock,
      {actor.id, "shipment.record", "shipment:" + std::to_string(id), "null",
       boost::json::serialize(boost::json::object{{"vaccine", s.vaccine_code},
                                                  {"quantity", s.quantity},
                                                  {"reference", s.reference},
                                                  {"received_day", s.received_day}}),
       actor.request_id}));
  return id;
}

bool CanAllocateFrom(const auth::Principal& p, std::string_view from) {
  if (p.role == auth::Role::kAdmin) return true;
  if (p.role != auth::Role::kHealthAuthority) return false;
  if (p.admin_unit_code.empty() || p.admin_unit_code == "VN") return true;
  return p.admin_unit_code == from;
}

Result<int64_t> RecordAllocation(storage::Connection& conn, const Clock& clock,
                                 const std::vector<VaccineProduct>& catalogue,
                                 const Allocation& a, const Actor& actor) {
  RETURN_IF_ERROR(CheckVaccineAndQuantity(catalogue, a.vaccine_code, a.quantity));
  if (a.from == "VN") {
    if (!IsProvince(a.to)) {
      return InvalidArgumentError("from VN, allocate to a province code", "to");
    }
  } else if (IsProvince(a.from)) {
    ASSIGN_OR_RETURN(auto facility, FindFacility(conn, a.to));
    if (!facility || facility->province_code != a.from) {
      return InvalidArgumentError("from a province, allocate to one of its facilities", "to");
    }
  } else {
    return InvalidArgumentError("allocate from VN or from a province", "from");
  }
  // On PostgreSQL the row stays locked until commit, so two processes cannot both allocate the
  // last doses. (Doses used in this same transaction are counted at commit and not seen here.)
  ASSIGN_OR_RETURN(storage::Rows have,
                   conn.Query(conn.dialect() == storage::Dialect::kPostgres
                                  ? "SELECT received - allocated_out - used FROM stock WHERE "
                                    "holder = $1 AND vaccine_code = $2 FOR UPDATE"
                                  : "SELECT received - allocated_out - used FROM stock WHERE "
                                    "holder = $1 AND vaccine_code = $2",
                              {a.from, a.vaccine_code}));
  const int64_t available = have.empty() ? 0 : have[0].Int(0);
  if (available < a.quantity) {
    return FailedPreconditionError(a.from + " has " + std::to_string(available) + " doses of " +
                                       a.vaccine_code + " available, fewer than " +
                                       std::to_string(a.quantity),
                                   "quantity");
  }
  const int64_t now = ToUnixSeconds(clock.Now());
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("INSERT INTO allocations (vaccine_code, from_holder, to_holder, "
                              "quantity, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) "
                              "RETURNING id",
                              {a.vaccine_code, a.from, a.to, a.quantity, actor.id, now}));
  const int64_t id = rows[0].Int(0);
  RETURN_IF_ERROR(AdjustStock(conn, a.from, a.vaccine_code, 0, a.quantity, 0));
  RETURN_IF_ERROR(AdjustStock(conn, a.to, a.vaccine_code, a.quantity, 0, 0));
  RETURN_IF_ERROR(audit::AppendAudit(
      conn, clock,
      {actor.id, "allocation.record", "allocation:" + std::to_string(id), "null",
       boost::json::serialize(boost::json::object{{"vaccine", a.vaccine_code},
                                                  {"from", a.from},
                                                  {"to", a.to},
                                                  {"quantity", a.quantity}}),
       actor.request_id}));
  return id;
}

}  // namespace vaxreg::registry
