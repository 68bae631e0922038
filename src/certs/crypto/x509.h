#pragma once
// X.509 document signer certificates (DSCs) for DCC verification.
//
// A Certificate is immutable after construction and safe to share between threads (verification
// only reads the public key). Hold it by std::shared_ptr<const Certificate>.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "certs/crypto/openssl_ptr.h"
#include "certs/dcc/dcc_type.h"
#include "common/clock.h"
#include "common/status.h"

namespace vaxreg::certs {

// The DCC key identifier: the first 8 bytes of SHA-256 over the certificate's DER encoding.
std::string ComputeKid(std::string_view der);

// Extended-key-usage OIDs that restrict a DSC to DCC types. Each type has two spellings: the
// registered one and a widespread variant with an extra ".0" after 1.3.6.1.4.1.
inline constexpr std::string_view kOidDccTest = "1.3.6.1.4.1.1847.2021.1.1";
inline constexpr std::string_view kOidDccVaccination = "1.3.6.1.4.1.1847.2021.1.2";
inline constexpr std::string_view kOidDccRecovery = "1.3.6.1.4.1.1847.2021.1.3";
inline constexpr std::string_view kOidDccTestAlt = "1.3.6.1.4.1.0.1847.2021.1.1";
inline constexpr std::string_view kOidDccVaccinationAlt = "1.3.6.1.4.1.0.1847.2021.1.2";
inline constexpr std::string_view kOidDccRecoveryAlt = "1.3.6.1.4.1.0.1847.2021.1.3";

class Certificate final {
 public:
  // Parses one DER certificate; the whole input must be consumed. kInvalidArgument on bad DER,
  // an unreadable public key or validity dates, or a malformed extended-key-usage extension.
  static Result<std::shared_ptr<const Certificate>> FromDer(std::string_view der);
  // Parses the first "CERTIFICATE" block of a PEM text.
  static Result<std::shared_ptr<const Certificate>> FromPem(std::string_view pem);

  const std::string& der() const { return der_; }
  // 8 bytes; see ComputeKid.
  const std::string& kid() const { return kid_; }
  // Borrowed; lives as long as this Certificate.
  EVP_PKEY* public_key() const { return key_.get(); }
  X509* x509() const { return x509_.get(); }
  SystemTime not_before() const { return not_before_; }
  SystemTime not_after() const { return not_after_; }
  // Dotted OIDs of the extended key usage extension; empty when the extension is absent.
  const std::vector<std::string>& extended_key_usages() const { return ekus_; }
  // One-line RFC 2253 subject, for messages and logs.
  std::string Subject() const;

  // True when the DSC may sign DCCs of `type`: it lists no DCC OID at all, or it lists one of
  // the two OIDs for `type`.
  bool MaySign(DccType type) const;

 private:
  Certificate() = default;
  X509Ptr x509_;
  EvpPkeyPtr key_;
  std::string der_;
  std::string kid_;
  SystemTime not_before_;
  SystemTime not_after_;
  std::vector<std::string> ekus_;
};

// What CreateSelfSignedCertificate and CreateIssuedCertificate put into a certificate.
struct CertificateSpec {
  std::string common_name = "DSC";
  std::string country = "VN";
  std::string organization;  // O=; empty -> left out
  SystemTime not_before;
  SystemTime not_after;
  std::vector<std::string> extended_key_usages;  // dotted OIDs; none -> no extension
  long serial = 1;
  // A certificate authority (CSCA): basicConstraints CA:TRUE (critical) and keyUsage
  // keyCertSign + cRLSign. Otherwise an end-entity certificate with keyUsage digitalSignature
  // (only written when the certificate is issued by another one, see below).
  bool is_ca = false;
};

// A self-signed X.509v3 certificate for `key` (signed with SHA-256), as DER. For tests, tools
// and the country signing CA (with spec.is_ca).
Result<std::string> CreateSelfSignedCertificate(const CertificateSpec& spec, EVP_PKEY* key);

// An X.509v3 certificate for `subject_key` (its public half is certified) signed with SHA-256 by
// `issuer_key`, the private key of `issuer`; issuer name, subject and authority key identifiers
// are set. kInvalidArgument when `issuer_key` does not match `issuer`'s public key or an OID is
// malformed; kInternal when OpenSSL fails.
Result<std::string> CreateIssuedCertificate(const CertificateSpec& spec, EVP_PKEY* subject_key,
                                            const Certificate& issuer, EVP_PKEY* issuer_key);

// OK when `certificate` carries a valid signature by `issuer`'s key and names it as issuer;
// kUnauthenticated otherwise.
Status VerifyIssuedBy(const Certificate& certificate, const Certificate& issuer);

// PEM "CERTIFICATE" armour of DER bytes.
std::string DerToPem(std::string_view der);

}  // namespace vaxreg::certs
