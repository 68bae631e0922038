#include "registry/vaccine_store.h"

#include <boost/json.hpp>

#include "audit/audit_log.h"

namespace vaxreg::registry {
namespace {

Status InsertProduct(storage::Connection& conn, const VaccineProduct& p, bool built_in,
                     int64_t now, bool ignore_existing) {
  const std::string sql =
      std::string(
          "INSERT INTO vaccine_products (code, name, mp, ma, vp, primary_doses, "
          "min_interval_days, booster_min_days, built_in, created_at) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)") +
      (ignore_existing ? " ON CONFLICT (code) DO NOTHING" : "");
  auto r = conn.Execute(sql, {p.code, p.name, p.mp, p.ma, p.vp, int64_t{p.primary_doses},
                              int64_t{p.min_interval_days}, int64_t{p.booster_min_days},
                              int64_t{built_in ? 1 : 0}, now});
  if (r.status().code() == StatusCode::kAlreadyExists) {
    return AlreadyExistsError("vaccine product " + p.code + " exists already", "code");
  }
  return r.status();
}

}  // namespace

std::string VaccineProductJson(const VaccineProduct& p) {
  return boost::json::serialize(boost::json::object{{"code", p.code},
                                                    {"name", p.name},
                                                    {"mp", p.mp},
                                                    {"ma", p.ma},
                                                    {"vp", p.vp},
                                                    {"primary_doses", p.primary_doses},
                                                    {"min_interval_days", p.min_interval_days},
                                                    {"booster_min_days", p.booster_min_days}});
}

Status SeedBuiltInVaccines(storage::Connection& conn, const Clock& clock) {
  const int64_t now = ToUnixSeconds(clock.Now());
  for (const VaccineProduct& p : BuiltInVaccines()) {
    RETURN_IF_ERROR(InsertProduct(conn, p, true, now, true));
  }
  return Status::Ok();
}

Status AddVaccineProduct(storage::Connection& conn, const Clock& clock, const VaccineProduct& p,
                         const Actor& actor) {
  RETURN_IF_ERROR(ValidateVaccineProduct(p));
  RETURN_IF_ERROR(InsertProduct(conn, p, false, ToUnixSeconds(clock.Now()), false));
  return audit::AppendAudit(conn, clock,
                            {actor.id, "vaccine.create", "vaccine:" + p.code, "null",
                             VaccineProductJson(p), actor.request_id});
}

Result<std::vector<VaccineProduct>> LoadVaccineProducts(storage::Connection& conn) {
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT code, name, mp, ma, vp, primary_doses, min_interval_days, "
                              "booster_min_days FROM vaccine_products ORDER BY code"));
  std::vector<VaccineProduct> out;
  for (const auto& r : rows) {
    out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4),
                   static_cast<int>(r.Int(5)), static_cast<int>(r.Int(6)),
                   static_cast<int>(r.Int(7))});
  }
  return out;
}

VaccineCatalogueCache::Snapshot VaccineCatalogueCache::Get() const {
  std::lock_guard lock(mu_);
  return snapshot_;
}

void VaccineCatalogueCache::Set(std::vector<VaccineProduct> products) {
  auto s = std::make_shared<const std::vector<VaccineProduct>>(std::move(products));
  std::lock_guard lock(mu_);
  snapshot_ = std::move(s);
}

Status VaccineCatalogueCache::Refresh(storage::Connection& conn) {
  ASSIGN_OR_RETURN(auto products, LoadVaccineProducts(conn));
  Set(std::move(products));
  return Status::Ok();
}

const VaccineProduct* VaccineCatalogueCache::Find(const std::vector<VaccineProduct>& products,
                                                  std::string_view code) {
  for (const auto& p : products) {
    if (p.code == code) return &p;
  }
  return nullptr;
}

}  // namespace vaxreg::registry
