#pragma once
// Raw DEFLATE (RFC 1951, no header: what zlib writes with windowBits -15) for issuing SMART
// Health Cards, with libdeflate: its whole-buffer compressor takes ~9 us for a 1.4 KB card
// payload on the reference machine, where zlib's (reused z_stream, any level or strategy) takes
// 21-26 us, as much as the ES256 signature itself (BENCHMARKS.md). The output is a standard raw
// DEFLATE stream; every inflater reads it (the verifier inflates with zlib).
//
// Thread-compatible: one object per thread (the issuer keeps one thread_local).

#include <string>
#include <string_view>

#include "common/status.h"

struct libdeflate_compressor;

namespace vaxreg::certs::shc {

class RawDeflater final {
 public:
  // `level` 1..12 (libdeflate's levels: 1 is fastest, 12 smallest).
  explicit RawDeflater(int level);
  ~RawDeflater();
  RawDeflater(const RawDeflater&) = delete;
  RawDeflater& operator=(const RawDeflater&) = delete;

  // kInternal only when the compressor could not be allocated.
  Result<std::string> Compress(std::string_view data);

 private:
  libdeflate_compressor* compressor_;
};

}  // namespace vaxreg::certs::shc
