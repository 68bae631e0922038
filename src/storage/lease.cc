#include "storage/lease.h"

#include <unistd.h>

#include "common/crypto_util.h"

namespace vaxreg::storage {

const std::string& ThisProcessLeaseHolder() {
  static const std::string* holder = [] {
    InitCrypto();
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    return new std::string(std::string(host) + ":" + std::to_string(::getpid()) + ":" +
                           HexEncode(RandomBytes(4)));
  }();
  return *holder;
}

Result<bool> TryAcquireLease(Connection& conn, std::string_view job, std::string_view holder,
                             int64_t now, int64_t ttl_seconds) {
  // One statement decides: insert, or take over an expired lease, or renew one's own. Both
  // SQLite (3.24+) and PostgreSQL take the row lock for the ON CONFLICT update, so two
  // processes racing for a free lease cannot both succeed.
  ASSIGN_OR_RETURN(int64_t changed,
                   conn.Execute("INSERT INTO job_leases (name, holder, expires_at) VALUES ($1, $2, "
                                "$3) ON CONFLICT (name) DO UPDATE SET holder = $2, expires_at = $3 "
                                "WHERE job_leases.expires_at <= $4 OR job_leases.holder = $2",
                                {std::string(job), std::string(holder), now + ttl_seconds, now}));
  return changed == 1;
}

Status ReleaseLease(Connection& conn, std::string_view job, std::string_view holder) {
  return conn
      .Execute("DELETE FROM job_leases WHERE name = $1 AND holder = $2",
               {std::string(job), std::string(holder)})
      .status();
}

}  // namespace vaxreg::storage
