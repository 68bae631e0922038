#include "http/compression.h"

#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <optional>

#include "http/header_value.h"

namespace vaxreg::http {
namespace {

// windowBits + 16 selects the gzip wrapper (deflateInit2 / inflateInit2).
constexpr int kGzipWindowBits = 15 + 16;
constexpr size_t kChunk = 64 * 1024;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    return lower(x) == lower(y);
  });
}

// The q-value of one Accept-Encoding element's parameters ("q=0.5"); 1 when absent, 0 when
// malformed (a coding the client qualified in a way we cannot read is not used).
double QValue(std::string_view params) {
  while (!params.empty()) {
    const size_t semi = params.find(';');
    const std::string_view param = TrimOws(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
    const size_t eq = param.find('=');
    if (eq == std::string_view::npos || !EqualsIgnoreCase(TrimOws(param.substr(0, eq)), "q")) {
      continue;
    }
    const std::string_view value = TrimOws(param.substr(eq + 1));
    double q = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), q);
    if (ec != std::errc() || ptr != value.data() + value.size()) return 0;
    return q;
  }
  return 1;
}

struct ThreadDeflater {
  z_stream stream{};
  int level = 0;
  bool ready = false;
  ~ThreadDeflater() {
    if (ready) deflateEnd(&stream);
  }
};

Bytef* InPtr(std::string_view data) {
  // zlib's next_in is not const-qualified but never written through.
  return const_cast<Bytef*>(reinterpret_cast<const Bytef*>(data.data()));
}

}  // namespace

bool AcceptsEncoding(std::string_view accept_encoding, std::string_view coding) {
  std::optional<double> named, wildcard;
  while (!accept_encoding.empty()) {
    const size_t comma = accept_encoding.find(',');
    const std::string_view element = accept_encoding.substr(0, comma);
    accept_encoding =
        comma == std::string_view::npos ? std::string_view() : accept_encoding.substr(comma + 1);
    const size_t semi = element.find(';');
    const std::string_view name = TrimOws(element.substr(0, semi));
    const double q = semi == std::string_view::npos ? 1 : QValue(element.substr(semi + 1));
    if (EqualsIgnoreCase(name, coding) ||
        (EqualsIgnoreCase(coding, "gzip") && EqualsIgnoreCase(name, "x-gzip"))) {
      named = std::max(named.value_or(0), q);
    } else if (name == "*") {
      wildcard = q;
    }
  }
  if (named) return *named > 0;
  return wildcard.value_or(0) > 0;
}

Result<std::string> GzipCompress(std::string_view data, int level) {
  level = std::clamp(level, 1, 9);
  thread_local ThreadDeflater t;
  if (t.ready && t.level != level) {
    deflateEnd(&t.stream);
    t.stream = z_stream{};
    t.ready = false;
  }
  if (!t.ready) {
    if (deflateInit2(&t.stream, level, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK) {
      return InternalError("deflateInit2 failed");
    }
    t.ready = true;
    t.level = level;
  } else if (deflateReset(&t.stream) != Z_OK) {
    return InternalError("deflateReset failed");
  }
  if (data.size() > UINT_MAX / 2) return ResourceExhaustedError("body too large to compress");
  std::string out;
  out.resize(deflateBound(&t.stream, static_cast<uLong>(data.size())));
  t.stream.next_in = InPtr(data);
  t.stream.avail_in = static_cast<uInt>(data.size());
  t.stream.next_out = reinterpret_cast<Bytef*>(out.data());
  t.stream.avail_out = static_cast<uInt>(out.size());
  // deflateBound (which counts the gzip wrapper) guarantees one Z_FINISH call completes.
  if (deflate(&t.stream, Z_FINISH) != Z_STREAM_END) return InternalError("deflate did not finish");
  out.resize(t.stream.total_out);
  return out;
}

Result<std::string> GzipDecompress(std::string_view data, size_t max_output) {
  z_stream s{};
  if (inflateInit2(&s, kGzipWindowBits) != Z_OK) return InternalError("inflateInit2 failed");
  std::string out;
  s.next_in = InPtr(data);
  s.avail_in = static_cast<uInt>(std::min<size_t>(data.size(), UINT_MAX));
  int rc = Z_OK;
  while (rc == Z_OK) {
    const size_t have = out.size();
    if (have > max_output) break;
    out.resize(have + kChunk);
    s.next_out = reinterpret_cast<Bytef*>(out.data() + have);
    s.avail_out = static_cast<uInt>(kChunk);
    rc = inflate(&s, Z_NO_FLUSH);
    out.resize(have + (kChunk - s.avail_out));
    if (rc == Z_BUF_ERROR && s.avail_in == 0) break;  // truncated input
  }
  const bool trailing = s.avail_in != 0 || data.size() > UINT_MAX;
  inflateEnd(&s);
  if (out.size() > max_output) {
    return ResourceExhaustedError("gzip body inflates to more than " + std::to_string(max_output) +
                                  " bytes");
  }
  if (rc != Z_STREAM_END) return InvalidArgumentError("not a complete gzip stream");
  if (trailing) return InvalidArgumentError("bytes after the end of the gzip stream");
  return out;
}

}  // namespace vaxreg::http
