#pragma once
// The running server: database, migrations, group-commit writer, services, router and HTTP
// server, wired together and torn down in the right order. `vaxreg serve` and the integration
// tests both use it, so the tests exercise the real wiring.

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <thread>
#include <vector>

#include "accounts/account_service.h"
#include "app/background_verifier.h"
#include "app/correction_jobs.h"
#include "audit/checkpoint.h"
#include "api/services.h"
#include "certs/service/certificate_authority.h"
#include "app/config.h"
#include "common/clock.h"
#include "common/metrics.h"
#include "corrections/service.h"
#include "http/router.h"
#include "http/server.h"
#include "media/photo_store.h"
#include "notify/outbound.h"
#include "registry/dose_group.h"
#include "storage/database.h"
#include "storage/read_routing.h"
#include "storage/group_commit.h"

namespace vaxreg::app {

// Seams for tests. Null members get the production implementation.
struct RuntimeDeps {
  const Clock* clock = nullptr;
  accounts::Notifier* notifier = nullptr;
};

accounts::AccountOptions AccountOptionsFromConfig(const Config& config);
// notify.* (and auth.otp_ttl_minutes as the secrets' lifetime); the key itself only from the
// environment (VAXREG_NOTIFY_SECRET_KEY), like other key material.
notify::OutboundOptions OutboundOptionsFromConfig(const Config& config);

class Runtime final {
 public:
  // Opens the database, applies migrations, starts the writer and the server (listening when it
  // returns). kUnavailable / kInvalidArgument / kFailedPrecondition with a clear message.
  static Result<std::unique_ptr<Runtime>> Start(const Config& config, RuntimeDeps deps = {});
  ~Runtime();  // Shutdown()

  uint16_t port() const { return server_->port(); }
  storage::Database& db() { return *db_; }
  storage::GroupCommitWriter& writer() { return *writer_; }
  accounts::AccountService& accounts() { return *accounts_; }
  const http::Router& router() const { return router_; }
  // Null without certs.key_dir.
  certs::CertificateAuthority* certificates() { return certificates_.get(); }

  // Graceful: stop accepting, let in-flight requests finish (up to shutdown_grace_ms), then
  // commit every queued write and stop. Idempotent.
  void Shutdown();

 private:
  Runtime() = default;

  Config config_;
  const Clock* clock_ = nullptr;
  accounts::Notifier* notifier_ = nullptr;  // deps.notifier, or outbound_'s
  MetricsRegistry metrics_;
  std::unique_ptr<storage::Database> db_;
  // Read-only work: on the replica of database.read_url when set, else on db_.
  std::unique_ptr<storage::ReadRouting> reads_;
  std::unique_ptr<storage::GroupCommitWriter> writer_;
  // Single facility doses written in groups through writer_ (stopped in Shutdown before this
  // goes: its queued group writes refer to it).
  std::unique_ptr<registry::DoseGroupWriter> dose_groups_;
  // The default notifier and, with notify.gateway_url, the delivery worker. Declared after
  // writer_ (the worker writes through it, so it stops first) and before accounts_ (which uses
  // the notifier).
  std::unique_ptr<notify::OutboundNotifications> outbound_;
  std::unique_ptr<accounts::AccountService> accounts_;
  std::unique_ptr<boost::asio::thread_pool> blocking_pool_;
  // Password hashing only (auth.password_threads), and QR image decoding for public
  // verification (server.image_decode_threads, admitted by image_admission_).
  std::unique_ptr<boost::asio::thread_pool> password_pool_;
  std::unique_ptr<boost::asio::thread_pool> image_pool_;
  std::unique_ptr<api::WorkAdmission> image_admission_;
  std::unique_ptr<certs::CertificateAuthority> certificates_;  // null without certs.key_dir
  registry::VaccineCatalogueCache vaccines_;
  // Verifies people created by the API; null when identity.verify_on_create is off. Declared
  // after writer_: it writes through it, so it must stop (and be destroyed) first.
  std::unique_ptr<BackgroundVerifier> verifier_;
  // Publishes signed audit checkpoints; null without audit.checkpoint_key. Stops before writer_.
  std::unique_ptr<audit::Checkpointer> checkpointer_;
  std::unique_ptr<corrections::CorrectionService> corrections_;
  std::unique_ptr<media::PhotoStore> photos_;
  std::unique_ptr<CorrectionJobs> correction_jobs_;
  std::unique_ptr<api::ApiServices> services_;
  http::Router router_;
  std::unique_ptr<http::Authenticator> authenticator_;
  // The acceptor and the first I/O thread's connections; each further I/O thread runs one of
  // extra_iocs_ (see http::Server::Start). One thread per context.
  boost::asio::io_context ioc_{1};
  std::vector<std::unique_ptr<boost::asio::io_context>> extra_iocs_;
  std::unique_ptr<http::Server> server_;
  std::vector<std::thread> io_threads_;
  bool shut_down_ = false;
};

}  // namespace vaxreg::app
