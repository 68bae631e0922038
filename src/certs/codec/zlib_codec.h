#pragma once
// zlib (RFC 1950) compression for HC1 payloads. The stream wrapper is mandatory: raw deflate and
// uncompressed data are rejected, as the DCC specification requires. With DeflateFormat::kRaw the
// same classes read and write raw DEFLATE (RFC 1951, zlib windowBits -15: no header, no
// checksum), the "zip":"DEF" payloads of SMART Health Cards; a zlib or gzip stream is then
// rejected.
//
// Deflater and Inflater each own one z_stream and are thread-compatible: use one object per
// thread. They are neither copyable nor movable (zlib keeps pointers into the stream state).

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

struct z_stream_s;

namespace vaxreg::certs {

// Default cap on inflated output: a DCC COSE message is well under 4 KiB.
inline constexpr size_t kMaxInflatedBytes = 64 * 1024;

// The container around the DEFLATE data: the zlib wrapper (HC1) or none (SMART Health Cards).
enum class DeflateFormat { kZlib, kRaw };

// Compresses with one long-lived z_stream that is deflateReset() between calls. A fresh
// deflateInit() allocates and clears ~256 KiB of state, which costs several times an ECDSA
// signature; reuse makes compressing a 250-byte payload ~10x cheaper.
class Deflater final {
 public:
  // `level` is a zlib level, 0..9 (9 is what DCC issuers use). `window_bits` (9..15) and
  // `mem_level` (1..9) size the sliding window and the hash table: deflateReset() clears the
  // hash table on every call, so small payloads (an HC1 COSE message is < 1 KiB) compress
  // several times faster with a small table; the output stays a standard zlib stream (its header
  // records the window size, which every inflater honours).
  explicit Deflater(int level = 9, int window_bits = 15, int mem_level = 8,
                    DeflateFormat format = DeflateFormat::kZlib);
  ~Deflater();
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  // Returns the complete zlib stream (or raw DEFLATE data) for `data`. kInternal only if zlib
  // itself fails.
  Result<std::string> Compress(std::string_view data);

 private:
  z_stream_s* stream_;
  bool ok_ = false;
};

// Decompresses zlib streams with one long-lived z_stream that is inflateReset() between calls.
class Inflater final {
 public:
  explicit Inflater(DeflateFormat format = DeflateFormat::kZlib);
  ~Inflater();
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // Inflates exactly one complete zlib stream (kRaw: one complete raw DEFLATE stream, whose
  // final block must end the input). Errors:
  //   kInvalidArgument    not a zlib stream (bad header, raw deflate, uncompressed COSE), a
  //                       corrupt or truncated stream, a checksum mismatch, a preset
  //                       dictionary, non-zero padding bits after the final deflate block
  //                       (inflate would ignore them, hiding a changed bit), or bytes after the
  //                       end of the stream;
  //   kResourceExhausted  the output would exceed `max_output` bytes (zip bomb); decompression
  //                       stops as soon as the cap is crossed.
  Result<std::string> Inflate(std::string_view data, size_t max_output = kMaxInflatedBytes);

 private:
  z_stream_s* stream_;
  bool ok_ = false;
  const char* what_;  // "zlib stream" or "raw DEFLATE stream", for messages
};

// One-shot helper: inflates with a temporary Inflater. Same contract as Inflater::Inflate.
Result<std::string> Inflate(std::string_view data, size_t max_output = kMaxInflatedBytes);

}  // namespace vaxreg::certs
