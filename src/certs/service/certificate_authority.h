#pragma once
// The central signer's side of the platform, shared by the API and the CLI: the key folder, the
// DCC issuer for the active DSC, the trust store and signed trust list built from it, the
// revocation state from the database, and issuing/renewing certificates for registry people
// (flow 5, step 3; issue 4 items 5 and 7).
//
// Issuing for a person: the person's counted doses (voided and unverified self-declared doses do
// not count, nor does a dose without an intact facility signature, see dose_signing.h) -> DCC -> HC1, stored with the hash of those doses; the person's previous active
// certificate, if any, becomes 'superseded' (revoked) in the same transaction, so the holder
// always has exactly one active certificate and the history stays in the table.
//
// Renewal (RenewDue, run by the scheduler every `renew_interval`): every active certificate
// that expires within `renew_days` days, or whose person's counted doses no longer hash to
// doses_hash, is re-issued; if the person has no counted dose any more it is revoked instead.
// Renewal is not revocation: a certificate replaced only because its expiry is near stays off
// the revocation list and keeps verifying until it expires (printed copies keep working); one
// replaced because its doses or identity changed is revoked at once, together with any earlier
// renewed-out certificate of the person.
//
// SMART Health Cards (certs/shc): with an SHC key in the folder and an issuer URL
// (options.shc_issuer), every certificate row issued or re-issued also carries an SHC made from
// the same person and doses (nbf = the DCC's iat, exp = its exp, a random rid), so superseding
// and revoking a certificate supersedes and revokes its SHC: the rids of certificates on the
// revocation list are published per key at /.well-known/crl/<kid>.json, the key set (with each
// key's crlVersion, which grows with every revocation) at /.well-known/jwks.json. A card that
// does not fit one QR code is not made (the DCC still is; EnsureShc says why). Rows issued
// before SHC support get their card from EnsureShc (on first request) or BackfillShc (after each
// renewal run, and in the demo).
//
// Thread-safe: all methods may be called concurrently. Writes go through the group-commit
// writer (blocking calls: use them off the I/O threads or from the CLI).

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <thread>

#include "certs/issue/dcc_issuer.h"
#include "certs/keys/key_store.h"
#include "certs/service/certificate_store.h"
#include "certs/service/dose_signing.h"
#include "certs/service/facility_keys.h"
#include "certs/shc/issuer.h"
#include "certs/shc/verifier.h"
#include "registry/dose.h"
#include "registry/person.h"
#include "certs/verifier.h"
#include "storage/database.h"
#include "storage/group_commit.h"

namespace vaxreg::certs {

struct CertificateAuthorityOptions {
  std::string key_dir;
  std::string passphrase;  // empty: verification only (no issuing, no signed lists)
  // The SMART Health Card issuer URL (iss, config certs.shc_issuer): https://, no trailing '/'.
  // Empty: no SHCs are issued, published or verified.
  std::string shc_issuer;
  int renew_days = 30;
  std::chrono::seconds renew_interval{3600};
  // The refresh worker (refresh_queue.h): how often it looks for due refresh duties and for a
  // moved revocation epoch, and how long a fresh duty is left to the process that made the
  // change before any worker may take it.
  std::chrono::milliseconds refresh_poll{1000};
  int64_t refresh_grace_seconds = 15;
  // Runs the renewal scheduler and the refresh worker.
  bool run_scheduler = true;
};

struct RenewalReport {
  int checked = 0;
  int renewed_expiring = 0;
  int renewed_doses_changed = 0;
  int revoked_no_doses = 0;
  int failed = 0;
};

// What is published for SMART Health Card verifiers: the trust a verifier of vaxreg's own cards
// uses (issuer, key set, revocation lists), the key set document, and a version tag (hex) that
// changes whenever either changes (for ETag).
struct ShcPublication {
  std::shared_ptr<const shc::ShcTrust> trust;
  std::string jwks;  // {"keys":[...]} with each key's crlVersion
  std::string version;
};

// Revocation by UVCI hash, reloaded from the database after every change. Safe for concurrent
// IsRevoked calls while it is being reloaded.
class DatabaseRevocationList final : public RevocationChecker {
 public:
  bool IsRevoked(std::string_view uvci) const override;
  Status Reload(storage::Database& db, SystemTime now);
  // The 16-byte hashes, sorted, and a version tag (hex, changes whenever the set changes).
  std::pair<std::shared_ptr<const std::set<std::string, std::less<>>>, std::string> Snapshot()
      const;

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const std::set<std::string, std::less<>>> hashes_ =
      std::make_shared<const std::set<std::string, std::less<>>>();
  std::string version_;
};

class CertificateAuthority final {
 public:
  // Loads the key folder (decrypting the active DSC and the list signer when a passphrase is
  // given), loads the revocation state and starts the renewal scheduler.
  static Result<std::unique_ptr<CertificateAuthority>> Start(
      const CertificateAuthorityOptions& options, storage::Database& db,
      storage::GroupCommitWriter& writer, const Clock& clock);
  ~CertificateAuthority();  // StopScheduler()

  // Stops the renewal thread (waits for a run in progress). Idempotent.
  void StopScheduler();

  bool can_issue() const { return can_issue_; }
  int64_t refresh_grace_seconds() const { return options_.refresh_grace_seconds; }
  // The keys as loaded now (a rotation or a withdrawal by any server sharing the key folder is
  // loaded within seconds), and the DSCs verifiers trust.
  std::shared_ptr<const KeyStore> keys() const;
  std::shared_ptr<const TrustStore> trust() const;
  // The active DSC's end of validity and whether it can still sign a full-length certificate:
  // for /metrics, /readyz and the log. Empty `kid` without a DSC.
  struct SignerHealth {
    std::string kid;          // base64, as `vaxreg keys list` shows it
    int64_t not_after = 0;    // Unix seconds
    int64_t days_left = 0;
    bool rotation_due = false;  // too short for a certificate of full validity plus renewal
  };
  SignerHealth signer_health() const;

  // Adds a new DSC when the active one's remaining validity is too short for a full-length
  // certificate (plus the renewal window), then loads it. One server rotates (lease
  // "dsc_rotation"); the others load the new DSC from the shared folder. Returns whether a DSC
  // was added here. Run by the scheduler before each renewal.
  Result<bool> RotateIfDue();
  // Loads the key folder again when its DSCs or SHC keys changed (FolderVersion).
  Status ReloadKeysIfChanged();
  // Re-issues every active certificate signed by the DSC with `kid_hex` (as stored, hex) with
  // the active DSC, the old one revoked: after `vaxreg keys compromise`. Returns how many.
  Result<int64_t> ReissueSignedBy(std::string_view kid_hex, const registry::Actor& actor);
  // Called with the running count after each page of a long re-issue (for a progress line).
  void set_progress(std::function<void(int64_t)> progress) { progress_ = std::move(progress); }
  const DatabaseRevocationList& revocations() const { return revocations_; }
  // The signed trust list (built at start; kFailedPrecondition without a passphrase).
  Result<std::string> SignedTrustList() const;
  // The signed revocation list and its version tag (for ETag).
  Result<std::string> SignedRevocationList() const;

  // Whether SHCs are issued (an SHC key opened and an issuer URL), and published (an issuer URL
  // and at least one SHC key in the folder).
  bool can_issue_shc() const { return loaded()->shc_issuer != nullptr; }
  // The current publication; null when SHCs are not published.
  std::shared_ptr<const ShcPublication> shc() const;
  // The certificate with its SHC, made now if the row has none yet (an active row whose counted
  // doses still hash to its doses_hash; nbf now, exp the certificate's). kNotFound for an unknown
  // id; kFailedPrecondition without an SHC key, for an ended certificate or when the doses
  // changed since it was issued (the renewal re-issues it); kResourceExhausted when the card
  // would not fit one QR code.
  Result<CertificateRecord> EnsureShc(int64_t certificate_id, const registry::Actor& actor);
  // Makes the SHC of up to `limit` active certificates that have none; returns how many were
  // made (rows EnsureShc refuses are skipped).
  Result<int> BackfillShc(const registry::Actor& actor, int limit);

  // Revokes active certificate `id` for `reason` (a certificate obtained by fraud, a record found
  // wrong): it goes on the revocation list, with any earlier certificate of the person that a
  // renewal left valid, and every server refuses it within a second. kNotFound when no active
  // certificate has this id.
  Result<CertificateRecord> Revoke(int64_t id, std::string_view reason,
                                   const registry::Actor& actor);
  // Issues (re-issues) the person's certificate. kNotFound for an unknown person;
  // kFailedPrecondition without counted doses or without signing keys. The person's row is
  // locked first (PostgreSQL), so servers issuing for the same person at once take turns.
  Result<CertificateRecord> IssueForPerson(int64_t person_id, const registry::Actor& actor);
  // As IssueForPerson, but only for a person who has no active certificate once locked: the
  // bulk issue of those awaiting one, which another server may be running over the same people.
  // nullopt when the person already has one.
  Result<std::optional<CertificateRecord>> IssueFirstCertificate(int64_t person_id,
                                                                 const registry::Actor& actor);
  Result<RenewalReport> RenewDue(const registry::Actor& actor);

  // Brings the person's active certificate in line with the record at once, after a change to
  // their doses or identity (a correction, a void, a merge): when the signed counted doses no
  // longer hash to the certificate's, or `identity_changed`, the certificate is re-issued and
  // the old one revoked in the same transaction; with no counted dose left it is revoked. A
  // person without an active certificate is left alone (issuing a first one is the central
  // signer's step). Returns the new certificate, or nullopt when none was issued.
  Result<std::optional<CertificateRecord>> RefreshPerson(int64_t person_id, bool identity_changed,
                                                         const registry::Actor& actor);

  // Handles certificate refresh duties (refresh_queue.h) under a claim of this process: those of
  // `people` that are unclaimed or lapsed (the change's own process, right after its commit),
  // or, with `people` empty, up to 100 due ones (the refresh worker). For each: the listed
  // facilities sign their unsigned doses, then RefreshPerson; the duty is deleted, or on failure
  // retried later by any process. Returns the certificates issued. Nothing without signing keys.
  Result<std::vector<CertificateRecord>> HandleRefreshes(std::span<const int64_t> people,
                                                         const registry::Actor& actor);

  // Signs up to `limit` unsigned doses of the facility with its key (created on first use).
  // kFailedPrecondition without signing keys or for a facility that is not active; kNotFound
  // for an unknown facility.
  Result<SignedBatch> SignFacilityDoses(std::string_view facility_code, int limit,
                                        const registry::Actor& actor);

 private:
  CertificateAuthority(storage::Database& db, storage::GroupCommitWriter& writer,
                       const Clock& clock)
      : db_(db), writer_(writer), clock_(clock) {}
  // Why a certificate is issued again: a renewal before expiry leaves the one it replaces valid
  // until that one expires; any other re-issue revokes it, and every earlier certificate of the
  // person that a renewal left valid, since what they say is no longer true.
  enum class Reissue { kRenewal, kChanged };
  // Inside a write transaction: issue for the person, superseding `previous` if set.
  Result<CertificateRecord> IssueLocked(storage::Connection& conn, int64_t person_id,
                                        std::optional<int64_t> previous,
                                        const registry::Actor& actor,
                                        Reissue why = Reissue::kChanged);
  // Facility code -> name, filled as a preparation looks facilities up.
  using FacilityNames = std::map<std::string, std::string, std::less<>>;
  // The first half of IssueLocked, reads only (any connection, any thread): the person and their
  // signed doses read, their DCC and SHC built and signed. The record InsertCertificate stores,
  // `supersedes` unset; kNotFound without the person, kFailedPrecondition without counted doses.
  Result<CertificateRecord> PrepareCertificate(storage::Connection& conn, int64_t person_id,
                                               const DccIssuer& issuer,
                                               const std::vector<registry::VaccineProduct>& catalogue,
                                               const shc::ShcIssuer* shc_issuer,
                                               FacilityNames& facility_names) const;
  // Its signing half, for a person and their signed doses already read (`conn` looks up
  // facility names not in `facility_names`).
  Result<CertificateRecord> SignCertificate(storage::Connection& conn,
                                            const registry::Person& person,
                                            const std::vector<registry::Dose>& signed_doses,
                                            const DccIssuer& issuer,
                                            const std::vector<registry::VaccineProduct>& catalogue,
                                            const shc::ShcIssuer* shc_issuer,
                                            FacilityNames& facility_names) const;
  // The second half, inside a write transaction: ends `previous` (the certificate as last read;
  // kNotFound when it is no longer active), revokes what a change makes wrong, stores `rec`.
  Result<CertificateRecord> CommitCertificate(storage::Connection& conn, CertificateRecord rec,
                                              const CertificateRecord* previous,
                                              const registry::Actor& actor, Reissue why,
                                              CertificateAudit audit = CertificateAudit::kEach);
  // Calls `visit` with each page of active certificates, by id.
  Status ForEachActivePage(
      const std::function<Status(const std::vector<CertificateRecord>&)>& visit);
  void SchedulerLoop();
  // Every refresh_poll: reloads the revocation state when the epoch moved (a revocation by any
  // process), then handles due refresh duties.
  void RefreshLoop();
  // Reloads the DCC revocation list and rebuilds the SHC publication from the database.
  Status ReloadRevocations();
  // ReloadRevocations when the revocation epoch moved since the last load.
  Status ReloadRevocationsIfStale();
  Status ReloadShc();
  // The SHC of `person_id` from `doses` (their facility names looked up), or why there is none.
  Result<shc::IssuedShc> MakeShc(storage::Connection& conn, const shc::ShcIssuer& shc_issuer,
                                 const registry::Person& person,
                                 const std::vector<registry::Dose>& doses,
                                 const std::vector<registry::VaccineProduct>& catalogue,
                                 SystemTime not_before, SystemTime expires_at,
                                 FacilityNames& facility_names) const;

  storage::Database& db_;
  storage::GroupCommitWriter& writer_;
  const Clock& clock_;
  CertificateAuthorityOptions options_;
  // What the key folder gave at the last (re)load; replaced whole, read as a snapshot.
  struct Loaded {
    std::shared_ptr<const KeyStore> keys;
    std::shared_ptr<const InMemoryTrustStore> trust;
    std::shared_ptr<const DccIssuer> issuer;  // null without the passphrase
    std::string trust_list;                   // empty without the passphrase
    std::shared_ptr<const shc::ShcIssuer> shc_issuer;
    std::string folder_version;
  };
  std::shared_ptr<const Loaded> loaded() const;
  Status LoadKeys();

  bool can_issue_ = false;
  mutable std::mutex loaded_mu_;
  std::shared_ptr<const Loaded> loaded_;
  std::unique_ptr<FacilityKeyring> facility_keys_;
  std::function<void(int64_t)> progress_;
  DatabaseRevocationList revocations_;
  mutable std::mutex shc_mu_;
  std::shared_ptr<const ShcPublication> shc_;

  std::mutex scheduler_mu_;
  std::condition_variable scheduler_cv_;
  bool stopping_ = false;
  std::thread scheduler_;
  std::thread refresher_;
  // The revocation epoch the in-memory revocation state was loaded at.
  std::atomic<int64_t> loaded_epoch_{-1};
};

// SHA-256 (hex) of the counted dose facts, order-independent: what a certificate is built from.
std::string DoseFactsHash(const std::vector<registry::DoseFacts>& doses);

}  // namespace vaxreg::certs
