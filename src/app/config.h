#pragma once
// Configuration: built-in defaults, overridden by a TOML file, then by VAXREG_* environment
// variables, then by command-line flags (each later source wins). See README "Configuration".

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "common/status.h"

namespace vaxreg::app {

struct Config {
  // [server]
  std::string address = "127.0.0.1";
  uint16_t port = 8080;
  int threads = 0;  // 0 = one per core
  size_t max_body_bytes = 1 << 20;
  int header_timeout_ms = 10000;
  int body_timeout_ms = 30000;
  int idle_timeout_ms = 60000;
  size_t max_connections = 10000;
  size_t max_connections_per_address = 1000;
  int shutdown_grace_ms = 15000;
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string web_root;  // static files; "" = none
  // [database]
  std::string db_url = "sqlite:vaxreg.db";
  std::string db_read_url;  // a streaming replica for read-only work; "" = none
  int db_pool_size = 8;
  int db_busy_timeout_ms = 5000;
  int db_sqlite_mmap_mib = 2048;
  int db_sqlite_writer_cache_mib = 256;
  int db_sqlite_read_snapshot_ms = 10;
  // [auth]
  int session_ttl_minutes = 12 * 60;
  int session_cache_seconds = 5;
  int otp_ttl_minutes = 5;
  std::string password_cost = "interactive";  // "interactive" or "min" (tests only)
  int login_attempts_per_minute = 30;          // per client address
  int password_threads = 2;      // threads that hash passwords, and nothing else
  int image_decode_threads = 1;  // threads that decode QR images posted to /api/v1/verify
  int image_decode_queue = 8;    // images decoding or waiting at once; more get 503
  int stats_cache_seconds = 60;  // public statistics answers kept in-process (0 = not kept)
  int login_failures_per_account = 5;          // per 15 minutes
  int otp_attempts_per_code = 5;      // wrong guesses before a one-time code is dead
  int otp_codes_per_15_minutes = 3;   // codes issued per CCCD and per phone number
  int otp_codes_per_day = 10;         // codes issued per CCCD and per phone number
  int otp_min_response_ms = 100;      // POST /api/v1/auth/otp answers no sooner (same timing
                                      // whether or not the CCCD has an account)
  // [log]
  std::string log_level = "info";
  // Not a key: set by `serve --demo`. The default notifier then also logs one-time codes, marked
  // DEMO ONLY (accounts::OutboxNotifier).
  bool demo = false;
  // [certs]
  // Folder of the certificate signing keys (vaxreg keys init); "" = no signing or trust list.
  // The key passphrase comes only from the environment (VAXREG_KEY_PASSPHRASE).
  std::string key_dir;
  int cert_renew_days = 30;  // re-issue certificates this many days before they expire
  // How often every server looks for certificate refresh duties and revocations made by other
  // servers, and how long a fresh duty is left to the server that made the change.
  int cert_refresh_poll_ms = 1000;
  int cert_refresh_grace_seconds = 15;
  // The SMART Health Card issuer URL (iss): the public https:// address under which this
  // server's /.well-known/jwks.json is reached, without a trailing '/'. "" = derived from
  // server.address and server.port (ShcIssuerUrl), right only when verifiers reach the server
  // there over https.
  std::string shc_issuer;
  // [audit]
  // Signed checkpoints of the audit chain head (audit/checkpoint.h): the Ed25519 key file (its
  // public half in KEY.pub, created on first use) and the append-only file of checkpoints, both
  // outside the database; "" = no checkpoints. The server publishes one every interval.
  std::string audit_checkpoint_key;
  std::string audit_checkpoint_file;
  int audit_checkpoint_interval_seconds = 3600;
  // [identity]
  // Person records created by the server (API, check-in, CSV upload) are verified against the
  // population register in the background.
  bool verify_on_create = true;
  // [corrections]
  // Correction requests (corrections/): the deadline per level, the folder of photos (stored by
  // content address; on several hosts a shared filesystem, see docs/corrections.md), how often
  // deadlines are swept, requests per citizen per day and the hour (Viet Nam time) of the
  // handlers' daily digest.
  int corrections_deadline_hours = 48;
  std::string corrections_photo_dir = "vaxreg-photos";
  int corrections_sweep_interval_seconds = 60;
  int corrections_requests_per_day = 10;
  int corrections_digest_hour = 7;
  // [notify]
  // Delivery of outbound messages (notify/outbound.h). Without a gateway URL messages are only
  // recorded in the outbox and logged. The auth header is a credential: never logged.
  std::string notify_gateway_url;
  std::string notify_gateway_auth_header;
  std::string notify_gateway_ca_file;  // "" = the system's trust store
  bool notify_allow_plain_http = false;
  std::string notify_body_template;  // "" = notify::kDefaultBodyTemplate
  // Hex key sealing one-time codes while they wait; VAXREG_NOTIFY_SECRET_KEY (environment only)
  // takes precedence.
  std::string notify_secret_key_file;
  int notify_max_attempts = 10;
  int notify_backoff_initial_seconds = 10;
  int notify_backoff_max_seconds = 3600;
  int notify_poll_interval_ms = 1000;
  int notify_request_timeout_ms = 10000;
};

// One settable key: "server.port", "database.url", ... with its environment variable name.
struct ConfigKey {
  std::string key;
  std::string env;
  std::string help;
};
const std::vector<ConfigKey>& ConfigKeys();

// Sets `key` from its text form; kInvalidArgument naming the key for a bad value or unknown key.
Status SetConfigValue(Config& config, std::string_view key, std::string_view value);

// Applies a TOML document (tables [server], [database], [auth], [log], [certs], [audit],
// [identity], [notify]).
// kInvalidArgument with the line for a syntax error, an unknown key or a bad value.
Status ApplyToml(Config& config, std::string_view toml_text, std::string_view source_name);
Status ApplyTomlFile(Config& config, const std::string& path);

// Applies VAXREG_* variables found through `getenv` (injectable for tests).
Status ApplyEnvironment(Config& config,
                        const std::function<const char*(const char*)>& getenv = ::getenv);

// Applies flag values (key -> text) given on the command line.
Status ApplyOverrides(Config& config, const std::map<std::string, std::string>& overrides);

// The effective configuration as TOML, secrets left out (a database password shows as ***; key
// passphrases are never part of it): `vaxreg config show` and the admin's status page.
std::string EffectiveConfigToml(const Config& config);

// Cross-field checks: TLS needs both files, timeouts positive, ...
Status ValidateConfig(const Config& config);

// certs.shc_issuer, or when empty "https://<server.address>[:<server.port>]" ("localhost" for a
// wildcard address, the port left out when it is 443 or 0).
std::string ShcIssuerUrl(const Config& config);

}  // namespace vaxreg::app
