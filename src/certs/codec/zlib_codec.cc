#include "certs/codec/zlib_codec.h"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <cstdint>

namespace vaxreg::certs {
namespace {

// zlib counts in uInt; keep every chunk well inside it.
constexpr size_t kChunk = 64 * 1024;
// No caller needs more; keeps max_output + 1 from overflowing.
constexpr size_t kMaxOutputLimit = size_t{1} << 30;

Bytef* InPtr(std::string_view data) {
  // zlib's next_in is not const-qualified but never written through.
  return const_cast<Bytef*>(reinterpret_cast<const Bytef*>(data.data()));
}

// At a block boundary (inflate with Z_BLOCK returned with bit 7 of data_type set, which also
// happens before the first block): the unused bits of the last byte read are the high bits of
// next_in[-1] (fewer than 8). After the final block they are padding; before a stored block, the
// bits between its 3-bit header and the byte boundary are padding. Deflaters write zeros there
// and inflate ignores them, so a non-zero padding bit means the stream was altered.
bool PaddingIsZero(const z_stream& s) {
  const int unused = s.data_type & 7;
  const uint8_t prev = unused > 0 ? s.next_in[-1] : 0;
  const uint8_t rest = unused > 0 ? static_cast<uint8_t>(prev >> (8 - unused)) : 0;
  if ((s.data_type & 0x40) != 0) return rest == 0;  // after the final block
  // The next block header: 3 bits from `rest`, then from the next byte.
  unsigned bits = rest;
  int have = unused;
  if (have < 3) {
    if (s.avail_in == 0) return true;  // truncated: inflate reports it
    bits |= static_cast<unsigned>(s.next_in[0]) << have;
    have += 8;
  }
  const unsigned btype = (bits >> 1) & 3;
  // A stored block: everything after the header up to the byte boundary must be zero.
  return btype != 0 || (bits >> 3) == 0;
}

}  // namespace

Deflater::Deflater(int level, int window_bits, int mem_level, DeflateFormat format)
    : stream_(new z_stream{}) {
  // Negative window bits select raw DEFLATE (no zlib header or Adler-32 trailer).
  const int bits = std::clamp(window_bits, 9, 15);
  ok_ = deflateInit2(stream_, std::clamp(level, 0, 9), Z_DEFLATED,
                     format == DeflateFormat::kRaw ? -bits : bits, std::clamp(mem_level, 1, 9),
                     Z_DEFAULT_STRATEGY) == Z_OK;
}

Deflater::~Deflater() {
  if (ok_) deflateEnd(stream_);
  delete stream_;
}

Result<std::string> Deflater::Compress(std::string_view data) {
  if (!ok_) return InternalError("deflateInit failed");
  if (data.size() > UINT_MAX / 2) return ResourceExhaustedError("input too large to compress");
  if (deflateReset(stream_) != Z_OK) return InternalError("deflateReset failed");
  std::string out;
  out.resize(deflateBound(stream_, static_cast<uLong>(data.size())));
  stream_->next_in = InPtr(data);
  stream_->avail_in = static_cast<uInt>(data.size());
  stream_->next_out = reinterpret_cast<Bytef*>(out.data());
  stream_->avail_out = static_cast<uInt>(out.size());
  // deflateBound guarantees a single Z_FINISH call completes.
  const int rc = deflate(stream_, Z_FINISH);
  if (rc != Z_STREAM_END) return InternalError("deflate did not finish");
  out.resize(stream_->total_out);
  return out;
}

Inflater::Inflater(DeflateFormat format)
    : stream_(new z_stream{}),
      what_(format == DeflateFormat::kRaw ? "raw DEFLATE stream" : "zlib stream") {
  // inflateInit (not inflateInit2 with +32) insists on the zlib header, so gzip, raw deflate and
  // uncompressed COSE bytes are all rejected. Raw (-15) takes no header at all, so a zlib or gzip
  // stream fails there as a bad block type or a corrupt block.
  ok_ = (format == DeflateFormat::kRaw ? inflateInit2(stream_, -15) : inflateInit(stream_)) == Z_OK;
}

Inflater::~Inflater() {
  if (ok_) inflateEnd(stream_);
  delete stream_;
}

Result<std::string> Inflater::Inflate(std::string_view data, size_t max_output) {
  if (!ok_) return InternalError("inflateInit failed");
  if (data.size() > UINT_MAX / 2) return InvalidArgumentError("compressed input too large");
  if (inflateReset(stream_) != Z_OK) return InternalError("inflateReset failed");
  max_output = std::min(max_output, kMaxOutputLimit);
  std::string out;
  stream_->next_in = InPtr(data);
  stream_->avail_in = static_cast<uInt>(data.size());
  // HC1 payloads barely compress (the signature is random), so start near the input size and
  // grow geometrically, never past max_output + 1: one byte beyond the cap proves it exceeded.
  size_t next_room = std::max<size_t>(512, data.size() * 2);
  for (;;) {
    const size_t have = out.size();
    const size_t room = std::min({next_room, kChunk, max_output + 1 - have});
    next_room = 2 * room;
    out.resize(have + room);
    stream_->next_out = reinterpret_cast<Bytef*>(out.data() + have);
    stream_->avail_out = static_cast<uInt>(room);
    // Z_BLOCK stops after each deflate block, so that the padding after the final block can be
    // checked: a deflater writes zero bits there and inflate ignores them, so a flipped padding
    // bit would otherwise leave a tampered text that still verifies.
    const int rc = inflate(stream_, Z_BLOCK);
    out.resize(have + (room - stream_->avail_out));
    if (rc == Z_OK && (stream_->data_type & 0x80) != 0 && !PaddingIsZero(*stream_)) {
      return InvalidArgumentError(std::string(what_) + " has non-zero padding bits");
    }
    if (out.size() > max_output) {
      return ResourceExhaustedError("inflated data exceeds the limit of " +
                                    std::to_string(max_output) + " bytes");
    }
    if (rc == Z_STREAM_END) break;
    if (rc == Z_NEED_DICT) return InvalidArgumentError(std::string(what_) + " needs a preset dictionary");
    if (rc == Z_DATA_ERROR) {
      return InvalidArgumentError(std::string("not a valid ") + what_ + ": " +
                                  (stream_->msg != nullptr ? stream_->msg : "data error"));
    }
    if (rc == Z_MEM_ERROR) return InternalError("zlib out of memory");
    // Stopped right after the final block: a raw stream has no trailer left to read, and the
    // next call reports the end of the stream.
    const bool after_final_block = (stream_->data_type & 0xC0) == 0xC0;
    if (rc == Z_BUF_ERROR ||
        (rc == Z_OK && stream_->avail_in == 0 && stream_->avail_out != 0 && !after_final_block)) {
      // No progress possible: the input ended before the stream did.
      return InvalidArgumentError(std::string(what_) + " is truncated");
    }
    if (rc != Z_OK) return InvalidArgumentError("zlib inflate failed");
  }
  if (stream_->avail_in != 0) {
    return InvalidArgumentError(std::string("trailing bytes after the end of the ") + what_);
  }
  return out;
}

Result<std::string> Inflate(std::string_view data, size_t max_output) {
  Inflater inflater;
  return inflater.Inflate(data, max_output);
}

}  // namespace vaxreg::certs
