#pragma once
// Jaro-Winkler similarity of two byte strings (meant for folded ASCII names): 1 for equal
// strings, 0 for nothing in common; the Winkler bonus rewards a common prefix of up to 4 bytes
// with scaling 0.1. Strings longer than 64 bytes are compared on their first 64 bytes.
// Pure function; thread-safe; no allocation.

#include <string_view>

namespace vaxreg::identity {

double JaroWinkler(std::string_view a, std::string_view b);

}  // namespace vaxreg::identity
