#pragma once
// CBOR (RFC 8949) helpers for DCC payloads: bounded decoding through libcbor, conversion between
// CBOR and Boost.JSON, and a small deterministic encoder.
//
// Every decode first walks the bytes with a non-recursive well-formedness scanner that enforces
// the size and nesting limits and checks that every declared length fits in the input, so that
// libcbor never sees a hostile length (it preallocates declared array and map sizes) nor a nesting
// deep enough to exhaust the stack when the item tree is freed. All functions are thread-safe.

#include <cbor.h>

#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vaxreg::certs {

struct CborDeleter {
  void operator()(cbor_item_t* item) const;
};
// Owns one reference to a libcbor item tree.
using CborPtr = std::unique_ptr<cbor_item_t, CborDeleter>;

// The deepest nesting any decode accepts, whatever CborLimits says.
inline constexpr int kMaxCborDepth = 64;

struct CborLimits {
  size_t max_bytes = 64 * 1024;  // total encoded size
  int max_depth = 16;            // arrays, maps, tags and chunked strings each add one level; <= 64
};

// Checks that `bytes` is exactly one well-formed CBOR data item within `limits`. Returns
// kInvalidArgument for malformed or truncated data, reserved header values, trailing bytes, or
// too deep nesting, and kResourceExhausted when `bytes` exceeds limits.max_bytes. Does not check
// UTF-8 in text strings or duplicate map keys (see CborToJson).
Status CheckCborWellFormed(std::string_view bytes, const CborLimits& limits = {});

// CheckCborWellFormed, then libcbor's decoder. Same error contract.
Result<CborPtr> DecodeCbor(std::string_view bytes, const CborLimits& limits = {});

// --- Accessors over decoded items. Pointers returned are borrowed from the argument's tree. ---

// The value of an unsigned or negative integer when it fits in int64_t.
std::optional<int64_t> CborAsInt64(const cbor_item_t* item);
// The content of a byte string (definite or chunked), or nullopt for another type.
std::optional<std::string> CborAsBytes(const cbor_item_t* item);
// The content of a text string (definite or chunked), or nullopt for another type. UTF-8 is not
// validated here.
std::optional<std::string> CborAsText(const cbor_item_t* item);
// The item a tag wraps.
const cbor_item_t* CborTagged(const cbor_item_t* tag);
// Looks up an integer key in a map; nullptr when absent or when `map` is not a map.
const cbor_item_t* CborMapFindInt(const cbor_item_t* map, int64_t key);
// True when some key occurs twice in `map` (keys compared by type and value; integer and text
// keys only, other key types compare unequal).
bool CborMapHasDuplicateKeys(const cbor_item_t* map);

// --- CBOR <-> JSON for DCC payloads. ---

// Converts a decoded item to JSON: unsigned and negative integers (int64 range, or uint64 for
// large unsigned), floats (finite only), text (valid UTF-8 only), arrays, maps with text keys
// (no duplicates), true/false/null. Tag 0 (date-time text) becomes its text and tag 1 (epoch
// seconds) its number, as issuers use both for DCC date-times. Everything else (byte strings,
// undefined and other simple values, other tags, non-text keys) is kInvalidArgument.
Result<boost::json::value> CborToJson(const cbor_item_t* item);
// Equivalent to DecodeCbor + CborToJson, but converts in one pass without a libcbor tree.
Result<boost::json::value> DecodeCborToJson(std::string_view bytes, const CborLimits& limits = {});
// Encodes JSON as CBOR: objects become maps in their member order, strings text, integers the
// shortest integer encoding, doubles float64. kInvalidArgument for non-finite doubles.
Result<std::string> JsonToCbor(const boost::json::value& json);

// Appends CBOR items with shortest-form (RFC 8949 preferred) heads. Callers are responsible for
// writing the right number of items after ArrayHeader/MapHeader/Tag. Thread-compatible.
class CborWriter final {
 public:
  void Uint(uint64_t v) { Head(0, v); }
  void Int(int64_t v);
  void Bytes(std::string_view b);
  void Text(std::string_view t);
  void ArrayHeader(uint64_t n) { Head(4, n); }
  void MapHeader(uint64_t n) { Head(5, n); }
  // The head of a byte string of `n` bytes, for a caller that emits the bytes elsewhere.
  void BytesHeader(uint64_t n) { Head(2, n); }
  void Tag(uint64_t tag) { Head(6, tag); }
  void Bool(bool b) { out_.push_back(b ? '\xf5' : '\xf4'); }
  void Null() { out_.push_back('\xf6'); }
  void Double(double d);
  // Appends already-encoded CBOR.
  void Raw(std::string_view encoded) { out_.append(encoded); }

  const std::string& bytes() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void Head(uint8_t major, uint64_t value);
  std::string out_;
};

// True when `s` is well-formed UTF-8 (no overlong forms, surrogates or code points > U+10FFFF).
bool IsValidUtf8(std::string_view s);

}  // namespace vaxreg::certs
