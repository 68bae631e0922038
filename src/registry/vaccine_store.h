#pragma once
// Vaccine products in the database: the built-in catalogue is inserted at start-up
// (SeedBuiltInVaccines, idempotent); admins add more (AddVaccineProduct). Dose writes read the
// products through a VaccineCatalogueCache so they do not query the table per dose.

#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "common/clock.h"
#include "registry/actor.h"
#include "registry/vaccine_catalogue.h"
#include "storage/database.h"

namespace vaxreg::registry {

// Inserts the built-in products that are missing. Run in a write transaction.
Status SeedBuiltInVaccines(storage::Connection& conn, const Clock& clock);

// Validates and inserts a product (audited). kAlreadyExists (field "code") if the code is taken.
Status AddVaccineProduct(storage::Connection& conn, const Clock& clock,
                         const VaccineProduct& product, const Actor& actor);

Result<std::vector<VaccineProduct>> LoadVaccineProducts(storage::Connection& conn);

// A thread-safe snapshot of the products, refreshed after an admin adds one.
class VaccineCatalogueCache {
 public:
  using Snapshot = std::shared_ptr<const std::vector<VaccineProduct>>;
  Snapshot Get() const;
  void Set(std::vector<VaccineProduct> products);
  // Reloads from the database.
  Status Refresh(storage::Connection& conn);
  // nullptr when unknown.
  static const VaccineProduct* Find(const std::vector<VaccineProduct>& products,
                                    std::string_view code);

 private:
  mutable std::mutex mu_;
  Snapshot snapshot_ = std::make_shared<const std::vector<VaccineProduct>>(BuiltInVaccines());
};

std::string VaccineProductJson(const VaccineProduct& p);

}  // namespace vaxreg::registry
