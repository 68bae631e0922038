#pragma once
// Reverse lookup tables for text encodings with a fixed alphabet (Base45, Base64).

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vaxreg::certs::internal {

// Maps every byte to its index in `alphabet`, or -1 when the byte is not in it. Usable in
// constant expressions so each codec builds its table at compile time.
constexpr std::array<int8_t, 256> MakeDecodeTable(std::string_view alphabet) {
  std::array<int8_t, 256> table{};
  for (auto& v : table) v = -1;
  for (size_t i = 0; i < alphabet.size(); ++i) {
    table[static_cast<unsigned char>(alphabet[i])] = static_cast<int8_t>(i);
  }
  return table;
}

}  // namespace vaxreg::certs::internal
