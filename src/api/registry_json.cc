#include "api/registry_json.h"

#include <boost/json.hpp>

#include "http/json.h"

namespace vaxreg::api {
namespace {

Status FirstError(std::initializer_list<Status> statuses) {
  for (const Status& s : statuses) {
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

Result<registry::NewPerson> NewPersonFromJson(const boost::json::object& body) {
  registry::NewPerson p;
  auto full_name = http::RequireString(body, "full_name");
  auto dob = http::RequireString(body, "dob");
  auto sex = http::RequireString(body, "sex");
  auto cccd = http::OptionalString(body, "cccd");
  auto cmnd = http::OptionalString(body, "cmnd");
  auto passport = http::OptionalString(body, "passport");
  auto phone = http::OptionalString(body, "phone");
  auto province = http::OptionalString(body, "province_code");
  auto district = http::OptionalString(body, "district_code");
  auto commune = http::OptionalString(body, "commune_code");
  RETURN_IF_ERROR(FirstError({full_name.status(), dob.status(), sex.status(), cccd.status(),
                              cmnd.status(), passport.status(), phone.status(), province.status(),
                              district.status(), commune.status()}));
  p.full_name = *full_name;
  p.dob = *dob;
  p.sex = *sex;
  p.cccd = cccd->value_or("");
  p.cmnd = cmnd->value_or("");
  p.passport = passport->value_or("");
  p.phone = phone->value_or("");
  p.province_code = province->value_or("");
  p.district_code = district->value_or("");
  p.commune_code = commune->value_or("");
  return p;
}

Result<registry::NewDose> NewDoseFromJson(const boost::json::object& body) {
  registry::NewDose d;
  auto person = http::RequireInt(body, "person_id");
  auto vaccine = http::RequireString(body, "vaccine");
  auto number = http::RequireInt(body, "dose_number");
  auto at = http::RequireString(body, "administered_at");
  auto lot = http::OptionalString(body, "lot");
  auto facility = http::OptionalString(body, "facility_code");
  auto vaccinator = http::OptionalString(body, "vaccinator");
  auto key = http::OptionalString(body, "idempotency_key");
  auto override_reason = http::OptionalString(body, "override_reason");
  RETURN_IF_ERROR(FirstError({person.status(), vaccine.status(), number.status(), at.status(),
                              lot.status(), facility.status(), vaccinator.status(), key.status(),
                              override_reason.status()}));
  SystemTime when;
  if (!ParseIso8601(*at, &when)) {
    return InvalidArgumentError("administered_at must be an ISO 8601 date-time",
                                "administered_at");
  }
  if (*number < 1 || *number > 20) {
    return InvalidArgumentError("dose_number must be 1-20", "dose_number");
  }
  d.person_id = *person;
  d.vaccine_code = *vaccine;
  d.dose_number = static_cast<int>(*number);
  d.administered_at = ToUnixSeconds(when);
  d.lot = lot->value_or("");
  d.facility_code = facility->value_or("");
  d.vaccinator = vaccinator->value_or("");
  d.idempotency_key = key->value_or("");
  d.override_reason = override_reason->value_or("");
  return d;
}

registry::DoseWriter DoseWriterFor(const http::RequestContext& ctx) {
  return registry::DoseWriter::ForPrincipal(*ctx.principal, ctx.request_id);
}

Status ApplyStaffFacility(const auth::Principal& who, std::string& facility_code) {
  if (who.role != auth::Role::kFacilityStaff) return Status::Ok();
  if (facility_code.empty()) facility_code = who.facility_code;
  if (facility_code != who.facility_code) {
    return PermissionDeniedError("staff of facility " + who.facility_code +
                                 " may not write doses for facility " + facility_code);
  }
  return Status::Ok();
}

http::Response RawJsonResponse(boost::beast::http::status status, const std::string& json,
                               const http::Request& req) {
  return http::JsonResponse(status, boost::json::parse(json), req);
}

boost::json::object ItemError(const Status& st, const http::Request& req) {
  return http::ErrorObject(st, req);
}

}  // namespace vaxreg::api
