// http/compression.h and http/cache.h: Accept-Encoding negotiation, gzip round trips and their
// failures, entity tags and If-None-Match, the prepared response (200, 304, gzip) and the body
// cache's expiry and bound.

#include "http/cache.h"

#include <gtest/gtest.h>

#include <boost/beast/http/field.hpp>

#include "http/compression.h"

namespace vaxreg::http {
namespace {

namespace bhttp = beast::http;
using namespace std::chrono_literals;

std::string Repetitive(size_t n) {
  std::string s;
  while (s.size() < n) s += "{\"day\":\"2021-08-01\",\"doses\":" + std::to_string(s.size()) + "},";
  return s.substr(0, n);
}

Request Get(std::vector<std::pair<bhttp::field, std::string>> headers = {}) {
  Request req{bhttp::verb::get, "/api/v1/stats/doses", 11};
  for (const auto& [f, v] : headers) req.set(f, v);
  return req;
}

TEST(AcceptsEncodingTest, QValuesWildcardsAndCase) {
  const std::pair<const char*, bool> cases[] = {
      {"gzip", true},
      {"br, gzip;q=0.5", true},
      {"GZip", true},
      {"x-gzip", true},
      {"deflate, *", true},
      {"gzip ; Q=1.0", true},
      {"", false},
      {"br, deflate", false},
      {"gzip;q=0", false},
      {"gzip;q=0.000", false},
      {"*, gzip;q=0", false},  // the named coding wins over *
      {"*;q=0", false},
      {"gzip;q=high", false},  // an unreadable q-value is not used
      {"gzipped", false},
  };
  for (const auto& [header, accepted] : cases) {
    EXPECT_EQ(AcceptsEncoding(header, "gzip"), accepted) << header;
  }
}

TEST(GzipTest, RoundTripsAndShrinksRepetitiveText) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{300}, size_t{200000}}) {
    const std::string body = Repetitive(n);
    auto z = GzipCompress(body);
    ASSERT_TRUE(z.ok()) << z.status().ToString();
    ASSERT_GE(z->size(), 18u);
    EXPECT_EQ(static_cast<unsigned char>((*z)[0]), 0x1f);  // gzip magic
    EXPECT_EQ(static_cast<unsigned char>((*z)[1]), 0x8b);
    if (n >= 1000) {
      EXPECT_LT(z->size() * 5, n);
    }
    auto back = GzipDecompress(*z, n + 1);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, body);
  }
  // The per-thread stream is reused, also across levels.
  EXPECT_EQ(*GzipDecompress(*GzipCompress("abc", 9), 10), "abc");
  EXPECT_EQ(*GzipDecompress(*GzipCompress("abcd", 1), 10), "abcd");
}

TEST(GzipTest, RejectsCorruptTruncatedTrailingAndOversizedInput) {
  const std::string z = *GzipCompress(Repetitive(5000));
  EXPECT_EQ(GzipDecompress("not gzip at all", 1000).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(GzipDecompress(z.substr(0, z.size() - 5), 10000).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(GzipDecompress(z + "x", 10000).status().code(), StatusCode::kInvalidArgument);
  std::string flipped = z;
  flipped[z.size() - 6] = static_cast<char>(flipped[z.size() - 6] ^ 1);  // CRC-32
  EXPECT_EQ(GzipDecompress(flipped, 10000).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(GzipDecompress(z, 4999).status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(GzipDecompress(z, 5000).ok());
}

TEST(IfNoneMatchTest, WeakComparisonListsAndStar) {
  const std::pair<const char*, bool> cases[] = {
      {"\"abc\"", true},   {"W/\"abc\"", true}, {"\"x\", \"abc\"", true}, {"*", true},
      {"\"abcd\"", false}, {"", false},         {"\"\"", false},
  };
  for (const auto& [header, matches] : cases) {
    EXPECT_EQ(IfNoneMatchMatches(header, "\"abc\""), matches) << header;
  }
}

TEST(PreparedResponseTest, EtagGzipAnd304) {
  const std::string text = Repetitive(4000);
  PreparedBody body(text, "text/csv; charset=utf-8", "attachment; filename=\"x.csv\"");
  EXPECT_EQ(body.etag().size(), 34u);
  EXPECT_EQ(body.gzip_etag(), body.etag().substr(0, 33) + "-gzip\"");
  EXPECT_EQ(PreparedBody(text, "text/plain").etag(), body.etag()) << "a tag is the body's hash";
  EXPECT_NE(PreparedBody(text + " ", "text/plain").etag(), body.etag());

  Response plain = PreparedResponse(Get(), body, "public, max-age=60");
  EXPECT_EQ(plain.result(), bhttp::status::ok);
  EXPECT_EQ(plain.body(), text);
  EXPECT_EQ(plain[bhttp::field::etag], body.etag());
  EXPECT_EQ(plain[bhttp::field::cache_control], "public, max-age=60");
  EXPECT_EQ(plain[bhttp::field::vary], "Accept-Encoding");
  EXPECT_EQ(plain[bhttp::field::content_type], "text/csv; charset=utf-8");
  EXPECT_EQ(plain[bhttp::field::content_disposition], "attachment; filename=\"x.csv\"");
  EXPECT_EQ(plain.find(bhttp::field::content_encoding), plain.end());

  Response gz = PreparedResponse(Get({{bhttp::field::accept_encoding, "gzip, br"}}), body,
                                 "public, max-age=60");
  EXPECT_EQ(gz[bhttp::field::content_encoding], "gzip");
  EXPECT_EQ(gz[bhttp::field::etag], body.gzip_etag());
  EXPECT_LT(gz.body().size(), text.size());
  EXPECT_EQ(*GzipDecompress(gz.body(), 1 << 20), text);

  for (const std::string& tag : {body.etag(), body.gzip_etag(), "W/" + body.etag()}) {
    Response nm = PreparedResponse(Get({{bhttp::field::if_none_match, tag}}), body, "public");
    EXPECT_EQ(nm.result(), bhttp::status::not_modified) << tag;
    EXPECT_TRUE(nm.body().empty());
    EXPECT_EQ(nm[bhttp::field::cache_control], "public");
  }
  Response changed =
      PreparedResponse(Get({{bhttp::field::if_none_match, "\"0123\""}}), body, "public");
  EXPECT_EQ(changed.result(), bhttp::status::ok);

  // Short bodies are never compressed.
  PreparedBody tiny("{}", "application/json");
  EXPECT_EQ(tiny.gzipped(), nullptr);
  Response small = PreparedResponse(Get({{bhttp::field::accept_encoding, "gzip"}}), tiny, "x");
  EXPECT_EQ(small.body(), "{}");
  EXPECT_EQ(small[bhttp::field::etag], tiny.etag());
}

TEST(CompressIfAcceptedTest, OnlyWhenAcceptedAndLongEnough) {
  Response res{bhttp::status::ok, 11};
  res.body() = Repetitive(3000);
  Response copy = res;
  CompressIfAccepted(Get(), copy);
  EXPECT_EQ(copy.body(), res.body());
  EXPECT_EQ(copy[bhttp::field::vary], "Accept-Encoding");
  CompressIfAccepted(Get({{bhttp::field::accept_encoding, "gzip"}}), res);
  EXPECT_EQ(res[bhttp::field::content_encoding], "gzip");
  EXPECT_EQ(*GzipDecompress(res.body(), 1 << 20), Repetitive(3000));
  EXPECT_EQ(res[bhttp::field::content_length], std::to_string(res.body().size()));
}

TEST(BodyCacheTest, ExpiresAndStaysBounded) {
  const auto t0 = BodyCache::Clock::time_point{} + 1h;
  BodyCache cache(60s, 2);
  auto a = std::make_shared<const PreparedBody>("a", "text/plain");
  cache.Put("a", a, t0);
  EXPECT_EQ(cache.Find("a", t0 + 59s), a);
  EXPECT_EQ(cache.Find("a", t0 + 60s), nullptr);
  EXPECT_EQ(cache.size(), 0u);
  cache.Put("a", a, t0);
  cache.Put("b", a, t0 + 1s);
  cache.Put("c", a, t0 + 2s);  // full: the oldest ("a") makes room
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.Find("a", t0 + 3s), nullptr);
  EXPECT_NE(cache.Find("b", t0 + 3s), nullptr);
  EXPECT_NE(cache.Find("c", t0 + 3s), nullptr);

  // Bounded in bytes too: the oldest make room, a body over the bound is not kept.
  BodyCache small(60s, 100, 10);
  auto six = std::make_shared<const PreparedBody>("123456", "text/plain");
  small.Put("x", six, t0);
  small.Put("y", six, t0 + 1s);
  EXPECT_EQ(small.Find("x", t0 + 2s), nullptr);
  EXPECT_EQ(small.Find("y", t0 + 2s), six);
  EXPECT_EQ(small.bytes(), 6u);
  small.Put("y", six, t0 + 3s);  // replacing counts once
  EXPECT_EQ(small.bytes(), 6u);
  small.Put("z", std::make_shared<const PreparedBody>(std::string(11, 'z'), "text/plain"), t0);
  EXPECT_EQ(small.Find("z", t0), nullptr);
  EXPECT_EQ(small.size(), 1u);

  BodyCache off(0s);
  off.Put("a", a, t0);
  EXPECT_EQ(off.Find("a", t0), nullptr);
}

}  // namespace
}  // namespace vaxreg::http
