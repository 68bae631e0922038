#include "certs/issue/dcc_issuer.h"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>

#include "certs/codec/base45.h"
#include "certs/codec/cose.h"
#include "certs/codec/cwt.h"
#include "certs/codec/zlib_codec.h"
#include "certs/issue/uvci.h"
#include "text/vietnamese.h"

namespace vaxreg::certs {
namespace {

// SNOMED CT code of COVID-19 (value set disease-agent-targeted).
constexpr char kTargetCovid19[] = "840539006";
// Schema 1.3: fnt/gnt and names have at most 80 characters.
constexpr size_t kMaxNameChars = 80;

std::string FormatDay(std::chrono::sys_days d) {
  const std::chrono::year_month_day ymd{d};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

bool ValidBirthDate(std::string_view dob) {
  auto digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (dob.size() == 4) return digits(dob);
  if (dob.size() != 10 || dob[4] != '-' || dob[7] != '-') return false;
  if (!digits(dob.substr(0, 4)) || !digits(dob.substr(5, 2)) || !digits(dob.substr(8, 2))) {
    return false;
  }
  const std::chrono::year_month_day ymd{
      std::chrono::year(std::stoi(std::string(dob.substr(0, 4)))),
      std::chrono::month(static_cast<unsigned>(std::stoi(std::string(dob.substr(5, 2))))),
      std::chrono::day(static_cast<unsigned>(std::stoi(std::string(dob.substr(8, 2)))))};
  return ymd.ok();
}

std::string Icao(std::string_view name) {
  std::string t = text::IcaoTransliterate(name);
  if (t.size() > kMaxNameChars) t.resize(kMaxNameChars);
  return t;
}

}  // namespace

Result<std::pair<std::string, std::string>> SplitVietnameseName(std::string_view full_name) {
  ASSIGN_OR_RETURN(std::string name, text::NormalizeName(full_name));
  if (name.empty()) return InvalidArgumentError("the holder's name is empty", "full_name");
  const size_t space = name.find(' ');
  if (space == std::string::npos) return std::make_pair(name, std::string());
  return std::make_pair(name.substr(0, space), name.substr(space + 1));
}

SystemTime AddCalendarMonths(SystemTime from, int months) {
  using namespace std::chrono;
  const sys_days day = floor<days>(from);
  const auto time_of_day = from - SystemTime(day);
  year_month_day ymd{day};
  year_month ym = year_month{ymd.year(), ymd.month()} + std::chrono::months(months);
  const year_month_day_last last{ym.year(), month_day_last{ym.month()}};
  const std::chrono::day d = std::min(ymd.day(), last.day());
  return SystemTime(sys_days(year_month_day{ym.year(), ym.month(), d})) + time_of_day;
}

DccIssuer::DccIssuer(Signer dsc, std::vector<registry::VaccineProduct> catalogue,
                     IssuerOptions options)
    : dsc_(std::move(dsc)), catalogue_(std::move(catalogue)), options_(std::move(options)) {}

Result<boost::json::value> DccIssuer::BuildDcc(const IssueRequest& request,
                                                std::string_view uvci) const {
  ASSIGN_OR_RETURN(auto names, SplitVietnameseName(request.full_name));
  if (!ValidBirthDate(request.date_of_birth)) {
    return InvalidArgumentError("date of birth must be YYYY-MM-DD or YYYY", "date_of_birth");
  }
  const registry::StatusSummary status = registry::ComputeStatus(request.doses, catalogue_);
  if (status.counted_doses == 0) {
    return FailedPreconditionError("no counted dose to certify (voided and unverified "
                                   "self-declared doses do not count)");
  }
  // The newest counted dose, whose dn/sd ComputeStatus reports.
  const registry::DoseFacts* newest = nullptr;
  for (const registry::DoseFacts& d : request.doses) {
    if (d.voided || d.self_declared_pending) continue;
    if (std::none_of(catalogue_.begin(), catalogue_.end(),
                     [&](const auto& p) { return p.code == d.product_code; })) {
      continue;
    }
    if (newest == nullptr || d.date >= newest->date) newest = &d;
  }
  const auto product = std::find_if(catalogue_.begin(), catalogue_.end(),
                                    [&](const auto& p) { return p.code == newest->product_code; });

  boost::json::object nam;
  nam["fn"] = names.first;
  nam["fnt"] = Icao(names.first);
  if (!names.second.empty()) {
    nam["gn"] = names.second;
    nam["gnt"] = Icao(names.second);
  }
  boost::json::object v{{"tg", kTargetCovid19},
                        {"vp", product->vp},
                        {"mp", product->mp},
                        {"ma", product->ma},
                        {"dn", status.dn},
                        {"sd", status.sd},
                        {"dt", FormatDay(newest->date)},
                        {"co", options_.country},
                        {"is", options_.issuer},
                        {"ci", uvci}};
  return boost::json::value{{"ver", options_.schema_version},
                            {"nam", std::move(nam)},
                            {"dob", request.date_of_birth},
                            {"v", boost::json::array{std::move(v)}}};
}

Result<std::string> DccIssuer::SignHc1(const boost::json::value& dcc, SystemTime iat,
                                       SystemTime exp) const {
  if (!dsc_.key || !dsc_.certificate) return FailedPreconditionError("no document signer key");
  if (exp > dsc_.certificate->not_after()) {
    return FailedPreconditionError(
        "the certificate would outlive the document signer certificate: rotate the keys");
  }
  if (iat < dsc_.certificate->not_before()) {
    return FailedPreconditionError("the document signer certificate is not valid yet");
  }
  CwtClaims claims;
  claims.issuer = options_.country;
  claims.issued_at = ToUnixSeconds(iat);
  claims.expires_at = ToUnixSeconds(exp);
  claims.dcc = dcc;
  ASSIGN_OR_RETURN(std::string cwt, EncodeCwt(claims));
  ASSIGN_OR_RETURN(std::string cose,
                   SignCoseSign1Es256(cwt, dsc_.certificate->kid(), dsc_.key.get()));
  // One long-lived stream per thread and mode, with a small hash table (cleared on every reset;
  // see Deflater). The window stays zlib's standard 32 KiB: its header byte 0x78 is what some
  // verifiers insist on (@pathcheck/dcc-sdk refuses a 2 KiB window's 0x38 as a bad format),
  // and the window is not cleared on reset, so it costs no time.
  thread_local Deflater stored(0, 15, 4);
  thread_local Deflater compressing(9, 15, 4);
  Deflater& deflater = options_.deflate ? compressing : stored;
  ASSIGN_OR_RETURN(std::string compressed, deflater.Compress(cose));
  return "HC1:" + Base45Encode(compressed);
}

Result<IssuedDcc> DccIssuer::Issue(const IssueRequest& request, SystemTime now) const {
  IssuedDcc out;
  out.uvci = request.uvci.empty() ? NewUvci(options_.country) : request.uvci;
  ASSIGN_OR_RETURN(out.dcc, BuildDcc(request, out.uvci));
  out.issued_at = std::chrono::floor<std::chrono::seconds>(now);
  out.expires_at = AddCalendarMonths(out.issued_at, options_.validity_months);
  ASSIGN_OR_RETURN(out.hc1, SignHc1(out.dcc, out.issued_at, out.expires_at));
  out.kid = dsc_.certificate->kid();
  return out;
}

}  // namespace vaxreg::certs
