// libFuzzer target: base45 decoding of arbitrary text. Checks that decoding never crashes, that a
// successful decode re-encodes to the same text (base45 is a bijection on valid text), and that
// encoding any bytes decodes back to them.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "certs/codec/base45.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  vaxreg::Result<std::string> decoded = vaxreg::certs::Base45Decode(text);
  if (decoded.ok() && vaxreg::certs::Base45Encode(*decoded) != text) std::abort();
  const std::string encoded = vaxreg::certs::Base45Encode(text);
  vaxreg::Result<std::string> back = vaxreg::certs::Base45Decode(encoded, encoded.size());
  if (!back.ok() || *back != text) std::abort();
  return 0;
}
