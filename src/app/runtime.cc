#include "app/runtime.h"

#include <boost/asio/executor_work_guard.hpp>

#include "api/routes.h"
#include "app/store.h"
#include "common/logging.h"
#include "registry/vaccine_store.h"
#include "storage/migrate.h"

namespace vaxreg::app {

accounts::AccountOptions AccountOptionsFromConfig(const Config& config) {
  accounts::AccountOptions o;
  o.session_ttl = std::chrono::minutes(config.session_ttl_minutes);
  o.session_cache_ttl = std::chrono::seconds(config.session_cache_seconds);
  o.otp_ttl = std::chrono::minutes(config.otp_ttl_minutes);
  o.address_attempts_per_window = config.login_attempts_per_minute;
  o.account_failures_per_window = config.login_failures_per_account;
  o.otp_max_attempts = config.otp_attempts_per_code;
  o.otp_codes_per_window = config.otp_codes_per_15_minutes;
  o.otp_codes_per_day = config.otp_codes_per_day;
  o.otp_min_response = std::chrono::milliseconds(config.otp_min_response_ms);
  o.password_cost = config.password_cost == "min" ? accounts::PasswordCost::MinimumForTest()
                                                  : accounts::PasswordCost::Interactive();
  return o;
}

notify::OutboundOptions OutboundOptionsFromConfig(const Config& config) {
  notify::OutboundOptions o;
  o.gateway.url = config.notify_gateway_url;
  o.gateway.allow_plain_http = config.notify_allow_plain_http;
  o.gateway.auth_header = config.notify_gateway_auth_header;
  o.gateway.ca_file = config.notify_gateway_ca_file;
  if (!config.notify_body_template.empty()) o.gateway.body_template = config.notify_body_template;
  o.gateway.timeout = std::chrono::milliseconds(config.notify_request_timeout_ms);
  o.delivery.max_attempts = config.notify_max_attempts;
  o.delivery.backoff_initial = std::chrono::seconds(config.notify_backoff_initial_seconds);
  o.delivery.backoff_max = std::chrono::seconds(config.notify_backoff_max_seconds);
  o.delivery.poll_interval = std::chrono::milliseconds(config.notify_poll_interval_ms);
  o.secret_key_file = config.notify_secret_key_file;
  if (const char* k = std::getenv("VAXREG_NOTIFY_SECRET_KEY")) o.secret_key_hex = k;
  o.default_secret_lifetime = std::chrono::minutes(config.otp_ttl_minutes);
  o.demo = config.demo;
  return o;
}

Result<std::unique_ptr<Runtime>> Runtime::Start(const Config& config, RuntimeDeps deps) {
  RETURN_IF_ERROR(ValidateConfig(config));
  std::unique_ptr<Runtime> rt(new Runtime());
  rt->config_ = config;
  rt->clock_ = deps.clock ? deps.clock : &SystemClock::Get();
  ASSIGN_OR_RETURN(rt->outbound_, notify::OutboundNotifications::Create(
                                      OutboundOptionsFromConfig(config), *rt->clock_));
  rt->notifier_ = deps.notifier ? deps.notifier : &rt->outbound_->notifier();

  ASSIGN_OR_RETURN(rt->db_,
                   storage::OpenDatabase(config.db_url, DatabaseOptionsFromConfig(config)));
  ASSIGN_OR_RETURN(storage::MigrateReport migrated, storage::Migrate(*rt->db_));
  if (migrated.applied > 0) {
    spdlog::info("database {} migrated from version {} to {}", rt->db_->DisplayUrl(),
                 migrated.from_version, migrated.to_version);
  }

  ASSIGN_OR_RETURN(rt->writer_, storage::GroupCommitWriter::Start(*rt->db_));
  rt->metrics_.RegisterHistogram("vaxreg_commit_batch_size",
                                 "writes committed together in one transaction",
                                 {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048});
  rt->writer_->SetBatchObserver([m = &rt->metrics_](size_t n) {
    m->ObserveHistogram("vaxreg_commit_batch_size", {}, static_cast<double>(n));
  });
  // Hands queued messages to notify.gateway_url (nothing without one).
  rt->outbound_->StartDelivery(*rt->db_, *rt->writer_, rt->metrics_);

  rt->accounts_ = std::make_unique<accounts::AccountService>(
      *rt->db_, *rt->clock_, *rt->notifier_, AccountOptionsFromConfig(config));
  rt->blocking_pool_ = std::make_unique<boost::asio::thread_pool>(2);
  rt->password_pool_ = std::make_unique<boost::asio::thread_pool>(config.password_threads);
  rt->image_pool_ = std::make_unique<boost::asio::thread_pool>(config.image_decode_threads);
  rt->image_admission_ = std::make_unique<api::WorkAdmission>(config.image_decode_queue);
  RETURN_IF_ERROR(rt->writer_->SubmitAndWait([&rt](storage::Connection& c) {
    return registry::SeedBuiltInVaccines(c, *rt->clock_);
  }));
  {
    ASSIGN_OR_RETURN(auto conn, rt->db_->Acquire());
    RETURN_IF_ERROR(rt->vaccines_.Refresh(*conn));
  }
  rt->services_.reset(new api::ApiServices{*rt->db_, *rt->writer_, *rt->accounts_, *rt->clock_,
                                           rt->metrics_, *rt->blocking_pool_, rt->vaccines_});
  rt->dose_groups_ = std::make_unique<registry::DoseGroupWriter>(*rt->writer_, *rt->clock_);
  rt->services_->dose_groups = rt->dose_groups_.get();
  {
    std::unique_ptr<storage::Database> replica;
    if (!config.db_read_url.empty()) {
      ASSIGN_OR_RETURN(replica,
                       storage::OpenDatabase(config.db_read_url, DatabaseOptionsFromConfig(config)));
      spdlog::info("read-only work goes to the replica {} once it has caught up with the caller",
                   replica->DisplayUrl());
    }
    rt->reads_ = std::make_unique<storage::ReadRouting>(*rt->db_, std::move(replica));
    rt->services_->reads = rt->reads_.get();
    rt->metrics_.RegisterCounter("vaxreg_db_reads_total",
                                 "read-only requests' connections, by target (replica, primary)");
  }
  rt->services_->password_pool = rt->password_pool_.get();
  rt->services_->image_pool = rt->image_pool_.get();
  rt->services_->image_admission = rt->image_admission_.get();
  rt->services_->stats_cache_seconds = config.stats_cache_seconds;
  rt->services_->software_version = VAXREG_VERSION;
  rt->services_->configuration_toml = EffectiveConfigToml(config);
  rt->services_->serves_tls = !config.tls_cert_file.empty();
  if (config.verify_on_create) {
    BackgroundVerifierOptions vo;
    vo.match.threads = 1;
    rt->verifier_ = std::make_unique<BackgroundVerifier>(*rt->db_, *rt->writer_, *rt->clock_, vo);
    rt->services_->people_created = [v = rt->verifier_.get()](std::span<const int64_t> ids) {
      v->Enqueue(ids);
    };
  }
  if (!config.key_dir.empty()) {
    certs::CertificateAuthorityOptions ca;
    ca.key_dir = config.key_dir;
    if (const char* p = std::getenv("VAXREG_KEY_PASSPHRASE")) ca.passphrase = p;
    ca.renew_days = config.cert_renew_days;
    ca.refresh_poll = std::chrono::milliseconds(config.cert_refresh_poll_ms);
    ca.refresh_grace_seconds = config.cert_refresh_grace_seconds;
    ca.shc_issuer = ShcIssuerUrl(config);
    ASSIGN_OR_RETURN(rt->certificates_,
                     certs::CertificateAuthority::Start(ca, *rt->db_, *rt->writer_, *rt->clock_));
    if (!rt->certificates_->can_issue()) {
      spdlog::warn("VAXREG_KEY_PASSPHRASE is not set: certificates are verified but not issued");
    }
    rt->services_->certificates = rt->certificates_.get();
  }
  if (!config.audit_checkpoint_key.empty()) {
    ASSIGN_OR_RETURN(audit::CheckpointKey key,
                     audit::CheckpointKey::LoadOrCreate(config.audit_checkpoint_key));
    rt->checkpointer_ = std::make_unique<audit::Checkpointer>(
        *rt->db_, *rt->writer_, *rt->clock_, std::move(key), config.audit_checkpoint_file,
        std::chrono::seconds(config.audit_checkpoint_interval_seconds));
  }
  {
    corrections::CorrectionOptions co;
    co.deadline = std::chrono::hours(config.corrections_deadline_hours);
    co.requests_per_day = config.corrections_requests_per_day;
    rt->corrections_ =
        std::make_unique<corrections::CorrectionService>(*rt->clock_, *rt->notifier_, co);
    ASSIGN_OR_RETURN(rt->photos_, media::PhotoStore::Open(config.corrections_photo_dir));
    rt->services_->corrections = rt->corrections_.get();
    rt->services_->photos = rt->photos_.get();
    rt->metrics_.RegisterCounter("vaxreg_corrections_received_total",
                                 "correction requests received, by kind");
    rt->metrics_.RegisterCounter("vaxreg_corrections_decided_total",
                                 "correction requests decided, by decision");
    CorrectionJobOptions jo;
    jo.deadline = co.deadline;
    jo.interval = std::chrono::seconds(config.corrections_sweep_interval_seconds);
    jo.digest_hour = config.corrections_digest_hour;
    rt->correction_jobs_ = std::make_unique<CorrectionJobs>(
        *rt->db_, *rt->writer_, *rt->clock_, *rt->notifier_, rt->metrics_, jo);
  }
  api::RegisterAllRoutes(rt->router_, *rt->services_, config.web_root);
  rt->authenticator_ = api::MakeSessionAuthenticator(*rt->accounts_);

  http::ServerOptions so;
  so.address = config.address;
  so.port = config.port;
  so.threads = config.threads > 0 ? config.threads
                                  : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  so.max_body_bytes = config.max_body_bytes;
  so.header_timeout = std::chrono::milliseconds(config.header_timeout_ms);
  so.body_timeout = std::chrono::milliseconds(config.body_timeout_ms);
  so.idle_timeout = std::chrono::milliseconds(config.idle_timeout_ms);
  so.max_connections = config.max_connections;
  so.max_connections_per_address = config.max_connections_per_address;
  so.tls_cert_file = config.tls_cert_file;
  so.tls_key_file = config.tls_key_file;
  // Only from the environment, like the certificate key passphrase: never in a file or argument.
  if (const char* p = std::getenv("VAXREG_TLS_KEY_PASSPHRASE")) so.tls_key_passphrase = p;
  std::vector<boost::asio::io_context*> contexts{&rt->ioc_};
  for (int i = 1; i < so.threads; ++i) {
    rt->extra_iocs_.push_back(std::make_unique<boost::asio::io_context>(1));
    contexts.push_back(rt->extra_iocs_.back().get());
  }
  ASSIGN_OR_RETURN(rt->server_, http::Server::Start(rt->ioc_, so, rt->router_,
                                                    *rt->authenticator_, rt->metrics_, contexts));
  for (boost::asio::io_context* ioc : contexts) {
    rt->io_threads_.emplace_back([ioc] {
      auto guard = boost::asio::make_work_guard(*ioc);
      ioc->run();
    });
  }
  spdlog::info("vaxreg listening on {}://{}:{} ({} I/O threads, database {})",
               rt->server_->tls() ? "https" : "http", config.address, rt->server_->port(),
               so.threads, rt->db_->DisplayUrl());
  return rt;
}

void Runtime::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  spdlog::info("shutting down: no new connections, finishing in-flight requests");
  server_->StopAccepting();
  if (!server_->WaitIdle(std::chrono::milliseconds(config_.shutdown_grace_ms))) {
    spdlog::warn("shutdown grace period over with requests still in flight");
  }
  if (certificates_) certificates_->StopScheduler();
  // Verifies what requests queued (it writes through the writer, which is still running).
  if (verifier_) verifier_->Stop();
  if (checkpointer_) checkpointer_->Stop();
  if (correction_jobs_) correction_jobs_->Stop();
  outbound_->StopDelivery();
  // Requests are done; commit whatever they queued before stopping the threads.
  writer_->Stop();
  ioc_.stop();
  for (auto& ioc : extra_iocs_) ioc->stop();
  for (auto& t : io_threads_) t.join();
  io_threads_.clear();
  blocking_pool_->join();
  password_pool_->join();
  image_pool_->join();
  spdlog::info("shutdown complete");
}

Runtime::~Runtime() {
  if (server_) Shutdown();
}

}  // namespace vaxreg::app
