#pragma once
// Migration 14, "certificate_renewals": a certificate re-issued only because its expiry was near
// keeps verifying until its own expiry (printed copies keep working), so ending a certificate and
// publishing it as revoked become two things. in_revocation_list = 1 puts an ended certificate on
// the signed revocation list; rows ended before this migration were all published and stay so.
// Included only by storage/schema.cc. Never edit once shipped; append a new migration instead.

#include <string_view>

namespace vaxreg::storage {

inline constexpr std::string_view kCertificateRenewalsSqlite = R"sql(
ALTER TABLE certificates ADD COLUMN in_revocation_list INTEGER NOT NULL DEFAULT 1;
)sql";

inline constexpr std::string_view kCertificateRenewalsPostgres = R"sql(
ALTER TABLE certificates ADD COLUMN in_revocation_list INTEGER NOT NULL DEFAULT 1;
)sql";

}  // namespace vaxreg::storage
