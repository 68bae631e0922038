#pragma once
// Identity-verification subcommands of the `vaxreg` CLI: `identity match` (the whole pipeline
// from files), `import population`, `identity verify`, `identity export`, `identity duplicates`
// (merge proposals for duplicate person records). Kept apart from cli.cc.

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>

#include "app/config.h"

namespace vaxreg::app {

// Option values of the identity subcommands; owned by the caller until the action has run.
struct IdentityCliState;
using IdentityCliStatePtr = std::shared_ptr<IdentityCliState>;

// Adds the subcommands to `app` (reusing an existing `import` command if there is one); the one
// the user picks stores its action in `action`. Exit codes: 0 success, 1 failed, 2 bad usage.
IdentityCliStatePtr AddIdentityCommands(CLI::App& app, std::function<int(const Config&)>& action);

}  // namespace vaxreg::app
