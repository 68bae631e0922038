#pragma once
// JSON <-> registry types shared by the registry's API files, and the helpers they have in
// common. kInvalidArgument names the field at fault.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "api/services.h"
#include "http/types.h"
#include "registry/dose.h"
#include "registry/dose_service.h"
#include "registry/person.h"

namespace vaxreg::api {

// {"cccd","cmnd","passport","full_name","dob","sex","phone","province_code","district_code",
//  "commune_code"}; full_name, dob and sex are required.
Result<registry::NewPerson> NewPersonFromJson(const boost::json::object& body);

// {"person_id","vaccine","lot","dose_number","administered_at" (ISO 8601),"facility_code",
//  "vaccinator","idempotency_key","override_reason"}. The Idempotency-Key header, when given,
// is used if the body has no key.
Result<registry::NewDose> NewDoseFromJson(const boost::json::object& body);

// The caller's write permissions for doses.
registry::DoseWriter DoseWriterFor(const http::RequestContext& ctx);

// Staff record for their own facility: `facility_code` is filled in when empty and another one
// is refused (kPermissionDenied). Other roles write for any facility.
Status ApplyStaffFacility(const auth::Principal& who, std::string& facility_code);

// A JSON text produced by the registry, as a response.
http::Response RawJsonResponse(boost::beast::http::status status, const std::string& json,
                               const http::Request& req);

// The error object of a refused item of a batch or CSV answer, in the reader's language
// (http::ErrorObject).
boost::json::object ItemError(const Status& st, const http::Request& req);

}  // namespace vaxreg::api
