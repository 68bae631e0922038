#pragma once
// Migration 19, "import_quarantine": rows of an import that failed a check, kept for cleaning
// (registry/quarantine.h) instead of being dropped.
//
// import_quarantine: one row per refused import row, written in the same transaction as the
// chunk's recorded rows, so an import's outcome is all-or-nothing per chunk and nothing sent is
// lost.
//   channel         'csv' (POST /api/v1/doses/csv) or 'file' (vaxreg import doses)
//   facility_code   the facility the row names (or the uploader's, for facility staff)
//   province_code, district_code, commune_code
//                   where the row is routed: the facility's address, else the row's own, else ''
//                   (national queue); an authority sees the rows of its unit
//   row_text        the line as sent, byte for byte; `separator` is the file's (',' or ';')
//   reason_*        the check that failed: status code name, field and message
//   status          open -> released (recorded, dose_id set) or rejected (with a resolution)
// Included only by storage/schema.cc. Never edit once shipped; append a new migration instead.

#include <string_view>

namespace vaxreg::storage {

inline constexpr std::string_view kImportQuarantineSqlite = R"sql(
CREATE TABLE import_quarantine (
  id INTEGER PRIMARY KEY,
  received_at INTEGER NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('csv', 'file')),
  submitted_by TEXT NOT NULL,
  facility_code TEXT NOT NULL,
  province_code TEXT NOT NULL,
  district_code TEXT NOT NULL,
  commune_code TEXT NOT NULL,
  line INTEGER NOT NULL,
  record_id TEXT NOT NULL,
  separator TEXT NOT NULL,
  row_text TEXT NOT NULL,
  reason_code TEXT NOT NULL,
  reason_field TEXT NOT NULL,
  reason_message TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'released', 'rejected')),
  handled_by TEXT NOT NULL DEFAULT '',
  handled_at INTEGER,
  resolution TEXT NOT NULL DEFAULT '',
  dose_id INTEGER
);
CREATE INDEX import_quarantine_province ON import_quarantine(status, province_code, id);
CREATE INDEX import_quarantine_facility ON import_quarantine(facility_code, status, id);
)sql";

inline constexpr std::string_view kImportQuarantinePostgres = R"sql(
CREATE TABLE import_quarantine (
  id BIGSERIAL PRIMARY KEY,
  received_at BIGINT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('csv', 'file')),
  submitted_by TEXT NOT NULL,
  facility_code TEXT NOT NULL,
  province_code TEXT NOT NULL,
  district_code TEXT NOT NULL,
  commune_code TEXT NOT NULL,
  line BIGINT NOT NULL,
  record_id TEXT NOT NULL,
  separator TEXT NOT NULL,
  row_text TEXT NOT NULL,
  reason_code TEXT NOT NULL,
  reason_field TEXT NOT NULL,
  reason_message TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'released', 'rejected')),
  handled_by TEXT NOT NULL DEFAULT '',
  handled_at BIGINT,
  resolution TEXT NOT NULL DEFAULT '',
  dose_id BIGINT
);
CREATE INDEX import_quarantine_province ON import_quarantine(status, province_code, id);
CREATE INDEX import_quarantine_facility ON import_quarantine(facility_code, status, id);
)sql";

}  // namespace vaxreg::storage
