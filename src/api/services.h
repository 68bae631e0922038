#pragma once
// What API handlers need, wired by app/. References only: app/ owns every object and keeps it
// alive until the server has drained.
//
// NotifyPeopleCreated() passes new person ids to people_created when it is set.

#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "accounts/account_service.h"
#include "api/work_admission.h"
#include "common/clock.h"
#include "common/metrics.h"
#include "registry/vaccine_store.h"
#include "storage/database.h"
#include "storage/group_commit.h"

namespace vaxreg::storage {
class ReadRouting;
}  // namespace vaxreg::storage

namespace vaxreg::registry {
class DoseGroupWriter;
}  // namespace vaxreg::registry

namespace vaxreg::certs {
class CertificateAuthority;
}  // namespace vaxreg::certs

namespace vaxreg::corrections {
class CorrectionService;
}  // namespace vaxreg::corrections

namespace vaxreg::media {
class PhotoStore;
}  // namespace vaxreg::media

namespace vaxreg::api {

struct ApiServices {
  storage::Database& db;
  storage::GroupCommitWriter& writer;
  accounts::AccountService& accounts;
  const Clock& clock;
  MetricsRegistry& metrics;
  // For CPU-heavy work (password hashing) that must not run on the I/O threads.
  boost::asio::thread_pool& blocking_pool;
  // The vaccine products, refreshed when an admin adds one.
  registry::VaccineCatalogueCache& vaccines;
  // Read-only handlers take their connection through AcquireForRead (api/read_fence.h), which
  // goes to a streaming replica when one is configured. Null: everything on `db`.
  storage::ReadRouting* reads = nullptr;
  // Certificate keys, issuing and revocation state; null when certs.key_dir is not set.
  certs::CertificateAuthority* certificates = nullptr;
  // Password hashing and checking run here and only here: no other CPU-heavy work can queue
  // ahead of a login. Null: blocking_pool.
  boost::asio::thread_pool* password_pool = nullptr;
  // QR images posted for public verification are decoded here, admitted by image_admission
  // (503 with Retry-After when full). Null: blocking_pool, unbounded.
  boost::asio::thread_pool* image_pool = nullptr;
  WorkAdmission* image_admission = nullptr;
  // How long a public statistics answer is reused (api/stats_api.cc); 0 = read every request.
  int stats_cache_seconds = 60;
  // Correction requests (corrections/service.h) and the photos attached to them; null when
  // corrections are not enabled (the routes answer 503).
  corrections::CorrectionService* corrections = nullptr;
  media::PhotoStore* photos = nullptr;
  // Told the ids of person records a handler created, once they are committed (identity
  // verification in the background). Must return at once; empty when verification on creation
  // is off.
  std::function<void(std::span<const int64_t>)> people_created = nullptr;
  // The server's version (FHIR CapabilityStatement) and whether it serves HTTPS itself: absolute
  // links in FHIR answers are made from the request's Host with this scheme (or "https" when a
  // proxy in front says so with X-Forwarded-Proto).
  std::string software_version = "";
  // The effective configuration as TOML, secrets left out (app::EffectiveConfigToml), for the
  // administrator's read-only status page.
  std::string configuration_toml = "";
  bool serves_tls = false;
  // Single facility doses are written in groups through it (registry/dose_group.h); null: each
  // dose is one write of its own.
  registry::DoseGroupWriter* dose_groups = nullptr;
};

inline boost::asio::thread_pool& PasswordPool(const ApiServices& s) {
  return s.password_pool != nullptr ? *s.password_pool : s.blocking_pool;
}

inline void NotifyPeopleCreated(const ApiServices& s, std::span<const int64_t> ids) {
  if (s.people_created && !ids.empty()) s.people_created(ids);
}

}  // namespace vaxreg::api
