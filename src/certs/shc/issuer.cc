#include "certs/shc/issuer.h"

#include <algorithm>

#include "certs/codec/base64.h"
#include "certs/crypto/signature.h"
#include "certs/shc/crl.h"
#include "certs/shc/jwk.h"
#include "certs/shc/numeric.h"
#include "certs/shc/raw_deflate.h"
#include "common/crypto_util.h"

namespace vaxreg::certs::shc {

Status ValidateShcIssuerUrl(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  const bool bad_char = std::any_of(url.begin(), url.end(), [](char c) {
    return static_cast<unsigned char>(c) <= 0x20 || c == '?' || c == '#' || c == '\x7f';
  });
  if (!url.starts_with(kScheme) || url.size() == kScheme.size() || url.back() == '/' ||
      bad_char || url.substr(kScheme.size()).starts_with("/")) {
    return InvalidArgumentError(
        "the SMART Health Card issuer must be an https:// URL without a trailing '/', query or "
        "fragment (e.g. https://vaxreg.example.vn), got \"" + std::string(url) + "\"",
        "certs.shc_issuer");
  }
  return Status::Ok();
}

std::string NewShcRid() { return Base64UrlEncode(RandomBytes(8)); }

Result<std::unique_ptr<ShcIssuer>> ShcIssuer::Create(std::shared_ptr<EVP_PKEY> key,
                                                     ShcIssuerOptions options) {
  RETURN_IF_ERROR(ValidateShcIssuerUrl(options.issuer_url));
  if (!key || !IsP256Key(key.get())) {
    return InvalidArgumentError("the SMART Health Card key must be a P-256 key");
  }
  std::unique_ptr<ShcIssuer> issuer(new ShcIssuer());
  ASSIGN_OR_RETURN(issuer->kid_, JwkThumbprint(key.get()));
  std::string header = R"({"zip":"DEF","alg":"ES256","kid":)";
  AppendJsonString(header, issuer->kid_);
  header.push_back('}');
  issuer->header_b64_ = Base64UrlEncode(header);
  issuer->claims_prefix_ = R"({"iss":)";
  AppendJsonString(issuer->claims_prefix_, options.issuer_url);
  issuer->claims_prefix_ += R"(,"nbf":)";
  issuer->types_ = R"("type":[)";
  AppendJsonString(issuer->types_, kHealthCardVcType);
  if (options.legacy_types) {
    issuer->types_.push_back(',');
    AppendJsonString(issuer->types_, kImmunizationVcType);
    issuer->types_.push_back(',');
    AppendJsonString(issuer->types_, kCovid19VcType);
  }
  issuer->types_.push_back(']');
  issuer->key_ = std::move(key);
  issuer->options_ = std::move(options);
  return issuer;
}

Result<std::string> ShcIssuer::BuildPayload(
    const ShcIssueRequest& request, std::string_view rid,
    const std::vector<registry::VaccineProduct>& catalogue) const {
  if (!IsValidRid(rid)) return InvalidArgumentError("a rid is 1 to 24 base64url characters");
  ASSIGN_OR_RETURN(std::string bundle, BuildShcBundle(request.full_name, request.date_of_birth,
                                                      request.doses, catalogue));
  std::string out;
  out.reserve(bundle.size() + 400);
  out += claims_prefix_;
  out += std::to_string(ToUnixSeconds(request.not_before));
  if (request.expires_at) out += R"(,"exp":)" + std::to_string(ToUnixSeconds(*request.expires_at));
  out += R"(,"vc":{)";
  out += types_;
  out += R"(,"credentialSubject":{"fhirVersion":"4.0.1","fhirBundle":)";
  out += bundle;
  out += R"(},"rid":)";
  AppendJsonString(out, rid);
  out += "}}";
  return out;
}

Result<std::string> ShcIssuer::SignPayload(std::string_view payload) const {
  // libdeflate's fastest level compresses a card payload to within 2% of zlib's best in a third
  // of zlib's time (shc/raw_deflate.h); a card that would then not fit one QR code gets its
  // smallest level before it is refused. One compressor of each per thread.
  thread_local RawDeflater fast(1);
  thread_local RawDeflater smallest(12);
  ASSIGN_OR_RETURN(std::string compressed, fast.Compress(payload));
  constexpr size_t kSignatureChars = 86;  // 64 bytes, base64url
  auto jws_chars = [&](size_t deflated) {
    return header_b64_.size() + 1 + (deflated * 4 + 2) / 3 + 1 + kSignatureChars;
  };
  if (jws_chars(compressed.size()) > kMaxSingleQrJwsChars) {
    ASSIGN_OR_RETURN(compressed, smallest.Compress(payload));
  }
  std::string jws;
  jws.reserve(jws_chars(compressed.size()));
  jws += header_b64_;
  jws.push_back('.');
  jws += EncodeBase64Url(compressed);
  ASSIGN_OR_RETURN(std::string signature, SignEs256(key_.get(), jws));
  jws.push_back('.');
  jws += EncodeBase64Url(signature);
  return jws;
}

Result<IssuedShc> ShcIssuer::Issue(const ShcIssueRequest& request,
                                   const std::vector<registry::VaccineProduct>& catalogue) const {
  IssuedShc out;
  out.rid = request.rid.empty() ? NewShcRid() : request.rid;
  out.kid = kid_;
  out.not_before = std::chrono::floor<std::chrono::seconds>(request.not_before);
  out.expires_at = request.expires_at;
  ASSIGN_OR_RETURN(std::string payload, BuildPayload(request, out.rid, catalogue));
  ASSIGN_OR_RETURN(out.jws, SignPayload(payload));
  if (out.jws.size() > kMaxSingleQrJwsChars) {
    return ResourceExhaustedError(
        "the SMART Health Card would be " + std::to_string(out.jws.size()) +
        " characters long; one QR code holds at most " + std::to_string(kMaxSingleQrJwsChars) +
        " (too many doses or too long names to fit; multi-part cards are deprecated)");
  }
  return out;
}

}  // namespace vaxreg::certs::shc
