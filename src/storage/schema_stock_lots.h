#pragma once
// Migration 22, "stock_lots": vaccine stock per lot, so that facility staff pick the lot of a dose
// from what their facility holds, first to expire first.
// - shipments.lot / shipments.expires_on and allocations.lot: the lot a shipment brought and an
//   allocation moved ('' for stock recorded without one, which stays in `stock` only);
// - stock_lots: per holder ("VN", a province, a facility), vaccine and lot, what was received and
//   allocated onward. Doses used from a lot are not counted here: they are the facility's active
//   doses that name the lot (registry/supply.h ListLotsInStock), so recording a dose writes
//   nothing more than before.
// Included only by storage/schema.cc. Never edit once shipped; append a new migration instead.

#include <string_view>

namespace vaxreg::storage {

inline constexpr std::string_view kStockLots = R"sql(
ALTER TABLE shipments ADD COLUMN lot TEXT NOT NULL DEFAULT '';
ALTER TABLE shipments ADD COLUMN expires_on TEXT NOT NULL DEFAULT '';
ALTER TABLE allocations ADD COLUMN lot TEXT NOT NULL DEFAULT '';
CREATE TABLE stock_lots (
  holder TEXT NOT NULL,
  vaccine_code TEXT NOT NULL REFERENCES vaccine_products(code),
  lot TEXT NOT NULL,
  expires_on TEXT NOT NULL DEFAULT '',
  received INTEGER NOT NULL DEFAULT 0,
  allocated_out INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (holder, vaccine_code, lot)
);
)sql";

}  // namespace vaxreg::storage
