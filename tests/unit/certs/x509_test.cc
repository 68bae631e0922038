#include "certs/crypto/x509.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>

#include "certs/codec/base64.h"
#include "common/crypto_util.h"
#include "test_pki.h"

namespace vaxreg::certs {
namespace {

using testing::MakeSigner;
using testing::Utc;

TEST(X509Test, KidIsTheFirstEightBytesOfTheDerSha256) {
  testing::TestSigner s = MakeSigner();
  const Sha256Digest d = Sha256(s.cert->der());
  EXPECT_EQ(s.cert->kid(), std::string(reinterpret_cast<const char*>(d.data()), 8));
  EXPECT_EQ(ComputeKid(s.cert->der()), s.cert->kid());
  // Known answer: kid of the CO20 conformance DSC (from its EXPECTEDVERIFY=true COSE header).
  const std::string co20 =
      "MIIBVzCB/6ADAgECAgRzLoFUMAoGCCqGSM49BAMCMBAxDjAMBgNVBAMMBUVDLU1lMB4XDTIxMDUwMzE4MDAwMFoXDTIx"
      "MDYwMjE4MDAwMFowEDEOMAwGA1UEAwwFRUMtTWUwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQkI7eQFjMDlzlZE76e"
      "y3MxeRRXqe19Gz5zI534UOGwz0uk3rC1lzMRKFjlMYqi/vEbZerv5xjysRnzhyo1P/P9o0cwRTAOBgNVHQ8BAf8EBAMC"
      "BaAwMwYDVR0lBCwwKgYMKwYBBAEAjjePZQEBBgwrBgEEAQCON49lAQIGDCsGAQQBAI43j2UBAzAKBggqhkjOPQQDAgNH"
      "ADBEAiBS0ew1ZTfhrMdiOqGuSiRAe9kpg9jNZoHBICd0rAEjvQIgeFUhq00LEJHST3StBaww1NrZpEyYgh7XeC5ZK7Ub"
      "RDE=";
  Result<std::string> der = Base64Decode(co20);
  ASSERT_TRUE(der.ok());
  Result<std::shared_ptr<const Certificate>> cert = Certificate::FromDer(*der);
  ASSERT_TRUE(cert.ok()) << cert.status().ToString();
  EXPECT_EQ(HexEncode((*cert)->kid()), "3248bc38d9547e63");
  EXPECT_EQ((*cert)->not_before(), Utc(2021, 5, 3, 18));
  EXPECT_EQ((*cert)->not_after(), Utc(2021, 6, 2, 18));
  EXPECT_EQ(
      (*cert)->extended_key_usages(),
      (std::vector<std::string>{std::string(kOidDccTestAlt), std::string(kOidDccVaccinationAlt),
                                std::string(kOidDccRecoveryAlt)}));
  EXPECT_EQ((*cert)->Subject(), "CN=EC-Me");
}

TEST(X509Test, ReadsValidityAndKey) {
  testing::TestSigner s = MakeSigner({}, "DSC VN 1");
  EXPECT_EQ(s.cert->not_before(), Utc(2021, 1, 1));
  EXPECT_EQ(s.cert->not_after(), Utc(2031, 1, 1));
  EXPECT_NE(s.cert->public_key(), nullptr);
  EXPECT_EQ(EVP_PKEY_get_base_id(s.cert->public_key()), EVP_PKEY_EC);
  EXPECT_TRUE(s.cert->extended_key_usages().empty());
  EXPECT_EQ(s.cert->Subject(), "CN=DSC VN 1,C=VN");
}

TEST(X509Test, LoadsPem) {
  testing::TestSigner s = MakeSigner();
  BioPtr bio(BIO_new(BIO_s_mem()));
  ASSERT_EQ(PEM_write_bio_X509(bio.get(), s.cert->x509()), 1);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  Result<std::shared_ptr<const Certificate>> pem =
      Certificate::FromPem(std::string_view(data, static_cast<size_t>(n)));
  ASSERT_TRUE(pem.ok()) << pem.status().ToString();
  EXPECT_EQ((*pem)->der(), s.cert->der());
  EXPECT_FALSE(Certificate::FromPem("-----BEGIN CERTIFICATE-----\nAAAA\n").ok());
}

TEST(X509Test, RejectsBadDer) {
  testing::TestSigner s = MakeSigner();
  EXPECT_FALSE(Certificate::FromDer("").ok());
  EXPECT_FALSE(Certificate::FromDer("not a certificate").ok());
  EXPECT_FALSE(Certificate::FromDer(s.cert->der() + "x").ok()) << "trailing byte";
  EXPECT_FALSE(Certificate::FromDer(s.cert->der().substr(0, s.cert->der().size() - 1)).ok());
}

TEST(X509Test, KeyUsagePerDccType) {
  struct Case {
    std::vector<std::string> ekus;
    bool test, vaccination, recovery;
  };
  const std::string tls_server = "1.3.6.1.5.5.7.3.1";
  const Case cases[] = {
      {{}, true, true, true},
      {{tls_server}, true, true, true},
      {{std::string(kOidDccTest)}, true, false, false},
      {{std::string(kOidDccVaccination)}, false, true, false},
      {{std::string(kOidDccRecovery)}, false, false, true},
      {{std::string(kOidDccTestAlt)}, true, false, false},
      {{std::string(kOidDccVaccinationAlt), tls_server}, false, true, false},
      {{std::string(kOidDccRecoveryAlt), std::string(kOidDccTest)}, true, false, true},
      {{std::string(kOidDccTest), std::string(kOidDccVaccination), std::string(kOidDccRecovery)},
       true,
       true,
       true},
  };
  for (const Case& c : cases) {
    testing::TestSigner s = MakeSigner(c.ekus);
    EXPECT_EQ(s.cert->extended_key_usages(), c.ekus);
    EXPECT_EQ(s.cert->MaySign(DccType::kTest), c.test);
    EXPECT_EQ(s.cert->MaySign(DccType::kVaccination), c.vaccination);
    EXPECT_EQ(s.cert->MaySign(DccType::kRecovery), c.recovery);
  }
}

}  // namespace
}  // namespace vaxreg::certs
