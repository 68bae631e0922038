#include "certs/codec/cbor_reader.h"

#include <boost/json.hpp>
#include <cmath>
#include <cstring>
#include <limits>

#include "certs/codec/cbor.h"

namespace vaxreg::certs::internal {
namespace {

namespace json = boost::json;

Status Truncated() { return InvalidArgumentError("malformed CBOR: truncated"); }

}  // namespace

double HalfToDouble(uint16_t half) {
  const int exp = (half >> 10) & 0x1f;
  const int mant = half & 0x3ff;
  double v;
  if (exp == 0) {
    v = std::ldexp(mant, -24);
  } else if (exp != 31) {
    v = std::ldexp(mant + 1024, exp - 25);
  } else {
    v = mant == 0 ? std::numeric_limits<double>::infinity()
                  : std::numeric_limits<double>::quiet_NaN();
  }
  return (half & 0x8000) != 0 ? -v : v;
}

Result<CborReader::Head> CborReader::PeekHead() {
  const size_t saved = pos_;
  Result<Head> h = ReadHead();
  pos_ = saved;
  return h;
}

Result<CborReader::Head> CborReader::ReadHead() {
  if (pos_ >= data_.size()) return Truncated();
  const auto ib = static_cast<uint8_t>(data_[pos_++]);
  Head h;
  h.major = ib >> 5;
  h.ai = ib & 0x1f;
  if (ib == 0xff) {
    h.is_break = true;
    return h;
  }
  if (h.ai < 24) {
    h.arg = static_cast<uint64_t>(h.ai);
  } else if (h.ai <= 27) {
    const size_t n = size_t{1} << (h.ai - 24);
    if (data_.size() - pos_ < n) return Truncated();
    for (size_t i = 0; i < n; ++i) h.arg = (h.arg << 8) | static_cast<uint8_t>(data_[pos_ + i]);
    pos_ += n;
  } else if (h.ai == 31) {
    h.indefinite = true;
  } else {
    return InvalidArgumentError("malformed CBOR: reserved additional information");
  }
  return h;
}

// Skips the items of an indefinite-length string, array or map and its closing break.
Status CborReader::SkipUntilBreak() {
  for (;;) {
    ASSIGN_OR_RETURN(Head c, PeekHead());
    if (c.is_break) {
      ++pos_;
      return Status::Ok();
    }
    RETURN_IF_ERROR(Skip());
  }
}

Status CborReader::Skip() {
  ASSIGN_OR_RETURN(Head h, ReadHead());
  if (h.is_break) return InvalidArgumentError("malformed CBOR: unexpected break");
  switch (h.major) {
    case 0:
    case 1:
    case 7:
      return Status::Ok();
    case 2:
    case 3:
      if (h.indefinite) return SkipUntilBreak();
      if (h.arg > data_.size() - pos_) return Truncated();
      pos_ += static_cast<size_t>(h.arg);
      return Status::Ok();
    case 4:
    case 5: {
      if (h.indefinite) return SkipUntilBreak();
      const uint64_t items = h.major == 5 ? h.arg * 2 : h.arg;
      if (items > data_.size() - pos_) return Truncated();
      for (uint64_t i = 0; i < items; ++i) RETURN_IF_ERROR(Skip());
      return Status::Ok();
    }
    case 6:
      return Skip();
  }
  return InvalidArgumentError("malformed CBOR");
}

Result<std::string> CborReader::ReadText() {
  ASSIGN_OR_RETURN(Head h, ReadHead());
  return ReadTextAfter(h);
}

Result<std::string> CborReader::ReadTextAfter(const Head& h) {
  std::string scratch;
  ASSIGN_OR_RETURN(std::string_view view, ReadTextViewAfter(h, &scratch));
  return std::string(view);
}

Result<std::string> CborReader::ReadBytes() {
  ASSIGN_OR_RETURN(Head h, ReadHead());
  std::string scratch;
  ASSIGN_OR_RETURN(std::string_view view, ReadStringViewAfter(h, 2, &scratch));
  return std::string(view);
}

Result<std::string_view> CborReader::ReadStringViewAfter(const Head& h, int major,
                                                         std::string* scratch) {
  if (h.is_break || h.major != major) {
    return InvalidArgumentError(major == 3 ? "CBOR item is not text"
                                           : "CBOR item is not a byte string");
  }
  if (h.indefinite) {
    scratch->clear();
    for (;;) {
      ASSIGN_OR_RETURN(Head c, ReadHead());
      if (c.is_break) break;
      if (c.major != major || c.indefinite || c.arg > data_.size() - pos_) {
        return InvalidArgumentError("malformed CBOR: bad string chunk");
      }
      scratch->append(data_.substr(pos_, static_cast<size_t>(c.arg)));
      pos_ += static_cast<size_t>(c.arg);
    }
    return std::string_view(*scratch);
  }
  if (h.arg > data_.size() - pos_) return Truncated();
  const std::string_view view = data_.substr(pos_, static_cast<size_t>(h.arg));
  pos_ += static_cast<size_t>(h.arg);
  return view;
}

Result<json::value> CborReader::ReadJson() {
  ASSIGN_OR_RETURN(Head h, ReadHead());
  return ReadJsonAfter(h);
}

Result<json::value> CborReader::ReadJsonAfter(const Head& h) {
  if (h.is_break) return InvalidArgumentError("malformed CBOR: unexpected break");
  switch (h.major) {
    case 0:
      if (h.arg <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return json::value(static_cast<int64_t>(h.arg), storage_);
      }
      return json::value(h.arg, storage_);
    case 1:
      if (h.arg > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return InvalidArgumentError("CBOR negative integer below the int64 range");
      }
      return json::value(-1 - static_cast<int64_t>(h.arg), storage_);
    case 2:
      return InvalidArgumentError("CBOR byte string has no JSON form");
    case 3: {
      std::string scratch;
      ASSIGN_OR_RETURN(std::string_view text, ReadTextViewAfter(h, &scratch));
      if (!IsValidUtf8(text)) return InvalidArgumentError("CBOR text is not valid UTF-8");
      return json::value(json::string(text, storage_));
    }
    case 4: {
      json::array arr(storage_);
      if (h.indefinite) {
        for (;;) {
          ASSIGN_OR_RETURN(Head c, ReadHead());
          if (c.is_break) break;
          ASSIGN_OR_RETURN(json::value v, ReadJsonAfter(c));
          arr.push_back(std::move(v));
        }
      } else {
        if (h.arg > data_.size() - pos_) return Truncated();
        arr.reserve(static_cast<size_t>(h.arg));
        for (uint64_t i = 0; i < h.arg; ++i) {
          ASSIGN_OR_RETURN(json::value v, ReadJson());
          arr.push_back(std::move(v));
        }
      }
      return json::value(std::move(arr));
    }
    case 5: {
      json::object obj(storage_);
      std::string scratch;
      if (!h.indefinite) {
        if (h.arg > data_.size() - pos_) return Truncated();
        obj.reserve(static_cast<size_t>(h.arg));
      }
      for (uint64_t i = 0; h.indefinite || i < h.arg; ++i) {
        ASSIGN_OR_RETURN(Head k, ReadHead());
        if (k.is_break) {
          if (!h.indefinite) return InvalidArgumentError("malformed CBOR: unexpected break");
          break;
        }
        if (k.major != 3) return InvalidArgumentError("CBOR map key is not text");
        // A chunked key lives in this frame's `scratch`, which nested reads do not touch.
        ASSIGN_OR_RETURN(std::string_view key, ReadTextViewAfter(k, &scratch));
        if (!IsValidUtf8(key)) return InvalidArgumentError("CBOR map key is not valid UTF-8");
        ASSIGN_OR_RETURN(json::value v, ReadJson());
        if (!obj.emplace(key, std::move(v)).second) {
          return InvalidArgumentError("duplicate CBOR map key \"" + std::string(key) + "\"");
        }
      }
      return json::value(std::move(obj));
    }
    case 6: {
      ASSIGN_OR_RETURN(Head inner, PeekHead());
      if (h.arg == 0) {
        if (inner.is_break || inner.major != 3) {
          return InvalidArgumentError("CBOR tag 0 does not wrap text");
        }
        return ReadJson();
      }
      if (h.arg == 1) {
        const bool is_int = inner.major == 0 || inner.major == 1;
        const bool is_float = inner.major == 7 && inner.ai >= 25 && inner.ai <= 27;
        if (inner.is_break || (!is_int && !is_float)) {
          return InvalidArgumentError("CBOR tag 1 does not wrap a number");
        }
        return ReadJson();
      }
      return InvalidArgumentError("unexpected CBOR tag " + std::to_string(h.arg));
    }
    case 7: {
      double d;
      switch (h.ai) {
        case 20:
          return json::value(false, storage_);
        case 21:
          return json::value(true, storage_);
        case 22:
          return json::value(nullptr, storage_);
        case 25:
          d = HalfToDouble(static_cast<uint16_t>(h.arg));
          break;
        case 26: {
          const auto bits = static_cast<uint32_t>(h.arg);
          float f;
          std::memcpy(&f, &bits, sizeof f);
          d = f;
          break;
        }
        case 27: {
          const uint64_t bits = h.arg;
          std::memcpy(&d, &bits, sizeof d);
          break;
        }
        default:
          return InvalidArgumentError("CBOR simple value " + std::to_string(h.arg) +
                                      " has no JSON form");
      }
      if (!std::isfinite(d)) return InvalidArgumentError("CBOR float is not finite");
      return json::value(d, storage_);
    }
  }
  return InvalidArgumentError("malformed CBOR");
}

}  // namespace vaxreg::certs::internal
