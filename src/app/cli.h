#pragma once
// The `vaxreg` command line: subcommands over one Config (see config.h for precedence).

namespace vaxreg::app {

// Parses argv, runs the chosen subcommand and returns the process exit code:
// 0 success, 1 the operation failed (e.g. audit chain broken), 2 bad usage or configuration.
int RunCli(int argc, char** argv);

}  // namespace vaxreg::app
