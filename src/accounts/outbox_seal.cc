#include "accounts/outbox_seal.h"

#include <sodium.h>

#include <cctype>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/crypto_util.h"

namespace vaxreg::accounts {
namespace {

constexpr std::string_view kMagic = "vo1";
constexpr size_t kIdBytes = 8;
constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr size_t kHeaderBytes = kMagic.size() + kIdBytes + kNonceBytes;

static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == 32);

// Length-prefixed, so that no (channel, recipient) pair can be mistaken for another.
std::string AssociatedData(std::string_view channel, std::string_view recipient) {
  std::string ad = "vaxreg-outbox-seal-v1";
  for (std::string_view part : {channel, recipient}) {
    const uint32_t n = static_cast<uint32_t>(part.size());
    for (int shift = 24; shift >= 0; shift -= 8)
      ad.push_back(static_cast<char>((n >> shift) & 0xff));
    ad.append(part);
  }
  return ad;
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

Result<OutboxSealKey> OutboxSealKey::FromHex(std::string_view hex) {
  InitCrypto();
  while (!hex.empty() && std::isspace(static_cast<unsigned char>(hex.front())))
    hex.remove_prefix(1);
  while (!hex.empty() && std::isspace(static_cast<unsigned char>(hex.back()))) hex.remove_suffix(1);
  std::string raw;
  if (hex.size() != 64 || !HexDecode(hex, &raw) || raw.size() != 32) {
    sodium_memzero(raw.data(), raw.size());
    return InvalidArgumentError("the notification secret key must be 64 hex characters (32 bytes)");
  }
  OutboxSealKey key;
  std::memcpy(key.key_.data(), raw.data(), 32);
  sodium_memzero(raw.data(), raw.size());
  static constexpr std::string_view kIdLabel = "vaxreg outbox seal key id";
  std::array<unsigned char, crypto_generichash_BYTES_MIN> id{};
  crypto_generichash(id.data(), id.size(), Bytes(kIdLabel), kIdLabel.size(), key.key_.data(),
                     key.key_.size());
  std::memcpy(key.id_.data(), id.data(), kIdBytes);
  return key;
}

Result<OutboxSealKey> OutboxSealKey::LoadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return InvalidArgumentError("cannot read the notification secret key file '" + path.string() +
                                "'");
  }
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  Result<OutboxSealKey> key = FromHex(text);
  sodium_memzero(text.data(), text.size());
  if (!key.ok()) return key.status().WithContext(path.string());
  return key;
}

OutboxSealKey::~OutboxSealKey() { sodium_memzero(key_.data(), key_.size()); }

OutboxSealKey::OutboxSealKey(OutboxSealKey&& o) noexcept : key_(o.key_), id_(o.id_) {
  sodium_memzero(o.key_.data(), o.key_.size());
}

OutboxSealKey& OutboxSealKey::operator=(OutboxSealKey&& o) noexcept {
  if (this != &o) {
    key_ = o.key_;
    id_ = o.id_;
    sodium_memzero(o.key_.data(), o.key_.size());
  }
  return *this;
}

std::string OutboxSealKey::key_id_hex() const {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(id_.data()), id_.size()));
}

std::string OutboxSealKey::Seal(std::string_view plaintext, std::string_view channel,
                                std::string_view recipient) const {
  const std::string ad = AssociatedData(channel, recipient);
  std::string out(kHeaderBytes + plaintext.size() + kTagBytes, '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  std::memcpy(p, kMagic.data(), kMagic.size());
  std::memcpy(p + kMagic.size(), id_.data(), kIdBytes);
  unsigned char* nonce = p + kMagic.size() + kIdBytes;
  randombytes_buf(nonce, kNonceBytes);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(p + kHeaderBytes, &written, Bytes(plaintext),
                                             plaintext.size(), Bytes(ad), ad.size(), nullptr, nonce,
                                             key_.data());
  out.resize(kHeaderBytes + static_cast<size_t>(written));
  return out;
}

Result<std::string> OutboxSealKey::Open(std::string_view sealed, std::string_view channel,
                                        std::string_view recipient) const {
  if (sealed.size() < kHeaderBytes + kTagBytes || sealed.substr(0, kMagic.size()) != kMagic) {
    return FailedPreconditionError("the sealed message text is damaged");
  }
  if (std::memcmp(sealed.data() + kMagic.size(), id_.data(), kIdBytes) != 0) {
    return FailedPreconditionError(
        "the message text was sealed under another notification secret key");
  }
  const std::string ad = AssociatedData(channel, recipient);
  const auto* nonce = Bytes(sealed) + kMagic.size() + kIdBytes;
  const std::string_view cipher = sealed.substr(kHeaderBytes);
  std::string out(cipher.size() - kTagBytes, '\0');
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(out.data()),
                                                 &written, nullptr, Bytes(cipher), cipher.size(),
                                                 Bytes(ad), ad.size(), nonce, key_.data()) != 0) {
    return FailedPreconditionError(
        "the sealed message text is damaged or was not sealed for this channel and recipient");
  }
  out.resize(static_cast<size_t>(written));
  return out;
}

}  // namespace vaxreg::accounts
