#pragma once
// Cacheable GET responses for public data (the statistics): a strong entity tag over the body,
// conditional requests (If-None-Match -> 304 Not Modified), Cache-Control, gzip content coding
// negotiated per request, and a small in-process cache of prepared bodies so that identical
// requests within a time-to-live cost neither a database read nor a compression.
//
// Entity tags: "<32 hex>" is the first 128 bits of the SHA-256 of the identity body, and the gzip
// encoding of the same body is tagged "<32 hex>-gzip" (a strong tag names one representation; the
// encodings differ in their bytes). If-None-Match is compared weakly, as RFC 9110 section 13.1.2
// requires, and either tag of the body matches: a client holding either encoding holds the data.

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "http/types.h"

namespace vaxreg::http {

// A response body with its validators, prepared once and then shared read-only between
// requests. Thread-safe: the gzip encoding is made on first use, once.
class PreparedBody {
 public:
  PreparedBody(std::string body, std::string content_type, std::string content_disposition = "");
  PreparedBody(const PreparedBody&) = delete;
  PreparedBody& operator=(const PreparedBody&) = delete;

  const std::string& body() const { return body_; }
  const std::string& content_type() const { return content_type_; }
  const std::string& content_disposition() const { return content_disposition_; }
  // Quoted strong tags of the identity and the gzip encoding.
  const std::string& etag() const { return etag_; }
  const std::string& gzip_etag() const { return gzip_etag_; }
  // The gzip encoding; null when the body is shorter than kMinGzipBytes or zlib failed.
  const std::string* gzipped() const;

 private:
  std::string body_, content_type_, content_disposition_, etag_, gzip_etag_;
  mutable std::once_flag gzip_once_;
  mutable std::string gzipped_;
  mutable bool gzip_ok_ = false;
};

// Whether an If-None-Match header value matches `etag` (quoted): "*", or one of the listed
// entity tags with the same opaque value, a W/ prefix ignored.
bool IfNoneMatchMatches(std::string_view if_none_match, std::string_view etag);

// The answer to a GET or HEAD of `body`: 304 without a body when If-None-Match matches either of
// its tags, else 200 with the body, gzip-encoded when the request accepts gzip (and the body is
// long enough). Both carry ETag, `cache_control`, Vary: Accept-Encoding; the 200 also
// Content-Type and, if set, Content-Disposition.
Response PreparedResponse(const Request& req, const PreparedBody& body,
                          std::string_view cache_control);

// gzip-encodes a response built elsewhere (uncached JSON lists) when the request accepts gzip
// and the body is long enough; always adds Vary: Accept-Encoding.
void CompressIfAccepted(const Request& req, Response& res);

// Bodies of at least this many bytes are worth compressing on any route: a body that fits one
// TCP segment (~1,460 bytes) arrives in the same round trip either way, so below it compression
// costs CPU on the hot small answers (check-in, a dose) and saves the reader nothing.
inline constexpr size_t kGzipAnyResponseBytes = 1400;

// The server's last step for every answer: gzip-encodes a text body (JSON, text/*, JavaScript,
// SVG, XML) of at least kGzipAnyResponseBytes when the request accepts gzip and the handler did
// not encode it itself, and names Accept-Encoding in Vary whenever the coding depended on it.
void CompressLargeTextResponse(const Request& req, Response& res);

// Prepared bodies by key, each kept for `ttl` after it was stored; at most `max_entries` bodies
// of at most `max_bytes` together (identity bodies counted; the expired and then the oldest make
// room, and a body larger than max_bytes is not kept). A ttl of zero stores nothing.
// Thread-safe.
class BodyCache {
 public:
  using Clock = std::chrono::steady_clock;
  explicit BodyCache(Clock::duration ttl, size_t max_entries = 1024,
                     size_t max_bytes = size_t{64} << 20)
      : ttl_(ttl), max_entries_(max_entries), max_bytes_(max_bytes) {}

  // The body stored under `key` less than ttl before `now`, else null.
  std::shared_ptr<const PreparedBody> Find(const std::string& key, Clock::time_point now);
  void Put(const std::string& key, std::shared_ptr<const PreparedBody> body, Clock::time_point now);
  size_t size() const;
  size_t bytes() const;

 private:
  struct Entry {
    std::shared_ptr<const PreparedBody> body;
    Clock::time_point stored;
  };
  // Erases `it`, keeping bytes_ right. Caller holds mu_.
  void Erase(std::map<std::string, Entry, std::less<>>::iterator it);

  const Clock::duration ttl_;
  const size_t max_entries_, max_bytes_;
  mutable std::mutex mu_;
  std::map<std::string, Entry, std::less<>> entries_;
  size_t bytes_ = 0;
};

}  // namespace vaxreg::http
