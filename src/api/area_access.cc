#include "api/area_access.h"

#include <string>

#include "geo/admin_units.h"

namespace vaxreg::api {
namespace {

// "" and "VN" are national: no bound.
bool IsNational(const auth::Principal& who) {
  return who.admin_unit_code.empty() || who.admin_unit_code == "VN";
}

}  // namespace

Status CheckMayAccessPerson(const auth::Principal& who, const registry::Person& p) {
  switch (who.role) {
    case auth::Role::kCitizen:
      if (!p.cccd.empty() && p.cccd == who.username) return Status::Ok();
      // The same answer as for a record that does not exist: a citizen cannot probe which
      // ids or numbers belong to someone.
      return NotFoundError(std::string(kNoSuchRecord));
    case auth::Role::kHealthAuthority: {
      if (IsNational(who)) return Status::Ok();
      const std::string& unit = !p.commune_code.empty()    ? p.commune_code
                                : !p.district_code.empty() ? p.district_code
                                                           : p.province_code;
      // A record without an address belongs to no area yet; authorities may complete it.
      if (unit.empty() || geo::AdminUnits::Get().Contains(who.admin_unit_code, unit)) {
        return Status::Ok();
      }
      return PermissionDeniedError("the person lives outside your area " + who.admin_unit_code);
    }
    default:
      return Status::Ok();
  }
}

Status CheckUnitInArea(const auth::Principal& who, std::string_view unit_code,
                       std::string_view what) {
  if (who.role != auth::Role::kHealthAuthority || IsNational(who)) return Status::Ok();
  if (!unit_code.empty() && geo::AdminUnits::Get().Contains(who.admin_unit_code, unit_code)) {
    return Status::Ok();
  }
  return PermissionDeniedError(std::string(what) + " is outside your area " + who.admin_unit_code);
}

}  // namespace vaxreg::api
