#pragma once
// Runner for the shared SMART Health Card vectors (../shared/conformance/shc; see its README and
// docs/certificates.md). The cases and their verdicts come from the corpus' verdict table
// (expected-verdicts.tsv: inputs, extra_options, verdict_with_devtools, ...), which records what
// the specification authors' validator (health-cards-dev-tools) decided for each input; nothing
// depends on file names. Each row's input files are read as they are (no trimming) and verified
// with VerifyShcInput; the row's verdict is VALID when every card of every input is valid. It is
// compared with verdict_with_devtools.
//
// extra_options understood: --jwks PATH (the key set, relative to the corpus; the issuer is then
// not pinned unless --iss follows), --iss URL, --time UNIX_SECONDS (evaluation time), --exclude
// invalid-key-x5c (no x5c chain check), --exclude fhir-schema-error (no FHIR shape check); a
// parenthesised remark is skipped. Any other option fails the row. Revocation lists are read
// from crl/<kid>.json beside the key set, for every key with a crlVersion.
//
// Output, one line per row that does not simply agree:
//   FAIL <key>: expected X, got Y (code: message)    unexpected disagreement
//   KNOWN <key>: expected X, got Y (...)             disagreement on the known-issues list
//   STALE <key>: ...                                  a listed issue that agrees now or is gone
//   PASS <key>: <verdict> (reason)                    an agreeing row, only when verbose
// where <key> is the row's first input followed by its extra_options; then
// "<N> passed, <M> failed" counting rows (a row fails with a FAIL or STALE line).
//
// Thread-compatible; reads files only below `dir`.

#include <filesystem>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace vaxreg::certs::shc {

// Lines "<first input> [<extra options>]  # reason"; blank lines and lines starting with '#'
// are ignored. kInvalidArgument for an entry without a reason or listed twice.
class ShcKnownIssues final {
 public:
  static Result<ShcKnownIssues> Parse(std::string_view text);
  static Result<ShcKnownIssues> Load(const std::filesystem::path& file);
  // The reason listed for `key`, or nullptr.
  const std::string* Find(std::string_view key) const;
  const std::map<std::string, std::string, std::less<>>& entries() const { return entries_; }

 private:
  std::map<std::string, std::string, std::less<>> entries_;
};

struct ShcConformanceOptions {
  // Used unless a row's extra_options say otherwise (the table's header states them).
  std::string default_jwks = "issuer/.well-known/jwks.json";
  std::string default_issuer = "https://spec.smarthealth.cards/examples/issuer";
  SystemTime now;  // evaluation time unless --time
  bool verbose = false;  // also print "PASS <key>: <verdict> (reason)" for agreeing rows
};

struct ShcConformanceReport {
  int cases_passed = 0;
  int cases_failed = 0;
  int valid_expected = 0;    // rows whose expected verdict is VALID
  int invalid_expected = 0;  // ... INVALID
  int known = 0;
  int stale = 0;
  std::vector<std::string> failure_lines;  // the FAIL and STALE lines
};

// kInvalidArgument when the table cannot be read or has no rows.
Result<ShcConformanceReport> RunShcConformance(const std::filesystem::path& dir,
                                               const std::filesystem::path& verdicts_tsv,
                                               std::ostream& out, const ShcKnownIssues& known,
                                               const ShcConformanceOptions& options);

}  // namespace vaxreg::certs::shc
