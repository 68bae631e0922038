#include "app/cli_users.h"
#include "app/cli_common.h"

#include <iostream>

#include "accounts/account_admin.h"
#include "accounts/password.h"
#include "app/runtime.h"
#include "app/store.h"
#include "common/clock.h"

namespace vaxreg::app {

struct UserCliState {
  std::string username, reason, role, facility, unit, session_id;
  bool password_stdin = false;
};

namespace {

const accounts::Actor kCliActor{"cli", ""};

// Opens the store and finds the account by username.
Result<accounts::User> FindAccount(Store& store, const std::string& username) {
  ASSIGN_OR_RETURN(auto conn, store.db->Acquire());
  ASSIGN_OR_RETURN(std::optional<accounts::User> user,
                   accounts::FindUserByUsername(*conn, username));
  if (!user) return NotFoundError("no user '" + username + "'");
  return *std::move(user);
}

// Runs `change` (a writer function returning the changed account) on the account named in `s`
// and prints the account afterwards.
int ChangeAccount(
    const Config& config, const UserCliState& s,
    const std::function<Result<accounts::User>(storage::Connection&, int64_t)>& change) {
  auto store = OpenStore(config);
  if (!store.ok()) return Fail(store.status());
  auto user = FindAccount(*store, s.username);
  if (!user.ok()) return Fail(user.status());
  Result<accounts::User> changed = InternalError("not run");
  Status st = store->writer->SubmitAndWait([&](storage::Connection& c) {
    changed = change(c, user->id);
    return changed.status();
  });
  if (!st.ok()) return Fail(st);
  std::cout << "user " << changed->id << ": " << changed->ToJson() << "\n";
  return 0;
}

int Disable(const Config& config, const UserCliState& s, bool disabled) {
  return ChangeAccount(config, s, [&](storage::Connection& c, int64_t id) {
    return accounts::SetUserDisabled(c, SystemClock::Get(), id, disabled, s.reason, kCliActor);
  });
}

int SetPassword(const Config& config, const UserCliState& s) {
  std::string password;
  if (s.password_stdin) {
    std::getline(std::cin, password);
  } else if (const char* env = std::getenv("VAXREG_PASSWORD")) {
    password = env;
  } else {
    return Fail(
        InvalidArgumentError("give the password on standard input with --password-stdin or in "
                             "VAXREG_PASSWORD (never as an argument: other users can read those)"),
        kExitUsage);
  }
  auto hash = accounts::HashPassword(password, AccountOptionsFromConfig(config).password_cost);
  if (!hash.ok()) return Fail(hash.status(), kExitUsage);
  return ChangeAccount(config, s, [&](storage::Connection& c, int64_t id) {
    return accounts::SetUserPassword(c, SystemClock::Get(), id, *hash, kCliActor);
  });
}

int SetRole(const Config& config, const UserCliState& s) {
  auto role = auth::ParseRole(s.role);
  if (!role.ok()) return Fail(role.status(), kExitUsage);
  const accounts::Binding binding{*role, s.facility, s.unit};
  return ChangeAccount(config, s, [&](storage::Connection& c, int64_t id) {
    return accounts::SetUserBinding(c, SystemClock::Get(), id, binding, kCliActor);
  });
}

int Sessions(const Config& config, const UserCliState& s) {
  auto store = OpenStore(config);
  if (!store.ok()) return Fail(store.status());
  auto user = FindAccount(*store, s.username);
  if (!user.ok()) return Fail(user.status());
  auto conn = store->db->Acquire();
  if (!conn.ok()) return Fail(conn.status());
  auto sessions =
      accounts::ListActiveSessions(**conn, user->id, ToUnixSeconds(SystemClock::Get().Now()));
  if (!sessions.ok()) return Fail(sessions.status());
  std::cout << "id                created_at  expires_at\n";
  for (const auto& session : *sessions) {
    std::cout << session.id << "  " << session.created_at << "  " << session.expires_at << "\n";
  }
  std::cout << sessions->size() << " active session" << (sessions->size() == 1 ? "" : "s") << "\n";
  return 0;
}

int RevokeSessions(const Config& config, const UserCliState& s) {
  auto store = OpenStore(config);
  if (!store.ok()) return Fail(store.status());
  auto user = FindAccount(*store, s.username);
  if (!user.ok()) return Fail(user.status());
  Result<int64_t> revoked = InternalError("not run");
  Status st = store->writer->SubmitAndWait([&](storage::Connection& c) {
    revoked =
        accounts::RevokeUserSessions(c, SystemClock::Get(), user->id, s.session_id, kCliActor);
    return revoked.status();
  });
  if (!st.ok()) return Fail(st);
  std::cout << "revoked " << *revoked << " session" << (*revoked == 1 ? "" : "s") << "\n";
  return 0;
}

CLI::App* WithUsername(CLI::App* cmd, UserCliState& s) {
  cmd->add_option("--username", s.username, "the account's login name")->required();
  return cmd;
}

}  // namespace

UserCliStatePtr AddUserLifecycleCommands(CLI::App& user,
                                         std::function<int(const Config&)>& action) {
  auto state = std::make_shared<UserCliState>();
  UserCliState& s = *state;
  UserCliState* st = state.get();
  std::function<int(const Config&)>* out = &action;

  CLI::App* disable =
      WithUsername(user.add_subcommand("disable", "disable an account and end its sessions"), s);
  disable->add_option("--reason", s.reason, "why (kept in the audit log)");
  disable->callback([st, out] { *out = [st](const Config& c) { return Disable(c, *st, true); }; });

  CLI::App* enable = WithUsername(user.add_subcommand("enable", "enable a disabled account"), s);
  enable->callback([st, out] { *out = [st](const Config& c) { return Disable(c, *st, false); }; });

  CLI::App* password = WithUsername(
      user.add_subcommand("set-password", "set a new password and end the account's sessions"), s);
  password->add_flag("--password-stdin", s.password_stdin,
                     "read the password from standard input (else VAXREG_PASSWORD)");
  password->callback([st, out] { *out = [st](const Config& c) { return SetPassword(c, *st); }; });

  CLI::App* role = WithUsername(
      user.add_subcommand("set-role", "change the role or binding and end the account's sessions"),
      s);
  role->add_option("--role", s.role, "facility_staff, health_authority, signer or admin")
      ->required();
  role->add_option("--facility", s.facility, "facility code (facility_staff)");
  role->add_option("--unit", s.unit,
                   "administrative unit: VN, or a GSO province/district/commune code "
                   "(health_authority)");
  role->callback([st, out] { *out = [st](const Config& c) { return SetRole(c, *st); }; });

  CLI::App* sessions =
      WithUsername(user.add_subcommand("sessions", "list the account's active sessions"), s);
  sessions->callback([st, out] { *out = [st](const Config& c) { return Sessions(c, *st); }; });

  CLI::App* revoke = WithUsername(
      user.add_subcommand("revoke-sessions", "end the account's sessions (or one of them)"), s);
  revoke->add_option("--session", s.session_id, "only this session id (from `user sessions`)");
  revoke->callback([st, out] { *out = [st](const Config& c) { return RevokeSessions(c, *st); }; });

  return state;
}

}  // namespace vaxreg::app
