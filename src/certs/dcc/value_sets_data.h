#pragma once
// Access to the value-set JSON embedded at build time (see src/certs/CMakeLists.txt). Internal to
// certs; use value_sets.h.

#include <string_view>
#include <vector>

namespace vaxreg::certs::internal {

struct EmbeddedValueSet {
  std::string_view name;  // file name without ".json", e.g. "vaccine-medicinal-product"
  std::string_view json;  // the file's text
};

// Every embedded file, sorted by name. Never destroyed; thread-safe.
const std::vector<EmbeddedValueSet>& EmbeddedValueSets();

}  // namespace vaxreg::certs::internal
