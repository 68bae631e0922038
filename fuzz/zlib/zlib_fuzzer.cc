// libFuzzer target: zlib inflation of arbitrary bytes with the HC1 output cap. Checks that the cap
// holds, that a reused Inflater agrees with a fresh one, and that what inflates re-compresses and
// inflates to the same bytes.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "certs/codec/zlib_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using vaxreg::certs::Deflater;
  using vaxreg::certs::Inflater;
  static Inflater* reused = new Inflater();
  static Deflater* deflater = new Deflater();
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  constexpr size_t kCap = 16 * 1024;
  vaxreg::Result<std::string> out = vaxreg::certs::Inflate(bytes, kCap);
  vaxreg::Result<std::string> again = reused->Inflate(bytes, kCap);
  if (out.ok() != again.ok()) std::abort();
  if (!out.ok()) return 0;
  if (out->size() > kCap || *out != *again) std::abort();
  vaxreg::Result<std::string> z = deflater->Compress(*out);
  if (!z.ok()) std::abort();
  vaxreg::Result<std::string> round = reused->Inflate(*z, kCap);
  if (!round.ok() || *round != *out) std::abort();
  return 0;
}
