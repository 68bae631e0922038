#include "api/routes.h"

#include "api/fhir_api.h"
#include "api/read_fence.h"
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
  // Registered into a staging table first so that every route that may write gets the read
  // fence of read_fence.h in one place, whichever file declares it.
  http::Router staged;
  RegisterHealthRoutes(staged, services);
  RegisterAreaRoutes(staged, services);
  RegisterAuthRoutes(staged, services);
  RegisterUserRoutes(staged, services);
  RegisterAuditRoutes(staged, services);
  RegisterAdminRoutes(staged, services);
  RegisterCertificateRoutes(staged, services);
  RegisterCertificateDeskRoutes(staged, services);
  RegisterShcRoutes(staged, services);
  RegisterFhirRoutes(staged, services);
  RegisterDoseSigningRoutes(staged, services);
  RegisterFacilityRoutes(staged, services);
  RegisterPeopleRoutes(staged, services);
  RegisterAreaPeopleRoutes(staged, services);
  RegisterDoseRoutes(staged, services);
  RegisterFacilityDayRoutes(staged, services);
  RegisterQuarantineRoutes(staged, services);
  RegisterCheckInRoutes(staged, services);
  RegisterStatsRoutes(staged, services);
  RegisterOperationsRoutes(staged, services);
  RegisterSupplyRoutes(staged, services);
  RegisterIdentityRoutes(staged, services);
  RegisterCorrectionRoutes(staged, services);
  for (http::Route route : staged.routes()) {
    const bool may_write = route.method != http::beast::http::verb::get &&
                           route.method != http::beast::http::verb::head;
    if (may_write) route.handler = WithWriteFence(std::move(route.handler), services);
    router.Add(std::move(route));
  }
  if (!web_root.empty()) router.Add(http::StaticFilesRoute(web_root));
}

std::unique_ptr<http::Authenticator> MakeSessionAuthenticator(accounts::AccountService& accounts) {
  return std::make_unique<SessionAuthenticator>(accounts);
}

}  // namespace vaxreg::api
