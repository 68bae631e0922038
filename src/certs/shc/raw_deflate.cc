#include "certs/shc/raw_deflate.h"

#include <libdeflate.h>

#include <algorithm>

namespace vaxreg::certs::shc {

RawDeflater::RawDeflater(int level)
    : compressor_(libdeflate_alloc_compressor(std::clamp(level, 1, 12))) {}

RawDeflater::~RawDeflater() {
  if (compressor_ != nullptr) libdeflate_free_compressor(compressor_);
}

Result<std::string> RawDeflater::Compress(std::string_view data) {
  if (compressor_ == nullptr) return InternalError("libdeflate_alloc_compressor failed");
  std::string out(libdeflate_deflate_compress_bound(compressor_, data.size()), '\0');
  const size_t n = libdeflate_deflate_compress(compressor_, data.data(), data.size(), out.data(),
                                               out.size());
  if (n == 0) return InternalError("libdeflate_deflate_compress failed");
  out.resize(n);
  return out;
}

}  // namespace vaxreg::certs::shc
