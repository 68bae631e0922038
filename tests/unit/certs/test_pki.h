#pragma once
// Test-only helpers: fixed-date keys and certificates, and an HC1 issuer built from the codec
// primitives (issue = JSON -> CBOR -> CWT -> COSE -> zlib -> base45).

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "certs/codec/base45.h"
#include "certs/codec/cose.h"
#include "certs/codec/cwt.h"
#include "certs/codec/zlib_codec.h"
#include "certs/crypto/signature.h"
#include "certs/crypto/x509.h"
#include "common/clock.h"

namespace vaxreg::certs::testing {

// 2022-01-01T00:00:00Z and friends.
inline SystemTime Utc(int y, unsigned m, unsigned d, int h = 0) {
  using namespace std::chrono;
  return SystemTime(sys_days(year_month_day{year(y), month(m), day(d)})) + hours(h);
}

struct TestSigner {
  EvpPkeyPtr key;
  std::shared_ptr<const Certificate> cert;
};

// A P-256 DSC valid 2021-01-01 .. 2031-01-01 with the given extended key usages.
inline TestSigner MakeSigner(std::vector<std::string> ekus = {}, std::string cn = "Test DSC") {
  TestSigner s;
  Result<EvpPkeyPtr> key = GenerateP256Key();
  EXPECT_TRUE(key.ok());
  s.key = std::move(*key);
  CertificateSpec spec;
  spec.common_name = std::move(cn);
  spec.not_before = Utc(2021, 1, 1);
  spec.not_after = Utc(2031, 1, 1);
  spec.extended_key_usages = std::move(ekus);
  Result<std::string> der = CreateSelfSignedCertificate(spec, s.key.get());
  EXPECT_TRUE(der.ok()) << der.status().ToString();
  Result<std::shared_ptr<const Certificate>> cert = Certificate::FromDer(*der);
  EXPECT_TRUE(cert.ok()) << cert.status().ToString();
  s.cert = *cert;
  return s;
}

// A valid DCC 1.3.0 vaccination (Comirnaty, 2/2).
inline boost::json::value SampleVaccinationDcc() {
  return boost::json::parse(R"({
    "ver": "1.3.0",
    "nam": {"fn": "Nguyễn", "fnt": "NGUYEN", "gn": "Văn An", "gnt": "VAN<AN"},
    "dob": "1985-04-12",
    "v": [{"tg": "840539006", "vp": "1119349007", "mp": "EU/1/20/1528", "ma": "ORG-100030215",
           "dn": 2, "sd": 2, "dt": "2021-09-01", "co": "VN", "is": "Ministry of Health Viet Nam",
           "ci": "URN:UVCI:01:VN:0123456789ABCDEF#X"}]
  })");
}

inline std::string MakeCwt(const boost::json::value& dcc, SystemTime iat, SystemTime exp) {
  CwtClaims claims;
  claims.issuer = "VN";
  claims.issued_at = ToUnixSeconds(iat);
  claims.expires_at = ToUnixSeconds(exp);
  claims.dcc = dcc;
  Result<std::string> cwt = EncodeCwt(claims);
  EXPECT_TRUE(cwt.ok()) << cwt.status().ToString();
  return *cwt;
}

// "HC1:" + base45(zlib(cose)).
inline std::string WrapHc1(std::string_view cose) {
  Deflater deflater;
  Result<std::string> z = deflater.Compress(cose);
  EXPECT_TRUE(z.ok());
  return "HC1:" + Base45Encode(*z);
}

inline std::string MakeHc1(const boost::json::value& dcc, SystemTime iat, SystemTime exp,
                           EVP_PKEY* key, std::string_view kid) {
  Result<std::string> cose = SignCoseSign1Es256(MakeCwt(dcc, iat, exp), kid, key);
  EXPECT_TRUE(cose.ok()) << cose.status().ToString();
  return WrapHc1(*cose);
}

inline std::string Unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

}  // namespace vaxreg::certs::testing
