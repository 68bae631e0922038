#pragma once
// The documents an offline verifier downloads, both JSON and both signed by the trust-list
// signer (a certificate issued by the CSCA, see keys/key_store.h):
//
// Signed envelope:  {"content": "<JSON text>", "alg": "ES256",
//                    "signer": "<base64 DER of the signer certificate>",
//                    "signature": "<base64 raw r||s over the UTF-8 bytes of content>"}
// The content is carried as text so that the signed bytes are exactly what is verified.
//
// Trust list content: {"type": "dcc-trust-list", "version": 1, "country", "issued_at",
//   "csca": {"kid", "certificate"},
//   "dscs": [{"kid", "not_before", "not_after", "certificate", "active"}]}
// Revocation list content: {"type": "dcc-revocation-list", "version": 1, "issued_at",
//   "hash_type": "UCI-SHA256-16", "hashes": ["<base64 of the first 16 bytes of SHA-256(UVCI)>"]}
// kids and certificates are standard base64 (DER), times ISO-8601 UTC.
//
// Pure functions; thread-safe.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "certs/keys/key_store.h"
#include "certs/verifier.h"
#include "common/clock.h"
#include "common/status.h"

namespace vaxreg::certs {

// The largest list document accepted when parsing.
inline constexpr size_t kMaxSignedListBytes = 16 * 1024 * 1024;

// The signed trust list of `keys` (certificates only; no private key but the list signer's).
Result<std::string> BuildSignedTrustList(const KeyStore& keys, SystemTime now);

// The signed revocation list of `uvci_hashes` (each DccRevocationHash, 16 bytes).
Result<std::string> BuildSignedRevocationList(const std::vector<std::string>& uvci_hashes,
                                              const Signer& list_signer, SystemTime now);

struct TrustList {
  std::shared_ptr<const Certificate> csca;
  std::vector<std::shared_ptr<const Certificate>> dscs;
  SystemTime issued_at;
};

// Verifies and parses a signed trust list. The signer certificate must be issued by the list's
// CSCA, and so must every DSC. When `pinned_csca` is given, the list's CSCA must be that
// certificate (the verifier's anchor); otherwise the file itself is the anchor (obtained over a
// trusted channel). kInvalidArgument for malformed documents, kUnauthenticated for a bad
// signature or chain, kResourceExhausted beyond kMaxSignedListBytes.
Result<TrustList> ParseSignedTrustList(std::string_view text,
                                       const Certificate* pinned_csca = nullptr);

// Verifies and parses a signed revocation list whose signer must be issued by `csca`.
Result<std::unique_ptr<InMemoryRevocationList>> ParseSignedRevocationList(
    std::string_view text, const Certificate& csca);

// The trust store holding every DSC of `list`.
std::unique_ptr<InMemoryTrustStore> MakeTrustStore(const TrustList& list);

}  // namespace vaxreg::certs
