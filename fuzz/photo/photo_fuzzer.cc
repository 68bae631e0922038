// libFuzzer target: photo intake on arbitrary bytes. Each input is read as its own dimensions
// (the header parser must not read out of bounds) and given to ProcessPhoto under each accepted
// declared type. Nothing may crash, and whatever is accepted must come out as the contract says:
// a JPEG within the size rules whose content address is its SHA-256.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/crypto_util.h"
#include "media/image_header.h"
#include "media/photo.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vaxreg::media;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)ReadDeclaredDimensions(bytes);
  const PhotoLimits limits;
  for (std::string_view type : {"image/jpeg", "image/png", "image/webp"}) {
    vaxreg::Result<ProcessedPhoto> p = ProcessPhoto(bytes, type, limits);
    if (!p.ok()) {
      if (PhotoErrorReason(p.status()).empty()) std::abort();  // every refusal has a reason
      continue;
    }
    if (SniffImageType(bytes) != type) std::abort();
    if (!p->full_jpeg.starts_with("\xFF\xD8\xFF") || !p->thumb_jpeg.starts_with("\xFF\xD8\xFF")) {
      std::abort();
    }
    if (p->width < 1 || p->height < 1 || p->width > limits.out_max_side ||
        p->height > limits.out_max_side || p->thumb_width < 1 || p->thumb_height < 1 ||
        p->thumb_width > limits.thumb_max_side || p->thumb_height > limits.thumb_max_side) {
      std::abort();
    }
    if (p->sha256 != vaxreg::HexEncode(vaxreg::Sha256(p->full_jpeg))) std::abort();
  }
  return 0;
}
