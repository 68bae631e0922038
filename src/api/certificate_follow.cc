#include "api/certificate_follow.h"

#include <spdlog/spdlog.h>

#include <boost/json/object.hpp>

#include "certs/service/certificate_authority.h"

namespace vaxreg::api {

boost::json::array FollowCertificates(ApiServices& s, const std::vector<std::string>& facilities,
                                      const std::vector<int64_t>& people, bool identity_changed,
                                      const registry::Actor& actor) {
  boost::json::array issued;
  if (s.certificates == nullptr || !s.certificates->can_issue()) return issued;
  for (const std::string& facility : facilities) {
    if (facility.empty()) continue;
    auto signed_batch = s.certificates->SignFacilityDoses(facility, 20000, actor);
    if (!signed_batch.ok() && signed_batch.status().code() != StatusCode::kFailedPrecondition) {
      spdlog::error("signing the changed doses of {} failed: {}", facility,
                    signed_batch.status().ToString());
    }
  }
  for (int64_t person : people) {
    auto refreshed = s.certificates->RefreshPerson(person, identity_changed, actor);
    if (!refreshed.ok()) {
      spdlog::error("re-issuing the certificate of person {} failed: {}", person,
                    refreshed.status().ToString());
      continue;
    }
    if (*refreshed) {
      issued.push_back(boost::json::object{{"person_id", person},
                                           {"uvci", (*refreshed)->uvci},
                                           {"certificate_id", (*refreshed)->id}});
    }
  }
  return issued;
}

}  // namespace vaxreg::api
