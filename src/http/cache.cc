#include "http/cache.h"

#include <boost/beast/http/field.hpp>

#include "common/crypto_util.h"
#include "http/compression.h"

namespace vaxreg::http {
namespace {

namespace bhttp = beast::http;

constexpr std::string_view kVary = "Accept-Encoding";

// The opaque part of one entity tag: `"abc"` and `W/"abc"` give `abc`.
std::string_view Opaque(std::string_view tag) {
  if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);
  if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') {
    tag = tag.substr(1, tag.size() - 2);
  }
  return tag;
}

bool WantsGzip(const Request& req) {
  auto it = req.find(bhttp::field::accept_encoding);
  return it != req.end() && AcceptsEncoding(it->value(), "gzip");
}

bool IsTextType(std::string_view type) {
  for (std::string_view prefix : {"application/json", "application/fhir+json", "text/",
                                  "application/javascript", "image/svg+xml", "application/xml"}) {
    if (type.substr(0, prefix.size()) == prefix) return true;
  }
  return false;
}

// Adds Accept-Encoding to the Vary header, keeping what is there (Accept-Language on errors).
void VaryOnEncoding(Response& res) {
  auto it = res.find(bhttp::field::vary);
  if (it == res.end()) {
    res.set(bhttp::field::vary, kVary);
    return;
  }
  const std::string_view now = it->value();
  if (now.find(kVary) != std::string_view::npos || now == "*") return;
  res.set(bhttp::field::vary, std::string(now) + ", " + std::string(kVary));
}

// Replaces the body by its gzip member and says so in Content-Encoding; false (body untouched)
// only if zlib fails.
bool GzipBodyInPlace(Response& res) {
  Result<std::string> z = GzipCompress(res.body());
  if (!z.ok()) return false;
  res.body() = std::move(*z);
  res.set(bhttp::field::content_encoding, "gzip");
  return true;
}

}  // namespace

PreparedBody::PreparedBody(std::string body, std::string content_type,
                           std::string content_disposition)
    : body_(std::move(body)),
      content_type_(std::move(content_type)),
      content_disposition_(std::move(content_disposition)) {
  const std::string hex = HexEncode(Sha256(body_)).substr(0, 32);
  etag_ = "\"" + hex + "\"";
  gzip_etag_ = "\"" + hex + "-gzip\"";
}

const std::string* PreparedBody::gzipped() const {
  if (body_.size() < kMinGzipBytes) return nullptr;
  std::call_once(gzip_once_, [this] {
    Result<std::string> z = GzipCompress(body_);
    if (!z.ok()) return;
    gzipped_ = std::move(*z);
    gzip_ok_ = true;
  });
  return gzip_ok_ ? &gzipped_ : nullptr;
}

bool IfNoneMatchMatches(std::string_view if_none_match, std::string_view etag) {
  const std::string_view want = Opaque(etag);
  while (!if_none_match.empty()) {
    const size_t comma = if_none_match.find(',');
    std::string_view tag = if_none_match.substr(0, comma);
    if_none_match =
        comma == std::string_view::npos ? std::string_view() : if_none_match.substr(comma + 1);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag == "*" || (!tag.empty() && Opaque(tag) == want)) return true;
  }
  return false;
}

Response PreparedResponse(const Request& req, const PreparedBody& body,
                          std::string_view cache_control) {
  const std::string* gz = WantsGzip(req) ? body.gzipped() : nullptr;
  const std::string& etag = gz != nullptr ? body.gzip_etag() : body.etag();
  auto inm = req.find(bhttp::field::if_none_match);
  if (inm != req.end()) {
    for (const std::string* tag : {&body.etag(), &body.gzip_etag()}) {
      if (!IfNoneMatchMatches(inm->value(), *tag)) continue;
      Response res{bhttp::status::not_modified, req.version()};
      res.set(bhttp::field::etag, *tag);
      res.set(bhttp::field::cache_control, cache_control);
      res.set(bhttp::field::vary, kVary);
      res.keep_alive(req.keep_alive());
      return res;
    }
  }
  Response res{bhttp::status::ok, req.version()};
  res.set(bhttp::field::content_type, body.content_type());
  if (!body.content_disposition().empty()) {
    res.set(bhttp::field::content_disposition, body.content_disposition());
  }
  res.set(bhttp::field::etag, etag);
  res.set(bhttp::field::cache_control, cache_control);
  res.set(bhttp::field::vary, kVary);
  if (gz != nullptr) res.set(bhttp::field::content_encoding, "gzip");
  res.keep_alive(req.keep_alive());
  res.body() = gz != nullptr ? *gz : body.body();
  res.prepare_payload();
  return res;
}

void CompressIfAccepted(const Request& req, Response& res) {
  res.set(bhttp::field::vary, kVary);
  if (res.body().size() < kMinGzipBytes || !WantsGzip(req) ||
      res.find(bhttp::field::content_encoding) != res.end()) {
    return;
  }
  if (GzipBodyInPlace(res)) res.prepare_payload();
}

std::shared_ptr<const PreparedBody> BodyCache::Find(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  if (now - it->second.stored >= ttl_) {
    Erase(it);
    return nullptr;
  }
  return it->second.body;
}

void BodyCache::Erase(std::map<std::string, Entry, std::less<>>::iterator it) {
  bytes_ -= it->second.body->body().size();
  entries_.erase(it);
}

void BodyCache::Put(const std::string& key, std::shared_ptr<const PreparedBody> body,
                    Clock::time_point now) {
  const size_t size = body->body().size();
  if (ttl_ <= Clock::duration::zero() || max_entries_ == 0 || size > max_bytes_) return;
  std::lock_guard lock(mu_);
  if (auto it = entries_.find(key); it != entries_.end()) Erase(it);
  for (auto it = entries_.begin(); it != entries_.end();) {
    auto next = std::next(it);
    if (now - it->second.stored >= ttl_) Erase(it);
    it = next;
  }
  while (!entries_.empty() && (entries_.size() >= max_entries_ || bytes_ + size > max_bytes_)) {
    auto oldest = entries_.begin();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->second.stored < oldest->second.stored) oldest = it;
    }
    Erase(oldest);
  }
  bytes_ += size;
  entries_.emplace(key, Entry{std::move(body), now});
}

size_t BodyCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

size_t BodyCache::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

void CompressLargeTextResponse(const Request& req, Response& res) {
  if (res.body().size() < kGzipAnyResponseBytes ||
      res.find(bhttp::field::content_encoding) != res.end() ||
      !IsTextType(res[bhttp::field::content_type])) {
    return;
  }
  VaryOnEncoding(res);
  if (WantsGzip(req)) GzipBodyInPlace(res);
}

}  // namespace vaxreg::http
