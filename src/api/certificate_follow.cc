#include "api/certificate_follow.h"

#include <spdlog/spdlog.h>

#include <boost/json/object.hpp>

#include "certs/service/certificate_authority.h"
#include "certs/service/refresh_queue.h"

namespace vaxreg::api {

Status QueueCertificateFollow(ApiServices& s, storage::Connection& conn,
                              std::span<const int64_t> people,
                              std::span<const std::string> facilities, bool identity_changed) {
  const int64_t grace = s.certificates != nullptr && s.certificates->can_issue()
                            ? s.certificates->refresh_grace_seconds()
                            : 0;  // no keys here: any server with keys may take it at once
  return certs::EnqueueCertificateRefresh(conn, ToUnixSeconds(s.clock.Now()), people, facilities,
                                          identity_changed, grace)
      .status();
}

boost::json::array FollowCertificates(ApiServices& s, std::span<const int64_t> people,
                                      const registry::Actor& actor) {
  boost::json::array issued;
  if (s.certificates == nullptr || !s.certificates->can_issue() || people.empty()) return issued;
  auto handled = s.certificates->HandleRefreshes(people, actor);
  if (!handled.ok()) {
    spdlog::error("re-issuing certificates after a change failed (queued for a retry): {}",
                  handled.status().ToString());
    return issued;
  }
  for (const certs::CertificateRecord& c : *handled) {
    issued.push_back(boost::json::object{
        {"person_id", c.person_id}, {"uvci", c.uvci}, {"certificate_id", c.id}});
  }
  return issued;
}

}  // namespace vaxreg::api
