#include "registry/vaccine_names.h"

#include <array>
#include <string>
#include <utility>

namespace vaxreg::registry {
namespace {

// Lower case ASCII letters and digits, '/' and '&' kept; everything else dropped.
std::string Key(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '&') {
      out.push_back(c);
    }
  }
  return out;
}

// Common names of the built-in products, as keys.
constexpr std::array<std::pair<std::string_view, std::string_view>, 19> kCommonNames = {{
    {"pfizer", "COMIRNATY"},       {"pfizerbiontech", "COMIRNATY"}, {"biontech", "COMIRNATY"},
    {"moderna", "SPIKEVAX"},       {"astrazeneca", "VAXZEVRIA"},    {"az", "VAXZEVRIA"},
    {"covishield", "VAXZEVRIA"},   {"sinopharm", "BBIBP-CORV"},     {"verocell", "BBIBP-CORV"},
    {"sputnik", "SPUTNIK-V"},      {"gamaleya", "SPUTNIK-V"},       {"janssen", "JANSSEN"},
    {"johnson&johnson", "JANSSEN"}, {"j&j", "JANSSEN"},             {"jcovden", "JANSSEN"},
    {"bharat", "COVAXIN"},         {"cigb", "ABDALA"},              {"hayat", "HAYAT-VAX"},
    {"hayatvax", "HAYAT-VAX"},
}};

const VaccineProduct* ByCode(const std::vector<VaccineProduct>& catalogue, std::string_view code) {
  for (const VaccineProduct& p : catalogue) {
    if (p.code == code) return &p;
  }
  return nullptr;
}

}  // namespace

Result<const VaccineProduct*> ResolveVaccineName(const std::vector<VaccineProduct>& catalogue,
                                                 std::string_view text, std::string_view field) {
  const std::string key = Key(text);
  if (key.empty()) return InvalidArgumentError("the vaccine is missing", std::string(field));
  for (const VaccineProduct& p : catalogue) {
    if (Key(p.code) == key) return &p;
  }
  for (const VaccineProduct& p : catalogue) {
    if (Key(p.mp) == key) return &p;
  }
  for (const VaccineProduct& p : catalogue) {
    if (Key(p.name) == key) return &p;
    const size_t paren = p.name.find(" (");
    if (paren != std::string::npos && Key(p.name.substr(0, paren)) == key) return &p;
  }
  for (const auto& [name, code] : kCommonNames) {
    if (name == key) {
      if (const VaccineProduct* p = ByCode(catalogue, code)) return p;
    }
  }
  return InvalidArgumentError("unknown vaccine '" + std::string(text.substr(0, 64)) +
                                  "': give a product name such as Comirnaty or Pfizer, or its "
                                  "EU code such as EU/1/20/1528",
                              std::string(field));
}

Status NormalizeVaccineCode(const std::vector<VaccineProduct>& catalogue, std::string& code,
                            std::string_view field) {
  if (ByCode(catalogue, code) != nullptr) return Status::Ok();  // the usual case, exact
  ASSIGN_OR_RETURN(const VaccineProduct* product, ResolveVaccineName(catalogue, code, field));
  code = product->code;
  return Status::Ok();
}

}  // namespace vaxreg::registry
