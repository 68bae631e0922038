#pragma once
// Migration 10, "job_leases": which process runs a background job (storage/lease.h). Included
// only by storage/schema.cc. Never edit once shipped; append a new migration instead.

#include <string_view>

namespace vaxreg::storage {

inline constexpr std::string_view kJobLeasesSqlite = R"sql(
CREATE TABLE job_leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
)sql";

inline constexpr std::string_view kJobLeasesPostgres = R"sql(
CREATE TABLE job_leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
)sql";

}  // namespace vaxreg::storage
