#pragma once
// Facility signing keys (flow 5, step 2): each vaccination facility has its own P-256 key and an
// X.509 certificate issued by the platform's CSCA (end entity, keyUsage digitalSignature, EKU
// id-kp-documentSigning, so no verifier takes it for a DCC signer; CN "Facility <CODE>").
//
// Files, in the key folder (key_store.h) and under the same passphrase:
//   facilities/<CODE>/NNNN.crt.pem, NNNN.key.pem   numbered from 0001, the highest is active
// Every facility certificate is also recorded in the facility_certificates table (kid, DER,
// validity), which is what verification uses: old certificates stay there after a rotation so
// batches they signed keep verifying.
//
// FacilityKeyring is thread-safe; it caches decrypted keys.

#include <map>
#include <mutex>
#include <string>

#include "certs/keys/key_store.h"
#include "common/clock.h"
#include "storage/database.h"

namespace vaxreg::certs {

// Creates a new key and certificate for the facility (the first, or a rotation).
// kInvalidArgument for a malformed facility code.
Result<Signer> CreateFacilityKey(const std::filesystem::path& key_dir, std::string_view passphrase,
                                 std::string_view facility_code, SystemTime now);
// The facility's active key, or nullopt when it has none.
Result<std::optional<Signer>> LoadFacilityKey(const std::filesystem::path& key_dir,
                                              std::string_view passphrase,
                                              std::string_view facility_code);
// Inserts the certificate into facility_certificates unless it is there already.
Status RecordFacilityCertificate(storage::Connection& conn, const Clock& clock,
                                 std::string_view facility_code, const Certificate& cert);
// The recorded certificate of the facility with that kid (hex), or nullptr.
Result<std::shared_ptr<const Certificate>> FindFacilityCertificate(storage::Connection& conn,
                                                                   std::string_view facility_code,
                                                                   std::string_view kid_hex);

class FacilityKeyring final {
 public:
  FacilityKeyring(std::filesystem::path key_dir, std::string passphrase)
      : key_dir_(std::move(key_dir)), passphrase_(std::move(passphrase)) {}

  // The facility's active key; creates one the first time (so a facility approved without a
  // key gets it when it first signs). Records the certificate. kNotFound for an unknown
  // facility, kFailedPrecondition for one that is not active. Run inside a write transaction.
  Result<Signer> SignerFor(storage::Connection& conn, const Clock& clock,
                           std::string_view facility_code);

 private:
  std::filesystem::path key_dir_;
  std::string passphrase_;
  std::mutex mu_;
  std::map<std::string, Signer, std::less<>> cache_;
};

}  // namespace vaxreg::certs
