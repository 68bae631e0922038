#include "certs/conformance.h"

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <sstream>

#include "certs/codec/base45.h"
#include "certs/codec/base64.h"
#include "certs/codec/cbor.h"
#include "certs/codec/cose.h"
#include "certs/codec/cwt.h"
#include "certs/codec/zlib_codec.h"
#include "certs/crypto/x509.h"
#include "certs/dcc/schema_check.h"
#include "certs/iso_time.h"
#include "certs/qr_image.h"
#include "common/crypto_util.h"

namespace vaxreg::certs {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr std::string_view kHc1Prefix = "HC1:";
constexpr uintmax_t kMaxCaseFileBytes = 16 * 1024 * 1024;
// Vectors are not QR-size limited the way scanned input is; allow a generous text size.
constexpr size_t kMaxVectorBase45 = 1024 * 1024;

// The outcome of one check: skipped (input absent) or a boolean with an explanation.
struct Outcome {
  bool skipped = false;
  bool got = false;
  std::string reason;
};

Outcome Skip(std::string why) { return {true, false, std::move(why)}; }
Outcome Got(bool ok, std::string why = {}) { return {false, ok, std::move(why)}; }

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  return std::string(s.substr(b, e - b));
}

bool NumbersEqual(const json::value& a, const json::value& b) {
  if (a.is_int64() && b.is_int64()) return a.get_int64() == b.get_int64();
  if (a.is_uint64() && b.is_uint64()) return a.get_uint64() == b.get_uint64();
  auto as_double = [](const json::value& v) {
    if (v.is_int64()) return static_cast<double>(v.get_int64());
    if (v.is_uint64()) return static_cast<double>(v.get_uint64());
    return v.get_double();
  };
  return as_double(a) == as_double(b);
}

// Structural equality; strings that are both ISO date-times compare as UTC instants.
bool Equivalent(const json::value& a, const json::value& b, std::string* where,
                const std::string& path = "$") {
  auto differ = [&](std::string what) {
    if (where->empty()) *where = path + ": " + what;
    return false;
  };
  if (a.is_number() && b.is_number()) {
    return NumbersEqual(a, b) ? true : differ("numbers differ");
  }
  if (a.kind() != b.kind()) return differ("types differ");
  switch (a.kind()) {
    case json::kind::object: {
      const json::object& oa = a.get_object();
      const json::object& ob = b.get_object();
      if (oa.size() != ob.size()) return differ("different member counts");
      for (const auto& kv : oa) {
        const json::value* other = ob.if_contains(kv.key());
        if (other == nullptr) return differ("member \"" + std::string(kv.key()) + "\" missing");
        if (!Equivalent(kv.value(), *other, where, path + "." + std::string(kv.key()))) {
          return false;
        }
      }
      return true;
    }
    case json::kind::array: {
      const json::array& xa = a.get_array();
      const json::array& xb = b.get_array();
      if (xa.size() != xb.size()) return differ("different array lengths");
      for (size_t i = 0; i < xa.size(); ++i) {
        if (!Equivalent(xa[i], xb[i], where, path + "[" + std::to_string(i) + "]")) return false;
      }
      return true;
    }
    case json::kind::string: {
      const std::string_view sa(a.get_string()), sb(b.get_string());
      if (sa == sb) return true;
      std::optional<SystemTime> ta = ParseIsoDateTime(sa), tb = ParseIsoDateTime(sb);
      if (ta && tb && *ta == *tb) return true;
      return differ("\"" + std::string(sa) + "\" vs \"" + std::string(sb) + "\"");
    }
    default:
      return a == b ? true : differ("values differ");
  }
}

// Lazily computed artefacts of one case.
class CaseRun {
 public:
  explicit CaseRun(const json::object& c) : c_(c) {
    if (const json::value* ctx = c.if_contains("TESTCTX"); ctx != nullptr && ctx->is_object()) {
      ctx_ = &ctx->get_object();
    }
  }

  // A non-empty string member of the case (or of TESTCTX).
  std::optional<std::string> Field(std::string_view name) const { return StringIn(c_, name); }
  std::optional<std::string> CtxField(std::string_view name) const {
    return ctx_ == nullptr ? std::nullopt : StringIn(*ctx_, name);
  }
  const json::value* Json() const {
    const json::value* v = c_.if_contains("JSON");
    return v != nullptr && !v->is_null() ? v : nullptr;
  }

  Result<std::string> Hex(std::string_view name) const {
    std::optional<std::string> text = Field(name);
    if (!text) return NotFoundError(std::string(name) + " absent");
    std::string out;
    if (!HexDecode(Trim(*text), &out)) {
      return InvalidArgumentError(std::string(name) + " is not hex");
    }
    return out;
  }

  Result<std::shared_ptr<const Certificate>> Cert() {
    if (!cert_) {
      std::optional<std::string> b64 = CtxField("CERTIFICATE");
      if (!b64) {
        cert_ = Result<std::shared_ptr<const Certificate>>(NotFoundError("no TESTCTX.CERTIFICATE"));
      } else {
        Result<std::string> der = Base64Decode(*b64);
        cert_ = der.ok() ? Certificate::FromDer(*der)
                         : Result<std::shared_ptr<const Certificate>>(der.status());
      }
    }
    return *cert_;
  }

  Result<SystemTime> Clock() const {
    std::optional<std::string> text = CtxField("VALIDATIONCLOCK");
    if (!text) return NotFoundError("no TESTCTX.VALIDATIONCLOCK");
    std::optional<SystemTime> t = ParseIsoDateTime(*text);
    if (!t) return InvalidArgumentError("VALIDATIONCLOCK \"" + *text + "\" is not an ISO instant");
    return *t;
  }

  Result<CoseSign1> Cose() {
    if (!cose_) {
      Result<std::string> bytes = Hex("COSE");
      cose_ = bytes.ok() ? ParseCoseSign1(*bytes) : Result<CoseSign1>(bytes.status());
    }
    return *cose_;
  }

  Result<CwtClaims> CoseClaims() {
    if (!claims_) {
      Result<CoseSign1> cose = Cose();
      claims_ = cose.ok() ? DecodeCwt(cose->payload) : Result<CwtClaims>(cose.status());
    }
    return *claims_;
  }

  // The DCC in the CBOR field: the bare DCC map, or the DCC inside a whole CWT claims map.
  Result<json::value> CborDcc() const {
    ASSIGN_OR_RETURN(std::string bytes, Hex("CBOR"));
    ASSIGN_OR_RETURN(CborPtr item, DecodeCbor(bytes));
    if (!cbor_isa_map(item.get())) return InvalidArgumentError("CBOR field is not a map");
    if (CborMapFindInt(item.get(), kCwtClaimHcert) != nullptr) {
      ASSIGN_OR_RETURN(CwtClaims claims, DecodeCwt(bytes));
      return std::move(claims.dcc);
    }
    return CborToJson(item.get());
  }

  // unprefix -> base45 -> inflate -> COSE -> CWT from PREFIX.
  Result<CwtClaims> ChainFromPrefix() const {
    std::optional<std::string> prefix = Field("PREFIX");
    if (!prefix) return NotFoundError("PREFIX absent");
    if (prefix->compare(0, kHc1Prefix.size(), kHc1Prefix) != 0) {
      return InvalidArgumentError("no HC1: prefix");
    }
    ASSIGN_OR_RETURN(
        std::string z,
        Base45Decode(std::string_view(*prefix).substr(kHc1Prefix.size()), kMaxVectorBase45));
    ASSIGN_OR_RETURN(std::string cose_bytes, Inflate(z));
    ASSIGN_OR_RETURN(CoseSign1 cose, ParseCoseSign1(cose_bytes));
    return DecodeCwt(cose.payload);
  }

 private:
  static std::optional<std::string> StringIn(const json::object& o, std::string_view name) {
    const json::value* v = o.if_contains(name);
    if (v == nullptr || !v->is_string() || v->get_string().empty()) return std::nullopt;
    return std::string(v->get_string());
  }

  const json::object& c_;
  const json::object* ctx_ = nullptr;
  std::optional<Result<std::shared_ptr<const Certificate>>> cert_;
  std::optional<Result<CoseSign1>> cose_;
  std::optional<Result<CwtClaims>> claims_;
};

Outcome CheckPictureDecode(CaseRun& c) {
  std::optional<std::string> png_b64 = c.Field("2DCODE");
  if (!png_b64) return Skip("no 2DCODE");
  Result<std::string> png = Base64Decode(*png_b64);
  if (!png.ok()) return Got(false, "2DCODE: " + png.status().message());
  Result<std::string> text = DecodeQrFromPng(*png);
  if (!text.ok()) return Got(false, text.status().message());
  std::optional<std::string> prefix = c.Field("PREFIX");
  if (prefix && *text != *prefix) return Got(false, "QR text differs from PREFIX");
  return Got(true);
}

Outcome CheckUnprefix(CaseRun& c) {
  std::optional<std::string> prefix = c.Field("PREFIX");
  if (!prefix) return Skip("no PREFIX");
  if (prefix->compare(0, kHc1Prefix.size(), kHc1Prefix) != 0) {
    return Got(false, "text does not start with HC1:");
  }
  std::optional<std::string> b45 = c.Field("BASE45");
  if (b45 && prefix->substr(kHc1Prefix.size()) != *b45) {
    return Got(false, "remainder differs from BASE45");
  }
  return Got(true);
}

Outcome CheckBase45(CaseRun& c) {
  std::optional<std::string> b45 = c.Field("BASE45");
  if (!b45) return Skip("no BASE45");
  Result<std::string> bytes = Base45Decode(*b45, kMaxVectorBase45);
  if (!bytes.ok()) return Got(false, bytes.status().message());
  if (c.Field("COMPRESSED")) {
    Result<std::string> expected = c.Hex("COMPRESSED");
    if (!expected.ok()) return Got(false, expected.status().message());
    if (*expected != *bytes) return Got(false, "decoded bytes differ from COMPRESSED");
  }
  return Got(true);
}

Outcome CheckCompression(CaseRun& c) {
  if (!c.Field("COMPRESSED")) return Skip("no COMPRESSED");
  Result<std::string> z = c.Hex("COMPRESSED");
  if (!z.ok()) return Got(false, z.status().message());
  Result<std::string> out = Inflate(*z);
  if (!out.ok()) return Got(false, out.status().message());
  if (c.Field("COSE")) {
    Result<std::string> expected = c.Hex("COSE");
    if (!expected.ok()) return Got(false, expected.status().message());
    if (*expected != *out) return Got(false, "inflated bytes differ from COSE");
  }
  return Got(true);
}

Outcome CheckVerify(CaseRun& c) {
  if (!c.Field("COSE")) return Skip("no COSE");
  if (!c.CtxField("CERTIFICATE")) return Skip("no TESTCTX.CERTIFICATE");
  Result<CoseSign1> cose = c.Cose();
  if (!cose.ok()) return Got(false, cose.status().message());
  Result<std::shared_ptr<const Certificate>> cert = c.Cert();
  if (!cert.ok()) return Got(false, "certificate: " + cert.status().message());
  if (cose->kid != (*cert)->kid()) {
    return Got(false, "kid " + HexEncode(cose->kid) + " is not the certificate's " +
                          HexEncode((*cert)->kid()));
  }
  Status s = VerifyCoseSign1(*cose, (*cert)->public_key());
  if (!s.ok()) return Got(false, s.message());
  return Got(true);
}

Outcome CheckDecode(CaseRun& c) {
  const bool has_cose = c.Field("COSE").has_value();
  const bool has_cbor = c.Field("CBOR").has_value();
  if (!has_cose && !has_cbor) return Skip("no COSE or CBOR");
  std::optional<json::value> dcc;
  if (has_cose) {
    Result<CwtClaims> claims = c.CoseClaims();
    if (!claims.ok()) return Got(false, claims.status().message());
    dcc = claims->dcc;
  }
  if (has_cbor) {
    Result<json::value> from_cbor = c.CborDcc();
    if (!from_cbor.ok()) return Got(false, "CBOR field: " + from_cbor.status().message());
    if (dcc) {
      std::string where;
      if (!Equivalent(*dcc, *from_cbor, &where)) {
        return Got(false, "COSE payload differs from CBOR field at " + where);
      }
    } else {
      dcc = std::move(*from_cbor);
    }
  }
  if (const json::value* expected = c.Json()) {
    std::string where;
    if (!Equivalent(*dcc, *expected, &where)) return Got(false, "differs from JSON at " + where);
  }
  return Got(true);
}

Outcome CheckValidJson(CaseRun& c) {
  if (!c.Field("PREFIX")) return Skip("no PREFIX");
  Result<CwtClaims> claims = c.ChainFromPrefix();
  if (!claims.ok()) return Got(false, claims.status().message());
  if (const json::value* expected = c.Json()) {
    std::string where;
    if (!Equivalent(claims->dcc, *expected, &where)) {
      return Got(false, "differs from JSON at " + where);
    }
  }
  return Got(true);
}

Outcome CheckSchema(CaseRun& c) {
  Result<json::value> dcc = NotFoundError("no DCC");
  if (c.Field("COSE")) {
    Result<CwtClaims> claims = c.CoseClaims();
    dcc = claims.ok() ? Result<json::value>(claims->dcc) : Result<json::value>(claims.status());
  } else if (c.Field("CBOR")) {
    dcc = c.CborDcc();
  } else if (const json::value* j = c.Json()) {
    dcc = *j;
  } else {
    return Skip("no COSE, CBOR or JSON");
  }
  if (!dcc.ok()) return Got(false, "no decodable DCC: " + dcc.status().message());
  // The flag is about the JSON schema (and exactly one of v/t/r). Value-set membership is not
  // part of it: older vectors use codes missing from the frozen lists, and the corpus README's
  // account of which NL flags are wrong matches schema-only validation.
  std::vector<SchemaViolation> v = CheckDccSchema(*dcc);
  if (!v.empty()) return Got(false, JoinViolations(v));
  return Got(true);
}

Outcome CheckExpiration(CaseRun& c) {
  if (!c.Field("COSE")) return Skip("no COSE");
  if (!c.CtxField("CERTIFICATE")) return Skip("no TESTCTX.CERTIFICATE");
  if (!c.CtxField("VALIDATIONCLOCK")) return Skip("no TESTCTX.VALIDATIONCLOCK");
  Result<CwtClaims> claims = c.CoseClaims();
  if (!claims.ok()) return Got(false, claims.status().message());
  Result<std::shared_ptr<const Certificate>> cert = c.Cert();
  if (!cert.ok()) return Got(false, "certificate: " + cert.status().message());
  Result<SystemTime> now = c.Clock();
  if (!now.ok()) return Got(false, now.status().message());
  if (!claims->issued_at || !claims->expires_at) return Got(false, "iat or exp missing");
  const SystemTime iat = FromUnixSeconds(*claims->issued_at);
  const SystemTime exp = FromUnixSeconds(*claims->expires_at);
  if (iat < (*cert)->not_before()) return Got(false, "iat before the DSC's notBefore");
  if (*now < iat) return Got(false, "clock before iat");
  if (*now > exp) return Got(false, "clock after exp");
  if (exp > (*cert)->not_after()) return Got(false, "exp after the DSC's notAfter");
  return Got(true);
}

Outcome CheckKeyUsage(CaseRun& c) {
  if (!c.Field("COSE")) return Skip("no COSE");
  if (!c.CtxField("CERTIFICATE")) return Skip("no TESTCTX.CERTIFICATE");
  Result<CwtClaims> claims = c.CoseClaims();
  if (!claims.ok()) return Got(false, claims.status().message());
  Result<std::shared_ptr<const Certificate>> cert = c.Cert();
  if (!cert.ok()) return Got(false, "certificate: " + cert.status().message());
  const std::vector<DccType> types = DccTypesPresent(claims->dcc);
  if (types.empty()) return Got(false, "the DCC has no v, t or r group");
  for (DccType t : types) {
    if (!(*cert)->MaySign(t)) {
      return Got(false, "DSC may not sign \"" + std::string(DccTypeKey(t)) + "\"");
    }
  }
  return Got(true);
}

using Check = Outcome (*)(CaseRun&);

const std::map<std::string, Check, std::less<>>& Checks() {
  static const auto* checks = new std::map<std::string, Check, std::less<>>{
      {"EXPECTEDPICTUREDECODE", &CheckPictureDecode},
      {"EXPECTEDUNPREFIX", &CheckUnprefix},
      {"EXPECTEDB45DECODE", &CheckBase45},
      {"EXPECTEDCOMPRESSION", &CheckCompression},
      {"EXPECTEDVERIFY", &CheckVerify},
      {"EXPECTEDDECODE", &CheckDecode},
      {"EXPECTEDVALIDJSON", &CheckValidJson},
      {"EXPECTEDSCHEMAVALIDATION", &CheckSchema},
      {"EXPECTEDEXPIRATIONCHECK", &CheckExpiration},
      {"EXPECTEDKEYUSAGE", &CheckKeyUsage},
  };
  return *checks;
}

// The boolean flags of EXPECTEDRESULTS, including those of a nested EXPECTEDRESULTS object.
std::map<std::string, bool> ExpectedFlags(const json::object& results) {
  std::map<std::string, bool> flags;
  for (const auto& kv : results) {
    if (kv.value().is_bool()) flags[std::string(kv.key())] = kv.value().get_bool();
  }
  if (const json::value* nested = results.if_contains("EXPECTEDRESULTS");
      nested != nullptr && nested->is_object()) {
    for (const auto& kv : nested->get_object()) {
      if (kv.value().is_bool()) flags.emplace(std::string(kv.key()), kv.value().get_bool());
    }
  }
  return flags;
}

// The whole file, or nullopt if it cannot be read or is larger than `max_bytes`.
std::optional<std::string> ReadFile(const fs::path& file, uintmax_t max_bytes) {
  std::error_code ec;
  const uintmax_t size = fs::file_size(file, ec);
  if (ec || size > max_bytes) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text(static_cast<size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  if (static_cast<uintmax_t>(in.gcount()) != size) return std::nullopt;
  return text;
}

std::optional<json::object> LoadCase(const fs::path& file) {
  std::optional<std::string> text = ReadFile(file, kMaxCaseFileBytes);
  if (!text) return std::nullopt;
  boost::system::error_code jec;
  json::value v = json::parse(*text, jec);
  if (jec || !v.is_object() || !v.get_object().contains("EXPECTEDRESULTS")) return std::nullopt;
  return std::move(v.get_object());
}

const char* Bool(bool b) { return b ? "true" : "false"; }

}  // namespace

Result<KnownIssues> KnownIssues::Parse(std::string_view text) {
  KnownIssues out;
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    std::string reason;
    if (const size_t hash = line.find('#'); hash != std::string_view::npos) {
      reason = Trim(line.substr(hash + 1));
      line = line.substr(0, hash);
    }
    std::istringstream fields{std::string(line)};
    std::string path, flag, extra;
    fields >> path >> flag >> extra;
    if (path.empty()) continue;
    if (flag.empty() || !extra.empty() || flag.rfind("EXPECTED", 0) != 0) {
      return InvalidArgumentError("known issues line " + std::to_string(line_no) +
                                  ": expected \"<path> <EXPECTED flag>  # reason\"");
    }
    auto key = std::make_pair(path, flag);
    if (out.index_.count(key) != 0) {
      return InvalidArgumentError("known issues line " + std::to_string(line_no) + ": duplicate");
    }
    out.index_.emplace(key, out.entries_.size());
    out.entries_.push_back({std::move(path), std::move(flag), std::move(reason)});
  }
  return out;
}

Result<KnownIssues> KnownIssues::Load(const fs::path& file) {
  std::optional<std::string> text = ReadFile(file, kMaxCaseFileBytes);
  if (!text) return NotFoundError("cannot read " + file.string());
  return Parse(*text);
}

const KnownIssue* KnownIssues::Find(std::string_view path, std::string_view flag) const {
  auto it = index_.find(std::make_pair(std::string(path), std::string(flag)));
  return it == index_.end() ? nullptr : &entries_[it->second];
}

ConformanceReport RunDccConformance(const fs::path& dir, std::ostream& out,
                                    const KnownIssues& known_issues) {
  ConformanceReport report;
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec),
       end;
       !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().extension() == ".json") files.push_back(it->path());
  }
  if (ec) out << "WARN cannot list " << dir.string() << ": " << ec.message() << "\n";
  std::sort(files.begin(), files.end());

  std::set<std::pair<std::string, std::string>> seen;  // (path, flag) checked
  std::map<std::string, bool> case_failed;             // relative path -> failed
  for (const fs::path& file : files) {
    std::optional<json::object> c = LoadCase(file);
    if (!c) continue;
    const std::string rel = file.lexically_relative(dir).generic_string();
    bool failed = false;
    const json::value& results = c->at("EXPECTEDRESULTS");
    if (!results.is_object()) {
      const std::string line = "FAIL " + rel + " EXPECTEDRESULTS: not an object";
      out << line << "\n";
      report.failure_lines.push_back(line);
      case_failed[rel] = true;
      continue;
    }
    CaseRun run(*c);
    for (const auto& [flag, expected] : ExpectedFlags(results.get_object())) {
      auto check = Checks().find(flag);
      if (check == Checks().end()) continue;  // unknown or issuer-side flag
      Outcome o;
      try {
        o = check->second(run);
      } catch (const std::exception& e) {
        o = Got(false, std::string("exception: ") + e.what());
      }
      if (o.skipped) {
        ++report.flags_skipped;
        continue;
      }
      seen.emplace(rel, flag);
      const KnownIssue* known = known_issues.Find(rel, flag);
      const std::string detail = rel + " " + flag + ": expected " + Bool(expected) + ", got " +
                                 Bool(o.got) + (o.reason.empty() ? "" : " (" + o.reason + ")");
      if (o.got == expected) {
        ++report.flags_agreed;
        if (known != nullptr) {
          const std::string line = "STALE " + rel + " " + flag +
                                   ": listed as a known issue but agrees now; remove the entry";
          out << line << "\n";
          report.failure_lines.push_back(line);
          ++report.stale_known_issues;
          failed = true;
        }
      } else if (known != nullptr) {
        ++report.flags_known;
        out << "KNOWN " << detail << "\n";
      } else {
        ++report.flags_unexpected;
        const std::string line = "FAIL " + detail;
        out << line << "\n";
        report.failure_lines.push_back(line);
        failed = true;
      }
    }
    case_failed[rel] = failed;
  }
  for (const KnownIssue& k : known_issues.entries()) {
    if (seen.count({k.path, k.flag}) == 0) {
      const std::string line =
          "STALE " + k.path + " " + k.flag + ": listed as a known issue but no such check ran";
      out << line << "\n";
      report.failure_lines.push_back(line);
      ++report.stale_known_issues;
      case_failed[k.path] = true;
    }
  }
  for (const auto& [rel, failed] : case_failed) {
    (failed ? report.cases_failed : report.cases_passed)++;
  }
  out << "flags: " << report.flags_agreed << " agreed, " << report.flags_known << " known issues, "
      << report.flags_unexpected << " unexpected, " << report.stale_known_issues
      << " stale known issues, " << report.flags_skipped << " skipped (input absent)\n";
  out << report.cases_passed << " passed, " << report.cases_failed << " failed\n";
  return report;
}

}  // namespace vaxreg::certs
