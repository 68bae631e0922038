#pragma once
// Facilities sign their dose records (flow 5, step 2; issue 4 item 3). Only a dose whose
// signature still matches its current content counts for a certificate.
//
// Canonical bytes of a dose (version 1), UTF-8, one field per line, every value length-prefixed
// so no value can imitate another field:
//
//   vaxreg-dose-v1\n
//   <name>:<byte length>:<value>\n     for, in this order: id, person_id, identity_number,
//                                      vaccine, lot, dose_number, administered_at, facility,
//                                      vaccinator, source, status
//
// Integers are decimal without sign or leading zeros (administered_at in Unix seconds);
// identity_number is "cccd:<12 digits>", else "cmnd:<9>", else "passport:<no>", else "".
// The dose digest is SHA-256 of those bytes (hex, lower case).
//
// A batch signature (ES256, raw r||s, hex) covers the canonical batch bytes:
//
//   vaxreg-dose-batch-v1\n facility:<len>:<code>\n kid:<len>:<kid hex>\n
//   then one line "<dose id> <digest>\n" per dose, in increasing dose id order.
//
// The signer is the facility's key (facility_keys.h), certified by the platform's CSCA.
// Signing runs inside a write transaction (the group-commit writer); verification reads only.

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "certs/crypto/x509.h"
#include "certs/keys/key_store.h"
#include "common/clock.h"
#include "registry/actor.h"
#include "registry/dose.h"
#include "storage/database.h"

namespace vaxreg::certs {

// The signed facts of one dose (a registry dose plus its person's identity number).
struct DoseSigningFacts {
  int64_t id = 0;
  int64_t person_id = 0;
  std::string identity_number;
  std::string vaccine, lot;
  int64_t dose_number = 0;
  int64_t administered_at = 0;
  std::string facility, vaccinator, source, status;
};

std::string CanonicalDoseBytes(const DoseSigningFacts& d);
std::string DoseDigest(const DoseSigningFacts& d);  // hex SHA-256 of CanonicalDoseBytes
std::string CanonicalBatchBytes(std::string_view facility_code, std::string_view kid_hex,
                                const std::vector<std::pair<int64_t, std::string>>& id_digests);

struct SignedBatch {
  int64_t batch_id = 0;  // 0 when nothing was left to sign
  std::string kid_hex;
  int64_t doses_signed = 0;
  int64_t remaining = 0;  // unsigned doses of the facility still left after this batch
  std::string ToJson() const;
};

// Signs up to `limit` (1..20000) of the facility's unsigned doses that count (active; facility
// records, or verified self-declared doses naming the facility), oldest id first, as one batch
// (audited as "dose.sign_batch"). `signer` must be the facility's key with its certificate.
Result<SignedBatch> SignFacilityDoses(storage::Connection& conn, const Clock& clock,
                                      std::string_view facility_code, const Signer& signer,
                                      int limit, const registry::Actor& actor);

// Of `doses` (one person's), those with a facility signature that matches their current
// content, in the given order. Everything else does not count for a certificate.
Result<std::vector<registry::Dose>> KeepSignedDoses(storage::Connection& conn,
                                                    std::vector<registry::Dose> doses);
// KeepSignedDoses for many people at once (a few statements): each list of `doses` (by person id)
// keeps the doses whose signature is intact.
Status KeepSignedDosesOfPeople(storage::Connection& conn,
                               std::unordered_map<int64_t, std::vector<registry::Dose>>& doses);

struct SignatureProblem {
  int64_t dose_id = 0;  // 0 for a problem with a whole batch
  int64_t batch_id = 0;
  std::string reason;
};

struct SignatureReport {
  int64_t batches_checked = 0;
  int64_t doses_checked = 0;
  int64_t voided_after_signing = 0;  // changed only by being voided: not a problem
  int64_t unsigned_doses = 0;        // counting doses nobody signed yet: not a problem
  std::vector<SignatureProblem> problems;
  bool ok() const { return problems.empty(); }
};

// Re-checks every batch (of one facility, or all when `facility_code` is empty): the facility
// certificate named by the batch's kid is in facility_certificates, was issued by `csca` and was
// valid when the batch was signed; the batch signature verifies over the stored (id, digest)
// pairs; and each dose's current canonical bytes still hash to its stored digest. A dose that
// changed is a problem, except one that differs only by having been voided since.
Result<SignatureReport> VerifyDoseSignatures(storage::Connection& conn, const Certificate& csca,
                                             std::string_view facility_code);

}  // namespace vaxreg::certs
