#pragma once
// Migration 17, "smart_health_cards": every certificate row also carries the SMART Health Card
// issued from the same person and doses as its DCC (certs/shc/issuer.h), so the two are issued,
// renewed, superseded and revoked together:
//   shc_jws  the compact JWS (its QR text is "shc:/" + two digits per character); NULL for rows
//            issued before this migration or without an SHC key, until the card is made
//   shc_rid  the card's revocation id (vc.rid, 11 base64url characters, random per card)
//   shc_kid  the signing key's RFC 7638 thumbprint: the revocation list it is published in,
//            /.well-known/crl/<kid>.json, lists shc_rid once the row is on the revocation list
//            (in_revocation_list = 1, as for its DCC)
// Included only by storage/schema.cc. Never edit once shipped; append a new migration instead.

#include <string_view>

namespace vaxreg::storage {

// The same script for both dialects.
inline constexpr std::string_view kSmartHealthCards = R"sql(
ALTER TABLE certificates ADD COLUMN shc_jws TEXT;
ALTER TABLE certificates ADD COLUMN shc_rid TEXT;
ALTER TABLE certificates ADD COLUMN shc_kid TEXT;
)sql";

}  // namespace vaxreg::storage
