#pragma once
// The three kinds of EU DCC, by the payload group that carries the entry.

#include <string_view>

namespace vaxreg::certs {

enum class DccType { kVaccination, kTest, kRecovery };

// "v", "t" or "r": the payload key of the group.
constexpr std::string_view DccTypeKey(DccType type) {
  switch (type) {
    case DccType::kVaccination:
      return "v";
    case DccType::kTest:
      return "t";
    case DccType::kRecovery:
      return "r";
  }
  return "";
}

}  // namespace vaxreg::certs
