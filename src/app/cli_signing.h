#pragma once
// Facility signing and list export subcommands of the `vaxreg` CLI, kept apart from cli.cc:
//   vaxreg keys facility --facility CODE           new facility key + certificate (CSCA-issued)
//   vaxreg doses sign --facility CODE              sign every unsigned dose of the facility
//   vaxreg doses verify-signatures [--facility C]  re-check every batch and dose; exit 1 and
//                                                  name each dose changed after signing
//   vaxreg revocation-list export FILE             the signed revocation list, as served
// Key passphrase only from VAXREG_KEY_PASSPHRASE. Must be added after AddCertificateCommands
// (it extends the `keys` command).

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>

#include "app/config.h"

namespace vaxreg::app {

struct SigningCliState;
using SigningCliStatePtr = std::shared_ptr<SigningCliState>;

// Exit codes: 0 success, 1 the operation failed (or a signature problem was found), 2 bad usage.
SigningCliStatePtr AddSigningCommands(CLI::App& app, std::function<int(const Config&)>& action);

}  // namespace vaxreg::app
