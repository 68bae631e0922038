#pragma once
// Runner for the EU DCC conformance vectors (dgc-testdata format; see
// ../shared/conformance/dcc-testdata/README.md and docs/certificates.md).
//
// Every *.json below the directory that parses as an object with an EXPECTEDRESULTS member is a
// case; nothing depends on file names or folder layout. For each EXPECTED* flag the runner knows,
// it performs the check the flag describes and compares the outcome with the expectation; flags
// it does not know are ignored. A flag whose input field is absent from the case (for example
// EXPECTEDPICTUREDECODE without 2DCODE) is skipped and counted as such.
//
// Disagreements are matched against a known-issues list: vectors whose expectation the corpus
// itself documents as wrong. A listed issue that no longer disagrees is reported as stale, so the
// list cannot silently outlive the problem.
//
// Output, one line each:
//   FAIL <relative path> <FLAG>: expected X, got Y (reason)    unexpected disagreement
//   KNOWN <relative path> <FLAG>: expected X, got Y (reason)   disagreement on the known list
//   STALE <relative path> <FLAG>: ...                          known issue that now agrees / is
//   gone
// then a flag summary line and finally "<N> passed, <M> failed" counting cases. A case fails when
// it has a FAIL or a STALE line.
//
// Thread-compatible; reads files only below `dir`.

#include <filesystem>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace vaxreg::certs {

struct KnownIssue {
  std::string path;    // relative to the corpus directory, '/'-separated
  std::string flag;    // e.g. "EXPECTEDSCHEMAVALIDATION"
  std::string reason;  // the text after '#'
};

class KnownIssues final {
 public:
  KnownIssues() = default;
  // Lines "relative/path.json FLAG  # reason"; blank lines and lines starting with '#' are
  // ignored. kInvalidArgument for a line without exactly a path and a flag, a flag not starting
  // with "EXPECTED", or a duplicate entry.
  static Result<KnownIssues> Parse(std::string_view text);
  static Result<KnownIssues> Load(const std::filesystem::path& file);

  // The entry for (path, flag), or nullptr.
  const KnownIssue* Find(std::string_view path, std::string_view flag) const;
  const std::vector<KnownIssue>& entries() const { return entries_; }

 private:
  std::vector<KnownIssue> entries_;
  std::map<std::pair<std::string, std::string>, size_t, std::less<>> index_;
};

struct ConformanceReport {
  int cases_passed = 0;
  int cases_failed = 0;
  int flags_agreed = 0;                    // outcome matched the expectation
  int flags_known = 0;                     // disagreed, listed as a known issue
  int flags_unexpected = 0;                // disagreed, not listed (FAIL lines)
  int flags_skipped = 0;                   // input field absent
  int stale_known_issues = 0;              // listed but agreeing or not found (STALE lines)
  std::vector<std::string> failure_lines;  // the FAIL and STALE lines
};

ConformanceReport RunDccConformance(const std::filesystem::path& dir, std::ostream& out,
                                    const KnownIssues& known_issues);

}  // namespace vaxreg::certs
