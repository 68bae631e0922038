#pragma once
// SMART Health Cards over HTTP (shc_api.cc): what POST /api/v1/verify (certificates_api.cc)
// answers for an SHC.

#include <boost/json/object.hpp>
#include <string_view>

#include "api/services.h"

namespace vaxreg::api {

// The verification JSON (certs/shc/verification_json.h) of a numeric QR text, a compact JWS or
// a health card file, against vaxreg's own SHC issuer (its key set and revocation lists). Without
// SHC publication nothing is trusted and the card fails as "unknown_kid"/"issuer".
boost::json::object VerifyShcJson(const ApiServices& s, std::string_view text, bool minimal);

}  // namespace vaxreg::api
