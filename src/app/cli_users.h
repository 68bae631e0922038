#pragma once
// Account lifecycle subcommands of `vaxreg user` (beside `user add` in cli.cc): disable,
// enable, set-password, set-role, sessions, revoke-sessions. Each change is audited with actor
// "cli" (accounts/account_admin.h). A running server stops accepting the sessions they end
// within auth.session_cache_seconds.

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>

#include "app/config.h"

namespace vaxreg::app {

// Option values of the user subcommands; owned by the caller until the action has run.
struct UserCliState;
using UserCliStatePtr = std::shared_ptr<UserCliState>;

// Adds the subcommands to the `user` command; the one the user picks stores its action in
// `action`. Exit codes: 0 success, 1 failed (e.g. no such user), 2 bad usage.
UserCliStatePtr AddUserLifecycleCommands(CLI::App& user, std::function<int(const Config&)>& action);

}  // namespace vaxreg::app
