#pragma once
// Process-wide logging over spdlog. Logs go to stderr as one line per event; the access log is
// a separate logger ("access") so operators can route it. Never log secrets: passwords, tokens,
// one-time codes (except through the demo outbox notifier, which exists to show them), keys.

#include <spdlog/spdlog.h>

#include <string_view>

namespace vaxreg {

// level: trace, debug, info, warn, error. Safe to call more than once.
void InitLogging(std::string_view level);
// One line per HTTP request, to stderr. Lines are buffered (up to 64 KiB) and written at least
// every second, at exit and by FlushLogs(): a write per request would cost a system call and a
// lock hand-off between I/O threads on every request, more than a small request itself.
spdlog::logger& AccessLog();
// Writes buffered log lines now (call before exiting on purpose; ordinary exit also flushes).
void FlushLogs();

}  // namespace vaxreg
