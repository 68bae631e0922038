#pragma once
// What every CLI subcommand shares: exit codes and how a failure is reported.

#include <iostream>

#include "common/status.h"

namespace vaxreg::app {

// 0 success; 1 the operation failed; 2 bad usage or configuration.
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

// Prints "vaxreg: MESSAGE [FIELD]" on stderr and returns `code`.
inline int Fail(const Status& st, int code = kExitFailed) {
  std::cerr << "vaxreg: " << st.message();
  if (!st.field().empty()) std::cerr << " [" << st.field() << "]";
  std::cerr << "\n";
  return code;
}

}  // namespace vaxreg::app
