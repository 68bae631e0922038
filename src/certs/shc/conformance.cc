#include "certs/shc/conformance.h"

#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

#include "certs/shc/verifier.h"

namespace vaxreg::certs::shc {
namespace fs = std::filesystem;
namespace {

constexpr size_t kMaxFileBytes = 4 * 1024 * 1024;

Result<std::string> ReadWhole(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return NotFoundError("cannot read " + file.string());
  std::string text(kMaxFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxFileBytes) return ResourceExhaustedError(file.string() + " is too big");
  return text;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t end = s.find(sep, start);
    out.emplace_back(s.substr(start, end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

struct Row {
  std::vector<std::string> inputs;
  std::string options;
  std::string expected;  // VALID | INVALID
  std::string key;
};

struct RowSetup {
  std::string jwks;
  std::string issuer;
  SystemTime now;
  ShcVerifyOptions verify;
};

Result<RowSetup> SetUp(const Row& row, const ShcConformanceOptions& o) {
  RowSetup s{o.default_jwks, o.default_issuer, o.now, {}};
  std::istringstream words(row.options);
  std::string w;
  bool issuer_given = false;
  bool jwks_given = false;
  while (words >> w) {
    if (w.starts_with("(")) {
      while (!w.ends_with(")") && (words >> w)) {
      }
      continue;
    }
    std::string arg;
    if (!(words >> arg)) return InvalidArgumentError("option " + w + " has no value");
    if (w == "--jwks") {
      s.jwks = arg;
      jwks_given = true;
    } else if (w == "--iss") {
      s.issuer = arg;
      issuer_given = true;
    } else if (w == "--time") {
      int64_t t = 0;
      const auto [end, err] = std::from_chars(arg.data(), arg.data() + arg.size(), t);
      if (err != std::errc() || end != arg.data() + arg.size()) {
        return InvalidArgumentError("--time needs Unix seconds, got " + arg);
      }
      s.now = FromUnixSeconds(t);
    } else if (w == "--exclude" && arg == "invalid-key-x5c") {
      s.verify.check_x5c = false;
    } else if (w == "--exclude" && arg == "fhir-schema-error") {
      s.verify.check_fhir = false;
    } else {
      return InvalidArgumentError("unknown option " + w + " " + arg);
    }
  }
  if (jwks_given && !issuer_given) s.issuer.clear();
  return s;
}

Result<ShcTrust> LoadTrust(const fs::path& dir, const RowSetup& s) {
  const fs::path jwks = dir / s.jwks;
  ASSIGN_OR_RETURN(std::string text, ReadWhole(jwks));
  ShcTrust trust;
  trust.issuer = s.issuer;
  ASSIGN_OR_RETURN(trust.keys, ShcKeySet::Parse(text));
  for (const ShcKey& k : trust.keys.keys()) {
    if (!k.crl_version) continue;
    const fs::path file = jwks.parent_path() / "crl" / (k.kid + ".json");
    std::error_code ec;
    if (!fs::exists(file, ec)) continue;  // the verifier fails closed ("crl")
    auto crl_text = ReadWhole(file);
    auto crl = crl_text.ok() ? ParseShcCrl(*crl_text) : Result<ShcCrl>(crl_text.status());
    if (crl.ok()) {
      trust.crls.emplace(k.kid, std::move(*crl));
    } else {
      trust.crl_errors.emplace(k.kid, crl.status().message());
    }
  }
  return trust;
}

// The verdict of a row and, when invalid, the first reason.
std::pair<std::string, std::string> Evaluate(const fs::path& dir, const Row& row,
                                             const ShcConformanceOptions& o) {
  auto setup = SetUp(row, o);
  if (!setup.ok()) return {"ERROR", setup.status().message()};
  auto trust = LoadTrust(dir, *setup);
  if (!trust.ok()) return {"ERROR", trust.status().message()};
  for (const std::string& input : row.inputs) {
    auto text = ReadWhole(dir / input);
    if (!text.ok()) return {"ERROR", text.status().message()};
    for (const ShcVerificationResult& r : VerifyShcInput(*text, *trust, setup->now, setup->verify)) {
      if (!r.valid) {
        const ShcFailure& f = r.failures.front();
        return {"INVALID", std::string(ShcFailureCodeName(f.code)) + ": " + f.message};
      }
    }
  }
  return {"VALID", ""};
}

}  // namespace

Result<ShcKnownIssues> ShcKnownIssues::Parse(std::string_view text) {
  ShcKnownIssues k;
  for (const std::string& raw : Split(text, '\n')) {
    const std::string line = Trim(raw);
    if (line.empty() || line.front() == '#') continue;
    const size_t hash = line.find(" #");
    const std::string key = Trim(std::string_view(line).substr(0, hash));
    const std::string reason =
        hash == std::string::npos ? "" : Trim(std::string_view(line).substr(hash + 2));
    if (reason.empty()) return InvalidArgumentError("known issue without a reason: " + line);
    if (!k.entries_.emplace(key, reason).second) {
      return InvalidArgumentError("known issue listed twice: " + key);
    }
  }
  return k;
}

Result<ShcKnownIssues> ShcKnownIssues::Load(const fs::path& file) {
  ASSIGN_OR_RETURN(std::string text, ReadWhole(file));
  return Parse(text);
}

const std::string* ShcKnownIssues::Find(std::string_view key) const {
  const auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

Result<ShcConformanceReport> RunShcConformance(const fs::path& dir, const fs::path& verdicts_tsv,
                                               std::ostream& out, const ShcKnownIssues& known,
                                               const ShcConformanceOptions& options) {
  ASSIGN_OR_RETURN(std::string table, ReadWhole(verdicts_tsv));
  std::vector<Row> rows;
  bool header_seen = false;
  for (const std::string& raw : Split(table, '\n')) {
    const std::string line = Trim(raw);
    if (line.empty() || line.front() == '#') continue;
    const std::vector<std::string> cols = Split(line, '\t');
    if (!header_seen) {
      header_seen = true;
      if (cols.size() < 3 || cols[0] != "inputs" || cols[2] != "verdict_with_devtools") {
        return InvalidArgumentError("the verdict table's header is not inputs, extra_options, "
                                    "verdict_with_devtools, ...");
      }
      continue;
    }
    if (cols.size() < 3) return InvalidArgumentError("short row in the verdict table: " + line);
    Row row;
    std::istringstream inputs(cols[0]);
    for (std::string in; inputs >> in;) row.inputs.push_back(in);
    row.options = Trim(cols[1]);
    row.expected = Trim(cols[2]);
    if (row.inputs.empty() || (row.expected != "VALID" && row.expected != "INVALID")) {
      return InvalidArgumentError("bad row in the verdict table: " + line);
    }
    row.key = row.inputs.front() + (row.options.empty() ? "" : " " + row.options);
    rows.push_back(std::move(row));
  }
  if (rows.empty()) return InvalidArgumentError("the verdict table has no rows");

  ShcConformanceReport report;
  std::set<std::string, std::less<>> seen;
  for (const Row& row : rows) {
    (row.expected == "VALID" ? report.valid_expected : report.invalid_expected)++;
    seen.insert(row.key);
    const auto [verdict, reason] = Evaluate(dir, row, options);
    const std::string* listed = known.Find(row.key);
    const bool agrees = verdict == row.expected;
    std::string line;
    if (!agrees) {
      line = (listed ? "KNOWN " : "FAIL ") + row.key + ": expected " + row.expected + ", got " +
             verdict + (reason.empty() ? "" : " (" + reason + ")");
    } else if (listed) {
      line = "STALE " + row.key + ": listed as a known issue (" + *listed + ") but agrees now";
    } else if (options.verbose) {
      out << "PASS " << row.key << ": " << verdict << (reason.empty() ? "" : " (" + reason + ")")
          << "\n";
    }
    if (!line.empty()) out << line << "\n";
    if (!agrees && listed) ++report.known;
    if (agrees != static_cast<bool>(listed)) {
      ++report.cases_passed;
    } else {
      ++report.cases_failed;
      if (listed) ++report.stale;
      report.failure_lines.push_back(line);
    }
  }
  for (const auto& [key, reason] : known.entries()) {
    if (seen.count(key)) continue;
    const std::string line = "STALE " + key + ": listed as a known issue but no such row";
    out << line << "\n";
    ++report.stale;
    ++report.cases_failed;
    report.failure_lines.push_back(line);
  }
  out << report.cases_passed << " passed, " << report.cases_failed << " failed\n";
  return report;
}

}  // namespace vaxreg::certs::shc
