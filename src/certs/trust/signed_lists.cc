#include "certs/trust/signed_lists.h"

#include <boost/json.hpp>

#include "certs/codec/base64.h"
#include "certs/crypto/signature.h"
#include "certs/iso_time.h"

namespace vaxreg::certs {
namespace {

namespace json = boost::json;

constexpr char kTrustListType[] = "dcc-trust-list";
constexpr char kRevocationListType[] = "dcc-revocation-list";

Result<std::string> Envelope(const json::object& content, const Signer& signer) {
  if (!signer.key || !signer.certificate) return FailedPreconditionError("no trust-list signer key");
  const std::string text = json::serialize(content);
  ASSIGN_OR_RETURN(std::string signature, SignEs256(signer.key.get(), text));
  json::object env{{"content", text},
                   {"alg", "ES256"},
                   {"signer", Base64Encode(signer.certificate->der())},
                   {"signature", Base64Encode(signature)}};
  return json::serialize(env);
}

Result<json::object> ParseObject(std::string_view text, const char* what) {
  json::parse_options opt;
  opt.max_depth = 8;
  std::error_code ec;
  json::value v = json::parse(text, ec, {}, opt);
  if (ec || !v.is_object()) return InvalidArgumentError(std::string(what) + " is not a JSON object");
  return std::move(v.as_object());
}

Result<std::string> StringField(const json::object& o, std::string_view key, const char* what) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) {
    return InvalidArgumentError(std::string(what) + ": '" + std::string(key) +
                                "' must be a string");
  }
  return std::string(v->as_string());
}

Result<std::string> Base64Field(const json::object& o, std::string_view key, const char* what) {
  ASSIGN_OR_RETURN(std::string text, StringField(o, key, what));
  auto bytes = Base64Decode(text);
  if (!bytes.ok()) return InvalidArgumentError(std::string(what) + ": '" + std::string(key) +
                                               "' is not base64");
  return *bytes;
}

// Checks the envelope and returns the signer and the content object.
Result<std::pair<std::shared_ptr<const Certificate>, json::object>> OpenEnvelope(
    std::string_view text, const char* type) {
  if (text.size() > kMaxSignedListBytes) return ResourceExhaustedError("list is too large");
  ASSIGN_OR_RETURN(json::object env, ParseObject(text, "signed list"));
  ASSIGN_OR_RETURN(std::string alg, StringField(env, "alg", "signed list"));
  if (alg != "ES256") return InvalidArgumentError("signed list: unsupported alg " + alg);
  ASSIGN_OR_RETURN(std::string content, StringField(env, "content", "signed list"));
  ASSIGN_OR_RETURN(std::string signer_der, Base64Field(env, "signer", "signed list"));
  ASSIGN_OR_RETURN(std::string signature, Base64Field(env, "signature", "signed list"));
  ASSIGN_OR_RETURN(std::shared_ptr<const Certificate> signer, Certificate::FromDer(signer_der));
  Status st = VerifyEs256(signer->public_key(), content, signature);
  if (!st.ok()) return UnauthenticatedError("the list signature does not verify");
  ASSIGN_OR_RETURN(json::object c, ParseObject(content, "list content"));
  ASSIGN_OR_RETURN(std::string got_type, StringField(c, "type", "list content"));
  if (got_type != type) {
    return InvalidArgumentError("expected a " + std::string(type) + ", got " + got_type);
  }
  return std::make_pair(std::move(signer), std::move(c));
}

json::object CertJson(const Certificate& c) {
  return {{"kid", Base64Encode(c.kid())},
          {"not_before", FormatIsoInstant(c.not_before())},
          {"not_after", FormatIsoInstant(c.not_after())},
          {"subject", c.Subject()},
          {"certificate", Base64Encode(c.der())}};
}

Result<std::shared_ptr<const Certificate>> CertFromJson(const json::value& v) {
  if (!v.is_object()) return InvalidArgumentError("trust list: a certificate entry is not an object");
  ASSIGN_OR_RETURN(std::string der, Base64Field(v.as_object(), "certificate", "trust list"));
  ASSIGN_OR_RETURN(std::shared_ptr<const Certificate> cert, Certificate::FromDer(der));
  ASSIGN_OR_RETURN(std::string kid, Base64Field(v.as_object(), "kid", "trust list"));
  if (kid != cert->kid()) return InvalidArgumentError("trust list: a kid does not match its certificate");
  return cert;
}

}  // namespace

Result<std::string> BuildSignedTrustList(const KeyStore& keys, SystemTime now) {
  json::array dscs;
  for (const auto& dsc : keys.dscs()) {
    json::object o = CertJson(*dsc);
    o["active"] = dsc == keys.dscs().back();
    dscs.push_back(std::move(o));
  }
  json::object content{{"type", kTrustListType},
                       {"version", 1},
                       {"country", "VN"},
                       {"issued_at", FormatIsoInstant(now)},
                       {"csca", CertJson(*keys.csca())},
                       {"dscs", std::move(dscs)}};
  return Envelope(content, keys.list_signer());
}

Result<std::string> BuildSignedRevocationList(const std::vector<std::string>& uvci_hashes,
                                              const Signer& list_signer, SystemTime now) {
  json::array hashes;
  hashes.reserve(uvci_hashes.size());
  for (const std::string& h : uvci_hashes) hashes.push_back(json::string(Base64Encode(h)));
  json::object content{{"type", kRevocationListType},
                       {"version", 1},
                       {"issued_at", FormatIsoInstant(now)},
                       {"hash_type", "UCI-SHA256-16"},
                       {"hashes", std::move(hashes)}};
  return Envelope(content, list_signer);
}

Result<TrustList> ParseSignedTrustList(std::string_view text, const Certificate* pinned_csca) {
  ASSIGN_OR_RETURN(auto opened, OpenEnvelope(text, kTrustListType));
  const json::object& c = opened.second;
  TrustList list;
  const json::value* csca = c.if_contains("csca");
  if (csca == nullptr) return InvalidArgumentError("trust list: no csca");
  ASSIGN_OR_RETURN(list.csca, CertFromJson(*csca));
  if (pinned_csca != nullptr && pinned_csca->der() != list.csca->der()) {
    return UnauthenticatedError("trust list: the CSCA is not the pinned one");
  }
  RETURN_IF_ERROR(VerifyIssuedBy(*opened.first, *list.csca));
  const json::value* dscs = c.if_contains("dscs");
  if (dscs == nullptr || !dscs->is_array()) return InvalidArgumentError("trust list: no dscs");
  for (const json::value& d : dscs->as_array()) {
    ASSIGN_OR_RETURN(std::shared_ptr<const Certificate> dsc, CertFromJson(d));
    RETURN_IF_ERROR(VerifyIssuedBy(*dsc, *list.csca));
    list.dscs.push_back(std::move(dsc));
  }
  ASSIGN_OR_RETURN(std::string issued, StringField(c, "issued_at", "trust list"));
  auto t = ParseIsoDateTime(issued);
  if (!t) return InvalidArgumentError("trust list: bad issued_at");
  list.issued_at = *t;
  return list;
}

Result<std::unique_ptr<InMemoryRevocationList>> ParseSignedRevocationList(std::string_view text,
                                                                          const Certificate& csca) {
  ASSIGN_OR_RETURN(auto opened, OpenEnvelope(text, kRevocationListType));
  RETURN_IF_ERROR(VerifyIssuedBy(*opened.first, csca));
  const json::value* hashes = opened.second.if_contains("hashes");
  if (hashes == nullptr || !hashes->is_array()) {
    return InvalidArgumentError("revocation list: no hashes");
  }
  auto list = std::make_unique<InMemoryRevocationList>();
  for (const json::value& h : hashes->as_array()) {
    if (!h.is_string()) return InvalidArgumentError("revocation list: a hash is not a string");
    auto bytes = Base64Decode(h.as_string());
    if (!bytes.ok() || bytes->size() != 16) {
      return InvalidArgumentError("revocation list: a hash is not 16 bytes of base64");
    }
    list->AddHash(*bytes);
  }
  return list;
}

std::unique_ptr<InMemoryTrustStore> MakeTrustStore(const TrustList& list) {
  auto store = std::make_unique<InMemoryTrustStore>();
  for (const auto& dsc : list.dscs) store->Add(dsc);
  return store;
}

}  // namespace vaxreg::certs
