#pragma once
// Small cryptographic helpers over OpenSSL and libsodium. Thread-safe.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace vaxreg {

using Sha256Digest = std::array<uint8_t, 32>;

Sha256Digest Sha256(std::string_view data);
// SHA-256 over several pieces without concatenating them. The algorithm is fetched once and the
// first hasher alive on a thread reuses that thread's digest context: OpenSSL 3's one-shot
// SHA256() fetches the algorithm and allocates a context on every call, which costs as much as
// hashing a few hundred bytes. Thread-compatible (one object, one thread).
class Sha256Hasher final {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;
  void Update(std::string_view data);
  // The digest of everything updated so far; call once.
  Sha256Digest Finish();

 private:
  void* ctx_;          // an EVP_MD_CTX
  bool owns_ctx_;      // false when borrowing the thread's context
};
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
