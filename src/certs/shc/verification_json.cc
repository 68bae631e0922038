#include "certs/shc/verification_json.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

#include "certs/iso_time.h"
#include "certs/shc/vaccine_codes.h"

namespace vaxreg::certs::shc {
namespace {

namespace json = boost::json;

std::string FullName(const ShcVerificationResult& r) {
  if (r.given_name.empty()) return r.family_name;
  if (r.family_name.empty()) return r.given_name;
  return r.family_name + " " + r.given_name;  // Vietnamese order: family name first
}

json::value Instant(const std::optional<double>& seconds) {
  if (!seconds) return nullptr;
  return json::value(FormatIsoInstant(SystemTime(std::chrono::duration_cast<SystemTime::duration>(
      std::chrono::duration<double>(std::floor(*seconds))))));
}

json::object Steps(const ShcVerificationResult& r) {
  json::object steps;
  bool decoding_failed = false;
  const auto& codes = AllShcFailureCodes();
  for (size_t i = 0; i < codes.size(); ++i) {
    const ShcFailureCode code = codes[i];
    std::string_view state = "ok";
    if (r.Has(code)) {
      state = "failed";
    } else if (decoding_failed ||
               (code == ShcFailureCode::kSignature && r.Has(ShcFailureCode::kUnknownKid)) ||
               ((code == ShcFailureCode::kRevoked || code == ShcFailureCode::kCrl) &&
                !r.revocation_checked)) {
      state = "skipped";
    }
    if (static_cast<int>(i) < kShcDecodingSteps && r.Has(code)) decoding_failed = true;
    steps[ShcFailureCodeName(code)] = state;
  }
  return steps;
}

}  // namespace

json::object ShcVerificationResultToJson(const ShcVerificationResult& r, bool minimal) {
  json::object out;
  out["valid"] = r.valid;
  if (!minimal) out["format"] = "shc";
  json::array failures;
  for (const ShcFailure& f : r.failures) {
    if (minimal) {
      failures.push_back(json::string(ShcFailureCodeName(f.code)));
    } else {
      failures.push_back(json::object{{"code", ShcFailureCodeName(f.code)}, {"message", f.message}});
    }
  }
  out["failures"] = std::move(failures);
  if (minimal) {
    if (r.payload) out["name"] = FullName(r);
    return out;
  }
  out["steps"] = Steps(r);
  if (!r.payload) return out;
  out["holder"] = json::object{{"name", FullName(r)},
                               {"family_name", r.family_name},
                               {"given_name", r.given_name},
                               {"date_of_birth", r.date_of_birth}};
  json::array vaccinations;
  for (const ShcImmunization& im : r.immunizations) {
    vaccinations.push_back(json::object{{"date", im.date},
                                        {"system", im.system},
                                        {"code", im.code},
                                        {"vaccine", VaccineCodeName(im.system, im.code)},
                                        {"lot", im.lot},
                                        {"performer", im.performer}});
  }
  out["certificate"] = json::object{{"type", "smart-health-card"},
                                    {"issuer", r.issuer},
                                    {"issued_at", Instant(r.nbf)},
                                    {"expires_at", Instant(r.exp)},
                                    {"kid", r.kid},
                                    {"rid", r.rid},
                                    {"doses", r.immunizations.size()},
                                    {"vaccinations", std::move(vaccinations)}};
  return out;
}

json::object ShcVerificationResultsToJson(const std::vector<ShcVerificationResult>& results,
                                          bool minimal) {
  if (results.size() == 1) return ShcVerificationResultToJson(results.front(), minimal);
  json::array cards;
  for (const auto& r : results) cards.push_back(ShcVerificationResultToJson(r, minimal));
  const bool valid = !results.empty() && std::all_of(results.begin(), results.end(),
                                                     [](const auto& r) { return r.valid; });
  return json::object{{"valid", valid}, {"format", "shc"}, {"cards", std::move(cards)}};
}

}  // namespace vaxreg::certs::shc
