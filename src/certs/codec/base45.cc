#include "certs/codec/base45.h"

#include "certs/codec/alphabet.h"

#include <array>
#include <cstdint>

namespace vaxreg::certs {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

constexpr std::array<int8_t, 256> kDecodeTable = internal::MakeDecodeTable(kAlphabet);

}  // namespace

std::string Base45Encode(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() / 2 * 3 + 2);
  size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2) {
    uint32_t n = static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) * 256 +
                 static_cast<unsigned char>(bytes[i + 1]);
    out.push_back(kAlphabet[n % 45]);
    out.push_back(kAlphabet[(n / 45) % 45]);
    out.push_back(kAlphabet[n / (45 * 45)]);
  }
  if (i < bytes.size()) {
    uint32_t n = static_cast<unsigned char>(bytes[i]);
    out.push_back(kAlphabet[n % 45]);
    out.push_back(kAlphabet[n / 45]);
  }
  return out;
}

Result<std::string> Base45Decode(std::string_view text, size_t max_text_bytes) {
  if (text.size() > max_text_bytes) {
    return ResourceExhaustedError("base45 text is " + std::to_string(text.size()) +
                                  " bytes, more than the limit of " +
                                  std::to_string(max_text_bytes));
  }
  if (text.size() % 3 == 1) {
    return InvalidArgumentError("base45 text length " + std::to_string(text.size()) +
                                " leaves a dangling character");
  }
  std::string out(text.size() / 3 * 2 + (text.size() % 3 == 2 ? 1 : 0), '\0');
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  auto bad_char = [](size_t offset) {
    return InvalidArgumentError("character at offset " + std::to_string(offset) +
                                " is not in the base45 alphabet");
  };
  size_t o = 0;
  size_t i = 0;
  for (; i + 3 <= text.size(); i += 3) {
    const int c = kDecodeTable[in[i]], d = kDecodeTable[in[i + 1]], e = kDecodeTable[in[i + 2]];
    if ((c | d | e) < 0) return bad_char(i + (c < 0 ? 0 : d < 0 ? 1 : 2));
    const auto n = static_cast<uint32_t>(c + d * 45 + e * 45 * 45);
    if (n > 0xFFFF) {
      return InvalidArgumentError("base45 group at offset " + std::to_string(i) +
                                  " exceeds 0xFFFF");
    }
    out[o++] = static_cast<char>(n >> 8);
    out[o++] = static_cast<char>(n & 0xFF);
  }
  if (i < text.size()) {  // a final pair
    const int c = kDecodeTable[in[i]], d = kDecodeTable[in[i + 1]];
    if ((c | d) < 0) return bad_char(i + (c < 0 ? 0 : 1));
    const auto n = static_cast<uint32_t>(c + d * 45);
    if (n > 0xFF) return InvalidArgumentError("final base45 group exceeds 0xFF");
    out[o++] = static_cast<char>(n);
  }
  return out;
}

}  // namespace vaxreg::certs
