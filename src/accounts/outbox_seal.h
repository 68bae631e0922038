#pragma once
// Sealing the text of outbox messages that carry a secret (a one-time code), so that the outbox,
// which admins read and backups copy, never holds the secret in clear while the message waits
// for its gateway.
//
// Construction: XChaCha20-Poly1305 (libsodium crypto_aead_xchacha20poly1305_ietf) under a
// 256-bit key that lives outside the database (notify.secret_key_file or the environment
// variable VAXREG_NOTIFY_SECRET_KEY, 64 hex characters; every server process that delivers must
// hold the same key). Each seal takes a fresh random 192-bit nonce, so nonces never need
// coordinating between processes. The associated data binds the sealed text to the message's
// channel and recipient: a sealed code copied onto a row addressed to someone else no longer
// opens, so write access to the outbox alone does not redirect a citizen's code.
//
// Sealed form: "vo1" | key id (8 bytes: BLAKE2b of the key, so a process holding another key
// reports "another key" rather than "damaged") | nonce (24) | ciphertext with its 16-byte tag.
//
// What this does not do: hide the secret from whoever holds the key and the database together,
// or erase the ciphertext from free database pages and WAL frames once its column is set to
// NULL (it is ciphertext there, and the secret expires within minutes).
//
// Thread-safety: immutable after construction; Seal and Open may run on any thread.

#include <array>
#include <filesystem>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vaxreg::accounts {

class OutboxSealKey final {
 public:
  // 32 bytes written as 64 hex characters (surrounding whitespace ignored). kInvalidArgument
  // otherwise; the message never quotes the text.
  static Result<OutboxSealKey> FromHex(std::string_view hex);
  // A file holding the hex key (e.g. `openssl rand -hex 32 > notify.key; chmod 600 notify.key`).
  // kInvalidArgument when it cannot be read or holds no key.
  static Result<OutboxSealKey> LoadFile(const std::filesystem::path& path);

  ~OutboxSealKey();  // wipes the key
  OutboxSealKey(OutboxSealKey&&) noexcept;
  OutboxSealKey& operator=(OutboxSealKey&&) noexcept;
  OutboxSealKey(const OutboxSealKey&) = delete;
  OutboxSealKey& operator=(const OutboxSealKey&) = delete;

  // Hex of the 8-byte key id (for logs: which key a process holds).
  std::string key_id_hex() const;

  std::string Seal(std::string_view plaintext, std::string_view channel,
                   std::string_view recipient) const;
  // kFailedPrecondition naming the cause: sealed under another key, or damaged / not sealed for
  // this channel and recipient.
  Result<std::string> Open(std::string_view sealed, std::string_view channel,
                           std::string_view recipient) const;

 private:
  OutboxSealKey() = default;
  std::array<unsigned char, 32> key_{};
  std::array<unsigned char, 8> id_{};
};

}  // namespace vaxreg::accounts
