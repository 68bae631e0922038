#pragma once
// Small cryptographic helpers over OpenSSL and libsodium. Thread-safe.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace vaxreg {

using Sha256Digest = std::array<uint8_t, 32>;

Sha256Digest Sha256(std::string_view data);
// Lower-case hex of arbitrary bytes.
std::string HexEncode(std::string_view bytes);
inline std::string HexEncode(const Sha256Digest& d) {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}
// Returns false on odd length or a non-hex character.
bool HexDecode(std::string_view hex, std::string* out);
// `n` bytes from the operating system's CSPRNG (libsodium randombytes).
std::string RandomBytes(size_t n);
// URL-safe base64 without padding.
std::string Base64UrlEncode(std::string_view bytes);
// Compares secrets in constant time.
bool ConstantTimeEquals(std::string_view a, std::string_view b);
// Must be called once at start-up before any other function here (sodium_init). Idempotent.
void InitCrypto();

}  // namespace vaxreg
