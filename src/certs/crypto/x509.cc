#include "certs/crypto/x509.h"

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include <algorithm>
#include <chrono>
#include <ctime>

#include "common/crypto_util.h"

namespace vaxreg::certs {
namespace {

Result<SystemTime> FromAsn1Time(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) {
    return InvalidArgumentError("certificate has an unreadable validity date");
  }
  using namespace std::chrono;
  const year_month_day ymd{year(tm.tm_year + 1900), month(static_cast<unsigned>(tm.tm_mon + 1)),
                           day(static_cast<unsigned>(tm.tm_mday))};
  if (!ymd.ok()) return InvalidArgumentError("certificate has an invalid validity date");
  return SystemTime(sys_days(ymd)) + hours(tm.tm_hour) + minutes(tm.tm_min) + seconds(tm.tm_sec);
}

std::string ObjectToOid(const ASN1_OBJECT* obj) {
  char buf[128];
  const int n = OBJ_obj2txt(buf, sizeof buf, obj, 1);
  if (n <= 0) return {};
  if (static_cast<size_t>(n) < sizeof buf) return std::string(buf, static_cast<size_t>(n));
  std::string big(static_cast<size_t>(n) + 1, '\0');
  OBJ_obj2txt(big.data(), n + 1, obj, 1);
  big.resize(static_cast<size_t>(n));
  return big;
}

bool IsDccOid(std::string_view oid) {
  return oid == kOidDccTest || oid == kOidDccVaccination || oid == kOidDccRecovery ||
         oid == kOidDccTestAlt || oid == kOidDccVaccinationAlt || oid == kOidDccRecoveryAlt;
}

}  // namespace

std::string ComputeKid(std::string_view der) {
  const Sha256Digest d = Sha256(der);
  return std::string(reinterpret_cast<const char*>(d.data()), 8);
}

Result<std::shared_ptr<const Certificate>> Certificate::FromDer(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  const auto* end = p + der.size();
  X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!x || p != end) {
    ERR_clear_error();
    return InvalidArgumentError("not a DER X.509 certificate");
  }
  std::shared_ptr<Certificate> cert(new Certificate());
  cert->key_.reset(X509_get_pubkey(x.get()));
  if (!cert->key_) {
    ERR_clear_error();
    return InvalidArgumentError("certificate public key is unreadable");
  }
  ASSIGN_OR_RETURN(cert->not_before_, FromAsn1Time(X509_get0_notBefore(x.get())));
  ASSIGN_OR_RETURN(cert->not_after_, FromAsn1Time(X509_get0_notAfter(x.get())));
  int crit = 0;
  ExtendedKeyUsagePtr eku(static_cast<EXTENDED_KEY_USAGE*>(
      X509_get_ext_d2i(x.get(), NID_ext_key_usage, &crit, nullptr)));
  if (eku) {
    for (int i = 0; i < sk_ASN1_OBJECT_num(eku.get()); ++i) {
      cert->ekus_.push_back(ObjectToOid(sk_ASN1_OBJECT_value(eku.get(), i)));
    }
  } else if (crit != -1) {
    ERR_clear_error();
    return InvalidArgumentError("certificate has a malformed or repeated extended key usage");
  }
  cert->der_ = std::string(der);
  cert->kid_ = ComputeKid(der);
  cert->x509_ = std::move(x);
  return std::shared_ptr<const Certificate>(std::move(cert));
}

Result<std::shared_ptr<const Certificate>> Certificate::FromPem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return InternalError("BIO_new_mem_buf failed");
  X509Ptr x(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!x) {
    ERR_clear_error();
    return InvalidArgumentError("no PEM certificate found");
  }
  unsigned char* der = nullptr;
  const int len = i2d_X509(x.get(), &der);
  if (len <= 0) return InternalError("i2d_X509 failed");
  std::string bytes(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return FromDer(bytes);
}

std::string Certificate::Subject() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) return {};
  X509_NAME_print_ex(bio.get(), X509_get_subject_name(x509_.get()), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
}

bool Certificate::MaySign(DccType type) const {
  const bool restricted = std::any_of(ekus_.begin(), ekus_.end(), IsDccOid);
  if (!restricted) return true;
  std::string_view main_oid, alt_oid;
  switch (type) {
    case DccType::kTest:
      main_oid = kOidDccTest;
      alt_oid = kOidDccTestAlt;
      break;
    case DccType::kVaccination:
      main_oid = kOidDccVaccination;
      alt_oid = kOidDccVaccinationAlt;
      break;
    case DccType::kRecovery:
      main_oid = kOidDccRecovery;
      alt_oid = kOidDccRecoveryAlt;
      break;
  }
  return std::any_of(ekus_.begin(), ekus_.end(),
                     [&](const std::string& o) { return o == main_oid || o == alt_oid; });
}

namespace {

// Builds and signs a certificate. `issuer` null means self-signed (`issuer_key` == subject key).
Result<std::string> BuildCertificate(const CertificateSpec& spec, EVP_PKEY* subject_key,
                                     const Certificate* issuer, EVP_PKEY* issuer_key) {
  X509Ptr x(X509_new());
  if (!x) return InternalError("X509_new failed");
  auto fail = [](const char* what) {
    ERR_clear_error();
    return InternalError(std::string("building certificate: ") + what);
  };
  if (X509_set_version(x.get(), X509_VERSION_3) != 1) return fail("version");
  if (ASN1_INTEGER_set(X509_get_serialNumber(x.get()), spec.serial) != 1) return fail("serial");
  const auto nb = static_cast<time_t>(ToUnixSeconds(spec.not_before));
  const auto na = static_cast<time_t>(ToUnixSeconds(spec.not_after));
  if (ASN1_TIME_set(X509_getm_notBefore(x.get()), nb) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(x.get()), na) == nullptr) {
    return fail("validity");
  }
  X509_NAME* name = X509_get_subject_name(x.get());
  auto add = [&](const char* field, const std::string& value) {
    return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                      reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1,
                                      0) == 1;
  };
  if (!spec.country.empty() && !add("C", spec.country)) return fail("country");
  if (!spec.organization.empty() && !add("O", spec.organization)) return fail("organization");
  if (!add("CN", spec.common_name)) return fail("common name");
  X509_NAME* issuer_name = issuer ? X509_get_subject_name(issuer->x509()) : name;
  if (X509_set_issuer_name(x.get(), issuer_name) != 1) return fail("issuer");
  if (X509_set_pubkey(x.get(), subject_key) != 1) return fail("public key");

  X509V3_CTX v3;
  X509V3_set_ctx(&v3, issuer ? issuer->x509() : x.get(), x.get(), nullptr, nullptr, 0);
  auto add_conf = [&](int nid, const char* value) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value);
    if (ext == nullptr) return false;
    const bool ok = X509_add_ext(x.get(), ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
  };
  if (spec.is_ca) {
    if (!add_conf(NID_basic_constraints, "critical,CA:TRUE,pathlen:0") ||
        !add_conf(NID_key_usage, "critical,keyCertSign,cRLSign")) {
      return fail("CA extensions");
    }
  } else if (issuer != nullptr && !add_conf(NID_key_usage, "critical,digitalSignature")) {
    return fail("key usage");
  }
  if (spec.is_ca || issuer != nullptr) {
    if (!add_conf(NID_subject_key_identifier, "hash")) return fail("subject key identifier");
  }
  if (issuer != nullptr && !add_conf(NID_authority_key_identifier, "keyid:always")) {
    return fail("authority key identifier");
  }
  if (!spec.extended_key_usages.empty()) {
    ExtendedKeyUsagePtr eku(sk_ASN1_OBJECT_new_null());
    if (!eku) return fail("EKU");
    for (const std::string& oid : spec.extended_key_usages) {
      ASN1_OBJECT* obj = OBJ_txt2obj(oid.c_str(), 1);
      if (obj == nullptr) {
        ERR_clear_error();
        return InvalidArgumentError("bad OID " + oid);
      }
      if (sk_ASN1_OBJECT_push(eku.get(), obj) <= 0) {
        ASN1_OBJECT_free(obj);
        return fail("EKU push");
      }
    }
    if (X509_add1_ext_i2d(x.get(), NID_ext_key_usage, eku.get(), 0, X509V3_ADD_DEFAULT) != 1) {
      return fail("EKU extension");
    }
  }
  if (X509_sign(x.get(), issuer_key, EVP_sha256()) <= 0) return fail("sign");
  unsigned char* der = nullptr;
  const int len = i2d_X509(x.get(), &der);
  if (len <= 0) return fail("encode");
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

}  // namespace

Result<std::string> CreateSelfSignedCertificate(const CertificateSpec& spec, EVP_PKEY* key) {
  return BuildCertificate(spec, key, nullptr, key);
}

Result<std::string> CreateIssuedCertificate(const CertificateSpec& spec, EVP_PKEY* subject_key,
                                            const Certificate& issuer, EVP_PKEY* issuer_key) {
  if (EVP_PKEY_eq(issuer.public_key(), issuer_key) != 1) {
    ERR_clear_error();
    return InvalidArgumentError("the issuer key does not belong to the issuer certificate");
  }
  return BuildCertificate(spec, subject_key, &issuer, issuer_key);
}

Status VerifyIssuedBy(const Certificate& certificate, const Certificate& issuer) {
  const bool name_ok = X509_NAME_cmp(X509_get_issuer_name(certificate.x509()),
                                     X509_get_subject_name(issuer.x509())) == 0;
  const bool sig_ok = X509_verify(certificate.x509(), issuer.public_key()) == 1;
  ERR_clear_error();
  if (!name_ok || !sig_ok) {
    return UnauthenticatedError("certificate " + certificate.Subject() + " is not signed by " +
                                issuer.Subject());
  }
  return Status::Ok();
}

std::string DerToPem(std::string_view der) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!bio || !x || PEM_write_bio_X509(bio.get(), x.get()) != 1) {
    ERR_clear_error();
    return {};
  }
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
}

}  // namespace vaxreg::certs
