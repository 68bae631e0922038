#pragma once
// EU DCC value sets (the code lists for tg, vp, mp, ma, tt, tr, co), compiled into the binary
// from src/certs/dcc/valuesets/*.json. Immutable after construction; thread-safe.

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/status.h"

namespace vaxreg::certs {

inline constexpr std::string_view kValueSetDisease = "disease-agent-targeted";
inline constexpr std::string_view kValueSetVaccineProphylaxis = "vaccine-prophylaxis";
inline constexpr std::string_view kValueSetVaccineProduct = "vaccine-medicinal-product";
inline constexpr std::string_view kValueSetVaccineManufacturer = "vaccine-mah-manf";
inline constexpr std::string_view kValueSetTestType = "test-type";
inline constexpr std::string_view kValueSetTestResult = "test-result";
inline constexpr std::string_view kValueSetCountry = "country-2-codes";

class ValueSets final {
 public:
  // The embedded value sets, parsed on first use. CHECK-fails if the embedded JSON is broken
  // (a build defect, caught by the unit tests).
  static const ValueSets& Embedded();

  // Parses value-set files in the upstream shape {valueSetId, valueSetDate, valueSetValues:
  // {code: {...}}}, keyed by `name`. kInvalidArgument when a text is not in that shape.
  static Result<ValueSets> Parse(const std::map<std::string, std::string, std::less<>>& files);

  // True when `name` is a known value set and lists `code` (active or not: older certificates
  // carry codes that were later deactivated).
  bool Contains(std::string_view name, std::string_view code) const;
  // True when the value set `name` exists.
  bool Has(std::string_view name) const;
  // The valueSetDate of `name`, or empty.
  std::string Date(std::string_view name) const;
  // The display text of `code` in `name` ("Comirnaty" for EU/1/20/1528), or empty.
  std::string_view Display(std::string_view name, std::string_view code) const;

 private:
  // Transparent hashing, so lookups by string_view do not allocate.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  struct Set {
    std::string date;
    std::unordered_map<std::string, std::string, Hash, std::equal_to<>> codes;  // -> display
  };
  std::map<std::string, Set, std::less<>> sets_;
};

}  // namespace vaxreg::certs
