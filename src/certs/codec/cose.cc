#include "certs/codec/cose.h"

#include "certs/codec/cbor_reader.h"
#include "certs/crypto/signature.h"

namespace vaxreg::certs {
namespace {

constexpr int64_t kHeaderAlg = 1;
constexpr int64_t kHeaderKid = 4;

Status CoseError(std::string msg) { return InvalidArgumentError("COSE: " + msg); }

struct Headers {
  std::optional<int64_t> alg;
  std::optional<std::string> kid;
};

Result<Headers> ReadHeaders(const cbor_item_t* map, const char* which) {
  if (!cbor_isa_map(map)) return CoseError(std::string(which) + " header is not a map");
  if (CborMapHasDuplicateKeys(map)) {
    return CoseError(std::string(which) + " header repeats a label");
  }
  Headers h;
  if (const cbor_item_t* alg = CborMapFindInt(map, kHeaderAlg)) {
    h.alg = CborAsInt64(alg);
    if (!h.alg) return CoseError(std::string(which) + " alg is not an integer");
  }
  if (const cbor_item_t* kid = CborMapFindInt(map, kHeaderKid)) {
    h.kid = CborAsBytes(kid);
    if (!h.kid) return CoseError(std::string(which) + " kid is not a byte string");
  }
  return h;
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
  Result<CborPtr> decoded = DecodeCbor(body, limits);
  if (!decoded.ok()) return decoded.status().WithContext("COSE");
  const cbor_item_t* item = decoded->get();
  if (!cbor_isa_array(item) || cbor_array_size(item) != 4) {
    return CoseError("COSE_Sign1 is not an array of 4 elements");
  }
  cbor_item_t** parts = cbor_array_handle(item);
  CoseSign1 msg;
  std::optional<std::string> prot = CborAsBytes(parts[0]);
  if (!prot) return CoseError("protected header is not a byte string");
  msg.protected_header = std::move(*prot);
  Headers protected_headers;
  if (!msg.protected_header.empty()) {
    Result<CborPtr> map = DecodeCbor(msg.protected_header, limits);
    if (!map.ok()) return map.status().WithContext("COSE protected header");
    ASSIGN_OR_RETURN(protected_headers, ReadHeaders(map->get(), "protected"));
  }
  ASSIGN_OR_RETURN(Headers unprotected_headers, ReadHeaders(parts[1], "unprotected"));
  msg.alg = protected_headers.alg ? protected_headers.alg : unprotected_headers.alg;
  if (protected_headers.kid) {
    msg.kid = std::move(*protected_headers.kid);
    msg.kid_protected = true;
  } else if (unprotected_headers.kid) {
    msg.kid = std::move(*unprotected_headers.kid);
  }
  std::optional<std::string> payload = CborAsBytes(parts[2]);
  if (!payload) return CoseError("payload is not a byte string (detached payloads unsupported)");
  msg.payload = std::move(*payload);
  std::optional<std::string> sig = CborAsBytes(parts[3]);
  if (!sig) return CoseError("signature is not a byte string");
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

Status VerifyCoseSign1(const CoseSign1& message, EVP_PKEY* public_key) {
  if (!message.alg) return CoseError("no alg header");
  const std::string tbs = BuildSigStructure(message.protected_header, message.payload);
  switch (*message.alg) {
    case kCoseAlgEs256:
      return VerifyEs256(public_key, tbs, message.signature);
    case kCoseAlgPs256:
      return VerifyPs256(public_key, tbs, message.signature);
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
