#pragma once
// Issues EU DCC vaccination certificates as "HC1:" QR texts, the central signer's step (flow 5,
// step 3): DCC JSON from a person's doses -> CWT {1 iss, 4 exp, 6 iat, -260 {1 DCC}} ->
// COSE_Sign1 ES256 with the active DSC -> zlib -> base45 -> "HC1:".
//
// Content: nam.fn/gn in Vietnamese (NFC; the first word of the full name is the family name),
// nam.fnt/gnt their ICAO 9303 transliteration ("Nguyễn Văn Ánh" -> NGUYEN, VAN<ANH), dob as
// recorded (YYYY-MM-DD or YYYY), one v entry for the newest counted dose with dn/sd from the
// series rules (registry::ComputeStatus), tg COVID-19, vp/mp/ma from the product, co VN, is
// "Ministry of Health of Viet Nam", ci a UVCI with its Luhn mod N check character; iat now,
// exp 12 calendar months later (clamped to the month's end).
//
// Thread-safe: Issue may be called from many threads at once (each thread keeps its own deflate
// stream and signing context).

#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "certs/keys/key_store.h"
#include "common/clock.h"
#include "common/status.h"
#include "registry/vaccination_status.h"
#include "registry/vaccine_catalogue.h"

namespace vaxreg::certs {

struct IssuerOptions {
  std::string country = "VN";                          // co, and the CWT iss
  std::string issuer = "Ministry of Health of Viet Nam";  // is
  std::string schema_version = "1.3.0";                // ver
  int validity_months = 12;
  // The zlib stream is mandatory; compressing inside it is not. A signed DCC's COSE message
  // (~360 bytes of CBOR plus a random signature and UVCI) does not shrink under deflate (level 9
  // gives 370 bytes, stored blocks 373), while deflating costs more than the ES256 signature
  // itself on the reference machine (BENCHMARKS.md). Default: stored blocks inside a valid zlib
  // stream; true: deflate level 9.
  bool deflate = false;
};

struct IssueRequest {
  std::string full_name;      // Vietnamese, family name first: "Nguyễn Văn Ánh"
  std::string date_of_birth;  // "YYYY-MM-DD" or "YYYY"
  std::vector<registry::DoseFacts> doses;
  std::string uvci;  // empty: a new one is made
};

struct IssuedDcc {
  std::string hc1;   // "HC1:..."
  std::string uvci;
  SystemTime issued_at;
  SystemTime expires_at;
  boost::json::value dcc;
  std::string kid;   // raw 8 bytes of the DSC's kid
};

// Splits a Vietnamese full name (normalised to NFC) into family name (first word) and given
// names (the rest, possibly empty). kInvalidArgument for an empty or invalid name.
Result<std::pair<std::string, std::string>> SplitVietnameseName(std::string_view full_name);

// `from` plus `months` calendar months, the day clamped to the end of the target month, the
// time of day kept.
SystemTime AddCalendarMonths(SystemTime from, int months);

class DccIssuer final {
 public:
  DccIssuer(Signer dsc, std::vector<registry::VaccineProduct> catalogue, IssuerOptions options = {});

  // The DCC JSON for `request` with `uvci`. kFailedPrecondition when no dose counts (voided and
  // unverified self-declared doses do not); kInvalidArgument for a bad name or birth date.
  Result<boost::json::value> BuildDcc(const IssueRequest& request, std::string_view uvci) const;

  // Builds and signs. kFailedPrecondition also when exp would be after the DSC's notAfter
  // (rotate the keys) or the DSC is not yet valid.
  Result<IssuedDcc> Issue(const IssueRequest& request, SystemTime now) const;

  // Signs an arbitrary DCC payload (no content checks) valid from `iat` to `exp`.
  Result<std::string> SignHc1(const boost::json::value& dcc, SystemTime iat, SystemTime exp) const;

  const Signer& dsc() const { return dsc_; }
  const IssuerOptions& options() const { return options_; }

 private:
  Signer dsc_;
  std::vector<registry::VaccineProduct> catalogue_;
  IssuerOptions options_;
};

}  // namespace vaxreg::certs
