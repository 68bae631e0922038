#include "api/routes.h"

#include "api/fhir_api.h"
#include "http/static_files.h"

namespace vaxreg::api {
namespace {

class SessionAuthenticator final : public http::Authenticator {
 public:
  explicit SessionAuthenticator(accounts::AccountService& accounts) : accounts_(accounts) {}
  Result<auth::Principal> Authenticate(std::string_view token) override {
    return accounts_.Authenticate(token);
  }

 private:
  accounts::AccountService& accounts_;
};

}  // namespace

void RegisterAllRoutes(http::Router& router, ApiServices& services,
                       const std::filesystem::path& web_root) {
  RegisterHealthRoutes(router, services);
  RegisterAreaRoutes(router, services);
  RegisterAuthRoutes(router, services);
  RegisterUserRoutes(router, services);
  RegisterAuditRoutes(router, services);
  RegisterAdminRoutes(router, services);
  RegisterCertificateRoutes(router, services);
  RegisterCertificateDeskRoutes(router, services);
  RegisterShcRoutes(router, services);
  RegisterFhirRoutes(router, services);
  RegisterDoseSigningRoutes(router, services);
  RegisterFacilityRoutes(router, services);
  RegisterPeopleRoutes(router, services);
  RegisterAreaPeopleRoutes(router, services);
  RegisterDoseRoutes(router, services);
  RegisterFacilityDayRoutes(router, services);
  RegisterQuarantineRoutes(router, services);
  RegisterCheckInRoutes(router, services);
  RegisterStatsRoutes(router, services);
  RegisterOperationsRoutes(router, services);
  RegisterSupplyRoutes(router, services);
  RegisterIdentityRoutes(router, services);
  RegisterCorrectionRoutes(router, services);
  if (!web_root.empty()) router.Add(http::StaticFilesRoute(web_root));
}

std::unique_ptr<http::Authenticator> MakeSessionAuthenticator(accounts::AccountService& accounts) {
  return std::make_unique<SessionAuthenticator>(accounts);
}

}  // namespace vaxreg::api
