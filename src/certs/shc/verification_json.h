#pragma once
// The JSON form of a ShcVerificationResult, shared by `POST /api/v1/verify` and `vaxreg cert
// verify`, shaped like the EU DCC one (certs/verification_json.h) so that a client reads both:
//
// Full view:
//   {"valid": bool, "format": "shc",
//    "failures": [{"code": "signature", "message": "..."}],
//    "steps": {"prefix": "ok"|"failed"|"skipped", "numeric", "file", "jws", "header", "deflate",
//              "payload", "issuer", "unknown_kid", "key", "signature", "expired",
//              "not_yet_valid", "revoked", "crl", "vc_type", "fhir"},
//    "holder": {"name", "family_name", "given_name", "date_of_birth"},
//    "certificate": {"type": "smart-health-card", "issuer", "issued_at", "expires_at", "kid",
//                    "rid", "doses", "vaccinations": [{"date", "system", "code", "vaccine",
//                    "lot", "performer"}]}}        (holder/certificate once the claims decoded)
// Minimal view: {"valid": bool, "failures": ["code", ...], "name": "Nguyễn Văn Ánh"}.
// A step after a failed decoding step is "skipped"; so is "signature" when no key has the kid,
// and "revoked"/"crl" when the key publishes no revocation list. Pure; thread-safe.

#include <boost/json/object.hpp>
#include <vector>

#include "certs/shc/verifier.h"

namespace vaxreg::certs::shc {

boost::json::object ShcVerificationResultToJson(const ShcVerificationResult& result, bool minimal);

// One result as above; several (a health card file with more than one JWS) as
// {"valid": all valid, "format": "shc", "cards": [...]}.
boost::json::object ShcVerificationResultsToJson(const std::vector<ShcVerificationResult>& results,
                                                 bool minimal);

}  // namespace vaxreg::certs::shc
