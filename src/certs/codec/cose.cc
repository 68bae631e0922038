#include "certs/codec/cose.h"

#include <limits>
#include <vector>

#include "certs/codec/cbor_reader.h"
#include "certs/crypto/signature.h"
#include "common/crypto_util.h"

namespace vaxreg::certs {
namespace {

constexpr int64_t kHeaderAlg = 1;
constexpr int64_t kHeaderKid = 4;

Status CoseError(std::string msg) { return InvalidArgumentError("COSE: " + msg); }

using internal::CborReader;

struct Headers {
  std::optional<int64_t> alg;
  std::optional<std::string> kid;
};

// A header label as compared for duplicates: integers by major type and value, text by content;
// other label types never compare equal.
struct Label {
  int major = -1;
  uint64_t arg = 0;
  std::string text;
  bool operator==(const Label& o) const {
    if (major != o.major || major < 0) return false;
    return major == 3 ? text == o.text : arg == o.arg;
  }
};

// Reads the header map at the reader's position (well-formed input). The checks and their order
// are: a map, no repeated label, then alg (label 1) an integer and kid (label 4) a byte string.
Result<Headers> ReadHeaders(CborReader& r, const char* which) {
  ASSIGN_OR_RETURN(CborReader::Head h, r.ReadHead());
  if (h.is_break || h.major != 5) return CoseError(std::string(which) + " header is not a map");
  Headers out;
  bool repeated = false, bad_alg = false, bad_kid = false;
  std::vector<Label> seen;
  for (uint64_t i = 0; h.indefinite || i < h.arg; ++i) {
    ASSIGN_OR_RETURN(CborReader::Head k, r.PeekHead());
    if (k.is_break) {  // only an indefinite map can end here (well-formed input)
      RETURN_IF_ERROR(r.ReadHead().status());
      break;
    }
    Label label;
    if (k.major == 0 || k.major == 1) {
      RETURN_IF_ERROR(r.ReadHead().status());
      label.major = k.major;
      label.arg = k.arg;
    } else if (k.major == 3) {
      ASSIGN_OR_RETURN(label.text, r.ReadText());
      label.major = 3;
    } else {
      RETURN_IF_ERROR(r.Skip());
    }
    bool seen_before = false;
    for (const Label& l : seen) seen_before = seen_before || l == label;
    repeated = repeated || seen_before;
    const bool first = !seen_before;
    seen.push_back(std::move(label));
    const Label& key = seen.back();
    const bool is_alg = key.major == 0 && key.arg == static_cast<uint64_t>(kHeaderAlg);
    const bool is_kid = key.major == 0 && key.arg == static_cast<uint64_t>(kHeaderKid);
    if (first && is_alg) {
      ASSIGN_OR_RETURN(CborReader::Head v, r.PeekHead());
      const bool in_range = v.arg <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
      if (!v.is_break && (v.major == 0 || v.major == 1) && in_range) {
        RETURN_IF_ERROR(r.ReadHead().status());
        out.alg = v.major == 0 ? static_cast<int64_t>(v.arg) : -1 - static_cast<int64_t>(v.arg);
        continue;
      }
      bad_alg = true;
    } else if (first && is_kid) {
      ASSIGN_OR_RETURN(CborReader::Head v, r.PeekHead());
      if (!v.is_break && v.major == 2) {
        ASSIGN_OR_RETURN(out.kid, r.ReadBytes());
        continue;
      }
      bad_kid = true;
    }
    RETURN_IF_ERROR(r.Skip());
  }
  if (repeated) return CoseError(std::string(which) + " header repeats a label");
  if (bad_alg) return CoseError(std::string(which) + " alg is not an integer");
  if (bad_kid) return CoseError(std::string(which) + " kid is not a byte string");
  return out;
}

}  // namespace

Result<CoseSign1> ParseCoseSign1(std::string_view bytes, size_t max_bytes) {
  CborLimits limits;
  limits.max_bytes = max_bytes;
  limits.max_depth = 8;
  if (bytes.size() > max_bytes) {
    return ResourceExhaustedError("COSE message exceeds " + std::to_string(max_bytes) + " bytes");
  }
  // Peel the outer tags here rather than through libcbor: the tag heads are at the front, and
  // libcbor 0.8 would need the message rewritten for the one-byte tag 18 head (0xd2).
  std::string_view body = bytes;
  uint64_t tags[2];
  size_t tag_count = 0;
  while (!body.empty() && (static_cast<uint8_t>(body[0]) >> 5) == 6) {
    internal::CborReader reader(body);
    Result<internal::CborReader::Head> head = reader.ReadHead();
    if (!head.ok() || head->indefinite) return CoseError("malformed tag");
    if (tag_count == 2) return CoseError("too many tags around the COSE_Sign1");
    tags[tag_count++] = head->arg;
    body.remove_prefix(reader.position());
  }
  if (tag_count == 2 && tags[0] != kCwtTag) {
    return CoseError("unexpected tag " + std::to_string(tags[0]) + " (COSE_Sign1 is tag 18)");
  }
  if (tag_count == 2 && tags[1] != kCoseSign1Tag) {
    return CoseError("CWT tag 61 does not wrap a COSE_Sign1 (tag 18)");
  }
  if (tag_count == 1 && tags[0] != kCoseSign1Tag) {
    return tags[0] == kCwtTag
               ? CoseError("CWT tag 61 does not wrap a COSE_Sign1 (tag 18)")
               : CoseError("unexpected tag " + std::to_string(tags[0]) + " (COSE_Sign1 is tag 18)");
  }
  Status well_formed = CheckCborWellFormed(body, limits);
  if (!well_formed.ok()) return well_formed.WithContext("COSE");
  CborReader reader(body);
  ASSIGN_OR_RETURN(CborReader::Head array, reader.ReadHead());
  // The items of an indefinite array are counted up to its break (well-formed input).
  uint64_t count = array.arg;
  if (!array.is_break && array.major == 4 && array.indefinite) {
    CborReader counter = reader;
    count = 0;
    for (;;) {
      ASSIGN_OR_RETURN(CborReader::Head next, counter.PeekHead());
      if (next.is_break) break;
      RETURN_IF_ERROR(counter.Skip());
      ++count;
    }
  }
  if (array.is_break || array.major != 4 || count != 4) {
    return CoseError("COSE_Sign1 is not an array of 4 elements");
  }
  CoseSign1 msg;
  Result<std::string> prot = reader.ReadBytes();
  if (!prot.ok()) return CoseError("protected header is not a byte string");
  msg.protected_header = std::move(*prot);
  Headers protected_headers;
  if (!msg.protected_header.empty()) {
    Status map_ok = CheckCborWellFormed(msg.protected_header, limits);
    if (!map_ok.ok()) return map_ok.WithContext("COSE protected header");
    CborReader map(msg.protected_header);
    ASSIGN_OR_RETURN(protected_headers, ReadHeaders(map, "protected"));
  }
  ASSIGN_OR_RETURN(Headers unprotected_headers, ReadHeaders(reader, "unprotected"));
  msg.alg = protected_headers.alg ? protected_headers.alg : unprotected_headers.alg;
  if (protected_headers.kid) {
    msg.kid = std::move(*protected_headers.kid);
    msg.kid_protected = true;
  } else if (unprotected_headers.kid) {
    msg.kid = std::move(*unprotected_headers.kid);
  }
  Result<std::string> payload = reader.ReadBytes();
  if (!payload.ok()) {
    return CoseError("payload is not a byte string (detached payloads unsupported)");
  }
  msg.payload = std::move(*payload);
  Result<std::string> sig = reader.ReadBytes();
  if (!sig.ok()) return CoseError("signature is not a byte string");
  msg.signature = std::move(*sig);
  return msg;
}

std::string BuildSigStructure(std::string_view protected_header, std::string_view payload) {
  CborWriter w;
  w.ArrayHeader(4);
  w.Text("Signature1");
  w.Bytes(protected_header);
  w.Bytes("");
  w.Bytes(payload);
  return w.Take();
}

Sha256Digest SigStructureSha256(std::string_view protected_header, std::string_view payload) {
  // The Sig_structure of BuildSigStructure, hashed piece by piece instead of copied together.
  CborWriter head;
  head.ArrayHeader(4);
  head.Text("Signature1");
  head.BytesHeader(protected_header.size());
  CborWriter middle;
  middle.Bytes("");
  middle.BytesHeader(payload.size());
  Sha256Hasher hasher;
  hasher.Update(head.bytes());
  hasher.Update(protected_header);
  hasher.Update(middle.bytes());
  hasher.Update(payload);
  return hasher.Finish();
}

Status VerifyCoseSign1(const CoseSign1& message, EVP_PKEY* public_key) {
  if (!message.alg) return CoseError("no alg header");
  switch (*message.alg) {
    case kCoseAlgEs256:
      return VerifyEs256Digest(
          public_key, SigStructureSha256(message.protected_header, message.payload),
          message.signature);
    case kCoseAlgPs256:
      return VerifyPs256(public_key, BuildSigStructure(message.protected_header, message.payload),
                         message.signature);
    default:
      return CoseError("unsupported alg " + std::to_string(*message.alg));
  }
}

Result<std::string> SignCoseSign1Es256(std::string_view payload, std::string_view kid,
                                       EVP_PKEY* private_key) {
  CborWriter prot;
  prot.MapHeader(2);
  prot.Int(1);
  prot.Int(kCoseAlgEs256);
  prot.Int(4);
  prot.Bytes(kid);
  const std::string protected_header = prot.Take();
  ASSIGN_OR_RETURN(std::string signature,
                   SignEs256(private_key, BuildSigStructure(protected_header, payload)));
  CborWriter w;
  w.Tag(kCoseSign1Tag);
  w.ArrayHeader(4);
  w.Bytes(protected_header);
  w.MapHeader(0);
  w.Bytes(payload);
  w.Bytes(signature);
  return w.Take();
}

}  // namespace vaxreg::certs
