// Measures, in one run and on the same threads:
//   raw:  ECDSA P-256 verifications/s through EVP_PKEY_verify on a SHA-256 digest with a context
//         prepared once per thread (the work `openssl speed -multi 2 ecdsap256` counts);
//   full: VerifyHc1 calls/s on a real HC1 text (prefix, base45, inflate, COSE, CWT, JSON,
//         signature, time, key usage, schema and value sets).
// and prints full/raw. Usage: bench_dcc_verify [threads=2] [seconds per workload=6]

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "certs/codec/base45.h"
#include "certs/codec/cbor.h"
#include "certs/codec/cose.h"
#include "certs/codec/cwt.h"
#include "certs/codec/zlib_codec.h"
#include "certs/crypto/signature.h"
#include "certs/crypto/x509.h"
#include "certs/dcc/schema_check.h"
#include "certs/verifier.h"
#include "bench/common/rate.h"

namespace {

using namespace vaxreg;
using namespace vaxreg::certs;
using bench::MicrosPerCall;

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "bench_dcc_verify: %s\n", what);
  std::exit(1);
}

template <typename T>
T Must(Result<T> r, const char* what) {
  if (!r.ok()) Die(what);
  return std::move(r).value();
}

struct RawVerify {
  EVP_PKEY* key;
  std::string der_signature;
  unsigned char digest[SHA256_DIGEST_LENGTH];

  EvpPkeyCtxPtr MakeState() const {
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
    if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1) Die("EVP_PKEY_verify_init");
    return ctx;
  }
  void Run(EvpPkeyCtxPtr& ctx) const {
    if (EVP_PKEY_verify(ctx.get(), reinterpret_cast<const unsigned char*>(der_signature.data()),
                        der_signature.size(), digest, sizeof digest) != 1) {
      Die("raw verify failed");
    }
  }
};

struct FullVerify {
  const std::string* qr;
  const TrustStore* trust;
  SystemTime now;

  int MakeState() const { return 0; }
  void Run(int&) const {
    if (!VerifyHc1(*qr, *trust, now).valid) Die("HC1 did not verify");
  }
};

}  // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 2;
  const double seconds = argc > 2 ? std::atof(argv[2]) : 6.0;
  if (threads < 1 || seconds <= 0) Die("usage: bench_dcc_verify [threads] [seconds]");

  // A DSC and a realistic vaccination certificate.
  EvpPkeyPtr key = Must(GenerateP256Key(), "keygen");
  CertificateSpec spec;
  spec.not_before = FromUnixSeconds(1609459200);  // 2021-01-01
  spec.not_after = FromUnixSeconds(1924992000);   // 2031-01-01
  spec.extended_key_usages = {std::string(kOidDccVaccination)};
  std::shared_ptr<const Certificate> cert =
      Must(Certificate::FromDer(Must(CreateSelfSignedCertificate(spec, key.get()), "cert")),
           "parse cert");
  InMemoryTrustStore trust;
  trust.Add(cert);
  CwtClaims claims;
  claims.issuer = "VN";
  claims.issued_at = 1640995200;   // 2022-01-01
  claims.expires_at = 1672531200;  // 2023-01-01
  claims.dcc = boost::json::parse(R"({"ver":"1.3.0",
    "nam":{"fn":"Nguyễn","fnt":"NGUYEN","gn":"Văn An","gnt":"VAN<AN"},"dob":"1985-04-12",
    "v":[{"tg":"840539006","vp":"1119349007","mp":"EU/1/20/1528","ma":"ORG-100030215","dn":2,
          "sd":2,"dt":"2021-09-01","co":"VN","is":"Ministry of Health Viet Nam",
          "ci":"URN:UVCI:01:VN:0123456789ABCDEF#X"}]})");
  const std::string cwt = Must(EncodeCwt(claims), "cwt");
  const std::string cose = Must(SignCoseSign1Es256(cwt, cert->kid(), key.get()), "sign");
  Deflater deflater;
  const std::string compressed = Must(deflater.Compress(cose), "deflate");
  const std::string qr = "HC1:" + Base45Encode(compressed);
  const SystemTime now = FromUnixSeconds(1656633600);  // 2022-07-01
  if (!VerifyHc1(qr, trust, now).valid) Die("sample does not verify");

  const CoseSign1 parsed = Must(ParseCoseSign1(cose), "parse");
  RawVerify raw{key.get(), Must(EcdsaRawToDer(parsed.signature), "der"), {}};
  const std::string tbs = BuildSigStructure(parsed.protected_header, parsed.payload);
  SHA256(reinterpret_cast<const unsigned char*>(tbs.data()), tbs.size(), raw.digest);

  std::printf("HC1 text: %zu chars, COSE %zu bytes, payload %zu bytes\n", qr.size(), cose.size(),
              parsed.payload.size());
  std::printf("single-thread stage costs (us/call):\n");
  std::printf("  base45 decode     %7.2f\n", MicrosPerCall([&] { (void)Base45Decode(qr.substr(4)); }));
  std::printf("  inflate           %7.2f\n", MicrosPerCall([&] { (void)Inflate(compressed); }));
  std::printf("  COSE parse        %7.2f\n", MicrosPerCall([&] { (void)ParseCoseSign1(cose); }));
  std::printf("  CWT + JSON        %7.2f\n", MicrosPerCall([&] { (void)DecodeCwt(parsed.payload); }));
  std::printf("  schema+value sets %7.2f\n", MicrosPerCall([&] {
                (void)CheckDccSchema(claims.dcc);
                (void)CheckDccValueSets(claims.dcc);
              }));
  {
    EvpPkeyCtxPtr ctx = raw.MakeState();
    std::printf("  raw EVP verify    %7.2f\n", MicrosPerCall([&] { raw.Run(ctx); }, 4000));
  }
  std::printf("  ES256 verify      %7.2f\n",
              MicrosPerCall([&] { (void)VerifyCoseSign1(parsed, cert->public_key()); }, 4000));
  std::printf("  VerifyHc1         %7.2f\n",
              MicrosPerCall([&] { (void)VerifyHc1(qr, trust, now); }, 4000));

  // Alternate short rounds of both workloads so that load from other processes on the machine
  // hits both alike; rates are totals over all rounds.
  const FullVerify full{&qr, &trust, now};
  const auto [raw_rate, full_rate] = bench::AlternatingRates(threads, seconds, raw, full);
  std::printf("raw ECDSA P-256 verify (EVP):  %10.0f /s\n", raw_rate);
  std::printf("full VerifyHc1:                %10.0f /s\n", full_rate);
  std::printf("ratio full/raw:                %10.1f %%  (target >= 85 %%)\n",
              100.0 * full_rate / raw_rate);
  return 0;
}
