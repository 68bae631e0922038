#pragma once
// Correction-request subcommands of the `vaxreg` CLI, for operators:
//   vaxreg corrections list [--unit U] [--status S] [--overdue] [--limit N]
//       requests by deadline: assigned to a unit (facility, GSO code or VN), or all open ones
//   vaxreg corrections sweep
//       escalate every open request past its deadline now (what the server does every
//       corrections.sweep_interval_seconds), and send today's digest if it is due
//   vaxreg corrections stats [--area A] [--by province|district|commune|facility]
//       received, decided within the deadline, overdue and escalated, by unit

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>

#include "app/config.h"

namespace vaxreg::app {

struct CorrectionsCliState;
using CorrectionsCliStatePtr = std::shared_ptr<CorrectionsCliState>;

// Adds the subcommands to `cmd`. Exit codes: 0 success, 1 failure, 2 bad usage.
CorrectionsCliStatePtr AddCorrectionsCommands(CLI::App& cmd,
                                              std::function<int(const Config&)>& action);

}  // namespace vaxreg::app
