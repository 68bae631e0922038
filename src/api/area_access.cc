#include "api/area_access.h"

#include <string>

#include "accounts/citizen_record.h"
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
      // The same answer as for a record that does not exist: a citizen cannot probe which
      // ids or numbers belong to someone. Their own record is reached through the overload
      // that reads what they may see.
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

Status CheckMayAccessPerson(storage::Connection& conn, const auth::Principal& who,
                            const registry::Person& p) {
  if (who.role != auth::Role::kCitizen) return CheckMayAccessPerson(who, p);
  ASSIGN_OR_RETURN(std::optional<int64_t> mine, CitizenPersonId(conn, who));
  if (mine && *mine == p.id) return Status::Ok();
  return NotFoundError(std::string(kNoSuchRecord));
}

Status PersonNotFound(const auth::Principal& who, int64_t id) {
  if (who.role == auth::Role::kCitizen) return NotFoundError(std::string(kNoSuchRecord));
  return NotFoundError("no person with id " + std::to_string(id));
}

Result<std::optional<int64_t>> CitizenPersonId(storage::Connection& conn,
                                               const auth::Principal& who) {
  if (who.role != auth::Role::kCitizen) return std::optional<int64_t>();
  Result<accounts::CitizenIdentity> identity = accounts::CitizenIdentityOf(conn, who.user_id);
  if (identity.status().code() == StatusCode::kNotFound) return std::optional<int64_t>();
  if (!identity.ok()) return identity.status();
  return accounts::FindCitizenPersonId(conn, *identity);
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
