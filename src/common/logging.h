#pragma once
// Process-wide logging over spdlog. Logs go to stderr as one line per event; the access log is
// a separate logger ("access") so operators can route it. Never log secrets: passwords, tokens,
// one-time codes (except through the demo outbox notifier, which exists to show them), keys.

#include <spdlog/spdlog.h>

#include <string_view>

namespace vaxreg {

// level: trace, debug, info, warn, error. Safe to call more than once.
void InitLogging(std::string_view level);
spdlog::logger& AccessLog();

}  // namespace vaxreg
