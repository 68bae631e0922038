#include "certs/codec/cbor.h"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "certs/codec/cbor_reader.h"

namespace vaxreg::certs {
namespace {

namespace json = boost::json;

// One open container while scanning: a definite array/map/tag waiting for `remaining` items, or
// an indefinite array/map/string waiting for a break.
struct ScanFrame {
  uint64_t remaining = 0;
  uint64_t count = 0;  // items seen so far (indefinite maps need an even number)
  bool indefinite = false;
  bool is_map = false;
  int string_major = -1;  // 2 or 3 for a chunked string, else -1
};

Status Malformed(std::string msg) { return InvalidArgumentError("malformed CBOR: " + msg); }

// The scanner's stack of open containers, on the stack: scanning is on every decode path.
class FrameStack {
 public:
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  ScanFrame& back() { return frames_[size_ - 1]; }
  void push_back(const ScanFrame& f) { frames_[size_++] = f; }  // callers check the depth first
  void pop_back() { --size_; }

 private:
  std::array<ScanFrame, kMaxCborDepth> frames_;
  size_t size_ = 0;
};

}  // namespace

void CborDeleter::operator()(cbor_item_t* item) const {
  if (item != nullptr) cbor_decref(&item);
}

namespace {

// The scanner behind CheckCborWellFormed. Records in `short_tags` the offsets of one-byte tag
// heads for tags 6..20 (0xc6..0xd4), which libcbor 0.8 wrongly rejects as malformed.
Status ScanCbor(std::string_view bytes, const CborLimits& limits, std::vector<size_t>* short_tags) {
  if (bytes.size() > limits.max_bytes) {
    return ResourceExhaustedError("CBOR data is " + std::to_string(bytes.size()) +
                                  " bytes, more than the limit of " +
                                  std::to_string(limits.max_bytes));
  }
  if (bytes.empty()) return Malformed("no data");
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  const size_t size = bytes.size();
  size_t pos = 0;
  const int max_depth = std::min(limits.max_depth, kMaxCborDepth);
  FrameStack stack;
  for (;;) {
    if (pos >= size) return Malformed("truncated");
    const uint8_t ib = p[pos++];
    const int major = ib >> 5;
    const int ai = ib & 0x1f;
    bool complete = false;  // a whole data item ended with this byte
    if (ib == 0xff) {
      if (stack.empty() || !stack.back().indefinite) return Malformed("unexpected break");
      if (stack.back().is_map && stack.back().count % 2 != 0) {
        return Malformed("indefinite map has a key without a value");
      }
      stack.pop_back();
      complete = true;
    } else {
      if (!stack.empty() && stack.back().string_major >= 0 &&
          (major != stack.back().string_major || ai == 31)) {
        return Malformed("chunk of an indefinite string has the wrong type");
      }
      uint64_t arg = 0;
      bool indefinite = false;
      if (ai < 24) {
        arg = static_cast<uint64_t>(ai);
      } else if (ai <= 27) {
        const size_t n = size_t{1} << (ai - 24);
        if (size - pos < n) return Malformed("truncated header");
        for (size_t i = 0; i < n; ++i) arg = (arg << 8) | p[pos + i];
        pos += n;
      } else if (ai == 31) {
        if (major == 0 || major == 1 || major == 6 || major == 7) {
          return Malformed("indefinite length not allowed here");
        }
        indefinite = true;
      } else {
        return Malformed("reserved additional information value");
      }
      const int depth = static_cast<int>(stack.size()) + 1;
      switch (major) {
        case 0:
        case 1:
          complete = true;
          break;
        case 2:
        case 3:
          if (indefinite) {
            if (depth > max_depth) return Malformed("nesting too deep");
            stack.push_back({0, 0, true, false, major});
          } else {
            if (arg > size - pos) return Malformed("string longer than the data");
            pos += static_cast<size_t>(arg);
            complete = true;
          }
          break;
        case 4:
        case 5:
          if (depth > max_depth) return Malformed("nesting too deep");
          if (indefinite) {
            stack.push_back({0, 0, true, major == 5, -1});
          } else {
            // Every item takes at least one byte, so a count beyond the rest is impossible.
            const uint64_t items = major == 5 ? arg * 2 : arg;
            if (arg > size - pos || items > size - pos) {
              return Malformed("container declares more items than the data holds");
            }
            if (items == 0) {
              complete = true;
            } else {
              stack.push_back({items, 0, false, major == 5, -1});
            }
          }
          break;
        case 6:
          if (depth > max_depth) return Malformed("nesting too deep");
          if (ai >= 6 && ai <= 20) short_tags->push_back(pos - 1);
          stack.push_back({1, 0, false, false, -1});
          break;
        case 7:
          // Only false, true, null, undefined and floats: other simple values have no DCC use
          // and libcbor 0.8 cannot decode them.
          if (ai < 20 || ai == 24) return Malformed("unsupported simple value");
          complete = true;
          break;
        default:
          return Malformed("impossible major type");
      }
    }
    // Propagate completion up through containers that are now full.
    while (complete) {
      if (stack.empty()) {
        if (pos != size) return Malformed("trailing bytes after the data item");
        return Status::Ok();
      }
      ScanFrame& top = stack.back();
      ++top.count;
      if (top.indefinite) break;
      if (--top.remaining > 0) break;
      stack.pop_back();
    }
  }
}

}  // namespace

Status CheckCborWellFormed(std::string_view bytes, const CborLimits& limits) {
  std::vector<size_t> short_tags;
  return ScanCbor(bytes, limits, &short_tags);
}

Result<CborPtr> DecodeCbor(std::string_view bytes, const CborLimits& limits) {
  std::vector<size_t> short_tags;
  RETURN_IF_ERROR(ScanCbor(bytes, limits, &short_tags));
  // Work around libcbor 0.8 rejecting 0xc6..0xd4 (e.g. tag 18, COSE_Sign1): rewrite each such
  // head into the equivalent two-byte form 0xd8 <tag>, which it decodes correctly.
  std::string rewritten;
  if (!short_tags.empty()) {
    rewritten.reserve(bytes.size() + short_tags.size());
    size_t from = 0;
    for (size_t at : short_tags) {
      rewritten.append(bytes.substr(from, at - from));
      rewritten.push_back('\xd8');
      rewritten.push_back(static_cast<char>(static_cast<uint8_t>(bytes[at]) & 0x1f));
      from = at + 1;
    }
    rewritten.append(bytes.substr(from));
    bytes = rewritten;
  }
  cbor_load_result result{};
  CborPtr item(cbor_load(reinterpret_cast<cbor_data>(bytes.data()), bytes.size(), &result));
  if (item == nullptr || result.error.code != CBOR_ERR_NONE) {
    if (result.error.code == CBOR_ERR_MEMERROR) {
      return ResourceExhaustedError("CBOR: out of memory");
    }
    return Malformed("decoder error " + std::to_string(static_cast<int>(result.error.code)) +
                     " at offset " + std::to_string(result.error.position));
  }
  if (result.read != bytes.size()) return Malformed("trailing bytes after the data item");
  return item;
}

std::optional<int64_t> CborAsInt64(const cbor_item_t* item) {
  if (item == nullptr) return std::nullopt;
  if (cbor_isa_uint(item)) {
    const uint64_t v = cbor_get_int(item);
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return static_cast<int64_t>(v);
  }
  if (cbor_isa_negint(item)) {
    const uint64_t n = cbor_get_int(item);
    if (n > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return -1 - static_cast<int64_t>(n);
  }
  return std::nullopt;
}

namespace {
std::string Concat(cbor_item_t** chunks, size_t count, bool text) {
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    const cbor_item_t* c = chunks[i];
    if (text ? cbor_string_length(c) == 0 : cbor_bytestring_length(c) == 0) continue;
    if (text) {
      out.append(reinterpret_cast<const char*>(cbor_string_handle(c)), cbor_string_length(c));
    } else {
      out.append(reinterpret_cast<const char*>(cbor_bytestring_handle(c)),
                 cbor_bytestring_length(c));
    }
  }
  return out;
}
}  // namespace

std::optional<std::string> CborAsBytes(const cbor_item_t* item) {
  if (item == nullptr || !cbor_isa_bytestring(item)) return std::nullopt;
  if (cbor_bytestring_is_indefinite(item)) {
    return Concat(cbor_bytestring_chunks_handle(item), cbor_bytestring_chunk_count(item), false);
  }
  const size_t n = cbor_bytestring_length(item);
  if (n == 0) return std::string();
  return std::string(reinterpret_cast<const char*>(cbor_bytestring_handle(item)), n);
}

std::optional<std::string> CborAsText(const cbor_item_t* item) {
  if (item == nullptr || !cbor_isa_string(item)) return std::nullopt;
  if (cbor_string_is_indefinite(item)) {
    return Concat(cbor_string_chunks_handle(item), cbor_string_chunk_count(item), true);
  }
  const size_t n = cbor_string_length(item);
  if (n == 0) return std::string();
  return std::string(reinterpret_cast<const char*>(cbor_string_handle(item)), n);
}

const cbor_item_t* CborTagged(const cbor_item_t* tag) {
  // cbor_tag_item() would add a reference; the tree already keeps the item alive.
  return tag->metadata.tag_metadata.tagged_item;
}

const cbor_item_t* CborMapFindInt(const cbor_item_t* map, int64_t key) {
  if (map == nullptr || !cbor_isa_map(map)) return nullptr;
  const cbor_pair* pairs = cbor_map_handle(map);
  const size_t n = cbor_map_size(map);
  for (size_t i = 0; i < n; ++i) {
    std::optional<int64_t> k = CborAsInt64(pairs[i].key);
    if (k && *k == key) return pairs[i].value;
  }
  return nullptr;
}

bool CborMapHasDuplicateKeys(const cbor_item_t* map) {
  if (map == nullptr || !cbor_isa_map(map)) return false;
  const cbor_pair* pairs = cbor_map_handle(map);
  const size_t n = cbor_map_size(map);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) {
      const cbor_item_t* a = pairs[i].key;
      const cbor_item_t* b = pairs[j].key;
      if (cbor_typeof(a) != cbor_typeof(b)) continue;
      if (cbor_is_int(a)) {
        if (cbor_get_int(a) == cbor_get_int(b)) return true;
      } else if (cbor_isa_string(a)) {
        if (CborAsText(a) == CborAsText(b)) return true;
      }
    }
  }
  return false;
}

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const uint8_t c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((c & 0xe0) == 0xc0) {
      len = 2;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (n - i < len) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += len;
  }
  return true;
}

namespace {

Result<json::value> ToJson(const cbor_item_t* item) {
  switch (cbor_typeof(item)) {
    case CBOR_TYPE_UINT: {
      const uint64_t v = cbor_get_int(item);
      if (v <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return json::value(static_cast<int64_t>(v));
      }
      return json::value(v);
    }
    case CBOR_TYPE_NEGINT: {
      std::optional<int64_t> v = CborAsInt64(item);
      if (!v) return InvalidArgumentError("CBOR negative integer below the int64 range");
      return json::value(*v);
    }
    case CBOR_TYPE_BYTESTRING:
      return InvalidArgumentError("CBOR byte string has no JSON form");
    case CBOR_TYPE_STRING: {
      std::optional<std::string> t = CborAsText(item);
      if (!t || !IsValidUtf8(*t)) return InvalidArgumentError("CBOR text is not valid UTF-8");
      return json::value(json::string(*t));
    }
    case CBOR_TYPE_ARRAY: {
      json::array arr;
      const size_t n = cbor_array_size(item);
      arr.reserve(n);
      cbor_item_t** items = cbor_array_handle(item);
      for (size_t i = 0; i < n; ++i) {
        ASSIGN_OR_RETURN(json::value v, ToJson(items[i]));
        arr.push_back(std::move(v));
      }
      return json::value(std::move(arr));
    }
    case CBOR_TYPE_MAP: {
      json::object obj;
      const size_t n = cbor_map_size(item);
      obj.reserve(n);
      const cbor_pair* pairs = cbor_map_handle(item);
      for (size_t i = 0; i < n; ++i) {
        std::optional<std::string> key = CborAsText(pairs[i].key);
        if (!key) return InvalidArgumentError("CBOR map key is not text");
        if (!IsValidUtf8(*key)) return InvalidArgumentError("CBOR map key is not valid UTF-8");
        if (obj.contains(*key)) {
          return InvalidArgumentError("duplicate CBOR map key \"" + *key + "\"");
        }
        ASSIGN_OR_RETURN(json::value v, ToJson(pairs[i].value));
        obj.emplace(*key, std::move(v));
      }
      return json::value(std::move(obj));
    }
    case CBOR_TYPE_TAG: {
      const uint64_t tag = cbor_tag_value(item);
      const cbor_item_t* inner = CborTagged(item);
      if (tag == 0) {
        if (!cbor_isa_string(inner)) return InvalidArgumentError("CBOR tag 0 does not wrap text");
        return ToJson(inner);
      }
      if (tag == 1) {
        if (!cbor_is_int(inner) && !cbor_is_float(inner)) {
          return InvalidArgumentError("CBOR tag 1 does not wrap a number");
        }
        return ToJson(inner);
      }
      return InvalidArgumentError("unexpected CBOR tag " + std::to_string(tag));
    }
    case CBOR_TYPE_FLOAT_CTRL: {
      // libcbor 0.8's cbor_is_bool()/cbor_is_null() assert on floats; test the width first.
      if (cbor_float_get_width(item) == CBOR_FLOAT_0) {
        switch (cbor_ctrl_value(item)) {
          case CBOR_CTRL_FALSE:
            return json::value(false);
          case CBOR_CTRL_TRUE:
            return json::value(true);
          case CBOR_CTRL_NULL:
            return json::value(nullptr);
          default:
            return InvalidArgumentError(
                "CBOR simple value " + std::to_string(cbor_ctrl_value(item)) + " has no JSON form");
        }
      }
      const double d = cbor_float_get_float(item);
      if (!std::isfinite(d)) return InvalidArgumentError("CBOR float is not finite");
      return json::value(d);
    }
  }
  return InvalidArgumentError("unknown CBOR type");
}

Status WriteJson(const json::value& v, CborWriter& w, int depth) {
  if (depth > 64) return InvalidArgumentError("JSON nesting too deep to encode");
  switch (v.kind()) {
    case json::kind::null:
      w.Null();
      return Status::Ok();
    case json::kind::bool_:
      w.Bool(v.get_bool());
      return Status::Ok();
    case json::kind::int64:
      w.Int(v.get_int64());
      return Status::Ok();
    case json::kind::uint64:
      w.Uint(v.get_uint64());
      return Status::Ok();
    case json::kind::double_:
      if (!std::isfinite(v.get_double())) return InvalidArgumentError("non-finite number");
      w.Double(v.get_double());
      return Status::Ok();
    case json::kind::string:
      w.Text(std::string_view(v.get_string()));
      return Status::Ok();
    case json::kind::array:
      w.ArrayHeader(v.get_array().size());
      for (const json::value& e : v.get_array()) RETURN_IF_ERROR(WriteJson(e, w, depth + 1));
      return Status::Ok();
    case json::kind::object:
      w.MapHeader(v.get_object().size());
      for (const auto& kv : v.get_object()) {
        w.Text(std::string_view(kv.key()));
        RETURN_IF_ERROR(WriteJson(kv.value(), w, depth + 1));
      }
      return Status::Ok();
  }
  return InternalError("unknown JSON kind");
}

}  // namespace

Result<json::value> CborToJson(const cbor_item_t* item) {
  if (item == nullptr) return InvalidArgumentError("no CBOR item");
  return ToJson(item);
}

Result<json::value> DecodeCborToJson(std::string_view bytes, const CborLimits& limits) {
  // Same result as DecodeCbor + CborToJson, without building a libcbor tree.
  RETURN_IF_ERROR(CheckCborWellFormed(bytes, limits));
  internal::CborReader reader(bytes);
  return reader.ReadJson();
}

Result<std::string> JsonToCbor(const json::value& v) {
  CborWriter w;
  RETURN_IF_ERROR(WriteJson(v, w, 0));
  return w.Take();
}

void CborWriter::Head(uint8_t major, uint64_t value) {
  const auto m = static_cast<uint8_t>(major << 5);
  if (value < 24) {
    out_.push_back(static_cast<char>(m | value));
    return;
  }
  int bytes;
  if (value <= 0xff) {
    out_.push_back(static_cast<char>(m | 24));
    bytes = 1;
  } else if (value <= 0xffff) {
    out_.push_back(static_cast<char>(m | 25));
    bytes = 2;
  } else if (value <= 0xffffffffULL) {
    out_.push_back(static_cast<char>(m | 26));
    bytes = 4;
  } else {
    out_.push_back(static_cast<char>(m | 27));
    bytes = 8;
  }
  for (int i = bytes - 1; i >= 0; --i) out_.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

void CborWriter::Int(int64_t v) {
  if (v >= 0) {
    Head(0, static_cast<uint64_t>(v));
  } else {
    // -1 - v without overflow for INT64_MIN.
    Head(1, static_cast<uint64_t>(-(v + 1)));
  }
}

void CborWriter::Bytes(std::string_view b) {
  Head(2, b.size());
  out_.append(b);
}

void CborWriter::Text(std::string_view t) {
  Head(3, t.size());
  out_.append(t);
}

void CborWriter::Double(double d) {
  uint64_t bits;
  static_assert(sizeof bits == sizeof d);
  std::memcpy(&bits, &d, sizeof bits);
  out_.push_back('\xfb');
  for (int i = 7; i >= 0; --i) out_.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
}

}  // namespace vaxreg::certs
