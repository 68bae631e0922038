#pragma once
// The signing key's state as the signer's desk and the admin's status page show it.

#include <boost/json.hpp>

#include "certs/service/certificate_authority.h"
#include "common/clock.h"

namespace vaxreg::api {

// {"kid","not_after" (ISO 8601 or null),"days_left","rotation_due","can_issue",
//  "status": none | expired | rotation_due | ok}
inline boost::json::object SignerHealthJson(const certs::CertificateAuthority& ca) {
  const auto h = ca.signer_health();
  return {{"kid", h.kid},
          {"not_after", h.not_after > 0
                            ? boost::json::value(FormatIso8601(FromUnixSeconds(h.not_after)))
                            : boost::json::value(nullptr)},
          {"days_left", h.days_left},
          {"rotation_due", h.rotation_due},
          {"can_issue", ca.can_issue()},
          {"status", h.kid.empty()       ? "none"
                     : h.days_left < 0   ? "expired"
                     : h.rotation_due    ? "rotation_due"
                                         : "ok"}};
}

}  // namespace vaxreg::api
