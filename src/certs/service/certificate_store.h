#pragma once
// Issued certificates in the database (migration 4, table certificates). Writes run on the
// group-commit writer's connection inside its transaction and append an audit row; reads run on
// any connection.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "registry/actor.h"
#include "storage/database.h"

namespace vaxreg::certs {

struct CertificateRecord {
  int64_t id = 0;
  int64_t person_id = 0;
  std::string uvci;
  std::string hc1;
  std::string kid_hex;
  std::string doses_hash;  // SHA-256 hex of the counted dose facts it was built from
  std::string doses;       // "2/2"
  int64_t issued_at = 0;
  int64_t expires_at = 0;
  std::string status;  // active | superseded | revoked
  std::optional<int64_t> supersedes;
  std::optional<int64_t> revoked_at;
  std::string revoke_reason;
  std::string issued_by;
  // Whether the ended certificate is on the signed revocation list. A certificate superseded
  // only by a renewal before its expiry is not: it keeps verifying until it expires. Its
  // revoked_at is then the time it stopped being the holder's current certificate.
  bool in_revocation_list = false;
  // The SMART Health Card issued with the DCC (migration 17): its compact JWS, revocation id and
  // key thumbprint; empty for a row without one.
  std::string shc_jws;
  std::string shc_rid;
  std::string shc_kid;

  // {"id","person_id","uvci","hc1","kid","doses","issued_at","expires_at","status",
  //  "supersedes","revoked_at","revoke_reason","in_revocation_list",
  //  "shc": {"qr": "shc:/...", "kid", "rid"} or null} with ISO-8601 times.
  std::string ToJson() const;
};

// The SMART Health Card revocation entries: for every certificate with an SHC that is on the
// revocation list, its key thumbprint, rid, and whether it is still unexpired at `now` (expired
// ones are no longer listed but still count for the list's version, which must only grow).
struct ShcRevocationRow {
  std::string kid;
  std::string rid;
  bool unexpired = false;
};
Result<std::vector<ShcRevocationRow>> ListShcRevocations(storage::Connection& conn, int64_t now);
// Stores the SHC of certificate `id` (one that has none yet) and audits "certificate.shc_issue".
// kNotFound when no certificate with this id lacks an SHC.
Status SetCertificateShc(storage::Connection& conn, const Clock& clock, int64_t id,
                         std::string_view jws, std::string_view rid, std::string_view kid,
                         const registry::Actor& actor);
// Active certificates without an SHC with id > after_id, by id, at most `limit`.
Result<std::vector<CertificateRecord>> ListActiveWithoutShc(storage::Connection& conn,
                                                            int64_t after_id, int limit);

// Who writes the audit entry of a change: the store function, one per certificate (kEach), or
// its caller, one for a whole page of changes it can describe at once (kByCaller: the re-issue
// after a DSC withdrawal, which changes up to a million certificates).
enum class CertificateAudit { kEach, kByCaller };

// Inserts `record` (id filled in) and audits "certificate.issue".
Result<CertificateRecord> InsertCertificate(storage::Connection& conn, const Clock& clock,
                                            CertificateRecord record, const registry::Actor& actor,
                                            CertificateAudit audit = CertificateAudit::kEach);
// Sets status (superseded or revoked), revoked_at = now and the reason, and puts the certificate
// on the revocation list unless `publish_revocation` is false (a renewal before expiry); audits
// "certificate.<status>". kNotFound when no active certificate has this id.
Status EndCertificate(storage::Connection& conn, const Clock& clock, int64_t id,
                      std::string_view status, std::string_view reason,
                      const registry::Actor& actor, bool publish_revocation = true);
// The same for a certificate already read (a row of an earlier page serves: of the audited
// fields, only the SHC ones may change while a row is active, and they are read back by the
// update); the update happens only if it is active now, else kNotFound.
Status EndActiveCertificate(storage::Connection& conn, const Clock& clock,
                            const CertificateRecord& before, std::string_view status,
                            std::string_view reason, const registry::Actor& actor,
                            bool publish_revocation = true,
                            CertificateAudit audit = CertificateAudit::kEach);

// Puts every ended, unexpired certificate of the person that is not on the revocation list yet
// (the ones renewals replaced) on it: what they say became wrong (a correction, a void, a
// merge). Audits "certificate.revoke_renewed" for each; returns how many.
Result<int64_t> RevokeRenewedCertificates(storage::Connection& conn, const Clock& clock,
                                          int64_t person_id, std::string_view reason,
                                          const registry::Actor& actor);

// The revocation epoch (migration 18): a number that grows in every transaction that puts a
// certificate on the revocation list (EndCertificate and RevokeRenewedCertificates bump it), so
// every process can tell cheaply when to reload its revocation state.
Status BumpRevocationEpoch(storage::Connection& conn);
Result<int64_t> RevocationEpoch(storage::Connection& conn);

Result<std::optional<CertificateRecord>> FindCertificate(storage::Connection& conn, int64_t id);
// The person's active certificate, if any.
Result<std::optional<CertificateRecord>> ActiveCertificate(storage::Connection& conn,
                                                           int64_t person_id);
// Every certificate of a person, newest first (history).
Result<std::vector<CertificateRecord>> ListPersonCertificates(storage::Connection& conn,
                                                              int64_t person_id);
// Certificates by id after `after_id`, newest last, at most `limit`; `status` ("" for any) and
// `person_id` (0 for anyone) narrow the list. Without their credentials (hc1 and shc_jws empty):
// a list shows what a certificate is, not the certificate.
struct CertificateQuery {
  std::string status;
  int64_t person_id = 0;
  int64_t after_id = 0;
  int limit = 100;
};
Result<std::vector<CertificateRecord>> ListCertificates(storage::Connection& conn,
                                                        const CertificateQuery& q);

// People waiting for their first (or next) certificate: at least one counted dose signed by its
// facility and no active certificate. By person id after `after_id`, at most `limit`.
struct AwaitingCertificate {
  int64_t person_id = 0;
  std::string full_name, dob, cccd, province_code;
  int64_t signed_doses = 0;
};
Result<std::vector<AwaitingCertificate>> ListPeopleAwaitingCertificate(storage::Connection& conn,
                                                                       int64_t after_id,
                                                                       int limit);
// How many people are waiting (the same condition, counted).
Result<int64_t> CountPeopleAwaitingCertificate(storage::Connection& conn);

// Active certificates with id > after_id, by id, at most `limit` (for the renewal scan).
Result<std::vector<CertificateRecord>> ListActiveCertificates(storage::Connection& conn,
                                                              int64_t after_id, int limit);
// The same for the certificates one DSC signed (`kid_hex`), without their credentials (hc1 and
// shc_jws left empty): what a re-issue after a withdrawal needs of them.
Result<std::vector<CertificateRecord>> ListActiveCertificatesSignedBy(storage::Connection& conn,
                                                                      std::string_view kid_hex,
                                                                      int64_t after_id, int limit);
// UVCIs of every certificate on the revocation list whose expiry is after `now`.
Result<std::vector<std::string>> ListRevokedUvcis(storage::Connection& conn, int64_t now);

}  // namespace vaxreg::certs
