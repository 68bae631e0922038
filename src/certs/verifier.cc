#include "certs/verifier.h"

#include <boost/json.hpp>
#include <exception>

#include "certs/codec/base45.h"
#include "certs/codec/cose.h"
#include "certs/codec/cwt.h"
#include "certs/codec/zlib_codec.h"
#include "certs/dcc/schema_check.h"
#include "common/crypto_util.h"

namespace vaxreg::certs {
namespace {

namespace json = boost::json;

constexpr std::string_view kHc1Prefix = "HC1:";

std::string StringField(const json::object& obj, std::string_view key) {
  const json::value* v = obj.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::string IntText(const json::value* v) {
  if (v == nullptr) return "?";
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  if (v->is_double()) return std::to_string(static_cast<long long>(v->get_double()));
  return "?";
}

// Copies the display fields out of a decoded DCC.
void Summarise(const json::value& dcc, VerificationResult& r) {
  const json::object* root = dcc.if_object();
  if (root == nullptr) return;
  if (const json::value* nam = root->if_contains("nam"); nam != nullptr && nam->is_object()) {
    const json::object& n = nam->get_object();
    r.family_name = StringField(n, "fn");
    if (r.family_name.empty()) r.family_name = StringField(n, "fnt");
    r.given_name = StringField(n, "gn");
    if (r.given_name.empty()) r.given_name = StringField(n, "gnt");
  }
  r.date_of_birth = StringField(*root, "dob");
  const std::vector<DccType> types = DccTypesPresent(dcc);
  if (types.size() == 1) r.type = types.front();
  if (types.empty()) return;
  const json::value& group = root->at(DccTypeKey(types.front()));
  if (!group.is_array() || group.get_array().empty() || !group.get_array()[0].is_object()) return;
  const json::object& entry = group.get_array()[0].get_object();
  r.uvci = StringField(entry, "ci");
  if (types.front() == DccType::kVaccination) {
    r.doses = IntText(entry.if_contains("dn")) + "/" + IntText(entry.if_contains("sd"));
  }
}

std::vector<std::string> Uvcis(const json::value& dcc) {
  std::vector<std::string> out;
  const json::object* root = dcc.if_object();
  if (root == nullptr) return out;
  for (DccType t : DccTypesPresent(dcc)) {
    const json::array* arr = root->at(DccTypeKey(t)).if_array();
    if (arr == nullptr) continue;
    for (const json::value& e : *arr) {
      if (e.is_object()) {
        std::string ci = StringField(e.get_object(), "ci");
        if (!ci.empty()) out.push_back(std::move(ci));
      }
    }
  }
  return out;
}

void Verify(std::string_view qr_text, const TrustStore& trust, SystemTime now,
            const RevocationChecker* revocation, const VerifyOptions& options,
            VerificationResult& r) {
  auto fail = [&r](FailureCode code, std::string message) {
    r.failures.push_back({code, std::move(message)});
  };
  if (qr_text.size() > options.max_qr_text_bytes) {
    fail(FailureCode::kBase45, "QR text is " + std::to_string(qr_text.size()) +
                                   " bytes, more than the limit of " +
                                   std::to_string(options.max_qr_text_bytes));
    return;
  }
  if (qr_text.substr(0, kHc1Prefix.size()) != kHc1Prefix) {
    fail(FailureCode::kPrefix, "QR text does not start with \"HC1:\"");
    return;
  }
  Result<std::string> compressed =
      Base45Decode(qr_text.substr(kHc1Prefix.size()), options.max_qr_text_bytes);
  if (!compressed.ok()) {
    fail(FailureCode::kBase45, compressed.status().message());
    return;
  }
  // One inflater per thread: inflateReset reuses the 32 KiB window instead of reallocating it.
  thread_local Inflater inflater;
  Result<std::string> cose_bytes = inflater.Inflate(*compressed, options.max_inflated_bytes);
  if (!cose_bytes.ok()) {
    fail(FailureCode::kZlib, cose_bytes.status().message());
    return;
  }
  Result<CoseSign1> cose = ParseCoseSign1(*cose_bytes, options.max_inflated_bytes);
  if (!cose.ok()) {
    fail(FailureCode::kCose, cose.status().message());
    return;
  }
  r.kid = cose->kid;
  CborLimits limits;
  limits.max_bytes = options.max_inflated_bytes;
  Result<CwtClaims> claims = DecodeCwt(cose->payload, limits);
  if (!claims.ok()) {
    fail(FailureCode::kCbor, claims.status().message());
    return;
  }
  r.issuer = claims->issuer.value_or("");
  if (claims->issued_at) r.issued_at = FromUnixSeconds(*claims->issued_at);
  if (claims->expires_at) r.expires_at = FromUnixSeconds(*claims->expires_at);
  Summarise(claims->dcc, r);
  r.dcc = std::move(claims->dcc);
  const json::value& dcc = *r.dcc;

  // Signature: every certificate with this kid is a candidate (8-byte kids can collide).
  if (cose->kid.empty()) {
    fail(FailureCode::kUnknownKid, "the COSE headers carry no kid");
  } else {
    std::vector<std::shared_ptr<const Certificate>> candidates = trust.FindByKid(cose->kid);
    if (candidates.empty()) {
      fail(FailureCode::kUnknownKid, "no trusted certificate has kid " + HexEncode(cose->kid));
    } else {
      Status last;
      for (auto& cert : candidates) {
        last = VerifyCoseSign1(*cose, cert->public_key());
        if (last.ok()) {
          // Moved, not copied: every reference-count update on a shared certificate is a cache
          // line bouncing between the cores that verify in parallel.
          r.signer = std::move(cert);
          break;
        }
      }
      if (!r.signer) fail(FailureCode::kSignature, last.message());
    }
  }

  // Validity in time. An expired DSC alone does not invalidate a certificate it signed.
  if (!r.issued_at) fail(FailureCode::kCbor, "the CWT has no iat claim");
  if (!r.expires_at) fail(FailureCode::kCbor, "the CWT has no exp claim");
  if (r.issued_at && now + options.clock_skew < *r.issued_at) {
    fail(FailureCode::kNotYetValid,
         "issued in the future (iat " + FormatIso8601(*r.issued_at) + ")");
  }
  if (r.expires_at && now > *r.expires_at) {
    fail(FailureCode::kExpired, "expired at " + FormatIso8601(*r.expires_at));
  }
  if (r.signer && options.check_dsc_validity) {
    if (r.issued_at && *r.issued_at < r.signer->not_before()) {
      fail(FailureCode::kNotYetValid, "signed before its certificate became valid");
    }
    if (r.expires_at && *r.expires_at > r.signer->not_after()) {
      fail(FailureCode::kExpired, "valid beyond the end of its signing certificate");
    }
  }

  if (r.signer) {
    for (DccType t : DccTypesPresent(dcc)) {
      if (!r.signer->MaySign(t)) {
        fail(FailureCode::kKeyUsage, "the signing certificate may not sign \"" +
                                         std::string(DccTypeKey(t)) + "\" certificates");
      }
    }
  }
  if (options.check_schema) {
    std::vector<SchemaViolation> v = CheckDccSchema(dcc);
    if (!v.empty()) fail(FailureCode::kSchema, JoinViolations(v));
  }
  if (options.check_value_sets) {
    std::vector<SchemaViolation> v = CheckDccValueSets(dcc);
    if (!v.empty()) fail(FailureCode::kValueSet, JoinViolations(v));
  }
  if (revocation != nullptr) {
    for (const std::string& uvci : Uvcis(dcc)) {
      if (revocation->IsRevoked(uvci)) {
        fail(FailureCode::kRevoked, "certificate " + uvci + " is revoked");
      }
    }
  }
}

}  // namespace

std::string_view FailureCodeName(FailureCode code) {
  switch (code) {
    case FailureCode::kPrefix:
      return "prefix";
    case FailureCode::kBase45:
      return "base45";
    case FailureCode::kZlib:
      return "zlib";
    case FailureCode::kCose:
      return "cose";
    case FailureCode::kCbor:
      return "cbor";
    case FailureCode::kUnknownKid:
      return "unknown_kid";
    case FailureCode::kSignature:
      return "signature";
    case FailureCode::kExpired:
      return "expired";
    case FailureCode::kNotYetValid:
      return "not_yet_valid";
    case FailureCode::kRevoked:
      return "revoked";
    case FailureCode::kSchema:
      return "schema";
    case FailureCode::kValueSet:
      return "value_set";
    case FailureCode::kKeyUsage:
      return "key_usage";
  }
  return "unknown";
}

void InMemoryTrustStore::Add(std::shared_ptr<const Certificate> certificate) {
  if (certificate == nullptr) return;
  std::string kid = certificate->kid();
  by_kid_.emplace(std::move(kid), std::move(certificate));
}

std::vector<std::shared_ptr<const Certificate>> InMemoryTrustStore::FindByKid(
    std::string_view kid) const {
  std::vector<std::shared_ptr<const Certificate>> out;
  auto [begin, end] = by_kid_.equal_range(kid);
  for (auto it = begin; it != end; ++it) out.push_back(it->second);
  return out;
}

std::string DccRevocationHash(std::string_view uvci) {
  const Sha256Digest d = Sha256(uvci);
  return std::string(reinterpret_cast<const char*>(d.data()), 16);
}

bool InMemoryRevocationList::IsRevoked(std::string_view uvci) const {
  return hashes_.find(DccRevocationHash(uvci)) != hashes_.end();
}

bool VerificationResult::Has(FailureCode code) const {
  for (const Failure& f : failures) {
    if (f.code == code) return true;
  }
  return false;
}

VerificationResult VerifyHc1(std::string_view qr_text, const TrustStore& trust, SystemTime now,
                             const RevocationChecker* revocation, const VerifyOptions& options) {
  VerificationResult r;
  try {
    Verify(qr_text, trust, now, revocation, options, r);
  } catch (const std::exception& e) {
    // Only allocation failure can get here; report it rather than take the process down.
    r.failures.push_back({FailureCode::kCbor, std::string("verification aborted: ") + e.what()});
  }
  r.valid = r.failures.empty();
  return r;
}

}  // namespace vaxreg::certs
