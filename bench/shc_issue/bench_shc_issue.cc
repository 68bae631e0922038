// Measures, in one run and on the same threads:
//   raw:  ECDSA P-256 signatures/s through EVP_PKEY_sign on a SHA-256 digest with a context
//         prepared once per thread (the work `openssl speed -multi 2 ecdsap256` counts as sign);
//   full: shc::ShcIssuer::Issue calls/s: a person's doses -> minimised FHIR bundle (Vietnamese
//         name split, CVX codes, facility names, lots) -> claims with a new random rid -> raw
//         DEFLATE (libdeflate) -> compact JWS ES256 (r||s) -> single-QR size check;
// and prints full/raw, the card's size, single-thread stage costs and the verification rate.
// Usage: bench_shc_issue [threads=2] [seconds per workload=6]

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/common/rate.h"
#include "bench/common/raw_sign.h"
#include "certs/codec/base64.h"
#include "certs/codec/zlib_codec.h"
#include "certs/crypto/signature.h"
#include "certs/shc/issuer.h"
#include "certs/shc/jwk.h"
#include "certs/shc/numeric.h"
#include "certs/shc/raw_deflate.h"
#include "certs/shc/verifier.h"
#include "common/crypto_util.h"

namespace {

using namespace vaxreg;
using namespace vaxreg::certs;

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "bench_shc_issue: %s\n", what);
  std::exit(1);
}

struct FullIssue {
  const shc::ShcIssuer* issuer;
  const shc::ShcIssueRequest* request;

  int MakeState() const { return 0; }
  void Run(int&) const {
    if (!issuer->Issue(*request, registry::BuiltInVaccines()).ok()) Die("issue failed");
  }
};

}  // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 2;
  const double seconds = argc > 2 ? std::atof(argv[2]) : 6.0;
  if (threads < 1 || seconds <= 0) Die("usage: bench_shc_issue [threads] [seconds]");
  InitCrypto();

  Result<EvpPkeyPtr> generated = GenerateP256Key();
  if (!generated.ok()) Die("key");
  std::shared_ptr<EVP_PKEY> key(generated->release(), EVP_PKEY_free);
  auto issuer = shc::ShcIssuer::Create(key, {"https://vaxreg.example.vn"});
  if (!issuer.ok()) Die("issuer");
  using std::chrono::sys_days;
  const auto day = [](int y, unsigned m, unsigned d) {
    return sys_days(std::chrono::year_month_day{std::chrono::year(y), std::chrono::month(m),
                                                std::chrono::day(d)});
  };
  const SystemTime now = SystemClock::Get().Now();
  // A typical holder: two primary doses and a booster, at a hospital and a commune station.
  shc::ShcIssueRequest request;
  request.full_name = "Nguyễn Văn Ánh";
  request.date_of_birth = "1985-04-12";
  request.doses = {{"COMIRNATY", day(2021, 8, 1), "FF2588", "Bệnh viện Bạch Mai"},
                   {"COMIRNATY", day(2021, 8, 29), "FF2593", "Bệnh viện Bạch Mai"},
                   {"SPIKEVAX", day(2022, 2, 1), "MX0413", "Trạm y tế phường Kim Liên"}};
  request.not_before = now;
  request.expires_at = now + std::chrono::hours(24 * 365);

  auto sample = (*issuer)->Issue(request, registry::BuiltInVaccines());
  if (!sample.ok()) Die("sample issue");
  shc::ShcTrust trust;
  trust.issuer = "https://vaxreg.example.vn";
  trust.keys.Add({(*issuer)->kid(), key, {}, 1, {}});
  trust.crls.emplace((*issuer)->kid(), shc::ShcCrl{(*issuer)->kid(), 1, {}});
  const std::string qr = *shc::EncodeShcNumeric(sample->jws);
  if (!shc::VerifyShc(qr, trust, now + std::chrono::minutes(1)).valid) Die("sample verify");
  auto payload = (*issuer)->BuildPayload(request, sample->rid, registry::BuiltInVaccines());
  if (!payload.ok()) Die("payload");
  shc::RawDeflater libdeflate(1);
  const std::string compressed = *libdeflate.Compress(*payload);
  std::printf("card: payload %zu bytes, raw DEFLATE %zu bytes, JWS %zu chars (single QR <= %zu), "
              "QR text %zu digits\n",
              payload->size(), compressed.size(), sample->jws.size(),
              shc::kMaxSingleQrJwsChars, qr.size() - 5);

  bench::RawSign raw{key.get(), {}};
  SHA256(reinterpret_cast<const unsigned char*>("x"), 1, raw.digest);
  {
    // Stage costs on varied input: 64 payloads differing in their random rid, as real cards do
    // (the same bytes deflated again and again run faster than any real issuance).
    std::vector<std::string> payloads;
    for (int i = 0; i < 64; ++i) {
      payloads.push_back(
          *(*issuer)->BuildPayload(request, shc::NewShcRid(), registry::BuiltInVaccines()));
    }
    size_t k = 0;
    auto next = [&]() -> const std::string& { return payloads[k++ & 63]; };
    shc::RawDeflater libdeflate1(1);
    Deflater zlib9(9, 15, 4, DeflateFormat::kRaw);
    Deflater zlib1(1, 15, 4, DeflateFormat::kRaw);
    size_t zlib_bytes = 0;
    for (const auto& p : payloads) zlib_bytes += zlib9.Compress(p)->size();
    EvpPkeyCtxPtr ctx = raw.MakeState();
    const std::string signing_input(sample->jws.substr(0, sample->jws.rfind('.')));
    std::printf(
        "single thread (us/call): raw EVP sign %.2f, Issue %.2f; stages: BuildPayload %.2f, "
        "raw deflate (libdeflate level 1) %.2f, base64url %.2f, SignEs256 over the JWS %.2f; "
        "not in Issue: numeric QR text %.2f, verify %.2f\n",
        bench::MicrosPerCall([&] { raw.Run(ctx); }, 4000),
        bench::MicrosPerCall([&] { (void)(*issuer)->Issue(request, registry::BuiltInVaccines()); },
                             4000),
        bench::MicrosPerCall(
            [&] {
              (void)(*issuer)->BuildPayload(request, sample->rid, registry::BuiltInVaccines());
            },
            4000),
        bench::MicrosPerCall([&] { (void)libdeflate1.Compress(next()); }, 4000),
        bench::MicrosPerCall([&] { (void)EncodeBase64Url(compressed); }, 4000),
        bench::MicrosPerCall([&] { (void)SignEs256(key.get(), signing_input); }, 4000),
        bench::MicrosPerCall([&] { (void)shc::EncodeShcNumeric(sample->jws); }, 4000),
        bench::MicrosPerCall([&] { (void)shc::VerifyShc(qr, trust, now); }, 4000));
    std::printf("zlib raw deflate instead (reused z_stream, memLevel 4): level 9 %.2f us "
                "(%zu bytes avg), level 1 %.2f us\n",
                bench::MicrosPerCall([&] { (void)zlib9.Compress(next()); }, 4000),
                zlib_bytes / payloads.size(),
                bench::MicrosPerCall([&] { (void)zlib1.Compress(next()); }, 4000));
  }
  const FullIssue full{issuer->get(), &request};
  const auto [raw_rate, full_rate] = bench::AlternatingRates(threads, seconds, raw, full);
  std::printf("raw ECDSA P-256 sign (EVP):    %10.0f /s\n", raw_rate);
  std::printf("full ShcIssuer::Issue:         %10.0f /s\n", full_rate);
  std::printf("ratio full/raw:                %10.1f %%  (target >= 60 %%)\n",
              100.0 * full_rate / raw_rate);
  return 0;
}
