#pragma once
// Certificates follow the record at once. A committed change to people's doses or identity (a
// correction approved, a dose voided, a record corrected or merged) carries, in its own
// transaction, the duty to bring their certificates in line (QueueCertificateFollow,
// certs/service/refresh_queue.h). Right after the commit the same request handles those duties
// (FollowCertificates): the facilities that must vouch for changed doses sign them (step 2),
// and each person's active certificate is re-issued with the old one revoked, or revoked when
// nothing counts any more (step 3). Should that fail, or the process die first, any server's
// refresh worker takes the duty over within seconds; every server reloads its revocation state
// when the revocation epoch moves.

#include <boost/json/array.hpp>
#include <span>
#include <string>
#include <vector>

#include "api/services.h"
#include "registry/actor.h"
#include "storage/database.h"

namespace vaxreg::api {

// Inside the change's write transaction (the writer's connection): queues the duty for each of
// `people` that holds an active certificate.
Status QueueCertificateFollow(ApiServices& s, storage::Connection& conn,
                              std::span<const int64_t> people,
                              std::span<const std::string> facilities, bool identity_changed);

// After the commit. Blocking (it waits for the writer): run it with RunBlocking. Returns the
// certificates issued, as [{"person_id","uvci","certificate_id"}]. Failures are logged, not
// returned: the change itself is committed and its duty stays queued for a retry. Does nothing
// without certificate keys (a server with keys takes the duty).
boost::json::array FollowCertificates(ApiServices& s, std::span<const int64_t> people,
                                      const registry::Actor& actor);

}  // namespace vaxreg::api
