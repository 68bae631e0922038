#pragma once
// Roles, the authenticated principal, and per-route access rules. Pure value types: no storage,
// no HTTP. Thread-compatible.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace vaxreg::auth {

enum class Role : uint8_t {
  kCitizen,
  kFacilityStaff,    // bound to one facility (Principal::facility_code)
  kHealthAuthority,  // bound to an administrative unit; sees everything below it
  kSigner,           // central signer (Department of Preventive Medicine)
  kAdmin,
};

inline constexpr Role kAllRoles[] = {Role::kCitizen, Role::kFacilityStaff, Role::kHealthAuthority,
                                     Role::kSigner, Role::kAdmin};

// "citizen", "facility_staff", "health_authority", "signer", "admin".
std::string_view RoleName(Role role);
// kInvalidArgument for an unknown name.
Result<Role> ParseRole(std::string_view name);

// Who is calling. Built by accounts::SessionService from a bearer token.
struct Principal {
  int64_t user_id = 0;
  std::string username;  // the CCCD for citizens
  Role role = Role::kCitizen;
  std::string facility_code;    // facility_staff only
  std::string admin_unit_code;  // health_authority only: "" national, 2 digits province,
                                // 3 district, 5 commune (GSO codes)

  // The audit actor string: "admin:alice", "citizen:001090000001".
  std::string ActorId() const;
};

// Every route declares one of these; the router refuses a route without one.
class AccessRule {
 public:
  // Anyone, without a token (health probes, login, public statistics).
  static AccessRule Public() { return AccessRule(true, {}); }
  // Any authenticated principal.
  static AccessRule AnyRole() {
    return AccessRule(false, {std::begin(kAllRoles), std::end(kAllRoles)});
  }
  static AccessRule Roles(std::initializer_list<Role> roles) { return AccessRule(false, roles); }

  bool is_public() const { return public_; }
  bool Allows(Role role) const;
  const std::vector<Role>& roles() const { return roles_; }
  // "public" or "admin,signer".
  std::string ToString() const;

 private:
  AccessRule(bool is_public, std::vector<Role> roles) : public_(is_public), roles_(std::move(roles)) {}
  bool public_;
  std::vector<Role> roles_;
};

// Whether an administrative unit `unit` lies within `jurisdiction` ("" = national). GSO codes
// nest by prefix only through the lookup table of the registry; here codes are compared as the
// caller passes them: province "01", district "001", commune "00001" must be resolved by the
// caller to a path "01/001/00001" for prefix checks. Returns true when `unit_path` starts with
// `jurisdiction_path` on a '/' boundary.
bool WithinJurisdiction(std::string_view jurisdiction_path, std::string_view unit_path);

}  // namespace vaxreg::auth
