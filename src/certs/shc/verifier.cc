#include "certs/shc/verifier.h"

#include <openssl/x509v3.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <set>

#include "certs/codec/base64.h"
#include "certs/codec/zlib_codec.h"
#include "certs/crypto/signature.h"
#include "certs/crypto/x509.h"
#include "certs/shc/numeric.h"

namespace vaxreg::certs::shc {
namespace {

namespace json = boost::json;

constexpr std::string_view kHealthCardType = "https://smarthealth.cards#health-card";
constexpr size_t kMaxHeaderChars = 1024;
// NumericDate values above this are milliseconds (year 5138 in seconds; 1.6e12 in milliseconds
// is 2020).
constexpr double kMaxPlausibleSeconds = 1e11;

using GeneralNamesPtr =
    std::unique_ptr<GENERAL_NAMES, OpenSslDeleter<GENERAL_NAMES, GENERAL_NAMES_free>>;

bool IsSpaceOrBom(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) return true;
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  return !text.empty() && (ws(text.front()) || ws(text.back()));
}

std::string_view Trimmed(std::string_view t) {
  if (t.starts_with("\xEF\xBB\xBF")) t.remove_prefix(3);
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t' || t.front() == '\r' ||
                        t.front() == '\n')) {
    t.remove_prefix(1);
  }
  while (!t.empty() &&
         (t.back() == ' ' || t.back() == '\t' || t.back() == '\r' || t.back() == '\n')) {
    t.remove_suffix(1);
  }
  return t;
}

std::string StringAt(const json::object* o, std::string_view key) {
  const json::value* v = o != nullptr ? o->if_contains(key) : nullptr;
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

const json::object* ObjectAt(const json::object* o, std::string_view key) {
  const json::value* v = o != nullptr ? o->if_contains(key) : nullptr;
  return v != nullptr ? v->if_object() : nullptr;
}

const json::object* FirstObjectIn(const json::object* o, std::string_view key) {
  const json::value* v = o != nullptr ? o->if_contains(key) : nullptr;
  const json::array* a = v != nullptr ? v->if_array() : nullptr;
  return a != nullptr && !a->empty() ? a->front().if_object() : nullptr;
}

std::optional<double> NumberAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  if (v->is_double() && std::isfinite(v->get_double())) return v->get_double();
  return std::nullopt;
}

SystemTime FromSeconds(double s) {
  return SystemTime(std::chrono::duration_cast<SystemTime::duration>(
      std::chrono::duration<double>(std::floor(s))));
}

std::string IsoSeconds(double s) { return FormatIso8601(FromSeconds(s)); }

class Checker {
 public:
  Checker(const ShcTrust& trust, SystemTime now, const ShcVerifyOptions& options)
      : trust_(trust), now_(now), options_(options) {}

  ShcVerificationResult Run(std::string_view jws) {
    r_.jws = std::string(jws);
    if (Decode(jws)) {
      CheckIssuer();
      CheckKeyAndSignature(jws);
      CheckTime();
      CheckRevocation();
      CheckContent();
    }
    r_.valid = r_.failures.empty();
    return std::move(r_);
  }

  ShcVerificationResult Fail(ShcFailureCode code, std::string message) {
    Add(code, std::move(message));
    r_.valid = false;
    return std::move(r_);
  }

 private:
  void Add(ShcFailureCode code, std::string message) {
    r_.failures.push_back({code, std::move(message)});
  }

  // Splits, decodes the header, inflates and parses the claims. False after a failure.
  bool Decode(std::string_view jws) {
    const size_t a = jws.find('.');
    const size_t b = a == std::string_view::npos ? a : jws.find('.', a + 1);
    if (b == std::string_view::npos || jws.find('.', b + 1) != std::string_view::npos) {
      Add(ShcFailureCode::kJws, "not a compact JWS (header.payload.signature)");
      return false;
    }
    header_b64_ = jws.substr(0, a);
    payload_b64_ = jws.substr(a + 1, b - a - 1);
    signature_b64_ = jws.substr(b + 1);
    if (header_b64_.empty() || payload_b64_.empty() || signature_b64_.empty()) {
      Add(ShcFailureCode::kJws, "a part of the JWS is empty");
      return false;
    }
    if (header_b64_.size() > kMaxHeaderChars) {
      Add(ShcFailureCode::kHeader, "the JWS header is too long");
      return false;
    }
    auto header_bytes = Base64UrlDecode(header_b64_);
    auto payload_bytes = Base64UrlDecode(payload_b64_);
    if (!header_bytes.ok() || !payload_bytes.ok()) {
      Add(ShcFailureCode::kJws,
          "JWS part is not base64url: " +
              (header_bytes.ok() ? payload_bytes : header_bytes).status().message());
      return false;
    }
    if (!DecodeHeader(*header_bytes)) return false;
    thread_local Inflater inflater(DeflateFormat::kRaw);
    auto payload = inflater.Inflate(*payload_bytes, options_.max_payload_bytes);
    if (!payload.ok()) {
      Add(ShcFailureCode::kDeflate,
          payload.status().code() == StatusCode::kResourceExhausted
              ? "the payload inflates to more than " + std::to_string(options_.max_payload_bytes) +
                    " bytes"
              : "the payload is not raw DEFLATE (RFC 1951, no zlib header): " +
                    payload.status().message());
      return false;
    }
    return DecodePayload(*payload);
  }

  bool DecodeHeader(std::string_view bytes) {
    boost::system::error_code ec;
    json::value h = json::parse(bytes, ec);
    const json::object* o = ec ? nullptr : h.if_object();
    if (o == nullptr) {
      Add(ShcFailureCode::kHeader, "the JWS header is not a JSON object");
      return false;
    }
    std::vector<std::string> problems;
    if (StringAt(o, "alg") != "ES256") problems.push_back("alg must be ES256");
    if (StringAt(o, "zip") != "DEF") problems.push_back("zip must be DEF");
    r_.kid = StringAt(o, "kid");
    if (r_.kid.empty()) problems.push_back("kid is missing");
    if (!problems.empty()) {
      std::string m = "JWS header: ";
      for (size_t i = 0; i < problems.size(); ++i) m += (i ? ", " : "") + problems[i];
      Add(ShcFailureCode::kHeader, m);
      return false;
    }
    return true;
  }

  bool DecodePayload(std::string_view text) {
    boost::system::error_code ec;
    json::value claims = json::parse(text, ec);
    if (ec || !claims.is_object()) {
      Add(ShcFailureCode::kPayload, text.starts_with("\xEF\xBB\xBF")
                                        ? "the payload starts with a byte order mark"
                                        : "the payload is not a JSON object");
      return false;
    }
    r_.payload = std::move(claims);
    const json::object& c = r_.payload->get_object();
    std::vector<std::string> problems;
    const json::value* iss = c.if_contains("iss");
    if (iss == nullptr || !iss->is_string()) {
      problems.push_back("iss is missing");
    } else {
      r_.issuer = std::string(iss->get_string());
    }
    r_.nbf = NumberAt(c, "nbf");
    if (!r_.nbf) {
      problems.push_back("nbf is missing or not a number");
    } else if (*r_.nbf > kMaxPlausibleSeconds) {
      problems.push_back("nbf is in milliseconds; NumericDate counts seconds");
    }
    if (c.contains("exp")) {
      r_.exp = NumberAt(c, "exp");
      if (!r_.exp) {
        problems.push_back("exp is not a number");
      } else if (*r_.exp > kMaxPlausibleSeconds) {
        problems.push_back("exp is in milliseconds; NumericDate counts seconds");
      }
    }
    vc_ = ObjectAt(&c, "vc");
    if (vc_ == nullptr) {
      problems.push_back("vc is missing");
    } else if (const json::value* rid = vc_->if_contains("rid")) {
      if (!rid->is_string() || !IsValidRid(rid->get_string())) {
        problems.push_back("vc.rid must be 1 to 24 base64url characters");
      } else {
        r_.rid = std::string(rid->get_string());
      }
    }
    if (!problems.empty()) {
      std::string m = "claims: ";
      for (size_t i = 0; i < problems.size(); ++i) m += (i ? ", " : "") + problems[i];
      Add(ShcFailureCode::kPayload, m);
      return false;
    }
    ReadContent();
    return true;
  }

  // The untrusted content shown to the verifier: types, holder, immunizations.
  void ReadContent() {
    if (const json::value* t = vc_->if_contains("type"); t != nullptr && t->is_array()) {
      for (const json::value& v : t->get_array()) {
        if (v.is_string()) r_.types.emplace_back(v.get_string());
      }
    }
    const json::object* bundle = ObjectAt(ObjectAt(vc_, "credentialSubject"), "fhirBundle");
    const json::value* entries = bundle != nullptr ? bundle->if_contains("entry") : nullptr;
    if (entries == nullptr || !entries->is_array()) return;
    bool have_patient = false;
    for (const json::value& e : entries->get_array()) {
      const json::object* res = ObjectAt(e.if_object(), "resource");
      const std::string type = StringAt(res, "resourceType");
      if (type == "Patient" && !have_patient) {
        have_patient = true;
        const json::object* name = FirstObjectIn(res, "name");
        r_.family_name = StringAt(name, "family");
        const json::value* given = name != nullptr ? name->if_contains("given") : nullptr;
        if (given != nullptr && given->is_array()) {
          for (const json::value& g : given->get_array()) {
            if (!g.is_string()) continue;
            if (!r_.given_name.empty()) r_.given_name += ' ';
            r_.given_name += g.get_string();
          }
        }
        r_.date_of_birth = StringAt(res, "birthDate");
      } else if (type == "Immunization") {
        ShcImmunization im;
        im.status = StringAt(res, "status");
        const json::object* coding = FirstObjectIn(ObjectAt(res, "vaccineCode"), "coding");
        im.system = StringAt(coding, "system");
        im.code = StringAt(coding, "code");
        im.date = StringAt(res, "occurrenceDateTime");
        im.lot = StringAt(res, "lotNumber");
        im.performer = StringAt(ObjectAt(FirstObjectIn(res, "performer"), "actor"), "display");
        r_.immunizations.push_back(std::move(im));
      }
    }
  }

  void CheckIssuer() {
    const std::string& iss = r_.issuer;
    if (!iss.starts_with("https://") || iss.size() == 8) {
      Add(ShcFailureCode::kIssuer, "iss must be an https:// URL, got \"" + iss + "\"");
    } else if (iss.back() == '/') {
      Add(ShcFailureCode::kIssuer, "iss must not end with '/'");
    } else if (!trust_.issuer.empty() && iss != trust_.issuer) {
      Add(ShcFailureCode::kIssuer, "the card names issuer " + iss + ", not the trusted " +
                                       trust_.issuer);
    }
  }

  void CheckKeyAndSignature(std::string_view jws) {
    key_ = trust_.keys.Find(r_.kid);
    if (key_ == nullptr) {
      Add(ShcFailureCode::kUnknownKid, "the issuer's key set has no key " + r_.kid);
      return;
    }
    std::vector<std::string> problems = key_->problems;
    if (options_.check_x5c && !key_->x5c.empty() && key_->key) {
      if (Status st = CheckX5c(); !st.ok()) problems.push_back("x5c: " + st.message());
    }
    if (!problems.empty()) {
      std::string m = "key " + r_.kid + ": ";
      for (size_t i = 0; i < problems.size(); ++i) m += (i ? "; " : "") + problems[i];
      Add(ShcFailureCode::kKey, m);
    }
    if (!key_->key) return;  // nothing to verify with (reported as "key")
    auto signature = Base64UrlDecode(signature_b64_, 1024);
    if (!signature.ok()) {
      Add(ShcFailureCode::kSignature, "the signature is not base64url");
      return;
    }
    if (signature->size() != 64) {
      Add(ShcFailureCode::kSignature,
          !signature->empty() && (*signature)[0] == '\x30'
              ? "the signature is DER-encoded; ES256 in JWS is the 64-byte r||s"
              : "an ES256 signature is 64 bytes (r||s), got " +
                    std::to_string(signature->size()));
      return;
    }
    const std::string_view signed_part = jws.substr(0, header_b64_.size() + 1 + payload_b64_.size());
    if (Status st = VerifyEs256(key_->key.get(), signed_part, *signature); !st.ok()) {
      Add(ShcFailureCode::kSignature, "the signature does not verify with key " + r_.kid);
    }
  }

  // The chain is checked for consistency (each certificate signed by the next, all valid now,
  // the leaf certifying this key and naming the issuer as its URI SAN); anchoring it in a trust
  // framework's root is the framework's business.
  Status CheckX5c() const {
    std::vector<std::shared_ptr<const Certificate>> chain;
    for (const std::string& der : key_->x5c) {
      ASSIGN_OR_RETURN(auto cert, Certificate::FromDer(der));
      chain.push_back(std::move(cert));
    }
    if (EVP_PKEY_eq(chain.front()->public_key(), key_->key.get()) != 1) {
      return InvalidArgumentError("the leaf certificate is not for this key");
    }
    for (size_t i = 0; i < chain.size(); ++i) {
      const Certificate& c = *chain[i];
      if (now_ < c.not_before() || now_ > c.not_after()) {
        return InvalidArgumentError("certificate " + std::to_string(i) + " (" + c.Subject() +
                                    ") is not valid now (valid " + FormatIso8601(c.not_before()) +
                                    " .. " + FormatIso8601(c.not_after()) + ")");
      }
      if (i + 1 < chain.size()) {
        if (Status st = VerifyIssuedBy(c, *chain[i + 1]); !st.ok()) {
          return InvalidArgumentError("certificate " + std::to_string(i) +
                                      " is not signed by the next one");
        }
      }
    }
    if (!r_.issuer.empty()) {
      GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
          X509_get_ext_d2i(chain.front()->x509(), NID_subject_alt_name, nullptr, nullptr)));
      bool found = false;
      for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
        const GENERAL_NAME* n = sk_GENERAL_NAME_value(names.get(), i);
        if (n->type != GEN_URI) continue;
        const ASN1_IA5STRING* uri = n->d.uniformResourceIdentifier;
        found = found || std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                                          static_cast<size_t>(ASN1_STRING_length(uri))) ==
                             r_.issuer;
      }
      if (!found) return InvalidArgumentError("the leaf certificate does not name the issuer");
    }
    return Status::Ok();
  }

  void CheckTime() {
    const double now = std::chrono::duration<double>(now_.time_since_epoch()).count();
    if (r_.nbf && now + static_cast<double>(options_.clock_skew.count()) < *r_.nbf) {
      Add(ShcFailureCode::kNotYetValid, "not valid before " + IsoSeconds(*r_.nbf));
    }
    if (r_.exp && now >= *r_.exp) {
      Add(ShcFailureCode::kExpired, "expired at " + IsoSeconds(*r_.exp));
    }
  }

  void CheckRevocation() {
    if (key_ == nullptr || !key_->crl_version) return;
    r_.revocation_checked = true;
    if (auto e = trust_.crl_errors.find(r_.kid); e != trust_.crl_errors.end()) {
      Add(ShcFailureCode::kCrl, "revocation list of key " + r_.kid + " unusable: " + e->second);
      return;
    }
    const auto crl = trust_.crls.find(r_.kid);
    if (crl == trust_.crls.end()) {
      Add(ShcFailureCode::kCrl, "no revocation list for key " + r_.kid);
      return;
    }
    if (crl->second.kid != r_.kid || crl->second.ctr != *key_->crl_version) {
      Add(ShcFailureCode::kCrl, "revocation list of key " + r_.kid + " is version " +
                                    std::to_string(crl->second.ctr) + ", the key says " +
                                    std::to_string(*key_->crl_version));
      return;
    }
    if (!r_.rid.empty() && crl->second.Revokes(r_.rid, r_.nbf.value_or(0))) {
      Add(ShcFailureCode::kRevoked, "rid " + r_.rid + " is on the revocation list");
    }
  }

  void CheckContent() {
    if (std::find(r_.types.begin(), r_.types.end(), kHealthCardType) == r_.types.end()) {
      Add(ShcFailureCode::kVcType, "vc.type does not contain " + std::string(kHealthCardType));
    }
    if (!options_.check_fhir) return;
    const json::object* subject = ObjectAt(vc_, "credentialSubject");
    if (StringAt(subject, "fhirVersion").empty()) {
      Add(ShcFailureCode::kFhir, "vc.credentialSubject.fhirVersion is missing");
    }
    const json::object* bundle = ObjectAt(subject, "fhirBundle");
    if (Status st = CheckBundle(bundle); !st.ok()) Add(ShcFailureCode::kFhir, st.message());
  }

  static Status CheckBundle(const json::object* bundle) {
    if (bundle == nullptr || StringAt(bundle, "resourceType") != "Bundle") {
      return InvalidArgumentError("vc.credentialSubject.fhirBundle is not a FHIR Bundle");
    }
    const json::value* entries = bundle->if_contains("entry");
    if (entries == nullptr || !entries->is_array() || entries->get_array().empty()) {
      return InvalidArgumentError("the bundle has no entries");
    }
    std::set<std::string, std::less<>> urls;
    for (const json::value& e : entries->get_array()) {
      const json::object* entry = e.if_object();
      if (entry == nullptr || StringAt(ObjectAt(entry, "resource"), "resourceType").empty()) {
        return InvalidArgumentError("a bundle entry has no resource with a resourceType");
      }
      const std::string url = StringAt(entry, "fullUrl");
      if (!IsShortResourceUrl(url) || !urls.insert(url).second) {
        return InvalidArgumentError("bundle entry fullUrl \"" + url +
                                    "\" is not a unique resource:N");
      }
    }
    for (const json::value& e : entries->get_array()) {
      if (Status st = CheckReferences(e.get_object().at("resource"), urls); !st.ok()) return st;
    }
    return Status::Ok();
  }

  static bool IsShortResourceUrl(std::string_view url) {
    if (!url.starts_with("resource:") || url.size() == 9) return false;
    return std::all_of(url.begin() + 9, url.end(), [](char c) { return c >= '0' && c <= '9'; });
  }

  // Every "reference" inside a resource names another entry as resource:N.
  static Status CheckReferences(const json::value& v, const std::set<std::string, std::less<>>& urls) {
    if (const json::object* o = v.if_object()) {
      for (const auto& [key, member] : *o) {
        if (key == "reference" && member.is_string()) {
          if (!urls.count(std::string_view(member.get_string()))) {
            return InvalidArgumentError("reference \"" + std::string(member.get_string()) +
                                        "\" does not name a bundle entry (resource:N)");
          }
        } else {
          RETURN_IF_ERROR(CheckReferences(member, urls));
        }
      }
    } else if (const json::array* a = v.if_array()) {
      for (const json::value& item : *a) RETURN_IF_ERROR(CheckReferences(item, urls));
    }
    return Status::Ok();
  }

  const ShcTrust& trust_;
  const SystemTime now_;
  const ShcVerifyOptions& options_;
  ShcVerificationResult r_;
  std::string_view header_b64_, payload_b64_, signature_b64_;
  const json::object* vc_ = nullptr;
  const ShcKey* key_ = nullptr;
};

}  // namespace

std::string_view ShcFailureCodeName(ShcFailureCode code) {
  switch (code) {
    case ShcFailureCode::kPrefix: return "prefix";
    case ShcFailureCode::kNumeric: return "numeric";
    case ShcFailureCode::kFile: return "file";
    case ShcFailureCode::kJws: return "jws";
    case ShcFailureCode::kHeader: return "header";
    case ShcFailureCode::kDeflate: return "deflate";
    case ShcFailureCode::kPayload: return "payload";
    case ShcFailureCode::kIssuer: return "issuer";
    case ShcFailureCode::kUnknownKid: return "unknown_kid";
    case ShcFailureCode::kKey: return "key";
    case ShcFailureCode::kSignature: return "signature";
    case ShcFailureCode::kExpired: return "expired";
    case ShcFailureCode::kNotYetValid: return "not_yet_valid";
    case ShcFailureCode::kRevoked: return "revoked";
    case ShcFailureCode::kCrl: return "crl";
    case ShcFailureCode::kVcType: return "vc_type";
    case ShcFailureCode::kFhir: return "fhir";
  }
  return "unknown";
}

const std::vector<ShcFailureCode>& AllShcFailureCodes() {
  static const auto* codes = new std::vector<ShcFailureCode>{
      ShcFailureCode::kPrefix,      ShcFailureCode::kNumeric,   ShcFailureCode::kFile,
      ShcFailureCode::kJws,         ShcFailureCode::kHeader,    ShcFailureCode::kDeflate,
      ShcFailureCode::kPayload,     ShcFailureCode::kIssuer,    ShcFailureCode::kUnknownKid,
      ShcFailureCode::kKey,         ShcFailureCode::kSignature, ShcFailureCode::kExpired,
      ShcFailureCode::kNotYetValid, ShcFailureCode::kRevoked,   ShcFailureCode::kCrl,
      ShcFailureCode::kVcType,      ShcFailureCode::kFhir};
  return *codes;
}

bool ShcVerificationResult::Has(ShcFailureCode code) const {
  return std::any_of(failures.begin(), failures.end(),
                     [code](const ShcFailure& f) { return f.code == code; });
}

bool LooksLikeShc(std::string_view text) {
  const std::string_view t = Trimmed(text);
  return t.starts_with(kShcPrefix) || t.starts_with("eyJ") ||
         (t.starts_with("{") && t.find("\"verifiableCredential\"") != std::string_view::npos);
}

ShcVerificationResult VerifyShc(std::string_view text, const ShcTrust& trust, SystemTime now,
                                const ShcVerifyOptions& options) {
  Checker checker(trust, now, options);
  const bool numeric = Trimmed(text).starts_with(kShcPrefix);
  const ShcFailureCode kind = numeric ? ShcFailureCode::kNumeric : ShcFailureCode::kJws;
  if (text.size() > options.max_text_bytes) {
    return checker.Fail(kind, "the text is longer than " +
                                  std::to_string(options.max_text_bytes) + " bytes");
  }
  if (IsSpaceOrBom(text)) {
    return checker.Fail(kind, "the text has leading or trailing whitespace or a byte order mark");
  }
  if (numeric) {
    auto jws = DecodeShcNumeric(text);
    if (!jws.ok()) return checker.Fail(ShcFailureCode::kNumeric, jws.status().message());
    return checker.Run(*jws);
  }
  if (text.find('.') == std::string_view::npos) {
    return checker.Fail(ShcFailureCode::kPrefix,
                        "not a SMART Health Card (shc:/..., a compact JWS or a health card file)");
  }
  return checker.Run(text);
}

std::vector<ShcVerificationResult> VerifyShcFile(std::string_view text, const ShcTrust& trust,
                                                 SystemTime now, const ShcVerifyOptions& options) {
  auto fail = [&](std::string message) {
    Checker checker(trust, now, options);
    return std::vector<ShcVerificationResult>{
        checker.Fail(ShcFailureCode::kFile, std::move(message))};
  };
  if (text.size() > options.max_text_bytes) {
    return fail("the file is longer than " + std::to_string(options.max_text_bytes) + " bytes");
  }
  if (IsSpaceOrBom(text)) return fail("the file has leading or trailing whitespace or a BOM");
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  const json::object* o = ec ? nullptr : doc.if_object();
  const json::value* list = o != nullptr ? o->if_contains("verifiableCredential") : nullptr;
  if (list == nullptr || !list->is_array() || list->get_array().empty()) {
    return fail("not a health card file {\"verifiableCredential\":[\"<JWS>\", ...]}");
  }
  std::vector<ShcVerificationResult> out;
  for (const json::value& jws : list->get_array()) {
    if (!jws.is_string()) return fail("a verifiableCredential entry is not a string");
    out.push_back(VerifyShc(jws.get_string(), trust, now, options));
  }
  return out;
}

std::vector<ShcVerificationResult> VerifyShcInput(std::string_view text, const ShcTrust& trust,
                                                  SystemTime now, const ShcVerifyOptions& options) {
  if (Trimmed(text).starts_with("{")) return VerifyShcFile(text, trust, now, options);
  return {VerifyShc(text, trust, now, options)};
}

}  // namespace vaxreg::certs::shc
