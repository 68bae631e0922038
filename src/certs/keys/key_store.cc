#include "certs/keys/key_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "certs/crypto/key_pem.h"
#include "certs/crypto/signature.h"
#include "common/crypto_util.h"

namespace vaxreg::certs {
namespace fs = std::filesystem;
namespace {

constexpr size_t kMaxKeyFileBytes = 1 << 20;
constexpr char kCsca[] = "csca";
constexpr char kListSigner[] = "list-signer";
constexpr char kDscDir[] = "dsc";
constexpr char kShcDir[] = "shc";
// id-kp-documentSigning (RFC 9336): the trust-list signer signs documents, never DCCs.
constexpr char kOidDocumentSigning[] = "1.3.6.1.5.5.7.3.36";

fs::path CertFile(const fs::path& stem) { return fs::path(stem.string() + ".crt.pem"); }
fs::path KeyFile(const fs::path& stem) { return fs::path(stem.string() + ".key.pem"); }

std::shared_ptr<EVP_PKEY> Share(EvpPkeyPtr key) {
  return std::shared_ptr<EVP_PKEY>(key.release(), EVP_PKEY_free);
}

// A random positive 63-bit serial number.
long RandomSerial() {
  std::string r = RandomBytes(8);
  unsigned long long v = 0;
  for (char c : r) v = (v << 8) | static_cast<unsigned char>(c);
  return static_cast<long>(v >> 1) | 1;
}

Result<std::shared_ptr<const Certificate>> LoadCert(const fs::path& stem) {
  ASSIGN_OR_RETURN(std::string pem, ReadKeyFile(CertFile(stem)));
  return Certificate::FromPem(pem);
}

// The stems of the numbered keys in `dir`/`sub` (DSCs, SHC keys) in number order.
Result<std::vector<fs::path>> NumberedStems(const fs::path& dir, const char* sub) {
  std::vector<fs::path> stems;
  std::error_code ec;
  if (!fs::is_directory(dir / sub, ec)) return stems;
  for (const auto& e : fs::directory_iterator(dir / sub, ec)) {
    const std::string name = e.path().filename().string();
    constexpr std::string_view kSuffix = ".crt.pem";
    if (name.size() == 4 + kSuffix.size() && name.ends_with(kSuffix) &&
        std::all_of(name.begin(), name.begin() + 4, [](char c) { return c >= '0' && c <= '9'; })) {
      stems.push_back(dir / sub / name.substr(0, 4));
    }
  }
  if (ec) return UnavailableError("cannot list " + (dir / sub).string() + ": " + ec.message());
  std::sort(stems.begin(), stems.end());
  return stems;
}

// A DSC declared compromised has `<stem>.compromised` beside its files (KeyStore::Compromise).
fs::path CompromisedMarker(const fs::path& stem) {
  return fs::path(stem.string() + ".compromised");
}

// The DSCs in use: every numbered one not declared compromised, in number order.
Result<std::vector<fs::path>> DscStems(const fs::path& dir) {
  ASSIGN_OR_RETURN(std::vector<fs::path> stems, NumberedStems(dir, kDscDir));
  std::erase_if(stems, [](const fs::path& stem) {
    std::error_code ec;
    return fs::exists(CompromisedMarker(stem), ec);
  });
  return stems;
}

CertificateSpec DscSpec(const KeyStoreOptions& o, SystemTime now, int number) {
  CertificateSpec spec;
  spec.common_name = o.country + " DSC " + std::to_string(number);
  spec.country = o.country;
  spec.organization = o.organization;
  spec.not_before = now;
  spec.not_after = now + o.dsc_validity;
  spec.extended_key_usages = {std::string(kOidDccVaccination)};
  spec.serial = RandomSerial();
  return spec;
}

// SMART Health Card keys sign JWSs, never DCCs: id-kp-documentSigning, like the list signer.
CertificateSpec ShcSpec(const KeyStoreOptions& o, SystemTime now, int number) {
  CertificateSpec spec = DscSpec(o, now, number);
  spec.common_name = o.country + " SHC Issuer " + std::to_string(number);
  spec.extended_key_usages = {kOidDocumentSigning};
  return spec;
}

// Adds the next numbered key below `dir`/`sub`, certified by the CSCA with `make_spec`.
Result<std::shared_ptr<const Certificate>> AddNumbered(
    const fs::path& dir, const char* sub, CertificateSpec (*make_spec)(const KeyStoreOptions&,
                                                                       SystemTime, int),
    const Signer& csca, std::string_view passphrase, SystemTime now, const KeyStoreOptions& o) {
  ASSIGN_OR_RETURN(std::vector<fs::path> stems, NumberedStems(dir, sub));
  const int number = stems.empty() ? 1 : std::stoi(stems.back().filename().string()) + 1;
  if (number > 9999) return ResourceExhaustedError("too many keys in " + (dir / sub).string());
  char name[16];
  std::snprintf(name, sizeof name, "%04d", number % 10000);
  std::error_code ec;
  fs::create_directories(dir / sub, ec);
  if (ec) return UnavailableError("cannot create " + (dir / sub).string());
  ASSIGN_OR_RETURN(Signer signer, CreateSignerFiles(dir / sub / name, make_spec(o, now, number),
                                                    csca, passphrase));
  return signer.certificate;
}

Result<std::shared_ptr<const Certificate>> AddDsc(const fs::path& dir, const Signer& csca,
                                                  std::string_view passphrase, SystemTime now,
                                                  const KeyStoreOptions& o) {
  return AddNumbered(dir, kDscDir, DscSpec, csca, passphrase, now, o);
}

// Writes `text` to `file` (replacing it) with mode 0600 for secrets, 0644 otherwise, and fsyncs.
Status WriteSyncedFile(const fs::path& file, std::string_view text, bool secret) {
  const int fd =
      ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, secret ? 0600 : 0644);
  if (fd < 0)
    return UnavailableError("cannot write " + file.string() + ": " + std::strerror(errno));
  // An existing file keeps its mode through O_CREAT: set it.
  bool ok = ::fchmod(fd, secret ? 0600 : 0644) == 0;
  size_t done = 0;
  while (ok && done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!ok) return UnavailableError("cannot write " + file.string() + ": " + std::strerror(saved));
  return Status::Ok();
}

Status SyncDir(const fs::path& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return UnavailableError("cannot open " + dir.string() + ": " + std::strerror(errno));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return UnavailableError("cannot sync " + dir.string());
  return Status::Ok();
}

// Every *.key.pem below `dir`, sorted.
Result<std::vector<fs::path>> KeyFilesBelow(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().filename().string().ends_with(".key.pem")) {
      files.push_back(it->path());
    }
  }
  if (ec) return UnavailableError("cannot list " + dir.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

Status WriteKeyFile(const fs::path& file, std::string_view text, bool secret) {
  const fs::path tmp = fs::path(file.string() + ".tmp");
  RETURN_IF_ERROR(WriteSyncedFile(tmp, text, secret));
  std::error_code ec;
  fs::rename(tmp, file, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return UnavailableError("cannot write " + file.string() + ": " + ec.message());
  }
  return SyncDir(file.parent_path());
}

Result<std::string> ReadKeyFile(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return NotFoundError("cannot read " + file.string());
  std::string text(kMaxKeyFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxKeyFileBytes) return ResourceExhaustedError(file.string() + " is too big");
  return text;
}

Result<Signer> CreateSignerFiles(const fs::path& stem, const CertificateSpec& spec,
                                 const Signer& issuer, std::string_view passphrase) {
  ASSIGN_OR_RETURN(EvpPkeyPtr key, GenerateP256Key());
  ASSIGN_OR_RETURN(std::string der,
                   CreateIssuedCertificate(spec, key.get(), *issuer.certificate, issuer.key.get()));
  ASSIGN_OR_RETURN(std::string key_pem, EncryptPrivateKeyPem(key.get(), passphrase));
  RETURN_IF_ERROR(WriteKeyFile(KeyFile(stem), key_pem, true));
  RETURN_IF_ERROR(WriteKeyFile(CertFile(stem), DerToPem(der), false));
  Signer s;
  ASSIGN_OR_RETURN(s.certificate, Certificate::FromDer(der));
  s.key = Share(std::move(key));
  return s;
}

Result<Signer> LoadSignerFiles(const fs::path& stem, std::string_view passphrase) {
  Signer s;
  ASSIGN_OR_RETURN(s.certificate, LoadCert(stem));
  ASSIGN_OR_RETURN(std::string pem, ReadKeyFile(KeyFile(stem)));
  ASSIGN_OR_RETURN(EvpPkeyPtr key, DecryptPrivateKeyPem(pem, passphrase));
  if (EVP_PKEY_eq(s.certificate->public_key(), key.get()) != 1) {
    return FailedPreconditionError(KeyFile(stem).string() + " does not match its certificate");
  }
  s.key = Share(std::move(key));
  return s;
}

Status KeyStore::Init(const fs::path& dir, std::string_view passphrase, SystemTime now,
                      const KeyStoreOptions& o) {
  if (passphrase.size() < kMinKeyPassphraseBytes) {
    return InvalidArgumentError("the key passphrase must have at least " +
                                std::to_string(kMinKeyPassphraseBytes) + " characters");
  }
  std::error_code ec;
  if (fs::exists(CertFile(dir / kCsca), ec)) {
    return AlreadyExistsError(dir.string() + " already holds keys (use keys rotate)");
  }
  fs::create_directories(dir, ec);
  if (ec) return UnavailableError("cannot create " + dir.string() + ": " + ec.message());

  ASSIGN_OR_RETURN(EvpPkeyPtr csca_key, GenerateP256Key());
  CertificateSpec spec;
  spec.common_name = o.country + " CSCA";
  spec.country = o.country;
  spec.organization = o.organization;
  spec.not_before = now;
  spec.not_after = now + o.csca_validity;
  spec.is_ca = true;
  spec.serial = RandomSerial();
  ASSIGN_OR_RETURN(std::string csca_der, CreateSelfSignedCertificate(spec, csca_key.get()));
  ASSIGN_OR_RETURN(std::string csca_key_pem, EncryptPrivateKeyPem(csca_key.get(), passphrase));
  RETURN_IF_ERROR(WriteKeyFile(KeyFile(dir / kCsca), csca_key_pem, true));
  RETURN_IF_ERROR(WriteKeyFile(CertFile(dir / kCsca), DerToPem(csca_der), false));
  Signer csca;
  ASSIGN_OR_RETURN(csca.certificate, Certificate::FromDer(csca_der));
  csca.key = Share(std::move(csca_key));

  CertificateSpec list = DscSpec(o, now, 0);
  list.common_name = o.country + " Trust List Signer";
  list.not_after = now + o.csca_validity;
  list.extended_key_usages = {kOidDocumentSigning};
  RETURN_IF_ERROR(CreateSignerFiles(dir / kListSigner, list, csca, passphrase).status());
  RETURN_IF_ERROR(AddDsc(dir, csca, passphrase, now, o).status());
  return AddNumbered(dir, kShcDir, ShcSpec, csca, passphrase, now, o).status();
}

Result<Signer> KeyStore::OpenCsca(const fs::path& dir, std::string_view passphrase) {
  std::error_code ec;
  if (!fs::exists(CertFile(dir / kCsca), ec)) {
    return FailedPreconditionError("no keys in " + dir.string() + " (run vaxreg keys init)");
  }
  return LoadSignerFiles(dir / kCsca, passphrase);
}

Result<KeyStore::PassphraseRotation> KeyStore::RotatePassphrase(const fs::path& dir,
                                                                std::string_view old_passphrase,
                                                                std::string_view new_passphrase) {
  if (new_passphrase.size() < kMinKeyPassphraseBytes) {
    return InvalidArgumentError("the new key passphrase must have at least " +
                                std::to_string(kMinKeyPassphraseBytes) + " characters");
  }
  ASSIGN_OR_RETURN(std::vector<fs::path> files, KeyFilesBelow(dir));
  if (files.empty()) return FailedPreconditionError("no keys in " + dir.string());
  PassphraseRotation report;
  std::vector<fs::path> staged;
  auto discard = [&staged] {
    std::error_code ec;
    for (const fs::path& f : staged) fs::remove(f, ec);
  };
  // Phase 1: decrypt every key and write its re-encrypted form beside it.
  for (const fs::path& file : files) {
    auto pem = ReadKeyFile(file);
    if (!pem.ok()) {
      discard();
      return pem.status();
    }
    if (auto e = InspectEncryptedKeyPem(*pem); e.ok() && !IsCurrentKeyEncryption(*e)) {
      ++report.had_old_encryption;
    }
    auto key = DecryptPrivateKeyPem(*pem, old_passphrase);
    if (!key.ok()) {
      discard();
      return Status(key.status().code(), file.string() + ": " + key.status().message());
    }
    auto encrypted = EncryptPrivateKeyPem(key->get(), new_passphrase);
    if (!encrypted.ok()) {
      discard();
      return encrypted.status();
    }
    const fs::path next = fs::path(file.string() + ".new");
    staged.push_back(next);
    if (Status st = WriteSyncedFile(next, *encrypted, true); !st.ok()) {
      discard();
      return st;
    }
  }
  // Phase 2: replace the old files.
  std::set<fs::path> dirs;
  for (size_t i = 0; i < files.size(); ++i) {
    std::error_code ec;
    fs::rename(staged[i], files[i], ec);
    if (ec) {
      std::string left;
      for (size_t j = i; j < files.size(); ++j) left += " " + files[j].string();
      return UnavailableError("re-encrypting stopped at " + files[i].string() + " (" +
                              ec.message() + "); still under the old passphrase:" + left +
                              " (their new forms are the .new files beside them)");
    }
    dirs.insert(files[i].parent_path());
    ++report.keys;
  }
  for (const fs::path& d : dirs) RETURN_IF_ERROR(SyncDir(d));
  return report;
}

Result<std::shared_ptr<const Certificate>> KeyStore::Rotate(const fs::path& dir,
                                                            std::string_view passphrase,
                                                            SystemTime now,
                                                            const KeyStoreOptions& o) {
  ASSIGN_OR_RETURN(Signer csca, OpenCsca(dir, passphrase));
  return AddDsc(dir, csca, passphrase, now, o);
}

Result<std::shared_ptr<const Certificate>> KeyStore::RotateShc(const fs::path& dir,
                                                               std::string_view passphrase,
                                                               SystemTime now,
                                                               const KeyStoreOptions& o) {
  ASSIGN_OR_RETURN(Signer csca, OpenCsca(dir, passphrase));
  return AddNumbered(dir, kShcDir, ShcSpec, csca, passphrase, now, o);
}

Result<KeyStore::Compromised> KeyStore::Compromise(const fs::path& dir,
                                                   std::string_view passphrase,
                                                   std::string_view kid, SystemTime now,
                                                   std::string_view reason,
                                                   const KeyStoreOptions& o) {
  // Withdrawn before (a second run after an interrupted re-issue): nothing more to do here.
  ASSIGN_OR_RETURN(std::vector<fs::path> all, NumberedStems(dir, kDscDir));
  for (const fs::path& stem : all) {
    std::error_code ec;
    if (!fs::exists(CompromisedMarker(stem), ec)) continue;
    ASSIGN_OR_RETURN(std::shared_ptr<const Certificate> dsc, LoadCert(stem));
    if (dsc->kid() == kid) {
      ASSIGN_OR_RETURN(Signer csca, OpenCsca(dir, passphrase));  // the passphrase is checked
      return Compromised{std::move(dsc), nullptr, /*already=*/true};
    }
  }
  ASSIGN_OR_RETURN(std::vector<fs::path> stems, DscStems(dir));
  std::optional<size_t> found;
  for (size_t i = 0; i < stems.size(); ++i) {
    ASSIGN_OR_RETURN(std::shared_ptr<const Certificate> dsc, LoadCert(stems[i]));
    if (dsc->kid() == kid) found = i;
  }
  if (!found) {
    return NotFoundError("no DSC in " + dir.string() + " has this kid (vaxreg keys list)");
  }
  Compromised out;
  ASSIGN_OR_RETURN(out.dsc, LoadCert(stems[*found]));
  // The active DSC is replaced before it is withdrawn, so issuing never stops.
  if (*found + 1 == stems.size()) {
    ASSIGN_OR_RETURN(out.replacement, Rotate(dir, passphrase, now, o));
  } else {
    ASSIGN_OR_RETURN(Signer csca, OpenCsca(dir, passphrase));  // the passphrase is checked
  }
  const std::string note = "declared compromised at " + std::to_string(ToUnixSeconds(now)) +
                           (reason.empty() ? "" : ": " + std::string(reason)) + "\n";
  RETURN_IF_ERROR(WriteSyncedFile(CompromisedMarker(stems[*found]), note, /*secret=*/false));
  RETURN_IF_ERROR(SyncDir(dir / kDscDir));
  return out;
}

std::string KeyStore::FolderVersion(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const char* sub : {kDscDir, kShcDir}) {
    for (const auto& e : fs::directory_iterator(dir / sub, ec)) {
      names.push_back(std::string(sub) + "/" + e.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  std::string out;
  for (const auto& n : names) out += n + "\n";
  return out;
}

Result<KeyStore> KeyStore::LoadPublic(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(CertFile(dir / kCsca), ec)) {
    return FailedPreconditionError("no keys in " + dir.string() + " (run vaxreg keys init)");
  }
  KeyStore ks;
  ASSIGN_OR_RETURN(ks.csca_, LoadCert(dir / kCsca));
  ASSIGN_OR_RETURN(ks.list_cert_, LoadCert(dir / kListSigner));
  RETURN_IF_ERROR(VerifyIssuedBy(*ks.list_cert_, *ks.csca_));
  ASSIGN_OR_RETURN(std::vector<fs::path> stems, DscStems(dir));
  if (stems.empty()) {
    return FailedPreconditionError("no usable DSC in " + dir.string() +
                                   " (none, or all declared compromised: run vaxreg keys rotate)");
  }
  for (const fs::path& stem : stems) {
    ASSIGN_OR_RETURN(std::shared_ptr<const Certificate> dsc, LoadCert(stem));
    RETURN_IF_ERROR(VerifyIssuedBy(*dsc, *ks.csca_));
    ks.dscs_.push_back(std::move(dsc));
  }
  ASSIGN_OR_RETURN(std::vector<fs::path> shc_stems, NumberedStems(dir, kShcDir));
  for (const fs::path& stem : shc_stems) {
    ASSIGN_OR_RETURN(std::shared_ptr<const Certificate> key, LoadCert(stem));
    RETURN_IF_ERROR(VerifyIssuedBy(*key, *ks.csca_));
    ks.shc_keys_.push_back(std::move(key));
  }
  ks.active_.certificate = ks.dscs_.back();
  ks.list_signer_.certificate = ks.list_cert_;
  if (!ks.shc_keys_.empty()) ks.active_shc_.certificate = ks.shc_keys_.back();
  return ks;
}

Result<KeyStore> KeyStore::Open(const fs::path& dir, std::string_view passphrase) {
  ASSIGN_OR_RETURN(KeyStore ks, LoadPublic(dir));
  ASSIGN_OR_RETURN(std::vector<fs::path> stems, DscStems(dir));
  ASSIGN_OR_RETURN(ks.active_, LoadSignerFiles(stems.back(), passphrase));
  ASSIGN_OR_RETURN(ks.list_signer_, LoadSignerFiles(dir / kListSigner, passphrase));
  ASSIGN_OR_RETURN(std::vector<fs::path> shc_stems, NumberedStems(dir, kShcDir));
  if (!shc_stems.empty()) {
    ASSIGN_OR_RETURN(ks.active_shc_, LoadSignerFiles(shc_stems.back(), passphrase));
  }
  return ks;
}

}  // namespace vaxreg::certs
