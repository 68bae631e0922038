#include "certs/shc/fhir_bundle.h"

#include <algorithm>
#include <cstdio>

#include "certs/issue/dcc_issuer.h"
#include "certs/shc/vaccine_codes.h"
#include "registry/vaccination_status.h"

namespace vaxreg::certs::shc {
namespace {

bool ValidBirthDate(std::string_view dob) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (dob.size() == 4) return std::all_of(dob.begin(), dob.end(), digit);
  return dob.size() == 10 && dob[4] == '-' && dob[7] == '-' &&
         std::all_of(dob.begin(), dob.begin() + 4, digit) && digit(dob[5]) && digit(dob[6]) &&
         digit(dob[8]) && digit(dob[9]);
}

void AppendDay(std::string& out, std::chrono::sys_days d) {
  const std::chrono::year_month_day ymd{d};
  char buf[16];
  std::snprintf(buf, sizeof buf, "\"%04d-%02u-%02u\"", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  out += buf;
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      out += "\\u00";
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

Result<std::string> BuildShcBundle(std::string_view full_name, std::string_view date_of_birth,
                                   const std::vector<ShcDose>& doses,
                                   const std::vector<registry::VaccineProduct>& catalogue) {
  ASSIGN_OR_RETURN(auto names, SplitVietnameseName(full_name));
  if (!ValidBirthDate(date_of_birth)) {
    return InvalidArgumentError("date of birth must be YYYY-MM-DD or YYYY", "date_of_birth");
  }
  std::vector<std::pair<const ShcDose*, const registry::VaccineProduct*>> counted;
  for (const ShcDose& d : doses) {
    if (d.voided || d.self_declared_pending) continue;
    const auto p = std::find_if(catalogue.begin(), catalogue.end(),
                                [&](const auto& v) { return v.code == d.product_code; });
    if (p != catalogue.end()) counted.emplace_back(&d, &*p);
  }
  if (counted.empty()) {
    return FailedPreconditionError("no counted dose to certify (voided and unverified "
                                   "self-declared doses do not count)");
  }
  std::stable_sort(counted.begin(), counted.end(),
                   [](const auto& a, const auto& b) { return a.first->date < b.first->date; });

  std::string out;
  out.reserve(256 + 256 * counted.size());
  out += R"({"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"resource:0",)"
         R"("resource":{"resourceType":"Patient","name":[{"family":)";
  AppendJsonString(out, names.first);
  if (!names.second.empty()) {
    out += R"(,"given":[)";
    std::string_view given = names.second;
    bool first = true;
    while (!given.empty()) {
      const size_t space = given.find(' ');
      const std::string_view word = given.substr(0, space);
      given = space == std::string_view::npos ? std::string_view() : given.substr(space + 1);
      if (word.empty()) continue;
      if (!first) out.push_back(',');
      first = false;
      AppendJsonString(out, word);
    }
    out.push_back(']');
  }
  out += R"(}],"birthDate":)";
  AppendJsonString(out, date_of_birth);
  out += "}}";
  for (size_t i = 0; i < counted.size(); ++i) {
    const ShcDose& d = *counted[i].first;
    const VaccineCoding coding = VaccineCodingFor(counted[i].second->mp, counted[i].second->vp);
    out += R"(,{"fullUrl":"resource:)" + std::to_string(i + 1) +
           R"(","resource":{"resourceType":"Immunization","status":"completed",)"
           R"("vaccineCode":{"coding":[{"system":)";
    AppendJsonString(out, coding.system);
    out += R"(,"code":)";
    AppendJsonString(out, coding.code);
    out += R"(}]},"patient":{"reference":"resource:0"},"occurrenceDateTime":)";
    AppendDay(out, d.date);
    if (!d.performer.empty()) {
      out += R"(,"performer":[{"actor":{"display":)";
      AppendJsonString(out, d.performer);
      out += "}}]";
    }
    if (!d.lot.empty()) {
      out += R"(,"lotNumber":)";
      AppendJsonString(out, d.lot);
    }
    out += "}}";
  }
  out += "]}";
  return out;
}

}  // namespace vaxreg::certs::shc
