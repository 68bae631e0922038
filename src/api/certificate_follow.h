#pragma once
// Certificates follow the record at once. After a committed change to people's doses or
// identity (a correction approved, a dose voided, a record corrected or merged), the facilities
// that must vouch for changed doses sign them (step 2), and each person's active certificate is
// re-issued with the old one revoked, or revoked when nothing counts any more (step 3;
// certs::CertificateAuthority::RefreshPerson). The process that made the change does this, once;
// should it fail or the process die first, the renewal sweep finds the doses' hash changed and
// repairs it at its next run.

#include <boost/json/array.hpp>
#include <string>
#include <vector>

#include "api/services.h"
#include "registry/actor.h"

namespace vaxreg::api {

// Blocking (it waits for the writer): run it with RunBlocking. Returns the certificates issued,
// as [{"person_id","uvci","certificate_id"}]. Failures are logged, not returned: the change
// itself is committed. Does nothing without certificate keys.
boost::json::array FollowCertificates(ApiServices& s, const std::vector<std::string>& facilities,
                                      const std::vector<int64_t>& people, bool identity_changed,
                                      const registry::Actor& actor);

}  // namespace vaxreg::api
