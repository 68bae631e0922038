#pragma once
// Registers every API route. Each resource lives in its own file (health_api.cc, auth_api.cc,
// users_api.cc, audit_api.cc) and declares who may call each route.

#include <filesystem>
#include <memory>

#include "api/services.h"
#include "http/authenticator.h"
#include "http/router.h"

namespace vaxreg::api {

void RegisterHealthRoutes(http::Router& router, ApiServices& services);
void RegisterAreaRoutes(http::Router& router, ApiServices& services);
void RegisterAuthRoutes(http::Router& router, ApiServices& services);
void RegisterUserRoutes(http::Router& router, ApiServices& services);
void RegisterAuditRoutes(http::Router& router, ApiServices& services);
// The administrator's read-only status: version, configuration, keys, accounts (admin_api.cc).
void RegisterAdminRoutes(http::Router& router, ApiServices& services);
// Certificates, QR codes, trust and revocation lists, verification (certificates_api.cc).
void RegisterCertificateRoutes(http::Router& router, ApiServices& services);
// The central signer's desk: certificate list, people awaiting one, bulk issue, revocation,
// signing status (certificate_desk_api.cc).
void RegisterCertificateDeskRoutes(http::Router& router, ApiServices& services);
// SMART Health Cards: /.well-known key set and revocation lists, the citizen's card, FHIR
// $health-cards-issue (shc_api.cc).
void RegisterShcRoutes(http::Router& router, ApiServices& services);
// Facilities signing their dose records (dose_signing_api.cc).
void RegisterDoseSigningRoutes(http::Router& router, ApiServices& services);
// The registry: facilities_api.cc (and vaccines), people_api.cc, doses_api.cc, checkin_api.cc
// (registrations and check-in), stats_api.cc (public statistics), supply_api.cc (shipments,
// allocations).
void RegisterFacilityRoutes(http::Router& router, ApiServices& services);
void RegisterPeopleRoutes(http::Router& router, ApiServices& services);
void RegisterDoseRoutes(http::Router& router, ApiServices& services);
// People of an area not vaccinated or overdue, as JSON or CSV (area_people_api.cc).
void RegisterAreaPeopleRoutes(http::Router& router, ApiServices& services);
// A facility's working day: bookings with search, doses given or recorded, tally, stock and
// lots in use (facility_day_api.cc).
void RegisterFacilityDayRoutes(http::Router& router, ApiServices& services);
// The cleaning queue of import rows that failed a check (quarantine_api.cc).
void RegisterQuarantineRoutes(http::Router& router, ApiServices& services);
void RegisterCheckInRoutes(http::Router& router, ApiServices& services);
void RegisterStatsRoutes(http::Router& router, ApiServices& services);
void RegisterSupplyRoutes(http::Router& router, ApiServices& services);
// The response centre's figures per hour and the facilities silent today (operations_api.cc).
void RegisterOperationsRoutes(http::Router& router, ApiServices& services);
// Identity review queue and data-quality report (identity_api.cc).
void RegisterIdentityRoutes(http::Router& router, ApiServices& services);

// Citizens' correction requests and self-declared doses, handlers' queues and decisions, photo
// uploads, handling reports (corrections_api.cc).
void RegisterCorrectionRoutes(http::Router& router, ApiServices& services);

// All of the above, plus static files from `web_root` when it is not empty.
void RegisterAllRoutes(http::Router& router, ApiServices& services,
                       const std::filesystem::path& web_root);

// Authenticates bearer tokens through the AccountService.
std::unique_ptr<http::Authenticator> MakeSessionAuthenticator(accounts::AccountService& accounts);

}  // namespace vaxreg::api
