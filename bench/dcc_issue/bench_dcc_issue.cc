// Measures, in one run and on the same threads:
//   raw:  ECDSA P-256 signatures/s through EVP_PKEY_sign on a SHA-256 digest with a context
//         prepared once per thread (the work `openssl speed -multi 2 ecdsap256` counts as sign);
//   full: DccIssuer::Issue calls/s: a person's doses -> series dn/sd, Vietnamese names and ICAO
//         transliteration, new UVCI -> CWT -> COSE_Sign1 ES256 -> zlib -> base45 "HC1:" text.
// and prints full/raw. Usage: bench_dcc_issue [threads=2] [seconds per workload=6]

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "bench/common/rate.h"
#include "bench/common/raw_sign.h"
#include "certs/codec/base45.h"
#include "certs/codec/cose.h"
#include "certs/codec/cwt.h"
#include "certs/codec/zlib_codec.h"
#include "certs/crypto/signature.h"
#include "certs/issue/dcc_issuer.h"
#include "certs/keys/key_store.h"
#include "certs/verifier.h"
#include "common/crypto_util.h"

namespace {

using namespace vaxreg;
using namespace vaxreg::certs;

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "bench_dcc_issue: %s\n", what);
  std::exit(1);
}

struct FullIssue {
  const DccIssuer* issuer;
  const IssueRequest* request;
  SystemTime now;

  int MakeState() const { return 0; }
  void Run(int&) const {
    if (!issuer->Issue(*request, now).ok()) Die("issue failed");
  }
};

}  // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 2;
  const double seconds = argc > 2 ? std::atof(argv[2]) : 6.0;
  if (threads < 1 || seconds <= 0) Die("usage: bench_dcc_issue [threads] [seconds]");
  InitCrypto();

  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("bench-keys-" + HexEncode(RandomBytes(6)));
  const std::string pass = "benchmark key passphrase";
  const SystemTime now = SystemClock::Get().Now();
  if (!KeyStore::Init(dir, pass, now - std::chrono::hours(1)).ok()) Die("keys init");
  Result<KeyStore> keys = KeyStore::Open(dir, pass);
  std::filesystem::remove_all(dir);
  if (!keys.ok()) Die("keys open");
  DccIssuer issuer(keys->active_dsc(), registry::BuiltInVaccines());
  using std::chrono::sys_days;
  const auto day = [](int y, unsigned m, unsigned d) {
    return sys_days(std::chrono::year_month_day{std::chrono::year(y), std::chrono::month(m),
                                                std::chrono::day(d)});
  };
  IssueRequest request{"Nguyễn Văn Ánh", "1985-04-12",
                       {{"COMIRNATY", day(2021, 8, 1)}, {"COMIRNATY", day(2021, 8, 29)}}, ""};

  Result<IssuedDcc> sample = issuer.Issue(request, now);
  if (!sample.ok()) Die("sample issue");
  InMemoryTrustStore trust;
  trust.Add(keys->active_dsc().certificate);
  if (!VerifyHc1(sample->hc1, trust, now + std::chrono::minutes(1)).valid) Die("sample verify");
  std::printf("HC1 text: %zu chars\n", sample->hc1.size());

  bench::RawSign raw{keys->active_dsc().key.get(), {}};
  SHA256(reinterpret_cast<const unsigned char*>("x"), 1, raw.digest);
  {
    EvpPkeyCtxPtr ctx = raw.MakeState();
    std::printf("single thread (us/call): raw EVP sign %.2f, Issue %.2f, of which BuildDcc %.2f, "
                "SignHc1 %.2f\n",
                bench::MicrosPerCall([&] { raw.Run(ctx); }, 4000),
                bench::MicrosPerCall([&] { (void)issuer.Issue(request, now); }, 4000),
                bench::MicrosPerCall([&] { (void)issuer.BuildDcc(request, sample->uvci); }, 4000),
                bench::MicrosPerCall(
                    [&] { (void)issuer.SignHc1(sample->dcc, now, now + std::chrono::hours(1)); },
                    4000));
  }

  {
    CwtClaims claims;
    claims.issuer = "VN";
    claims.issued_at = 1;
    claims.expires_at = 2;
    claims.dcc = sample->dcc;
    const std::string cwt = *EncodeCwt(claims);
    const std::string cose = *SignCoseSign1Es256(cwt, "12345678", keys->active_dsc().key.get());
    Deflater d(9, 11, 4);
    const std::string z = *d.Compress(cose);
    std::printf("stages (us/call): CWT %.2f, COSE sign %.2f, SignEs256 %.2f, deflate %.2f, base45 %.2f\n",
                bench::MicrosPerCall([&] { (void)EncodeCwt(claims); }, 4000),
                bench::MicrosPerCall(
                    [&] { (void)SignCoseSign1Es256(cwt, "12345678", keys->active_dsc().key.get()); },
                    4000),
                bench::MicrosPerCall([&] { (void)SignEs256(keys->active_dsc().key.get(), cwt); },
                                     4000),
                bench::MicrosPerCall([&] { (void)d.Compress(cose); }, 4000),
                bench::MicrosPerCall([&] { (void)Base45Encode(z); }, 4000));
  }
  const FullIssue full{&issuer, &request, now};
  const auto [raw_rate, full_rate] = bench::AlternatingRates(threads, seconds, raw, full);
  IssuerOptions deflating;
  deflating.deflate = true;
  DccIssuer issuer9(keys->active_dsc(), registry::BuiltInVaccines(), deflating);
  const FullIssue full9{&issuer9, &request, now};
  const auto [raw_rate9, full_rate9] = bench::AlternatingRates(threads, seconds, raw, full9);
  std::printf("with deflate level 9: raw %.0f /s, full %.0f /s, ratio %.1f %% (HC1 %zu chars)\n",
              raw_rate9, full_rate9, 100.0 * full_rate9 / raw_rate9,
              issuer9.Issue(request, now)->hc1.size());
  std::printf("raw ECDSA P-256 sign (EVP):    %10.0f /s\n", raw_rate);
  std::printf("full DccIssuer::Issue:         %10.0f /s\n", full_rate);
  std::printf("ratio full/raw:                %10.1f %%  (target >= 60 %%)\n",
              100.0 * full_rate / raw_rate);
  return 0;
}
