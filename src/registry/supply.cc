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

// A lot as printed on the vial's label: up to 64 characters, no control characters.
Status CheckLot(const std::string& lot) {
  if (lot.size() > 64) return InvalidArgumentError("lot must be at most 64 characters", "lot");
  for (unsigned char ch : lot) {
    if (ch < 0x20 || ch == 0x7f) {
      return InvalidArgumentError("lot must not contain control characters", "lot");
    }
  }
  return Status::Ok();
}

// Adds to a holder's lot; `expires_on` is kept from the first row of the lot when "" is given.
Status AdjustLot(storage::Connection& conn, const std::string& holder, const std::string& vaccine,
                 const std::string& lot, const std::string& expires_on, int64_t received,
                 int64_t allocated_out) {
  return conn
      .Execute(
          "INSERT INTO stock_lots (holder, vaccine_code, lot, expires_on, received, "
          "allocated_out) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (holder, vaccine_code, "
          "lot) DO UPDATE SET received = stock_lots.received + $5, allocated_out = "
          "stock_lots.allocated_out + $6",
          {holder, vaccine, lot, expires_on, received, allocated_out})
      .status();
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
  RETURN_IF_ERROR(CheckLot(s.lot));
  if (!s.expires_on.empty()) {
    if (s.lot.empty()) return InvalidArgumentError("expires_on needs a lot", "expires_on");
    if (!ParseDay(s.expires_on, &day)) {
      return InvalidArgumentError("expires_on must be YYYY-MM-DD", "expires_on");
    }
  }
  if (!s.lot.empty()) {
    ASSIGN_OR_RETURN(storage::Rows known,
                     conn.Query("SELECT expires_on FROM stock_lots WHERE holder = 'VN' AND "
                                "vaccine_code = $1 AND lot = $2",
                                {s.vaccine_code, s.lot}));
    if (!known.empty() && known[0].Text(0) != s.expires_on) {
      return InvalidArgumentError("lot " + s.lot + " was recorded expiring on '" +
                                      known[0].Text(0) + "', not '" + s.expires_on + "'",
                                  "expires_on");
    }
  }
  const int64_t now = ToUnixSeconds(clock.Now());
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("INSERT INTO shipments (vaccine_code, quantity, reference, "
                              "received_day, created_by, created_at, lot, expires_on) VALUES ($1, "
                              "$2, $3, $4, $5, $6, $7, $8) RETURNING id",
                              {s.vaccine_code, s.quantity, s.reference, s.received_day, actor.id,
                               now, s.lot, s.expires_on}));
  const int64_t id = rows[0].Int(0);
  RETURN_IF_ERROR(AdjustStock(conn, "VN", s.vaccine_code, s.quantity, 0, 0));
  if (!s.lot.empty()) {
    RETURN_IF_ERROR(AdjustLot(conn, "VN", s.vaccine_code, s.lot, s.expires_on, s.quantity, 0));
  }
  RETURN_IF_ERROR(audit::AppendAudit(
      conn, clock,
      {actor.id, "shipment.record", "shipment:" + std::to_string(id), "null",
       boost::json::serialize(boost::json::object{{"vaccine", s.vaccine_code},
                                                  {"quantity", s.quantity},
                                                  {"reference", s.reference},
                                                  {"received_day", s.received_day},
                                                  {"lot", s.lot},
                                                  {"expires_on", s.expires_on}}),
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
  RETURN_IF_ERROR(CheckLot(a.lot));
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
  // The lot's row is locked the same way, after the vaccine's (one order for every writer).
  std::string expires_on;
  if (!a.lot.empty()) {
    ASSIGN_OR_RETURN(storage::Rows lot_rows,
                     conn.Query(conn.dialect() == storage::Dialect::kPostgres
                                    ? "SELECT received - allocated_out, expires_on FROM "
                                      "stock_lots WHERE holder = $1 AND vaccine_code = $2 AND "
                                      "lot = $3 FOR UPDATE"
                                    : "SELECT received - allocated_out, expires_on FROM "
                                      "stock_lots WHERE holder = $1 AND vaccine_code = $2 AND "
                                      "lot = $3",
                                {a.from, a.vaccine_code, a.lot}));
    const int64_t lot_available = lot_rows.empty() ? 0 : lot_rows[0].Int(0);
    if (lot_available < a.quantity) {
      return FailedPreconditionError(a.from + " has " + std::to_string(lot_available) +
                                         " doses of " + a.vaccine_code + " lot " + a.lot +
                                         ", fewer than " + std::to_string(a.quantity),
                                     "quantity");
    }
    expires_on = lot_rows[0].Text(1);
  }
  const int64_t now = ToUnixSeconds(clock.Now());
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("INSERT INTO allocations (vaccine_code, from_holder, to_holder, "
                              "quantity, created_by, created_at, lot) VALUES ($1, $2, $3, $4, $5, "
                              "$6, $7) RETURNING id",
                              {a.vaccine_code, a.from, a.to, a.quantity, actor.id, now, a.lot}));
  const int64_t id = rows[0].Int(0);
  RETURN_IF_ERROR(AdjustStock(conn, a.from, a.vaccine_code, 0, a.quantity, 0));
  RETURN_IF_ERROR(AdjustStock(conn, a.to, a.vaccine_code, a.quantity, 0, 0));
  if (!a.lot.empty()) {
    RETURN_IF_ERROR(AdjustLot(conn, a.from, a.vaccine_code, a.lot, expires_on, 0, a.quantity));
    RETURN_IF_ERROR(AdjustLot(conn, a.to, a.vaccine_code, a.lot, expires_on, a.quantity, 0));
  }
  RETURN_IF_ERROR(audit::AppendAudit(
      conn, clock,
      {actor.id, "allocation.record", "allocation:" + std::to_string(id), "null",
       boost::json::serialize(boost::json::object{{"vaccine", a.vaccine_code},
                                                  {"from", a.from},
                                                  {"to", a.to},
                                                  {"quantity", a.quantity},
                                                  {"lot", a.lot}}),
       actor.request_id}));
  return id;
}

Result<std::vector<LotInStock>> ListLotsInStock(storage::Connection& conn,
                                                std::string_view holder) {
  std::vector<LotInStock> out;
  RETURN_IF_ERROR(conn.ForEachRow(
      "SELECT vaccine_code, lot, expires_on, received, allocated_out FROM stock_lots WHERE "
      "holder = $1 ORDER BY CASE WHEN expires_on = '' THEN 1 ELSE 0 END, expires_on, "
      "vaccine_code, lot",
      {std::string(holder)}, [&](const storage::RowView& r) {
        out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Int(3), r.Int(4), 0});
        return Status::Ok();
      }));
  if (out.empty()) return out;
  // Doses used from each lot: one pass over the holder's active doses that name a lot it holds.
  RETURN_IF_ERROR(conn.ForEachRow(
      "SELECT d.vaccine_code, d.lot, COUNT(*) FROM doses d JOIN stock_lots s ON s.holder = "
      "d.facility_code AND s.vaccine_code = d.vaccine_code AND s.lot = d.lot WHERE "
      "d.facility_code = $1 AND d.status = 'active' GROUP BY d.vaccine_code, d.lot",
      {std::string(holder)}, [&](const storage::RowView& r) {
        for (LotInStock& l : out) {
          if (l.vaccine_code == r.Text(0) && l.lot == r.Text(1)) l.used = r.Int(2);
        }
        return Status::Ok();
      }));
  return out;
}

}  // namespace vaxreg::registry
