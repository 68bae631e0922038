#include "auth/role.h"

#include <algorithm>

namespace vaxreg::auth {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kCitizen: return "citizen";
    case Role::kFacilityStaff: return "facility_staff";
    case Role::kHealthAuthority: return "health_authority";
    case Role::kSigner: return "signer";
    case Role::kAdmin: return "admin";
  }
  CHECK(false && "unknown role");
}

Result<Role> ParseRole(std::string_view name) {
  for (Role r : kAllRoles) {
    if (RoleName(r) == name) return r;
  }
  return InvalidArgumentError(
      "unknown role '" + std::string(name) +
          "'; expected citizen, facility_staff, health_authority, signer or admin",
      "role");
}

std::string Principal::ActorId() const {
  return std::string(RoleName(role)) + ":" + username;
}

bool AccessRule::Allows(Role role) const {
  return public_ || std::find(roles_.begin(), roles_.end(), role) != roles_.end();
}

std::string AccessRule::ToString() const {
  if (public_) return "public";
  std::string out;
  for (Role r : roles_) {
    if (!out.empty()) out += ",";
    out += RoleName(r);
  }
  return out;
}

bool WithinJurisdiction(std::string_view jurisdiction_path, std::string_view unit_path) {
  if (jurisdiction_path.empty()) return true;
  if (unit_path.size() < jurisdiction_path.size()) return false;
  if (unit_path.substr(0, jurisdiction_path.size()) != jurisdiction_path) return false;
  return unit_path.size() == jurisdiction_path.size() || unit_path[jurisdiction_path.size()] == '/';
}

}  // namespace vaxreg::auth
