#include "app/config.h"

#include <charconv>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

namespace vaxreg::app {
namespace {

template <typename T>
Status ParseNumber(std::string_view key, std::string_view text, T min, T max, T* out) {
  T v{};
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size() || v < min || v > max) {
    return InvalidArgumentError("config " + std::string(key) + ": '" + std::string(text) +
                                    "' is not an integer from " + std::to_string(min) + " to " +
                                    std::to_string(max),
                                std::string(key));
  }
  *out = v;
  return Status::Ok();
}

struct Setter {
  ConfigKey key;
  std::function<Status(Config&, std::string_view)> set;
};

template <typename T>
Setter Num(std::string key, std::string env, std::string help, T Config::*field, T min, T max) {
  std::string k = key;
  return {{std::move(key), std::move(env), std::move(help)},
          [k, field, min, max](Config& c, std::string_view v) {
            return ParseNumber<T>(k, v, min, max, &(c.*field));
          }};
}

Setter Str(std::string key, std::string env, std::string help, std::string Config::*field) {
  return {{std::move(key), std::move(env), std::move(help)},
          [field](Config& c, std::string_view v) {
            c.*field = std::string(v);
            return Status::Ok();
          }};
}

// true/false (also 1/0, yes/no, on/off, as environment variables are often written).
Setter Bool(std::string key, std::string env, std::string help, bool Config::*field) {
  std::string k = key;
  return {{std::move(key), std::move(env), std::move(help)},
          [k, field](Config& c, std::string_view v) {
            if (v == "true" || v == "1" || v == "yes" || v == "on") {
              c.*field = true;
            } else if (v == "false" || v == "0" || v == "no" || v == "off") {
              c.*field = false;
            } else {
              return InvalidArgumentError("config " + k + ": '" + std::string(v) +
                                              "' is not true or false",
                                          k);
            }
            return Status::Ok();
          }};
}

const std::vector<Setter>& Setters() {
  static const std::vector<Setter>* setters = new std::vector<Setter>{
      Str("server.address", "VAXREG_ADDRESS", "address to listen on", &Config::address),
      Num<uint16_t>("server.port", "VAXREG_PORT", "TCP port (0 = any free port)", &Config::port, 0,
                    65535),
      Num<int>("server.threads", "VAXREG_THREADS", "I/O threads (0 = one per core)",
               &Config::threads, 0, 256),
      Num<size_t>("server.max_body_bytes", "VAXREG_MAX_BODY_BYTES", "default request body limit",
                  &Config::max_body_bytes, 1024, size_t{1} << 30),
      Num<int>("server.header_timeout_ms", "VAXREG_HEADER_TIMEOUT_MS",
               "time allowed to send request headers", &Config::header_timeout_ms, 1, 3600000),
      Num<int>("server.body_timeout_ms", "VAXREG_BODY_TIMEOUT_MS",
               "time allowed to send a request body", &Config::body_timeout_ms, 1, 3600000),
      Num<int>("server.idle_timeout_ms", "VAXREG_IDLE_TIMEOUT_MS",
               "keep-alive idle time before closing", &Config::idle_timeout_ms, 1, 3600000),
      Num<int>("server.shutdown_grace_ms", "VAXREG_SHUTDOWN_GRACE_MS",
               "how long shutdown waits for in-flight requests", &Config::shutdown_grace_ms, 0,
               3600000),
      Num<size_t>("server.max_connections", "VAXREG_MAX_CONNECTIONS",
                  "open connections served at once (0 = as many as file descriptors allow); "
                  "beyond it only health probes are answered",
                  &Config::max_connections, 0, size_t{1} << 24),
      Num<size_t>("server.max_connections_per_address", "VAXREG_MAX_CONNECTIONS_PER_ADDRESS",
                  "open connections from one client address (0 = no limit; raise it behind a "
                  "reverse proxy)",
                  &Config::max_connections_per_address, 0, size_t{1} << 24),
      Str("server.tls_cert", "VAXREG_TLS_CERT", "PEM certificate chain; enables HTTPS with tls_key",
          &Config::tls_cert_file),
      Str("server.tls_key", "VAXREG_TLS_KEY", "PEM private key", &Config::tls_key_file),
      Str("server.web_root", "VAXREG_WEB_ROOT", "folder of static files to serve",
          &Config::web_root),
      Str("database.url", "VAXREG_DB", "sqlite:PATH or postgresql://...", &Config::db_url),
      Str("database.read_url", "VAXREG_DB_READ_URL",
          "postgresql://... of a streaming replica for read-only work (\"\" = none)",
          &Config::db_read_url),
      Num<int>("database.pool_size", "VAXREG_DB_POOL_SIZE", "database connections for readers",
               &Config::db_pool_size, 1, 1000),
      Num<int>("database.busy_timeout_ms", "VAXREG_DB_BUSY_TIMEOUT_MS",
               "wait for a connection or lock before failing", &Config::db_busy_timeout_ms, 1,
               600000),
      Num<int>("database.sqlite_mmap_mib", "VAXREG_DB_SQLITE_MMAP_MIB",
               "SQLite: MiB of the database file each connection memory-maps for reads (0 = off)",
               &Config::db_sqlite_mmap_mib, 0, 1 << 20),
      Num<int>("database.sqlite_writer_cache_mib", "VAXREG_DB_SQLITE_WRITER_CACHE_MIB",
               "SQLite: MiB of page cache for the one writer connection",
               &Config::db_sqlite_writer_cache_mib, 1, 1 << 20),
      Num<int>("database.sqlite_read_snapshot_ms", "VAXREG_DB_SQLITE_READ_SNAPSHOT_MS",
               "SQLite: longest a reader answers from one snapshot when nothing was written "
               "in-process (bounds how late it sees other processes' writes; 0 = off)",
               &Config::db_sqlite_read_snapshot_ms, 0, 10000),
      Num<int>("auth.session_ttl_minutes", "VAXREG_SESSION_TTL_MINUTES", "bearer token lifetime",
               &Config::session_ttl_minutes, 1, 60 * 24 * 30),
      Num<int>("auth.session_cache_seconds", "VAXREG_SESSION_CACHE_SECONDS",
               "how long a checked token is remembered in-process (0 = check every request)",
               &Config::session_cache_seconds, 0, 300),
      Num<int>("auth.otp_ttl_minutes", "VAXREG_OTP_TTL_MINUTES", "one-time code lifetime",
               &Config::otp_ttl_minutes, 1, 60),
      Num<int>("auth.password_threads", "VAXREG_PASSWORD_THREADS",
               "threads that hash passwords (logins never wait behind other work)",
               &Config::password_threads, 1, 256),
      Num<int>("server.image_decode_threads", "VAXREG_IMAGE_DECODE_THREADS",
               "threads that decode QR images posted for verification",
               &Config::image_decode_threads, 1, 256),
      Num<int>("server.image_decode_queue", "VAXREG_IMAGE_DECODE_QUEUE",
               "QR images decoding or waiting at once; beyond it 503 with Retry-After",
               &Config::image_decode_queue, 1, 100000),
      Num<int>("server.stats_cache_seconds", "VAXREG_STATS_CACHE_SECONDS",
               "seconds a public statistics answer is reused before it is read again (the "
               "Cache-Control max-age clients get is 60; 0 = read every request)",
               &Config::stats_cache_seconds, 0, 3600),
      Num<int>("auth.login_attempts_per_minute", "VAXREG_LOGIN_ATTEMPTS_PER_MINUTE",
               "login attempts allowed per client address per minute",
               &Config::login_attempts_per_minute, 1, 1000000),
      Num<int>("auth.login_failures_per_account", "VAXREG_LOGIN_FAILURES_PER_ACCOUNT",
               "failed logins allowed per account per 15 minutes",
               &Config::login_failures_per_account, 1, 1000),
      Num<int>("auth.otp_attempts_per_code", "VAXREG_OTP_ATTEMPTS_PER_CODE",
               "wrong guesses allowed per one-time code before it is dead",
               &Config::otp_attempts_per_code, 1, 100),
      Num<int>("auth.otp_codes_per_15_minutes", "VAXREG_OTP_CODES_PER_15_MINUTES",
               "one-time codes issued per CCCD and per phone number per 15 minutes",
               &Config::otp_codes_per_15_minutes, 1, 1000),
      Num<int>("auth.otp_codes_per_day", "VAXREG_OTP_CODES_PER_DAY",
               "one-time codes issued per CCCD and per phone number per day",
               &Config::otp_codes_per_day, 1, 10000),
      Num<int>("auth.otp_min_response_ms", "VAXREG_OTP_MIN_RESPONSE_MS",
               "a one-time-code request is answered no sooner than this, account or not",
               &Config::otp_min_response_ms, 0, 10000),
      {{"auth.password_cost", "VAXREG_PASSWORD_COST",
        "Argon2id cost: interactive (default) or min (tests only)"},
       [](Config& c, std::string_view v) {
         if (v != "interactive" && v != "min") {
           return InvalidArgumentError("config auth.password_cost must be interactive or min",
                                       "auth.password_cost");
         }
         c.password_cost = std::string(v);
         return Status::Ok();
       }},
      Str("certs.key_dir", "VAXREG_KEY_DIR",
          "folder of the certificate signing keys (passphrase in VAXREG_KEY_PASSPHRASE)",
          &Config::key_dir),
      Num<int>("certs.renew_days", "VAXREG_CERT_RENEW_DAYS",
               "re-issue certificates this many days before they expire", &Config::cert_renew_days,
               1, 180),
      Num<int>("certs.refresh_poll_ms", "VAXREG_CERT_REFRESH_POLL_MS",
               "how often each server picks up certificate re-issues left by others and "
               "revocations made by others",
               &Config::cert_refresh_poll_ms, 50, 60000),
      Num<int>("certs.refresh_grace_seconds", "VAXREG_CERT_REFRESH_GRACE_SECONDS",
               "seconds a re-issue after a change is left to the server that made the change "
               "before any server takes it over",
               &Config::cert_refresh_grace_seconds, 0, 600),
      Str("certs.shc_issuer", "VAXREG_SHC_ISSUER",
          "SMART Health Card issuer URL: the public https:// base of this server (its key set is "
          "<url>/.well-known/jwks.json), no trailing '/'; \"\" = https://<address>:<port>",
          &Config::shc_issuer),
      Str("audit.checkpoint_key", "VAXREG_AUDIT_CHECKPOINT_KEY",
          "Ed25519 key file signing audit checkpoints (created on first use, public half in "
          "KEY.pub); keep it outside the database",
          &Config::audit_checkpoint_key),
      Str("audit.checkpoint_file", "VAXREG_AUDIT_CHECKPOINT_FILE",
          "file the signed audit checkpoints are appended to (one JSON line each)",
          &Config::audit_checkpoint_file),
      Num<int>("audit.checkpoint_interval_seconds", "VAXREG_AUDIT_CHECKPOINT_INTERVAL_SECONDS",
               "the server publishes an audit checkpoint this often",
               &Config::audit_checkpoint_interval_seconds, 1, 7 * 24 * 3600),
      Num<int>("corrections.deadline_hours", "VAXREG_CORRECTIONS_DEADLINE_HOURS",
               "hours a unit has to decide a correction request before it escalates",
               &Config::corrections_deadline_hours, 1, 24 * 30),
      Str("corrections.photo_dir", "VAXREG_CORRECTIONS_PHOTO_DIR",
          "folder of the photos attached to correction requests (content-addressed; shared by "
          "all servers of a deployment)",
          &Config::corrections_photo_dir),
      Num<int>("corrections.sweep_interval_seconds", "VAXREG_CORRECTIONS_SWEEP_INTERVAL_SECONDS",
               "how often deadlines are checked and late requests escalated",
               &Config::corrections_sweep_interval_seconds, 1, 3600),
      Num<int>("corrections.requests_per_day", "VAXREG_CORRECTIONS_REQUESTS_PER_DAY",
               "correction requests one citizen may send per day",
               &Config::corrections_requests_per_day, 1, 1000),
      Num<int>("corrections.digest_hour", "VAXREG_CORRECTIONS_DIGEST_HOUR",
               "hour of the day (Viet Nam time) from which handlers get their daily digest",
               &Config::corrections_digest_hour, 0, 23),
      Bool("identity.verify_on_create", "VAXREG_VERIFY_ON_CREATE",
           "verify person records created by the server against the population register in "
           "the background (true or false)",
           &Config::verify_on_create),
      Str("notify.gateway_url", "VAXREG_NOTIFY_GATEWAY_URL",
          "SMS / e-mail gateway messages are POSTed to (https://...; \"\" = record and log only)",
          &Config::notify_gateway_url),
      Str("notify.gateway_auth_header", "VAXREG_NOTIFY_GATEWAY_AUTH_HEADER",
          "header sent to the gateway, 'Name: value' (a credential: never logged)",
          &Config::notify_gateway_auth_header),
      Str("notify.gateway_ca_file", "VAXREG_NOTIFY_GATEWAY_CA_FILE",
          "PEM CA certificates the gateway's certificate must chain to (\"\" = system store)",
          &Config::notify_gateway_ca_file),
      Bool("notify.allow_plain_http", "VAXREG_NOTIFY_ALLOW_PLAIN_HTTP",
           "allow an http:// gateway URL (a gateway on this host; true or false)",
           &Config::notify_allow_plain_http),
      Str("notify.body_template", "VAXREG_NOTIFY_BODY_TEMPLATE",
          "JSON POSTed per message; {{id}} {{channel}} {{recipient}} {{subject}} {{body}} are "
          "replaced JSON-escaped (\"\" = the built-in template)",
          &Config::notify_body_template),
      Str("notify.secret_key_file", "VAXREG_NOTIFY_SECRET_KEY_FILE",
          "file with the hex key sealing one-time codes until delivered (or the key itself in "
          "VAXREG_NOTIFY_SECRET_KEY); the same on every server",
          &Config::notify_secret_key_file),
      Num<int>("notify.max_attempts", "VAXREG_NOTIFY_MAX_ATTEMPTS",
               "delivery attempts per message before it is dead", &Config::notify_max_attempts,
               1, 1000),
      Num<int>("notify.backoff_initial_seconds", "VAXREG_NOTIFY_BACKOFF_INITIAL_SECONDS",
               "wait after a first failed attempt; doubles per attempt, with jitter",
               &Config::notify_backoff_initial_seconds, 1, 86400),
      Num<int>("notify.backoff_max_seconds", "VAXREG_NOTIFY_BACKOFF_MAX_SECONDS",
               "longest wait between attempts", &Config::notify_backoff_max_seconds, 1,
               7 * 86400),
      Num<int>("notify.poll_interval_ms", "VAXREG_NOTIFY_POLL_INTERVAL_MS",
               "how often each server looks for messages due", &Config::notify_poll_interval_ms,
               10, 3600000),
      Num<int>("notify.request_timeout_ms", "VAXREG_NOTIFY_REQUEST_TIMEOUT_MS",
               "time allowed for one gateway request (connect, TLS, answer)",
               &Config::notify_request_timeout_ms, 100, 120000),
      {{"log.level", "VAXREG_LOG_LEVEL", "trace, debug, info, warn or error"},
       [](Config& c, std::string_view v) {
         static const char* kLevels[] = {"trace", "debug", "info", "warn", "error", "off"};
         for (const char* l : kLevels) {
           if (v == l) {
             c.log_level = std::string(v);
             return Status::Ok();
           }
         }
         return InvalidArgumentError(
             "config log.level must be trace, debug, info, warn, error or off", "log.level");
       }},
  };
  return *setters;
}

}  // namespace

const std::vector<ConfigKey>& ConfigKeys() {
  static const std::vector<ConfigKey>* keys = [] {
    auto* k = new std::vector<ConfigKey>();
    for (const auto& s : Setters()) k->push_back(s.key);
    return k;
  }();
  return *keys;
}

Status SetConfigValue(Config& config, std::string_view key, std::string_view value) {
  for (const auto& s : Setters()) {
    if (s.key.key == key) return s.set(config, value);
  }
  return InvalidArgumentError("unknown config key '" + std::string(key) + "'", std::string(key));
}

Status ApplyToml(Config& config, std::string_view text, std::string_view source) {
  toml::table table;
  try {
    table = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << source << ":" << e.source().begin.line << ": " << e.description();
    return InvalidArgumentError(msg.str());
  }
  for (const auto& [section, node] : table) {
    const toml::table* inner = node.as_table();
    if (!inner) {
      return InvalidArgumentError(std::string(source) + ": '" + std::string(section.str()) +
                                  "' must be a table such as [server]");
    }
    for (const auto& [name, value] : *inner) {
      const std::string key = std::string(section.str()) + "." + std::string(name.str());
      std::string text_value;
      if (auto s = value.value<std::string>(); s && value.is_string()) {
        text_value = *s;
      } else if (auto i = value.value<int64_t>(); i && value.is_integer()) {
        text_value = std::to_string(*i);
      } else if (auto b = value.value<bool>(); b && value.is_boolean()) {
        text_value = *b ? "true" : "false";
      } else {
        return InvalidArgumentError(std::string(source) + ": " + key +
                                        " must be a string, an integer or a boolean",
                                    key);
      }
      Status st = SetConfigValue(config, key, text_value);
      if (!st.ok()) return st.WithContext(source);
    }
  }
  return Status::Ok();
}

Status ApplyTomlFile(Config& config, const std::string& path) {
  std::ifstream in(path);
  if (!in) return InvalidArgumentError("cannot read config file '" + path + "'", "config");
  std::stringstream buf;
  buf << in.rdbuf();
  return ApplyToml(config, buf.str(), path);
}

Status ApplyEnvironment(Config& config, const std::function<const char*(const char*)>& getenv) {
  for (const auto& s : Setters()) {
    if (const char* v = getenv(s.key.env.c_str()); v != nullptr) {
      Status st = s.set(config, v);
      if (!st.ok()) return st.WithContext("environment variable " + s.key.env);
    }
  }
  return Status::Ok();
}

Status ApplyOverrides(Config& config, const std::map<std::string, std::string>& overrides) {
  for (const auto& [key, value] : overrides) RETURN_IF_ERROR(SetConfigValue(config, key, value));
  return Status::Ok();
}

Status ValidateConfig(const Config& c) {
  if (c.audit_checkpoint_key.empty() != c.audit_checkpoint_file.empty()) {
    return InvalidArgumentError(
        "audit.checkpoint_key and audit.checkpoint_file must be set together",
        "audit.checkpoint_key");
  }
  if (c.tls_cert_file.empty() != c.tls_key_file.empty()) {
    return InvalidArgumentError("server.tls_cert and server.tls_key must be set together",
                                "server.tls_cert");
  }
  if (c.db_url.empty()) return InvalidArgumentError("database.url is empty", "database.url");
  if (!c.db_read_url.empty()) {
    const auto is_pg = [](const std::string& u) {
      return u.starts_with("postgresql://") || u.starts_with("postgres://");
    };
    if (!is_pg(c.db_url) || !is_pg(c.db_read_url)) {
      return InvalidArgumentError(
          "database.read_url needs PostgreSQL: a postgresql:// replica of a postgresql:// "
          "database.url",
          "database.read_url");
    }
  }
  if (c.notify_backoff_initial_seconds > c.notify_backoff_max_seconds) {
    return InvalidArgumentError(
        "notify.backoff_initial_seconds must not exceed notify.backoff_max_seconds",
        "notify.backoff_initial_seconds");
  }
  return Status::Ok();
}

std::string ShcIssuerUrl(const Config& c) {
  if (!c.shc_issuer.empty()) return c.shc_issuer;
  std::string host = c.address;
  if (host.empty() || host == "0.0.0.0" || host == "::") host = "localhost";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  const bool default_port = c.port == 443 || c.port == 0;
  return "https://" + host + (default_port ? "" : ":" + std::to_string(c.port));
}

std::string EffectiveConfigToml(const Config& config) {
  std::ostringstream out;
  out << "[server]\naddress = \"" << config.address << "\"\nport = " << config.port
            << "\nthreads = " << config.threads << "\nmax_body_bytes = " << config.max_body_bytes
            << "\nheader_timeout_ms = " << config.header_timeout_ms
            << "\nbody_timeout_ms = " << config.body_timeout_ms
            << "\nidle_timeout_ms = " << config.idle_timeout_ms
            << "\nmax_connections = " << config.max_connections
            << "\nmax_connections_per_address = " << config.max_connections_per_address
            << "\nshutdown_grace_ms = " << config.shutdown_grace_ms << "\ntls_cert = \""
            << config.tls_cert_file << "\"\ntls_key = \"" << config.tls_key_file
            << "\"\nweb_root = \"" << config.web_root << "\"\n\n[database]\nurl = \"";
  // The URLs may carry a password; show them only with it masked.
  const auto masked = [](std::string url) {
    if (auto at = url.find('@'); at != std::string::npos) {
      auto scheme_end = url.find("://");
      auto colon = url.find(':', scheme_end == std::string::npos ? 0 : scheme_end + 3);
      if (colon != std::string::npos && colon < at) url.replace(colon + 1, at - colon - 1, "***");
    }
    return url;
  };
  out << masked(config.db_url) << "\"\nread_url = \"" << masked(config.db_read_url)
      << "\"\npool_size = " << config.db_pool_size
            << "\nbusy_timeout_ms = " << config.db_busy_timeout_ms
            << "\nsqlite_mmap_mib = " << config.db_sqlite_mmap_mib
            << "\n\n[auth]\nsession_ttl_minutes = " << config.session_ttl_minutes
            << "\nsession_cache_seconds = " << config.session_cache_seconds
            << "\notp_ttl_minutes = " << config.otp_ttl_minutes
            << "\nlogin_attempts_per_minute = " << config.login_attempts_per_minute
            << "\nlogin_failures_per_account = " << config.login_failures_per_account
            << "\notp_attempts_per_code = " << config.otp_attempts_per_code
            << "\notp_codes_per_15_minutes = " << config.otp_codes_per_15_minutes
            << "\notp_codes_per_day = " << config.otp_codes_per_day
            << "\notp_min_response_ms = " << config.otp_min_response_ms
            << "\npassword_cost = \""
            << config.password_cost << "\"\n\n[identity]\nverify_on_create = "
            << (config.verify_on_create ? "true" : "false") << "\n\n[certs]\nkey_dir = \""
            << config.key_dir << "\"\nrenew_days = " << config.cert_renew_days
            << "\nshc_issuer = \"" << config.shc_issuer << "\"\n\n[audit]\ncheckpoint_file = \""
            << config.audit_checkpoint_file
            << "\"\ncheckpoint_interval_seconds = " << config.audit_checkpoint_interval_seconds
            << "\n\n[corrections]\ndeadline_hours = " << config.corrections_deadline_hours
            << "\nrequests_per_day = " << config.corrections_requests_per_day
            << "\n\n[log]\nlevel = \""
            << config.log_level << "\"\n";
  return out.str();
}

}  // namespace vaxreg::app
