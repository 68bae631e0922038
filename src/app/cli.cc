#include "app/cli.h"
#include "app/cli_common.h"

#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>

#include "accounts/user_store.h"
#include "app/cli_audit.h"
#include "app/cli_corrections.h"
#include "app/demo_certificates.h"
#include "app/demo_cleaning.h"
#include "app/demo_corrections.h"
#include "app/demo_register.h"
#include "app/demo_supply.h"
#include "app/cli_certs.h"
#include "app/cli_signing.h"
#include "app/cli_identity.h"
#include "app/cli_registry.h"
#include "app/cli_users.h"
#include "app/config.h"
#include "app/demo.h"
#include "app/demo_population.h"
#include "app/runtime.h"
#include "app/store.h"
#include "audit/audit_log.h"
#include "common/crypto_util.h"
#include "common/logging.h"
#include "storage/migrate.h"

namespace vaxreg::app {
namespace {

// Config sources collected while parsing; resolved once the subcommand is known.
struct ConfigSources {
  std::string config_file;
  std::map<std::string, std::string> overrides;
};

Result<Config> ResolveConfig(const ConfigSources& sources) {
  Config config;
  std::string file = sources.config_file;
  if (file.empty()) {
    if (const char* env = std::getenv("VAXREG_CONFIG")) file = env;
  }
  if (!file.empty()) RETURN_IF_ERROR(ApplyTomlFile(config, file));
  RETURN_IF_ERROR(ApplyEnvironment(config));
  RETURN_IF_ERROR(ApplyOverrides(config, sources.overrides));
  RETURN_IF_ERROR(ValidateConfig(config));
  return config;
}

// An option that overrides config key `key` when given.
void AddOverride(CLI::App* app, ConfigSources& sources, const std::string& flag,
                 const std::string& key, const std::string& help) {
  app->add_option_function<std::string>(
      flag, [&sources, key](const std::string& v) { sources.overrides[key] = v; },
      help + " (config " + key + ")");
}

int Serve(const Config& config, bool demo) {
  // Block the shutdown signals in every thread; this thread waits for them with sigwait.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  Config serve_config = config;
  serve_config.demo = demo;
  if (!demo) {
    // Demo passwords are printed in the README: a production server must not accept them.
    auto db = storage::OpenDatabase(config.db_url);
    if (!db.ok()) return Fail(db.status());
    auto migrated = storage::Migrate(**db);
    if (!migrated.ok()) return Fail(migrated.status());
    auto demo_accounts = DemoAccountsWithPublishedPasswords(**db);
    if (!demo_accounts.ok()) return Fail(demo_accounts.status());
    if (!demo_accounts->empty()) {
      std::string names;
      for (const std::string& n : *demo_accounts) names += (names.empty() ? "" : ", ") + n;
      return Fail(FailedPreconditionError(
                      "this database has demo accounts with their published passwords (" + names +
                      "); serve it with --demo, or disable them first with `vaxreg demo "
                      "disable-accounts`"),
                  kExitUsage);
    }
  }
  if (demo && !config.key_dir.empty()) {
    // The demo's signing keys are created on first use (DEMO ONLY passphrase, README).
    const char* pass = std::getenv("VAXREG_KEY_PASSPHRASE");
    if (pass == nullptr) {
      return Fail(InvalidArgumentError("certs.key_dir is set: give the key passphrase in "
                                       "VAXREG_KEY_PASSPHRASE"),
                  kExitUsage);
    }
    if (Status st = EnsureDemoKeys(config.key_dir, pass, SystemClock::Get()); !st.ok()) {
      return Fail(st);
    }
  }
  auto runtime = Runtime::Start(serve_config);
  if (!runtime.ok()) return Fail(runtime.status());
  const std::string base = (config.tls_cert_file.empty() ? "http://" : "https://") +
                           config.address + ":" + std::to_string((*runtime)->port());
  if (demo) {
    auto created = SeedDemoAccounts((*runtime)->db(), (*runtime)->writer(), SystemClock::Get(),
                                    AccountOptionsFromConfig(config).password_cost);
    if (!created.ok()) return Fail(created.status());
    auto facilities = SeedDemoFacilities((*runtime)->writer(), SystemClock::Get());
    if (!facilities.ok()) return Fail(facilities.status());
    auto requests = SeedDemoCorrections((*runtime)->db(), (*runtime)->writer(), SystemClock::Get(),
                                        config.corrections_photo_dir);
    if (!requests.ok()) return Fail(requests.status());
    auto cleaning = SeedDemoCleaning((*runtime)->db(), (*runtime)->writer(), SystemClock::Get());
    if (!cleaning.ok()) return Fail(cleaning.status());
    // Stock for the doses recorded since the last start (none are negative).
    auto supply = SeedDemoSupply((*runtime)->writer(), SystemClock::Get());
    if (!supply.ok()) return Fail(supply.status());
    if (!config.key_dir.empty()) {
      auto certificates =
          SeedDemoCertificates((*runtime)->db(), (*runtime)->writer(), SystemClock::Get(),
                               config.key_dir, std::getenv("VAXREG_KEY_PASSPHRASE"), 2000,
                               ShcIssuerUrl(serve_config));
      if (!certificates.ok()) return Fail(certificates.status());
    }
    std::cout << "\nvaxreg is running at " << base << "  (Ctrl-C stops it)\n\n"
              << DemoLoginHelp(base) << std::endl;
  }
  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("received {}", sig == SIGINT ? "SIGINT" : "SIGTERM");
  (*runtime)->Shutdown();
  return 0;
}

int DbMigrate(const Config& config) {
  auto db = storage::OpenDatabase(config.db_url);
  if (!db.ok()) return Fail(db.status());
  auto report = storage::Migrate(**db);
  if (!report.ok()) return Fail(report.status());
  std::cout << "database " << (*db)->DisplayUrl() << ": schema version " << report->from_version
            << " -> " << report->to_version << " (" << report->applied << " migration"
            << (report->applied == 1 ? "" : "s") << " applied)\n";
  return 0;
}

struct UserAddArgs {
  std::string username, role, facility, unit, display_name, phone;
  bool password_stdin = false;
};

int UserAdd(const Config& config, const UserAddArgs& a) {
  accounts::NewUser nu;
  nu.username = a.username;
  auto role = auth::ParseRole(a.role);
  if (!role.ok()) return Fail(role.status(), kExitUsage);
  nu.role = *role;
  nu.facility_code = a.facility;
  nu.admin_unit_code = a.unit;
  nu.display_name = a.display_name;
  nu.phone = a.phone;
  if (nu.role != auth::Role::kCitizen) {
    std::string password;
    if (a.password_stdin) {
      std::getline(std::cin, password);
    } else if (const char* env = std::getenv("VAXREG_PASSWORD")) {
      password = env;
    } else {
      return Fail(InvalidArgumentError(
                      "give the password on standard input with --password-stdin or in "
                      "VAXREG_PASSWORD (never as an argument: other users can read those)"),
                  kExitUsage);
    }
    auto hash = accounts::HashPassword(password, AccountOptionsFromConfig(config).password_cost);
    if (!hash.ok()) return Fail(hash.status(), kExitUsage);
    nu.password_hash = *hash;
  }
  if (Status st = accounts::ValidateNewUser(nu); !st.ok()) return Fail(st, kExitUsage);
  auto store = OpenStore(config);
  if (!store.ok()) return Fail(store.status());
  Result<accounts::User> created = InternalError("not run");
  Status st = store->writer->SubmitAndWait([&](storage::Connection& c) {
    created = accounts::CreateUser(c, SystemClock::Get(), nu, {"cli", ""});
    return created.status();
  });
  if (!st.ok()) return Fail(st);
  std::cout << "created user " << created->id << ": " << created->ToJson() << "\n";
  return 0;
}

int DemoSeed(const Config& config, int64_t people, uint64_t seed, bool with_doses,
             bool population_only, bool initial_load) {
  if (people > 0) {
    if (int rc = SeedDemoPopulation(config, people, seed, with_doses, initial_load); rc != 0) {
      return rc;
    }
  }
  if (population_only) return 0;
  auto store = OpenStore(config);
  if (!store.ok()) return Fail(store.status());
  auto created = SeedDemoAccounts(*store->db, *store->writer, SystemClock::Get(),
                                  AccountOptionsFromConfig(config).password_cost);
  if (!created.ok()) return Fail(created.status());
  std::cout << "demo accounts: " << *created << " created, "
            << DemoLogins().size() - static_cast<size_t>(*created) << " already present\n";
  auto facilities = SeedDemoFacilities(*store->writer, SystemClock::Get());
  if (!facilities.ok()) return Fail(facilities.status());
  auto registered = SeedDemoRegister(*store->db, *store->writer, SystemClock::Get(),
                                     std::filesystem::temp_directory_path());
  if (!registered.ok()) return Fail(registered.status());
  if (registered->register_rows > 0) {
    std::cout << "demo population register: " << registered->register_rows
              << " entries; records verified " << registered->verified << ", proposed corrections "
              << registered->proposed << ", not found " << registered->not_found << "\n";
  }
  auto requests = SeedDemoCorrections(*store->db, *store->writer, SystemClock::Get(),
                                      config.corrections_photo_dir);
  if (!requests.ok()) return Fail(requests.status());
  std::cout << "demo correction requests: " << *requests << " created\n";
  auto cleaning = SeedDemoCleaning(*store->db, *store->writer, SystemClock::Get());
  if (!cleaning.ok()) return Fail(cleaning.status());
  std::cout << "demo data cleaning: " << cleaning->rows_kept << " import rows kept for cleaning, "
            << cleaning->merge_proposals << " duplicate records proposed for merging\n";
  auto supply = SeedDemoSupply(*store->writer, SystemClock::Get());
  if (!supply.ok()) return Fail(supply.status());
  std::cout << "demo vaccine supply: " << supply->shipments << " shipments ("
            << supply->doses_shipped << " doses), " << supply->allocations << " allocations\n";
  if (!config.key_dir.empty()) {
    const char* pass = std::getenv("VAXREG_KEY_PASSPHRASE");
    if (pass == nullptr) {
      return Fail(InvalidArgumentError("certs.key_dir is set: give the key passphrase in "
                                       "VAXREG_KEY_PASSPHRASE"),
                  kExitUsage);
    }
    auto certificates = SeedDemoCertificates(*store->db, *store->writer, SystemClock::Get(),
                                             config.key_dir, pass, 2000, ShcIssuerUrl(config));
    if (!certificates.ok()) return Fail(certificates.status());
    std::cout << "demo certificates: " << certificates->doses_signed << " doses signed, "
              << certificates->certificates_issued << " certificates issued (keys in "
              << config.key_dir << ")\n";
  }
  return 0;
}

int DemoDisableAccounts(const Config& config) {
  auto store = OpenStore(config);
  if (!store.ok()) return Fail(store.status());
  auto disabled = DisableDemoAccounts(*store->db, *store->writer, SystemClock::Get());
  if (!disabled.ok()) return Fail(disabled.status());
  std::cout << "demo accounts: " << *disabled << " disabled\n";
  return 0;
}

int ConfigShow(const Config& config) {
  std::cout << EffectiveConfigToml(config);
  return 0;
}

std::string EnvironmentHelp() {
  std::string out = "Configuration keys (TOML table.key, environment variable):\n";
  for (const ConfigKey& k : ConfigKeys()) {
    out += "  " + k.key + std::string(k.key.size() < 26 ? 26 - k.key.size() : 1, ' ') + k.env +
           "  " + k.help + "\n";
  }
  out += "Precedence: defaults < --config file (or VAXREG_CONFIG) < environment < flags.\n";
  return out;
}

}  // namespace

int RunCli(int argc, char** argv) {
  InitCrypto();
  CLI::App app{"vaxreg: national vaccination registry and vaccine-certificate server"};
  app.footer(EnvironmentHelp());
  app.require_subcommand(1);
  ConfigSources sources;
  app.add_option("-c,--config", sources.config_file, "TOML configuration file");
  AddOverride(&app, sources, "--db", "database.url", "database URL: sqlite:PATH or postgresql://...");
  AddOverride(&app, sources, "--log-level", "log.level", "trace, debug, info, warn, error");

  std::function<int(const Config&)> action;

  CLI::App* serve = app.add_subcommand("serve", "run the HTTP API server");
  AddOverride(serve, sources, "--address", "server.address", "listen address");
  AddOverride(serve, sources, "-p,--port", "server.port", "listen port");
  AddOverride(serve, sources, "--threads", "server.threads", "I/O threads");
  AddOverride(serve, sources, "--web-root", "server.web_root", "serve static files from here");
  AddOverride(serve, sources, "--tls-cert", "server.tls_cert", "PEM certificate chain for HTTPS");
  AddOverride(serve, sources, "--tls-key", "server.tls_key", "PEM private key for HTTPS");
  bool demo = false;
  serve->add_flag("--demo", demo, "create the demo accounts and print how to log in as each role");
  serve->callback([&] { action = [&](const Config& c) { return Serve(c, demo); }; });

  CLI::App* db = app.add_subcommand("db", "database maintenance");
  db->require_subcommand(1);
  db->add_subcommand("migrate", "apply schema migrations (also done at server start)")
      ->callback([&] { action = DbMigrate; });

  CLI::App* user = app.add_subcommand("user", "manage accounts");
  user->require_subcommand(1);
  UserAddArgs ua;
  CLI::App* add = user->add_subcommand("add", "create an account");
  add->add_option("--username", ua.username, "login name (a citizen's 12-digit CCCD)")->required();
  add->add_option("--role", ua.role,
                  "citizen, facility_staff, health_authority, signer or admin")->required();
  add->add_option("--facility", ua.facility, "facility code (facility_staff)");
  add->add_option("--unit", ua.unit,
                  "administrative unit: VN, or a GSO province/district/commune code "
                  "(health_authority)");
  add->add_option("--display-name", ua.display_name, "name shown in the UI");
  add->add_option("--phone", ua.phone, "phone number for one-time codes (citizen)");
  add->add_flag("--password-stdin", ua.password_stdin,
                "read the password from standard input (else VAXREG_PASSWORD)");
  add->callback([&] { action = [&](const Config& c) { return UserAdd(c, ua); }; });
  UserCliStatePtr user_cli = AddUserLifecycleCommands(*user, action);

  CLI::App* audit_cmd = app.add_subcommand("audit", "audit log");
  audit_cmd->require_subcommand(1);
  AuditCliStatePtr audit_cli = AddAuditCommands(*audit_cmd, action);

  CLI::App* corrections_cmd =
      app.add_subcommand("corrections", "citizens' correction requests: queues, deadlines, figures");
  corrections_cmd->require_subcommand(1);
  CorrectionsCliStatePtr corrections_cli = AddCorrectionsCommands(*corrections_cmd, action);

  CLI::App* demo_cmd = app.add_subcommand("demo", "demonstration data");
  demo_cmd->require_subcommand(1);
  int64_t demo_people = 0;
  uint64_t demo_seed = 1;
  CLI::App* seed_cmd = demo_cmd->add_subcommand(
      "seed", "create the demo accounts (one per role), and with --people a synthetic population");
  seed_cmd->add_option("--people", demo_people,
                       "synthetic people with dose histories to add (and the demo facilities)");
  seed_cmd->add_option("--seed", demo_seed, "random seed of the synthetic population");
  bool demo_without_doses = false;
  seed_cmd->add_flag("--without-doses", demo_without_doses,
                     "synthetic people without dose histories (for benchmarks)");
  bool demo_initial_load = false;
  seed_cmd->add_flag("--initial-load", demo_initial_load,
                     "PostgreSQL, empty database: load the people in one transaction, with the "
                     "indexes and constraints of people and doses built again at the end (much "
                     "faster; other sessions wait until it commits)");
  bool demo_population_only = false;
  seed_cmd->add_flag("--population-only", demo_population_only,
                     "only the synthetic people and their facilities: no accounts, population "
                     "register, corrections, supply or certificates (bulk-load measurements)");
  seed_cmd->callback([&] {
    action = [&](const Config& c) {
      return DemoSeed(c, demo_people, demo_seed, !demo_without_doses, demo_population_only,
                      demo_initial_load);
    };
  });

  demo_cmd
      ->add_subcommand("disable-accounts",
                       "disable the demo accounts and end their sessions (a server started "
                       "without --demo refuses to run while they accept their published "
                       "passwords)")
      ->callback([&] { action = DemoDisableAccounts; });

  CLI::App* config_cmd = app.add_subcommand("config", "configuration");
  config_cmd->require_subcommand(1);
  config_cmd->add_subcommand("show", "print the effective configuration")
      ->callback([&] { action = ConfigShow; });

  CertificateCliStatePtr cert_cli = AddCertificateCommands(app, action);
  SigningCliStatePtr signing_cli = AddSigningCommands(app, action);

  IdentityCliStatePtr identity_cli = AddIdentityCommands(app, action);

  RegistryCliStatePtr registry_cli = AddRegistryCommands(app, action);

  app.add_subcommand("version", "print the version")->callback([&] {
    action = [](const Config&) {
      std::cout << "vaxreg " << VAXREG_VERSION << "\n";
      return 0;
    };
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : kExitUsage;
  }
  auto config = ResolveConfig(sources);
  if (!config.ok()) return Fail(config.status(), kExitUsage);
  InitLogging(config->log_level);
  return action(*config);
}

}  // namespace vaxreg::app
