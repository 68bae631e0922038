#pragma once
// Audit subcommands of the `vaxreg` CLI, kept apart from cli.cc:
//   vaxreg audit verify [--checkpoints FILE [--public-key KEY.pub]]
//       walk the hash chain; with checkpoints, also check every signed checkpoint in FILE
//       against it (rows deleted from the end, the chain rewritten, the table emptied)
//   vaxreg audit checkpoint
//       sign the current chain head with audit.checkpoint_key and append it to
//       audit.checkpoint_file (and the audit_checkpoints table the server publishes from)

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>

#include "app/config.h"

namespace vaxreg::app {

struct AuditCliState;
using AuditCliStatePtr = std::shared_ptr<AuditCliState>;

// Adds the subcommands to `audit_cmd`. Exit codes: 0 success, 1 the log (or a checkpoint) does
// not verify or the operation failed, 2 bad usage.
AuditCliStatePtr AddAuditCommands(CLI::App& audit_cmd, std::function<int(const Config&)>& action);

}  // namespace vaxreg::app
