// libFuzzer target: the CBOR/COSE/CWT decoders and the whole HC1 verification pipeline on
// arbitrary bytes. The input is used three ways: as a COSE_Sign1 message (and its payload as a
// CWT), as generic CBOR converted to JSON (by libcbor and by the one-pass reader, which must
// agree) and back, and, compressed and base45-encoded, as an "HC1:" QR text. Nothing may crash,
// and JSON from CBOR must survive a CBOR round trip.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "certs/codec/base45.h"
#include "certs/codec/cbor.h"
#include "certs/codec/cose.h"
#include "certs/codec/cwt.h"
#include "certs/codec/zlib_codec.h"
#include "certs/crypto/signature.h"
#include "certs/crypto/x509.h"
#include "certs/verifier.h"

namespace {

using namespace vaxreg::certs;

// A trust store with one P-256 DSC, built once.
const InMemoryTrustStore& Trust() {
  static const InMemoryTrustStore* store = [] {
    auto* s = new InMemoryTrustStore();
    vaxreg::Result<EvpPkeyPtr> key = GenerateP256Key();
    if (!key.ok()) std::abort();
    CertificateSpec spec;
    spec.not_before = vaxreg::FromUnixSeconds(1600000000);
    spec.not_after = vaxreg::FromUnixSeconds(1900000000);
    vaxreg::Result<std::string> der = CreateSelfSignedCertificate(spec, key->get());
    if (!der.ok()) std::abort();
    vaxreg::Result<std::shared_ptr<const Certificate>> cert = Certificate::FromDer(*der);
    if (!cert.ok()) std::abort();
    s->Add(*cert);
    return s;
  }();
  return *store;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const vaxreg::SystemTime now = vaxreg::FromUnixSeconds(1650000000);

  vaxreg::Result<CoseSign1> cose = ParseCoseSign1(bytes);
  if (cose.ok()) {
    vaxreg::Result<CwtClaims> claims = DecodeCwt(cose->payload);
    if (claims.ok() && !claims->dcc.is_object()) std::abort();
    const auto certs = Trust().FindByKid(cose->kid);
    for (const auto& c : certs) VerifyCoseSign1(*cose, c->public_key()).IgnoreError();
  }

  vaxreg::Result<boost::json::value> json = DecodeCborToJson(bytes);
  // The one-pass reader and libcbor + CborToJson must agree.
  vaxreg::Result<CborPtr> tree = DecodeCbor(bytes);
  vaxreg::Result<boost::json::value> slow =
      tree.ok() ? CborToJson(tree->get()) : vaxreg::Result<boost::json::value>(tree.status());
  if (json.ok() != slow.ok() || (json.ok() && *json != *slow)) std::abort();
  if (json.ok()) {
    vaxreg::Result<std::string> cbor = JsonToCbor(*json);
    if (!cbor.ok()) std::abort();
    vaxreg::Result<boost::json::value> back = DecodeCborToJson(*cbor);
    if (!back.ok() || *back != *json) std::abort();
  }

  static Deflater* deflater = new Deflater();
  vaxreg::Result<std::string> z = deflater->Compress(bytes);
  if (!z.ok()) std::abort();
  const std::string qr = "HC1:" + Base45Encode(*z);
  VerificationResult r = VerifyHc1(qr, Trust(), now);
  if (r.valid != r.failures.empty()) std::abort();
  VerifyHc1(bytes, Trust(), now);
  return 0;
}
