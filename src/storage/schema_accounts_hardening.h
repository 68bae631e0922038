#pragma once
// Migration 8, "accounts_hardening": login and one-time-code throttles kept in the database, so
// that every server process on one database shares them and a restart does not reset them; and
// the one-time codes that earlier versions wrote in clear into the outbox are removed from it.
// Included only by storage/schema.cc. Never edit once shipped; append a new migration instead.
//
// auth_throttle holds one fixed-window counter per key (accounts/throttle_store.h): key_hash is
// the SHA-256 hex of a key such as "addr:10.0.0.1" or "otp-phone-day:0912345678", so no address,
// username or phone number is stored here; the window began at window_start and the row is
// dead from expires_at on (expired rows are deleted now and then, and restart at 1 when hit).

#include <string_view>

namespace vaxreg::storage {

inline constexpr std::string_view kAccountsHardeningSqlite = R"sql(
CREATE TABLE auth_throttle (
  key_hash TEXT PRIMARY KEY,
  window_start INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  hits INTEGER NOT NULL
);
CREATE INDEX auth_throttle_expires ON auth_throttle(expires_at);
UPDATE outbox SET body = 'A vaxreg login code was sent. The code is not stored.'
  WHERE subject = 'vaxreg login code';
)sql";

inline constexpr std::string_view kAccountsHardeningPostgres = R"sql(
CREATE TABLE auth_throttle (
  key_hash TEXT PRIMARY KEY,
  window_start BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  hits INTEGER NOT NULL
);
CREATE INDEX auth_throttle_expires ON auth_throttle(expires_at);
UPDATE outbox SET body = 'A vaxreg login code was sent. The code is not stored.'
  WHERE subject = 'vaxreg login code';
)sql";

}  // namespace vaxreg::storage
