#pragma once
// The backend a vaxreg_backend_test() binary runs against (see tests/CMakeLists.txt): PostgreSQL
// when its environment has VAXREG_TEST_BACKEND=postgres (CTest sets it for the NAME_pg tests of
// the binary), a temp-file SQLite database otherwise. One binary serves both, so each test source
// is compiled once.

#include <cstdlib>
#include <string_view>

#include "support/test_db.h"

namespace vaxreg::testing {

inline Backend BackendFromEnvironment() {
  const char* name = std::getenv("VAXREG_TEST_BACKEND");
  return name != nullptr && std::string_view(name) == "postgres" ? Backend::kPostgres
                                                                   : Backend::kSqlite;
}

inline const Backend kTestBackend = BackendFromEnvironment();

}  // namespace vaxreg::testing
