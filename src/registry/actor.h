#pragma once
// Who is writing, for audit rows and the recorded_by / created_by columns. Plain value type.

#include <string>

namespace vaxreg::registry {

struct Actor {
  std::string id;          // audit actor: "facility_staff:lan", "system:import", ...
  std::string request_id;  // "" outside HTTP
};

}  // namespace vaxreg::registry
