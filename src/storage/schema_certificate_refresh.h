#pragma once
// Migration 18, "certificate_refresh": certificates follow the record across processes
// (certs/service/refresh_queue.h).
//
// certificate_refresh_queue: one row per person whose signed doses or identity changed while
// they held an active certificate, written in the same transaction as the change, so the change
// and the duty to re-issue commit together. The process that made the change claims and handles
// the row at once; any process's refresh worker handles rows whose `due_at` has passed (the
// change's process died first, or its attempt failed).
//   facilities        space-separated facility codes whose unsigned doses are signed first
//                     (flow 5 step 2, for a correction the facility approved)
//   identity_changed  1 when the certificate must be re-issued even if the doses still hash the
//                     same (name or birth date changed, a merge)
//   due_at            when any worker may claim the row; a claim moves it to the claim's end, so
//                     a claim whose process died is simply due again then
//   claim_token       the claim in progress; a change enqueued for the person meanwhile clears
//                     it, so the claimant's finish does not delete the newer duty
//
// revocation_epoch: one row whose value grows in every transaction that puts a certificate on
// the revocation list; every process polls it and reloads its in-memory revocation state when it
// moves, so a certificate revoked by one server is refused by all within seconds.
// Included only by storage/schema.cc. Never edit once shipped; append a new migration instead.

#include <string_view>

namespace vaxreg::storage {

inline constexpr std::string_view kCertificateRefreshSqlite = R"sql(
CREATE TABLE certificate_refresh_queue (
  person_id INTEGER PRIMARY KEY,
  facilities TEXT NOT NULL DEFAULT '',
  identity_changed INTEGER NOT NULL DEFAULT 0,
  enqueued_at INTEGER NOT NULL,
  due_at INTEGER NOT NULL,
  claim_token TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT
);
CREATE INDEX certificate_refresh_due ON certificate_refresh_queue(due_at);
CREATE TABLE revocation_epoch (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  value INTEGER NOT NULL
);
INSERT INTO revocation_epoch (id, value) VALUES (1, 0);
)sql";

inline constexpr std::string_view kCertificateRefreshPostgres = R"sql(
CREATE TABLE certificate_refresh_queue (
  person_id BIGINT PRIMARY KEY,
  facilities TEXT NOT NULL DEFAULT '',
  identity_changed INTEGER NOT NULL DEFAULT 0,
  enqueued_at BIGINT NOT NULL,
  due_at BIGINT NOT NULL,
  claim_token TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT
);
CREATE INDEX certificate_refresh_due ON certificate_refresh_queue(due_at);
CREATE TABLE revocation_epoch (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  value BIGINT NOT NULL
);
INSERT INTO revocation_epoch (id, value) VALUES (1, 0);
)sql";

}  // namespace vaxreg::storage
