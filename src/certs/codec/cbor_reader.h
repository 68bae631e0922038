#pragma once
// A forward-only reader over CBOR bytes that CheckCborWellFormed has accepted, for the hot DCC
// path: it converts straight to Boost.JSON without building a libcbor tree (libcbor allocates
// every item, which costs more than the rest of the payload decoding together). Its conversion
// rules are exactly those of CborToJson; tests and the fuzzer check that both agree.
//
// Precondition for every method: the bytes passed to the constructor were accepted by
// CheckCborWellFormed with the same or stricter limits. The reader still bounds-checks and fails
// with kInvalidArgument instead of reading past the end. Thread-compatible.

#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vaxreg::certs::internal {

class CborReader final {
 public:
  struct Head {
    int major = 0;
    int ai = 0;
    uint64_t arg = 0;  // value, length or count; the raw bits for floats
    bool indefinite = false;
    bool is_break = false;
  };

  // `storage` is where ReadJson allocates the values it returns (default: the heap).
  explicit CborReader(std::string_view bytes, boost::json::storage_ptr storage = {})
      : data_(bytes), storage_(std::move(storage)) {}

  bool AtEnd() const { return pos_ >= data_.size(); }
  size_t position() const { return pos_; }

  Result<Head> ReadHead();
  Result<Head> PeekHead();
  // Skips one complete data item.
  Status Skip();
  // Reads a text string (definite or chunked); kInvalidArgument for another type.
  Result<std::string> ReadText();
  // Reads a byte string (definite or chunked); kInvalidArgument for another type.
  Result<std::string> ReadBytes();
  // Reads one item as JSON (the CborToJson rules).
  Result<boost::json::value> ReadJson();
  // Reads the rest of an item whose head was already read, as JSON.
  Result<boost::json::value> ReadJsonAfter(const Head& head);

 private:
  Status SkipUntilBreak();
  Result<std::string> ReadTextAfter(const Head& head);
  // A definite text is returned as a view into the input; a chunked one is assembled in
  // `scratch` and viewed there.
  Result<std::string_view> ReadTextViewAfter(const Head& head, std::string* scratch) {
    return ReadStringViewAfter(head, 3, scratch);
  }
  // As ReadTextViewAfter, for strings of major type `major` (2 bytes, 3 text).
  Result<std::string_view> ReadStringViewAfter(const Head& head, int major, std::string* scratch);

  std::string_view data_;
  boost::json::storage_ptr storage_;
  size_t pos_ = 0;
};

// Decodes an IEEE 754 half-precision float.
double HalfToDouble(uint16_t half);

}  // namespace vaxreg::certs::internal
