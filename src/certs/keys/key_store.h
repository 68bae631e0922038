#pragma once
// The certificate signing keys of the platform, kept in one directory:
//
//   csca.crt.pem, csca.key.pem              country signing CA (self-signed P-256)
//   list-signer.crt.pem, list-signer.key.pem signs the published trust list (issued by the CSCA)
//   dsc/NNNN.crt.pem, dsc/NNNN.key.pem       document signers (issued by the CSCA, EKU: DCC
//                                            vaccination), numbered from 0001; the highest is
//                                            the active one, older ones stay published so that
//                                            certificates they signed keep verifying
//   shc/NNNN.crt.pem, shc/NNNN.key.pem       SMART Health Card signing keys (P-256, certified
//                                            by the CSCA with EKU documentSigning so they are
//                                            never taken for a DSC; published as JWKs named by
//                                            their thumbprint), numbered and rotated like DSCs.
//                                            Folders made before SHC support have none until
//                                            `keys rotate-shc` adds one
//   dsc/NNNN.compromised                     marks a DSC withdrawn (`keys compromise`): it is
//                                            neither loaded nor published any more
//
// Private keys are encrypted PKCS#8 PEM files (mode 0600, crypto/key_pem.h) under one passphrase
// that the caller supplies (the CLI and server read it from the environment, never from an
// argument). Writing is not synchronised between processes: run `keys init`/`keys rotate`/
// `keys rotate-passphrase` from one place. A loaded KeyStore is immutable and safe to share
// between threads.

#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

#include "certs/crypto/x509.h"
#include "common/clock.h"
#include "common/status.h"

namespace vaxreg::certs {

// A private key with the certificate of its public half.
struct Signer {
  std::shared_ptr<EVP_PKEY> key;
  std::shared_ptr<const Certificate> certificate;
};

struct KeyStoreOptions {
  std::string country = "VN";
  std::string organization = "Ministry of Health of Viet Nam";
  std::chrono::hours csca_validity{24 * 365 * 10};
  // A DSC signs for about a year after rotation and must outlive what it signed (12 months),
  // so it is valid for 3 years.
  std::chrono::hours dsc_validity{24 * 365 * 3};
};

class KeyStore final {
 public:
  // Creates `dir` (if needed) with a CSCA, a trust-list signer, the first DSC and the first SHC
  // signing key.
  // kAlreadyExists when `dir` already holds a CSCA; kInvalidArgument for a short passphrase.
  static Status Init(const std::filesystem::path& dir, std::string_view passphrase, SystemTime now,
                     const KeyStoreOptions& options = {});
  // Adds a new DSC signed by the CSCA; it becomes the active one. Returns its certificate.
  // kUnauthenticated for a wrong passphrase; kFailedPrecondition when `dir` has no CSCA.
  static Result<std::shared_ptr<const Certificate>> Rotate(const std::filesystem::path& dir,
                                                           std::string_view passphrase,
                                                           SystemTime now,
                                                           const KeyStoreOptions& options = {});

  // Adds a new SMART Health Card signing key certified by the CSCA; it becomes the active one
  // (older ones stay in the published key set). Errors as Rotate.
  static Result<std::shared_ptr<const Certificate>> RotateShc(const std::filesystem::path& dir,
                                                              std::string_view passphrase,
                                                              SystemTime now,
                                                              const KeyStoreOptions& options = {});

  // Withdraws the DSC whose kid (8 raw bytes) is `kid`: writes dsc/NNNN.compromised beside it,
  // so it leaves the trust list and is never loaded again (its files stay for the record). The
  // active DSC is first replaced by a new one (returned as `replacement`). Certificates it
  // signed must then be re-issued (CertificateAuthority::ReissueSignedBy). A DSC withdrawn
  // before is returned with `already` set. kNotFound when no DSC has this kid;
  // kUnauthenticated for a wrong passphrase.
  struct Compromised {
    std::shared_ptr<const Certificate> dsc;
    std::shared_ptr<const Certificate> replacement;  // null when it was not the active one
    bool already = false;  // it had been withdrawn before; nothing changed
  };
  static Result<Compromised> Compromise(const std::filesystem::path& dir,
                                        std::string_view passphrase, std::string_view kid,
                                        SystemTime now, std::string_view reason,
                                        const KeyStoreOptions& options = {});

  // A text that changes whenever a DSC or SHC key is added or withdrawn (the names in dsc/ and
  // shc/): servers sharing the folder poll it to load a rotation made by another.
  static std::string FolderVersion(const std::filesystem::path& dir);

  // Certificates only (no passphrase needed): for trust-list export and verification.
  static Result<KeyStore> LoadPublic(const std::filesystem::path& dir);
  // Certificates plus the decrypted keys of the active DSC, the trust-list signer and the active
  // SHC key (when the folder has one).
  static Result<KeyStore> Open(const std::filesystem::path& dir, std::string_view passphrase);

  const std::shared_ptr<const Certificate>& csca() const { return csca_; }
  const std::shared_ptr<const Certificate>& list_signer_certificate() const { return list_cert_; }
  // Every DSC, oldest first; the last one is the active one.
  const std::vector<std::shared_ptr<const Certificate>>& dscs() const { return dscs_; }
  // Only after Open (key is null after LoadPublic).
  const Signer& active_dsc() const { return active_; }
  const Signer& list_signer() const { return list_signer_; }
  // Every SHC signing key's certificate, oldest first (empty in folders made before SHC
  // support); the last one is the active one. active_shc().key is set only after Open.
  const std::vector<std::shared_ptr<const Certificate>>& shc_keys() const { return shc_keys_; }
  const Signer& active_shc() const { return active_shc_; }

  // Re-encrypts every private key below `dir` (every *.key.pem: CSCA, list signer, DSCs,
  // facility keys) under `new_passphrase` with the current key encryption. Every key is
  // decrypted and every new file written and synced (as KEY.new) before the first is renamed
  // over its old file, so a wrong passphrase, a corrupt key or a failed write leaves the folder
  // as it was; only a failing rename (same folder, so practically never) can leave some keys
  // under each passphrase, and the error then names them. kUnauthenticated (naming the file)
  // when a key does not open with `old_passphrase`; kInvalidArgument for a short new passphrase;
  // kFailedPrecondition when `dir` holds no keys.
  struct PassphraseRotation {
    int keys = 0;                // keys re-encrypted
    int had_old_encryption = 0;  // of which were under the weaker encryption of old versions
  };
  static Result<PassphraseRotation> RotatePassphrase(const std::filesystem::path& dir,
                                                     std::string_view old_passphrase,
                                                     std::string_view new_passphrase);

  // The CSCA's private key, decrypted (for issuing facility certificates).
  static Result<Signer> OpenCsca(const std::filesystem::path& dir, std::string_view passphrase);

 private:
  std::shared_ptr<const Certificate> csca_;
  std::shared_ptr<const Certificate> list_cert_;
  std::vector<std::shared_ptr<const Certificate>> dscs_;
  std::vector<std::shared_ptr<const Certificate>> shc_keys_;
  Signer active_;
  Signer list_signer_;
  Signer active_shc_;
};

// Key files helpers shared with other key holders (facility keys): write a PEM file atomically
// (temporary file, fsync, rename, fsync of the folder) with mode 0600 for secrets, read a whole
// file (at most 1 MiB).
Status WriteKeyFile(const std::filesystem::path& file, std::string_view text, bool secret);
Result<std::string> ReadKeyFile(const std::filesystem::path& file);
// Generates a P-256 key, has it certified by `issuer` with `spec`, and writes
// `<stem>.crt.pem` and the encrypted `<stem>.key.pem`. Returns the new signer.
Result<Signer> CreateSignerFiles(const std::filesystem::path& stem, const CertificateSpec& spec,
                                 const Signer& issuer, std::string_view passphrase);
// Reads `<stem>.crt.pem` and decrypts `<stem>.key.pem`.
Result<Signer> LoadSignerFiles(const std::filesystem::path& stem, std::string_view passphrase);

}  // namespace vaxreg::certs
