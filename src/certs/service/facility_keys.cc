#include "certs/service/facility_keys.h"

#include <algorithm>
#include <cstdio>

#include "common/crypto_util.h"
#include "registry/facility.h"

namespace vaxreg::certs {
namespace fs = std::filesystem;
namespace {

constexpr char kFacilitiesDir[] = "facilities";
// id-kp-documentSigning (RFC 9336): signs documents (dose records), never DCCs.
constexpr char kOidDocumentSigning[] = "1.3.6.1.5.5.7.3.36";
constexpr std::chrono::hours kFacilityValidity{24 * 365 * 3};

// Codes become folder names: only [A-Z0-9-]{3,32}, the registry's facility code syntax.
Status CheckCode(std::string_view code) {
  const bool ok = code.size() >= 3 && code.size() <= 32 &&
                  std::all_of(code.begin(), code.end(), [](char c) {
                    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
                  });
  if (!ok) return InvalidArgumentError("malformed facility code", "facility");
  return Status::Ok();
}

// Key stems of the facility, in number order.
std::vector<fs::path> Stems(const fs::path& dir) {
  std::vector<fs::path> stems;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() == 12 && name.ends_with(".crt.pem") &&
        std::all_of(name.begin(), name.begin() + 4, [](char c) { return c >= '0' && c <= '9'; })) {
      stems.push_back(dir / name.substr(0, 4));
    }
  }
  std::sort(stems.begin(), stems.end());
  return stems;
}

long RandomSerial() {
  unsigned long long v = 0;
  for (char c : RandomBytes(8)) v = (v << 8) | static_cast<unsigned char>(c);
  return static_cast<long>(v >> 1) | 1;
}

}  // namespace

Result<Signer> CreateFacilityKey(const fs::path& key_dir, std::string_view passphrase,
                                 std::string_view facility_code, SystemTime now) {
  RETURN_IF_ERROR(CheckCode(facility_code));
  ASSIGN_OR_RETURN(Signer csca, KeyStore::OpenCsca(key_dir, passphrase));
  const fs::path dir = key_dir / kFacilitiesDir / std::string(facility_code);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return UnavailableError("cannot create " + dir.string() + ": " + ec.message());
  const std::vector<fs::path> stems = Stems(dir);
  const int number = stems.empty() ? 1 : std::stoi(stems.back().filename().string()) + 1;
  if (number > 9999) return ResourceExhaustedError("too many keys in " + dir.string());
  char name[16];
  std::snprintf(name, sizeof name, "%04d", number % 10000);
  CertificateSpec spec;
  spec.common_name = "Facility " + std::string(facility_code);
  spec.country = "VN";
  spec.organization = "Ministry of Health of Viet Nam";
  spec.not_before = now;
  spec.not_after = now + kFacilityValidity;
  spec.extended_key_usages = {kOidDocumentSigning};
  spec.serial = RandomSerial();
  return CreateSignerFiles(dir / name, spec, csca, passphrase);
}

Result<std::optional<Signer>> LoadFacilityKey(const fs::path& key_dir, std::string_view passphrase,
                                              std::string_view facility_code) {
  RETURN_IF_ERROR(CheckCode(facility_code));
  const std::vector<fs::path> stems =
      Stems(key_dir / kFacilitiesDir / std::string(facility_code));
  if (stems.empty()) return std::optional<Signer>();
  ASSIGN_OR_RETURN(Signer s, LoadSignerFiles(stems.back(), passphrase));
  return std::optional<Signer>(std::move(s));
}

Status RecordFacilityCertificate(storage::Connection& conn, const Clock& clock,
                                 std::string_view facility_code, const Certificate& cert) {
  const std::string kid = HexEncode(cert.kid());
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT der FROM facility_certificates WHERE facility_code = $1 "
                              "AND kid = $2",
                              {std::string(facility_code), kid}));
  if (!rows.empty()) {
    if (rows[0].Text(0) != HexEncode(cert.der())) {
      return AlreadyExistsError("another certificate with kid " + kid + " is recorded");
    }
    return Status::Ok();
  }
  return conn
      .Execute("INSERT INTO facility_certificates (facility_code, kid, der, not_before, "
               "not_after, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
               {std::string(facility_code), kid, HexEncode(cert.der()),
                ToUnixSeconds(cert.not_before()), ToUnixSeconds(cert.not_after()),
                ToUnixSeconds(clock.Now())})
      .status();
}

Result<std::shared_ptr<const Certificate>> FindFacilityCertificate(storage::Connection& conn,
                                                                   std::string_view facility_code,
                                                                   std::string_view kid_hex) {
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT der FROM facility_certificates WHERE facility_code = $1 "
                              "AND kid = $2",
                              {std::string(facility_code), std::string(kid_hex)}));
  if (rows.empty()) return std::shared_ptr<const Certificate>();
  std::string der;
  if (!HexDecode(rows[0].Text(0), &der)) return InternalError("facility certificate is not hex");
  return Certificate::FromDer(der);
}

Result<Signer> FacilityKeyring::SignerFor(storage::Connection& conn, const Clock& clock,
                                          std::string_view facility_code) {
  RETURN_IF_ERROR(CheckCode(facility_code));
  ASSIGN_OR_RETURN(std::optional<registry::Facility> facility,
                   registry::FindFacility(conn, facility_code));
  if (!facility) return NotFoundError("no facility " + std::string(facility_code));
  if (facility->status != "active") {
    return FailedPreconditionError("facility " + std::string(facility_code) + " is not active");
  }
  std::lock_guard lock(mu_);
  auto it = cache_.find(facility_code);
  if (it == cache_.end() || it->second.certificate->not_after() <= clock.Now()) {
    ASSIGN_OR_RETURN(std::optional<Signer> loaded,
                     LoadFacilityKey(key_dir_, passphrase_, facility_code));
    if (!loaded || (*loaded).certificate->not_after() <= clock.Now()) {
      ASSIGN_OR_RETURN(loaded, CreateFacilityKey(key_dir_, passphrase_, facility_code,
                                                 clock.Now()));
    }
    it = cache_.insert_or_assign(std::string(facility_code), std::move(*loaded)).first;
  }
  RETURN_IF_ERROR(RecordFacilityCertificate(conn, clock, facility_code, *it->second.certificate));
  return it->second;
}

}  // namespace vaxreg::certs
