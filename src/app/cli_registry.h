#pragma once
// Registry subcommands of the `vaxreg` CLI, kept apart from cli.cc:
//   vaxreg import doses FILE [--errors FILE] [--no-verify]
//                                              people-with-doses CSV; per-row error report,
//                                              good rows kept, progress on stderr; then the
//                                              people it created are verified against the
//                                              population register (when there is one)
// and the synthetic population behind `vaxreg demo seed --people N --seed S`.

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>

#include "app/config.h"

namespace vaxreg::app {

struct RegistryCliState;
using RegistryCliStatePtr = std::shared_ptr<RegistryCliState>;

// Adds `import doses` (reusing an existing `import` command). Exit codes: 0 every row recorded,
// 1 some rows refused (the good ones are kept) or the import failed, 2 bad usage.
RegistryCliStatePtr AddRegistryCommands(CLI::App& app, std::function<int(const Config&)>& action);

// `demo seed --people N`: demo facilities plus N synthetic people with dose histories.
int SeedDemoPopulation(const Config& config, int64_t people, uint64_t seed, bool with_doses,
                       bool initial_load = false);

}  // namespace vaxreg::app
