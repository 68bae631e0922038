#pragma once
// gzip content coding for response bodies (RFC 9110 section 8.4.1.3, RFC 1952 framing).
//
// Compression reuses one z_stream per thread (deflateReset between bodies): a fresh deflateInit
// allocates and clears ~256 KiB of state, several times the cost of compressing a small body
// (../shared/DESIGN.md measures 16,000 vs 190,000 compressions of 250 bytes per second).
// Thread-safe.

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vaxreg::http {

// Bodies shorter than this are sent as they are: the gzip header and trailer (18 bytes) and the
// CPU cost outweigh what compression saves.
inline constexpr size_t kMinGzipBytes = 256;

// Whether an Accept-Encoding value accepts `coding` ("gzip"): listed with a q-value above 0, or
// "*" with a q-value above 0 while `coding` itself is not listed. Names are case-insensitive;
// "x-gzip" counts as "gzip". An empty header accepts nothing but identity.
bool AcceptsEncoding(std::string_view accept_encoding, std::string_view coding);

// The gzip member of `data` at zlib `level` (1..9). kInternal only if zlib itself fails.
Result<std::string> GzipCompress(std::string_view data, int level = 6);

// Decompresses one gzip member. kInvalidArgument for anything else (corrupt, truncated, trailing
// bytes), kResourceExhausted when the output would exceed `max_output` bytes.
Result<std::string> GzipDecompress(std::string_view data, size_t max_output);

}  // namespace vaxreg::http
