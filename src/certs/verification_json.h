#pragma once
// The JSON form of a VerificationResult, shared by `POST /api/v1/verify` and `vaxreg cert
// verify`. Pure; thread-safe.
//
// Full view:
//   {"valid": bool,
//    "failures": [{"code": "signature", "message": "..."}],
//    "steps": {"prefix": "ok"|"failed"|"skipped", "base45", "zlib", "cose", "cbor", "unknown_kid",
//              "signature", "expired", "not_yet_valid", "revoked", "schema", "value_set",
//              "key_usage"},
//    "holder": {"name", "family_name", "given_name", "date_of_birth"},
//    "certificate": {"type", "uvci", "issuer", "issued_at", "expires_at", "kid", "doses",
//                    "vaccinations": [{"date", "dose", "of", "product", "country", "issuer"}]},
//    "signer": {"subject", "kid"}}                    (holder/certificate when decoded)
// Minimal view: {"valid": bool, "name": "Nguyễn Văn Ánh"} (plus "failures" codes only).
// "steps" is ordered as the pipeline; a step after a failed decoding step is "skipped", and so is
// "signature" when no certificate has the kid.

#include <boost/json/object.hpp>

#include "certs/verifier.h"

namespace vaxreg::certs {

boost::json::object VerificationResultToJson(const VerificationResult& result, bool minimal);

}  // namespace vaxreg::certs
