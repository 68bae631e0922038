#pragma once
// The backend a vaxreg_backend_test() binary runs against (see tests/CMakeLists.txt).

#include "support/test_db.h"

namespace vaxreg::testing {
#if defined(VAXREG_TEST_BACKEND_POSTGRES)
inline constexpr Backend kTestBackend = Backend::kPostgres;
#else
inline constexpr Backend kTestBackend = Backend::kSqlite;
#endif
}  // namespace vaxreg::testing
