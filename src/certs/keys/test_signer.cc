#include "certs/keys/test_signer.h"

#include "certs/crypto/key_pem.h"
#include "certs/crypto/signature.h"
#include "common/crypto_util.h"

namespace vaxreg::certs {
namespace fs = std::filesystem;
namespace {

constexpr char kCertFile[] = "test-dsc.crt.pem";
constexpr char kKeyFile[] = "test-dsc.key.pem";
// A certificate issued now is valid for 12 months; the signer must outlive it.
constexpr std::chrono::hours kValidity{24 * 365 * 2};
constexpr std::chrono::hours kMinRemaining{24 * 370};

Result<Signer> LoadTestSigner(const fs::path& dir) {
  ASSIGN_OR_RETURN(std::string cert_pem, ReadKeyFile(dir / kCertFile));
  ASSIGN_OR_RETURN(std::string key_pem, ReadKeyFile(dir / kKeyFile));
  Signer s;
  ASSIGN_OR_RETURN(s.certificate, Certificate::FromPem(cert_pem));
  if (s.certificate->Subject().find(kTestSignerCommonName) == std::string::npos) {
    return FailedPreconditionError((dir / kCertFile).string() + " is not a test signer");
  }
  ASSIGN_OR_RETURN(EvpPkeyPtr key, ReadPlainPrivateKeyPem(key_pem));
  if (EVP_PKEY_eq(s.certificate->public_key(), key.get()) != 1) {
    return FailedPreconditionError((dir / kKeyFile).string() + " does not match its certificate");
  }
  s.key = std::shared_ptr<EVP_PKEY>(key.release(), EVP_PKEY_free);
  return s;
}

}  // namespace

Result<Signer> OpenOrCreateTestSigner(const fs::path& dir, SystemTime now) {
  std::error_code ec;
  if (fs::exists(dir / "csca.crt.pem", ec)) {
    return InvalidArgumentError(dir.string() +
                                " is a key folder; test keys need a folder of their own");
  }
  if (fs::exists(dir / kCertFile, ec)) {
    ASSIGN_OR_RETURN(Signer s, LoadTestSigner(dir));
    if (s.certificate->not_before() <= now && now + kMinRemaining <= s.certificate->not_after()) {
      return s;
    }
  }
  fs::create_directories(dir, ec);
  if (ec) return UnavailableError("cannot create " + dir.string() + ": " + ec.message());
  ASSIGN_OR_RETURN(EvpPkeyPtr key, GenerateP256Key());
  CertificateSpec spec;
  spec.common_name = std::string(kTestSignerCommonName);
  spec.country = "VN";
  spec.organization = "vaxreg TEST";
  spec.not_before = now - std::chrono::hours(1);
  spec.not_after = now + kValidity;
  spec.extended_key_usages = {std::string(kOidDccVaccination)};
  std::string serial = RandomBytes(8);
  unsigned long long v = 0;
  for (char c : serial) v = (v << 8) | static_cast<unsigned char>(c);
  spec.serial = static_cast<long>(v >> 1) | 1;
  ASSIGN_OR_RETURN(std::string der, CreateSelfSignedCertificate(spec, key.get()));
  ASSIGN_OR_RETURN(std::string key_pem, PlainPrivateKeyPem(key.get()));
  RETURN_IF_ERROR(WriteKeyFile(dir / kKeyFile, key_pem, true));
  RETURN_IF_ERROR(WriteKeyFile(dir / kCertFile, DerToPem(der), false));
  Signer s;
  ASSIGN_OR_RETURN(s.certificate, Certificate::FromDer(der));
  s.key = std::shared_ptr<EVP_PKEY>(key.release(), EVP_PKEY_free);
  return s;
}

}  // namespace vaxreg::certs
