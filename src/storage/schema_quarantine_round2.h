#pragma once
// Migration 21, "quarantine_round2": the cleaning queue of imports (migration 19) also keeps
// refused items of the batch endpoint, remembers whether a handler fixed a row before releasing
// it, and holds the outcome of matching the row's person against the population register.
//   channel         adds 'batch' (POST /api/v1/doses/batch; row_text is the item's JSON)
//   fixed           1 when the row was released as corrected by the handler, 0 otherwise
//   match_status    '' (not matched yet), 'verified', 'proposed_correction' or 'not_found', as
//                   identity_results.status (identity/quarantine_match.h); record_id is indexed
//                   for it
//   matched_cccd    the register entry the row's person matched ('' when none)
//   match_score     the calibrated match probability, NULL until matched
// SQLite cannot change a CHECK constraint in place, so its table is rebuilt.
// Included only by storage/schema.cc. Never edit once shipped; append a new migration instead.

#include <string_view>

namespace vaxreg::storage {

inline constexpr std::string_view kQuarantineRound2Sqlite = R"sql(
CREATE TABLE import_quarantine_v2 (
  id INTEGER PRIMARY KEY,
  received_at INTEGER NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('csv', 'file', 'batch')),
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
  dose_id INTEGER,
  fixed INTEGER NOT NULL DEFAULT 0,
  match_status TEXT NOT NULL DEFAULT '',
  matched_cccd TEXT NOT NULL DEFAULT '',
  match_score REAL
);
INSERT INTO import_quarantine_v2 (id, received_at, channel, submitted_by, facility_code,
  province_code, district_code, commune_code, line, record_id, separator, row_text, reason_code,
  reason_field, reason_message, status, handled_by, handled_at, resolution, dose_id)
SELECT id, received_at, channel, submitted_by, facility_code, province_code, district_code,
  commune_code, line, record_id, separator, row_text, reason_code, reason_field, reason_message,
  status, handled_by, handled_at, resolution, dose_id FROM import_quarantine;
DROP TABLE import_quarantine;
ALTER TABLE import_quarantine_v2 RENAME TO import_quarantine;
CREATE INDEX import_quarantine_province ON import_quarantine(status, province_code, id);
CREATE INDEX import_quarantine_facility ON import_quarantine(facility_code, status, id);
CREATE INDEX import_quarantine_received ON import_quarantine(province_code, received_at);
CREATE INDEX import_quarantine_record ON import_quarantine(record_id);
)sql";

inline constexpr std::string_view kQuarantineRound2Postgres = R"sql(
ALTER TABLE import_quarantine DROP CONSTRAINT import_quarantine_channel_check;
ALTER TABLE import_quarantine ADD CONSTRAINT import_quarantine_channel_check
  CHECK (channel IN ('csv', 'file', 'batch'));
ALTER TABLE import_quarantine ADD COLUMN fixed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE import_quarantine ADD COLUMN match_status TEXT NOT NULL DEFAULT '';
ALTER TABLE import_quarantine ADD COLUMN matched_cccd TEXT NOT NULL DEFAULT '';
ALTER TABLE import_quarantine ADD COLUMN match_score DOUBLE PRECISION;
CREATE INDEX import_quarantine_received ON import_quarantine(province_code, received_at);
CREATE INDEX import_quarantine_record ON import_quarantine(record_id);
)sql";

}  // namespace vaxreg::storage
