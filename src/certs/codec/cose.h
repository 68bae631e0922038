#pragma once
// COSE_Sign1 (RFC 9052) as used by the EU DCC: parsing, verification and ES256 signing.
// Pure functions over byte strings; thread-safe.

#include <openssl/evp.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "certs/codec/cbor.h"
#include "common/crypto_util.h"
#include "common/status.h"

namespace vaxreg::certs {

inline constexpr int64_t kCoseAlgEs256 = -7;
inline constexpr int64_t kCoseAlgPs256 = -37;
inline constexpr uint64_t kCoseSign1Tag = 18;
inline constexpr uint64_t kCwtTag = 61;
// The largest COSE message accepted (the zlib cap bounds real input anyway).
inline constexpr size_t kMaxCoseBytes = 64 * 1024;

struct CoseSign1 {
  // The protected-header byte string exactly as received (possibly empty). The Sig_structure
  // must be built from these bytes: re-encoding the decoded map can change them.
  std::string protected_header;
  // Algorithm: from the protected header, else from the unprotected one.
  std::optional<int64_t> alg;
  // Key identifier: from the protected header, else from the unprotected one; empty if neither.
  std::string kid;
  bool kid_protected = false;
  std::string payload;
  std::string signature;
};

// Parses a COSE_Sign1 message: tag 18, no tag, or tag 61 (CWT) around tag 18; any other tag
// is rejected. The message must be a 4-element array [bstr protected, map unprotected, bstr
// payload, bstr signature]; a non-empty protected header must encode a map. Header labels 1
// (alg, integer) and 4 (kid, byte string) are read; a wrongly typed alg or kid, a duplicate
// label, or a detached (nil) payload is kInvalidArgument, as is any malformed CBOR.
Result<CoseSign1> ParseCoseSign1(std::string_view bytes, size_t max_bytes = kMaxCoseBytes);

// The to-be-signed bytes: ["Signature1", protected, h'', payload] with definite lengths and
// shortest heads.
std::string BuildSigStructure(std::string_view protected_header, std::string_view payload);
// SHA-256 of BuildSigStructure(protected_header, payload), without building it.
Sha256Digest SigStructureSha256(std::string_view protected_header, std::string_view payload);

// Verifies the signature with `public_key`. alg ES256 (-7) needs a P-256 key and a 64-byte raw
// r||s signature; PS256 (-37) an RSA key. Errors: kInvalidArgument for a missing or unsupported
// alg, a key of the wrong type or a signature of the wrong length; kUnauthenticated when the
// signature does not verify.
Status VerifyCoseSign1(const CoseSign1& message, EVP_PKEY* public_key);

// Signs `payload` with ES256 and returns a tag-18 COSE_Sign1 whose protected header is the
// canonical map {1: -7, 4: kid} and whose unprotected header is empty. kInvalidArgument unless
// `private_key` is a P-256 private key.
Result<std::string> SignCoseSign1Es256(std::string_view payload, std::string_view kid,
                                       EVP_PKEY* private_key);

}  // namespace vaxreg::certs
