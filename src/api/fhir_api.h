#pragma once
// FHIR R4 REST routes under /fhir (docs/fhir.md): the CapabilityStatement, Patient and
// Immunization read and search, and $generateHealthCertificate (a WHO DDCC:VS document of the
// person's current certificate). Every answer is application/fhir+json; every error an
// OperationOutcome. Access is the /api/v1 rule for the same data: citizens reach only their own
// record, area-bound staff only people of their area.

#include <boost/json/object.hpp>

#include "api/services.h"
#include "http/router.h"

namespace vaxreg::api {

void RegisterFhirRoutes(http::Router& router, ApiServices& s);

// Replies shared by the FHIR routes (also $health-cards-issue in shc_api.cc).
http::Response FhirResponse(const boost::json::object& resource, const http::Request& req);
// The HTTP status of `st` (422 for a rule the request breaks: kFailedPrecondition) with an
// OperationOutcome body.
http::Response FhirError(const Status& st, const http::Request& req);

}  // namespace vaxreg::api
