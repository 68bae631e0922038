#pragma once
// Read-your-writes with a read replica (storage/read_routing.h), at the HTTP edge.
//
// After a request that may have written (any method but GET and HEAD) succeeds, the answer
// carries the primary's WAL position twice: as the header `Vaxreg-Written-Lsn` for API clients,
// and as the cookie `vaxreg_read_after` (60 seconds, HttpOnly, SameSite=Strict) that browsers
// send back by themselves. A later read carrying either (`Vaxreg-Read-After: LSN` or the cookie)
// is answered by the replica only once the replica has replayed that far, so a caller always
// sees its own writes, whichever vaxreg process answers. Without a replica nothing is added.

#include <string>

#include "api/services.h"
#include "http/types.h"
#include "storage/database.h"

namespace vaxreg::api {

inline constexpr char kReadAfterHeader[] = "Vaxreg-Read-After";
inline constexpr char kWrittenLsnHeader[] = "Vaxreg-Written-Lsn";
inline constexpr char kReadAfterCookie[] = "vaxreg_read_after";

// The fence a request carries: the header, else the cookie; "" when neither holds an LSN.
std::string ReadFenceOf(const http::Request& request);

// A connection for a read-only handler: the replica when it has caught up with the caller's
// fence, the primary otherwise (and always without a replica). Counts the choice in the metric
// vaxreg_db_reads_total{target}.
Result<storage::PooledConnection> AcquireForRead(ApiServices& s, const http::Request& request);

// `inner`, followed on success (2xx) by the fence headers above when a replica is configured.
http::Handler WithWriteFence(http::Handler inner, ApiServices& s);

}  // namespace vaxreg::api
