#include "certs/codec/base64.h"

#include "certs/codec/alphabet.h"

#include <array>
#include <cstdint>

namespace vaxreg::certs {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int8_t, 256> kDecodeTable = internal::MakeDecodeTable(kAlphabet);
constexpr std::array<int8_t, 256> kUrlDecodeTable = internal::MakeDecodeTable(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(kAlphabet[(n >> 6) & 63]);
    out.push_back(kAlphabet[n & 63]);
  }
  if (bytes.size() - i == 1) {
    uint32_t n = byte(i) << 16;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out += "==";
  } else if (bytes.size() - i == 2) {
    uint32_t n = byte(i) << 16 | byte(i + 1) << 8;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(kAlphabet[(n >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

Result<std::string> Base64Decode(std::string_view text, size_t max_text_bytes) {
  if (text.size() > max_text_bytes) {
    return ResourceExhaustedError("base64 text exceeds " + std::to_string(max_text_bytes) +
                                  " bytes");
  }
  std::string out;
  out.reserve(text.size() / 4 * 3);
  uint32_t acc = 0;
  int bits = 0;
  size_t symbols = 0;
  size_t padding = 0;
  for (char c : text) {
    if (IsSpace(c)) continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding > 0) return InvalidArgumentError("base64 data after padding");
    const int8_t v = kDecodeTable[static_cast<unsigned char>(c)];
    if (v < 0) return InvalidArgumentError("character outside the base64 alphabet");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    ++symbols;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  if (symbols % 4 == 1) return InvalidArgumentError("base64 text has a dangling character");
  if (padding > 0 && (symbols + padding) % 4 != 0) {
    return InvalidArgumentError("base64 padding does not complete a quantum");
  }
  if (padding > 2) return InvalidArgumentError("too much base64 padding");
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) {
    return InvalidArgumentError("base64 text has non-zero trailing bits");
  }
  return out;
}

std::string EncodeBase64Url(std::string_view bytes) {
  static constexpr char kUrl[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out((bytes.size() * 4 + 2) / 3, '\0');
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t i = 0;
  size_t o = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t n = uint32_t{in[i]} << 16 | uint32_t{in[i + 1]} << 8 | in[i + 2];
    out[o++] = kUrl[(n >> 18) & 63];
    out[o++] = kUrl[(n >> 12) & 63];
    out[o++] = kUrl[(n >> 6) & 63];
    out[o++] = kUrl[n & 63];
  }
  if (const size_t rest = bytes.size() - i; rest > 0) {
    const uint32_t n = uint32_t{in[i]} << 16 | (rest == 2 ? uint32_t{in[i + 1]} << 8 : 0);
    out[o++] = kUrl[(n >> 18) & 63];
    out[o++] = kUrl[(n >> 12) & 63];
    if (rest == 2) out[o++] = kUrl[(n >> 6) & 63];
  }
  return out;
}

Result<std::string> Base64UrlDecode(std::string_view text, size_t max_text_bytes) {
  if (text.size() > max_text_bytes) {
    return ResourceExhaustedError("base64url text exceeds " + std::to_string(max_text_bytes) +
                                  " bytes");
  }
  if (text.size() % 4 == 1) return InvalidArgumentError("base64url text has a dangling character");
  std::string out;
  out.reserve(text.size() / 4 * 3 + 2);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const int8_t v = kUrlDecodeTable[static_cast<unsigned char>(c)];
    if (v < 0) return InvalidArgumentError("character outside the base64url alphabet");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) {
    return InvalidArgumentError("base64url text has non-zero trailing bits");
  }
  return out;
}

}  // namespace vaxreg::certs
