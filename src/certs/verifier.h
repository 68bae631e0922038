#pragma once
// Offline verification of EU DCC "HC1:" QR payloads:
//   "HC1:" -> base45 -> zlib -> COSE_Sign1 -> CWT -> DCC JSON,
// then the signature against a trust store, time validity, key usage, schema, value sets and
// revocation. Every failure is reported with a stable reason code; the function never crashes
// or throws on any input and bounds every size (see VerifyOptions).
//
// Thread-safety: VerifyHc1 is thread-safe as long as the TrustStore and RevocationChecker it is
// given are safe for concurrent const calls (the in-memory ones below are, once filled).

#include <boost/json/value.hpp>
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "certs/crypto/x509.h"
#include "certs/dcc/dcc_type.h"
#include "common/clock.h"
#include "common/status.h"

namespace vaxreg::certs {

// Why a payload is not valid. FailureCodeName gives the stable lower-case names used in APIs,
// logs and metrics.
enum class FailureCode {
  kPrefix,       // "prefix": not "HC1:"
  kBase45,       // "base45": not base45, or longer than the QR text limit
  kZlib,         // "zlib": not a zlib stream, corrupt, or inflates beyond the limit
  kCose,         // "cose": not a COSE_Sign1 message
  kCbor,         // "cbor": the signed payload is not a CWT with a DCC
  kUnknownKid,   // "unknown_kid": no kid, or no trusted certificate has it
  kSignature,    // "signature": no certificate with this kid verifies the signature
  kExpired,      // "expired": past exp, or exp beyond the DSC's notAfter
  kNotYetValid,  // "not_yet_valid": before iat, or iat before the DSC's notBefore
  kRevoked,      // "revoked": the UVCI is on the revocation list
  kSchema,       // "schema": the DCC does not match the DCC JSON schema
  kValueSet,     // "value_set": a code is not in its EU value set
  kKeyUsage,     // "key_usage": the DSC may not sign this type of DCC
};

std::string_view FailureCodeName(FailureCode code);

struct Failure {
  FailureCode code;
  std::string message;  // human-readable detail; safe to show to the verifier
};

// Trusted document signer certificates, looked up by kid. Implementations must be safe for
// concurrent calls of FindByKid.
class TrustStore {
 public:
  virtual ~TrustStore() = default;
  // Every trusted certificate whose kid equals `kid`; kids are 8-byte hash prefixes and may
  // collide, so the verifier tries each. Empty when none.
  virtual std::vector<std::shared_ptr<const Certificate>> FindByKid(std::string_view kid) const = 0;
};

// A TrustStore held in memory. Add() is not synchronised: fill the store before sharing it.
class InMemoryTrustStore final : public TrustStore {
 public:
  void Add(std::shared_ptr<const Certificate> certificate);
  size_t size() const { return by_kid_.size(); }
  std::vector<std::shared_ptr<const Certificate>> FindByKid(std::string_view kid) const override;

 private:
  std::multimap<std::string, std::shared_ptr<const Certificate>, std::less<>> by_kid_;
};

// Revocation status by UVCI (the "ci" of the DCC entry). Implementations must be safe for
// concurrent calls.
class RevocationChecker {
 public:
  virtual ~RevocationChecker() = default;
  virtual bool IsRevoked(std::string_view uvci) const = 0;
};

// The DCC revocation-list hash of a UVCI: the first 16 bytes of SHA-256 over its UTF-8 bytes.
std::string DccRevocationHash(std::string_view uvci);

// Revocation by a set of DccRevocationHash values. Add() is not synchronised: fill first.
class InMemoryRevocationList final : public RevocationChecker {
 public:
  void AddUvci(std::string_view uvci) { hashes_.insert(DccRevocationHash(uvci)); }
  // `hash` is the 16-byte binary hash.
  void AddHash(std::string_view hash) { hashes_.emplace(hash); }
  bool IsRevoked(std::string_view uvci) const override;

 private:
  std::set<std::string, std::less<>> hashes_;
};

struct VerifyOptions {
  size_t max_qr_text_bytes = 8 * 1024;  // longer input fails with kBase45
  size_t max_inflated_bytes = 64 * 1024;
  // Tolerance for clocks that run behind the issuer's: iat may be this far in the future.
  std::chrono::seconds clock_skew{0};
  // Also require notBefore <= iat and exp <= notAfter of the DSC.
  bool check_dsc_validity = true;
  bool check_schema = true;
  bool check_value_sets = true;
};

struct VerificationResult {
  bool valid = false;  // true exactly when `failures` is empty
  std::vector<Failure> failures;
  // The decoded DCC, when decoding got that far (also when a later check failed, so a verifier
  // can show what was rejected; it is then untrusted data).
  std::optional<boost::json::value> dcc;
  std::optional<DccType> type;
  std::string family_name;    // nam.fn, else nam.fnt
  std::string given_name;     // nam.gn, else nam.gnt
  std::string date_of_birth;  // dob as written (may be "1980", "1980-05" or "")
  // "dn/sd" of the vaccination entry, e.g. "2/2"; empty for tests and recoveries.
  std::string doses;
  std::string uvci;    // ci of the first entry
  std::string issuer;  // CWT iss
  std::optional<SystemTime> issued_at;
  std::optional<SystemTime> expires_at;
  std::string kid;                            // raw kid bytes from the COSE headers
  std::shared_ptr<const Certificate> signer;  // the DSC that verified the signature

  bool Has(FailureCode code) const;
};

// Verifies one QR text at time `now`. Decoding failures (prefix .. cbor) end verification; the
// remaining checks all run, so every applicable reason is reported. `revocation` may be null.
VerificationResult VerifyHc1(std::string_view qr_text, const TrustStore& trust, SystemTime now,
                             const RevocationChecker* revocation = nullptr,
                             const VerifyOptions& options = {});

}  // namespace vaxreg::certs
