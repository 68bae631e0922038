#pragma once
// Certificate subcommands of the `vaxreg` CLI (conformance runner, keys, issuing, verifying,
// trust-list and revocation-list export). Kept apart from cli.cc so the certificate commands do
// not grow the general CLI file.

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>

#include "app/config.h"

namespace vaxreg::app {

// Option values of the certificate subcommands; owned by the caller of
// AddCertificateCommands until the chosen action has run.
struct CertificateCliState;

struct CertificateCliStateDeleter {
  void operator()(CertificateCliState* s) const;
};
using CertificateCliStatePtr = std::unique_ptr<CertificateCliState, CertificateCliStateDeleter>;

// Adds the subcommands to `app`; the one the user picks stores its action in `action`. The
// actions return the process exit code (0 success, 1 failed, 2 bad usage).
CertificateCliStatePtr AddCertificateCommands(CLI::App& app,
                                              std::function<int(const Config&)>& action);

}  // namespace vaxreg::app
