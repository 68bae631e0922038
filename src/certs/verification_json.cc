#include "certs/verification_json.h"

#include <boost/json.hpp>

#include "certs/codec/base64.h"
#include "certs/iso_time.h"

namespace vaxreg::certs {
namespace {

namespace json = boost::json;

constexpr FailureCode kSteps[] = {
    FailureCode::kPrefix,    FailureCode::kBase45,      FailureCode::kZlib,
    FailureCode::kCose,      FailureCode::kCbor,        FailureCode::kUnknownKid,
    FailureCode::kSignature, FailureCode::kExpired,     FailureCode::kNotYetValid,
    FailureCode::kRevoked,   FailureCode::kSchema,      FailureCode::kValueSet,
    FailureCode::kKeyUsage};
constexpr int kDecodingSteps = 5;  // prefix .. cbor end verification when they fail

std::string FullName(const VerificationResult& r) {
  if (r.given_name.empty()) return r.family_name;
  if (r.family_name.empty()) return r.given_name;
  return r.family_name + " " + r.given_name;  // Vietnamese order: family name first
}

json::object Steps(const VerificationResult& r) {
  json::object steps;
  bool decoding_failed = false;
  for (int i = 0; i < static_cast<int>(std::size(kSteps)); ++i) {
    const FailureCode code = kSteps[i];
    std::string_view state = "ok";
    if (r.Has(code)) {
      state = "failed";
    } else if (decoding_failed ||
               (code == FailureCode::kSignature && r.Has(FailureCode::kUnknownKid))) {
      state = "skipped";
    }
    if (i < kDecodingSteps && r.Has(code)) decoding_failed = true;
    steps[FailureCodeName(code)] = state;
  }
  return steps;
}

json::array Vaccinations(const json::value& dcc) {
  json::array out;
  const json::object* o = dcc.if_object();
  const json::value* v = o ? o->if_contains("v") : nullptr;
  if (v == nullptr || !v->is_array()) return out;
  for (const json::value& e : v->as_array()) {
    const json::object* eo = e.if_object();
    if (eo == nullptr) continue;
    json::object item;
    auto copy = [&](std::string_view from, std::string_view to) {
      if (const json::value* x = eo->if_contains(from)) item[to] = *x;
    };
    copy("dt", "date");
    copy("dn", "dose");
    copy("sd", "of");
    copy("mp", "product");
    copy("co", "country");
    copy("is", "issuer");
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace

json::object VerificationResultToJson(const VerificationResult& r, bool minimal) {
  json::object out;
  out["valid"] = r.valid;
  json::array failures;
  for (const Failure& f : r.failures) {
    if (minimal) {
      failures.push_back(json::string(FailureCodeName(f.code)));
    } else {
      failures.push_back(json::object{{"code", FailureCodeName(f.code)}, {"message", f.message}});
    }
  }
  out["failures"] = std::move(failures);
  if (minimal) {
    if (r.dcc) out["name"] = FullName(r);
    return out;
  }
  out["steps"] = Steps(r);
  if (r.dcc) {
    out["holder"] = json::object{{"name", FullName(r)},
                                 {"family_name", r.family_name},
                                 {"given_name", r.given_name},
                                 {"date_of_birth", r.date_of_birth}};
    json::object cert;
    cert["type"] = r.type ? json::value(DccTypeKey(*r.type)) : json::value(nullptr);
    cert["uvci"] = r.uvci;
    cert["issuer"] = r.issuer;
    cert["issued_at"] =
        r.issued_at ? json::value(FormatIsoInstant(*r.issued_at)) : json::value(nullptr);
    cert["expires_at"] =
        r.expires_at ? json::value(FormatIsoInstant(*r.expires_at)) : json::value(nullptr);
    cert["kid"] = Base64Encode(r.kid);
    cert["doses"] = r.doses;
    cert["vaccinations"] = Vaccinations(*r.dcc);
    out["certificate"] = std::move(cert);
  }
  if (r.signer) {
    out["signer"] = json::object{{"subject", r.signer->Subject()},
                                 {"kid", Base64Encode(r.signer->kid())}};
  }
  return out;
}

}  // namespace vaxreg::certs
