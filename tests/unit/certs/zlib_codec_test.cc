#include "certs/codec/zlib_codec.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <random>

namespace vaxreg::certs {
namespace {

std::string RandomText(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  // A small alphabet, so the data compresses like a real payload.
  for (char& c : s) c = "abcdefgh {}:,\"0123"[rng() % 18];
  return s;
}

TEST(ZlibCodecTest, RoundTripsWithOneReusedDeflater) {
  Deflater deflater;
  Inflater inflater;
  for (size_t n : {0u, 1u, 250u, 4096u, 60000u}) {
    const std::string data = RandomText(n, static_cast<unsigned>(n));
    Result<std::string> z = deflater.Compress(data);
    ASSERT_TRUE(z.ok());
    ASSERT_GE(z->size(), 2u);
    EXPECT_EQ(static_cast<unsigned char>((*z)[0]), 0x78) << "zlib header";
    Result<std::string> back = inflater.Inflate(*z);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, data);
    Result<std::string> again = Inflate(*z);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, data);
  }
}

TEST(ZlibCodecTest, ReusedDeflaterMatchesOneShotCompress) {
  Deflater deflater(9);
  const std::string data = RandomText(300, 7);
  for (int i = 0; i < 3; ++i) {
    Result<std::string> z = deflater.Compress(data);
    ASSERT_TRUE(z.ok());
    std::string expected(compressBound(data.size()), '\0');
    uLongf len = expected.size();
    ASSERT_EQ(compress2(reinterpret_cast<Bytef*>(expected.data()), &len,
                        reinterpret_cast<const Bytef*>(data.data()), data.size(), 9),
              Z_OK);
    expected.resize(len);
    EXPECT_EQ(*z, expected);
  }
}

TEST(ZlibCodecTest, RejectsUncompressedCose) {
  // The start of a COSE_Sign1 (tag 18): what issuers that skip compression produce.
  const std::string raw_cose("\xd2\x84\x4d\xa2\x04\x48\x37\x42\x1a\x24\x7a\xcd\x1a\xe4", 14);
  Result<std::string> r = Inflate(raw_cose);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST(ZlibCodecTest, RejectsGzipRawDeflateAndEmptyInput) {
  const std::string data = RandomText(500, 3);
  z_stream zs{};
  // windowBits 31 = gzip wrapper, -15 = raw deflate.
  for (int window_bits : {31, -15}) {
    ASSERT_EQ(deflateInit2(&zs, 9, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
    std::string out(deflateBound(&zs, data.size()), '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    ASSERT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    EXPECT_FALSE(Inflate(out).ok()) << "windowBits " << window_bits;
  }
  EXPECT_FALSE(Inflate("").ok());
}

TEST(ZlibCodecTest, RejectsTruncatedCorruptAndTrailingData) {
  Deflater deflater;
  const std::string data = RandomText(2000, 11);
  Result<std::string> z = deflater.Compress(data);
  ASSERT_TRUE(z.ok());
  for (size_t cut = 0; cut < z->size(); cut += 7) {
    EXPECT_FALSE(Inflate(z->substr(0, cut)).ok()) << "truncated to " << cut;
  }
  EXPECT_FALSE(Inflate(z->substr(0, z->size() - 1)).ok()) << "missing checksum byte";
  std::string corrupt = *z;
  corrupt[corrupt.size() - 2] ^= 0x01;  // Adler-32 mismatch
  EXPECT_FALSE(Inflate(corrupt).ok());
  corrupt = *z;
  corrupt[0] ^= 0x01;  // header check bits
  EXPECT_FALSE(Inflate(corrupt).ok());
  EXPECT_FALSE(Inflate(*z + "x").ok()) << "trailing bytes";
  // The inflater is usable again after errors.
  Inflater inflater;
  EXPECT_FALSE(inflater.Inflate(corrupt).ok());
  Result<std::string> ok = inflater.Inflate(*z);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, data);
}

TEST(ZlibCodecTest, StopsAZipBombAtTheCap) {
  // ~10 KB of zlib that inflates to 10 MB.
  Deflater deflater;
  Result<std::string> bomb = deflater.Compress(std::string(10 * 1024 * 1024, '\0'));
  ASSERT_TRUE(bomb.ok());
  EXPECT_LT(bomb->size(), 12 * 1024u);
  Result<std::string> r = Inflate(*bomb);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(r.status().message().find("65536"), std::string::npos) << r.status().message();

  Result<std::string> exact = deflater.Compress(std::string(kMaxInflatedBytes, 'a'));
  ASSERT_TRUE(exact.ok());
  EXPECT_TRUE(Inflate(*exact).ok()) << "exactly at the cap";
  Result<std::string> one_more = deflater.Compress(std::string(kMaxInflatedBytes + 1, 'a'));
  ASSERT_TRUE(one_more.ok());
  EXPECT_EQ(Inflate(*one_more).status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(Inflate(*one_more, kMaxInflatedBytes + 1).ok());
}

}  // namespace
}  // namespace vaxreg::certs
