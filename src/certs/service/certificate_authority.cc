#include "certs/service/certificate_authority.h"

#include <algorithm>

#include "common/crypto_util.h"
#include "common/logging.h"
#include "registry/dose.h"
#include "registry/dose_service.h"
#include "registry/person_store.h"
#include "registry/vaccine_store.h"
#include "storage/lease.h"
#include "certs/trust/signed_lists.h"

namespace vaxreg::certs {
namespace {

constexpr int kRenewalPage = 500;

std::string DosesText(const IssuedDcc& issued) {
  const auto& v = issued.dcc.at("v").as_array().at(0);
  return std::to_string(v.at("dn").as_int64()) + "/" + std::to_string(v.at("sd").as_int64());
}

}  // namespace

std::string DoseFactsHash(const std::vector<registry::DoseFacts>& doses) {
  std::vector<std::string> lines;
  for (const auto& d : doses) {
    if (d.voided || d.self_declared_pending) continue;
    lines.push_back(d.product_code + "|" + registry::FormatDay(d.date));
  }
  std::sort(lines.begin(), lines.end());
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  return HexEncode(Sha256(all));
}

bool DatabaseRevocationList::IsRevoked(std::string_view uvci) const {
  std::shared_ptr<const std::set<std::string, std::less<>>> h;
  {
    std::lock_guard lock(mu_);
    h = hashes_;
  }
  return h->count(DccRevocationHash(uvci)) > 0;
}

Status DatabaseRevocationList::Reload(storage::Database& db, SystemTime now) {
  ASSIGN_OR_RETURN(auto conn, db.Acquire());
  ASSIGN_OR_RETURN(std::vector<std::string> uvcis, ListRevokedUvcis(*conn, ToUnixSeconds(now)));
  auto next = std::make_shared<std::set<std::string, std::less<>>>();
  std::string all;
  for (const auto& u : uvcis) next->insert(DccRevocationHash(u));
  for (const auto& h : *next) all += h;
  const std::string version = HexEncode(Sha256(all)).substr(0, 32);
  std::lock_guard lock(mu_);
  hashes_ = std::move(next);
  version_ = version;
  return Status::Ok();
}

std::pair<std::shared_ptr<const std::set<std::string, std::less<>>>, std::string>
DatabaseRevocationList::Snapshot() const {
  std::lock_guard lock(mu_);
  return {hashes_, version_};
}

Result<std::unique_ptr<CertificateAuthority>> CertificateAuthority::Start(
    const CertificateAuthorityOptions& options, storage::Database& db,
    storage::GroupCommitWriter& writer, const Clock& clock) {
  std::unique_ptr<CertificateAuthority> ca(new CertificateAuthority(db, writer, clock));
  ca->options_ = options;
  if (options.passphrase.empty()) {
    ASSIGN_OR_RETURN(ca->keys_, KeyStore::LoadPublic(options.key_dir));
  } else {
    ASSIGN_OR_RETURN(ca->keys_, KeyStore::Open(options.key_dir, options.passphrase));
    ca->issuer_ = std::make_unique<DccIssuer>(ca->keys_.active_dsc(), registry::BuiltInVaccines());
    ASSIGN_OR_RETURN(ca->trust_list_, BuildSignedTrustList(ca->keys_, clock.Now()));
    ca->facility_keys_ = std::make_unique<FacilityKeyring>(options.key_dir, options.passphrase);
  }
  for (const auto& dsc : ca->keys_.dscs()) ca->trust_.Add(dsc);
  RETURN_IF_ERROR(ca->revocations_.Reload(db, clock.Now()));
  if (options.run_scheduler && ca->issuer_) {
    ca->scheduler_ = std::thread([p = ca.get()] { p->SchedulerLoop(); });
  }
  return ca;
}

CertificateAuthority::~CertificateAuthority() { StopScheduler(); }

void CertificateAuthority::StopScheduler() {
  {
    std::lock_guard lock(scheduler_mu_);
    stopping_ = true;
  }
  scheduler_cv_.notify_all();
  if (scheduler_.joinable()) scheduler_.join();
}

void CertificateAuthority::SchedulerLoop() {
  std::unique_lock lock(scheduler_mu_);
  while (!stopping_) {
    lock.unlock();
    // However many servers share the database, one renews per interval: the lease lasts just
    // under the interval, so the holder renews it at its next run and a crashed holder's
    // interval passes to whichever server asks next.
    const int64_t ttl = std::max<int64_t>(1, options_.renew_interval.count() - 1);
    Result<bool> mine = false;
    Status leased = writer_.SubmitAndWait([&](storage::Connection& c) {
      mine = storage::TryAcquireLease(c, "certificate_renewal", storage::ThisProcessLeaseHolder(),
                                      ToUnixSeconds(clock_.Now()), ttl);
      return mine.status();
    });
    Result<RenewalReport> report = RenewalReport{};
    if (!leased.ok()) {
      report = leased;
    } else if (*mine) {
      report = RenewDue({"system:renewal", ""});
    } else {
      spdlog::debug("certificate renewal: another server holds this interval's lease");
    }
    if (!report.ok()) {
      spdlog::warn("certificate renewal failed: {}", report.status().ToString());
    } else if (report->renewed_expiring + report->renewed_doses_changed +
                   report->revoked_no_doses + report->failed > 0) {
      spdlog::info("certificate renewal: {} checked, {} expiring renewed, {} renewed after dose "
                   "changes, {} revoked, {} failed",
                   report->checked, report->renewed_expiring, report->renewed_doses_changed,
                   report->revoked_no_doses, report->failed);
    }
    lock.lock();
    scheduler_cv_.wait_for(lock, options_.renew_interval, [this] { return stopping_; });
  }
}

Result<std::string> CertificateAuthority::SignedTrustList() const {
  if (trust_list_.empty()) return FailedPreconditionError("certificate signing keys are not open");
  return trust_list_;
}

Result<std::string> CertificateAuthority::SignedRevocationList() const {
  if (!issuer_) return FailedPreconditionError("certificate signing keys are not open");
  auto snapshot = revocations_.Snapshot();
  std::vector<std::string> hashes(snapshot.first->begin(), snapshot.first->end());
  return BuildSignedRevocationList(hashes, keys_.list_signer(), clock_.Now());
}

Result<CertificateRecord> CertificateAuthority::IssueLocked(storage::Connection& conn,
                                                           int64_t person_id,
                                                           std::optional<int64_t> previous,
                                                           const registry::Actor& actor,
                                                           Reissue why) {
  ASSIGN_OR_RETURN(std::optional<registry::Person> person,
                   registry::FindPersonById(conn, person_id));
  if (!person) return NotFoundError("no person with id " + std::to_string(person_id));
  ASSIGN_OR_RETURN(std::vector<registry::Dose> doses, registry::ListPersonDoses(conn, person_id));
  ASSIGN_OR_RETURN(doses, KeepSignedDoses(conn, std::move(doses)));
  ASSIGN_OR_RETURN(std::vector<registry::VaccineProduct> catalogue,
                   registry::LoadVaccineProducts(conn));
  IssueRequest request;
  request.full_name = person->full_name;
  request.date_of_birth = person->dob;
  request.doses = registry::ToDoseFacts(doses);
  DccIssuer issuer(issuer_->dsc(), catalogue, issuer_->options());
  ASSIGN_OR_RETURN(IssuedDcc issued, issuer.Issue(request, clock_.Now()));
  if (previous) {
    const bool renewal = why == Reissue::kRenewal;
    RETURN_IF_ERROR(EndCertificate(conn, clock_, *previous, "superseded",
                                   renewal ? "renewed before expiry" : "re-issued", actor,
                                   /*publish_revocation=*/!renewal));
  }
  if (why == Reissue::kChanged) {
    RETURN_IF_ERROR(
        RevokeRenewedCertificates(conn, clock_, person_id, "the record changed", actor).status());
  }
  CertificateRecord rec;
  rec.person_id = person_id;
  rec.uvci = issued.uvci;
  rec.hc1 = issued.hc1;
  rec.kid_hex = HexEncode(issued.kid);
  rec.doses_hash = DoseFactsHash(request.doses);
  rec.doses = DosesText(issued);
  rec.issued_at = ToUnixSeconds(issued.issued_at);
  rec.expires_at = ToUnixSeconds(issued.expires_at);
  rec.supersedes = previous;
  return InsertCertificate(conn, clock_, std::move(rec), actor);
}

Result<CertificateRecord> CertificateAuthority::IssueForPerson(int64_t person_id,
                                                              const registry::Actor& actor) {
  if (!issuer_) return FailedPreconditionError("certificate signing keys are not open");
  Result<CertificateRecord> out = InternalError("not run");
  Status st = writer_.SubmitAndWait([&](storage::Connection& conn) {
    auto active = ActiveCertificate(conn, person_id);
    if (!active.ok()) return active.status();
    out = IssueLocked(conn, person_id,
                      *active ? std::optional<int64_t>((*active)->id) : std::nullopt, actor);
    return out.status();
  });
  if (!st.ok()) return st;
  if (out.ok() && out->supersedes) RETURN_IF_ERROR(revocations_.Reload(db_, clock_.Now()));
  return out;
}

Result<RenewalReport> CertificateAuthority::RenewDue(const registry::Actor& actor) {
  if (!issuer_) return FailedPreconditionError("certificate signing keys are not open");
  RenewalReport report;
  bool revocations_changed = false;
  int64_t after = 0;
  const int64_t horizon =
      ToUnixSeconds(clock_.Now()) + int64_t{options_.renew_days} * 24 * 3600;
  for (;;) {
    std::vector<CertificateRecord> page;
    {
      ASSIGN_OR_RETURN(auto conn, db_.Acquire());
      ASSIGN_OR_RETURN(page, ListActiveCertificates(*conn, after, kRenewalPage));
    }
    if (page.empty()) break;
    after = page.back().id;
    for (const CertificateRecord& c : page) {
      ++report.checked;
      enum { kNone, kExpiring, kDosesChanged, kNoDoses } action = kNone;
      Status st = writer_.SubmitAndWait([&](storage::Connection& conn) -> Status {
        action = kNone;
        ASSIGN_OR_RETURN(auto current, FindCertificate(conn, c.id));
        if (!current || current->status != "active") return Status::Ok();
        ASSIGN_OR_RETURN(std::vector<registry::Dose> doses,
                         registry::ListPersonDoses(conn, c.person_id));
        ASSIGN_OR_RETURN(doses, KeepSignedDoses(conn, std::move(doses)));
        const auto facts = registry::ToDoseFacts(doses);
        // A change of doses wins over a near expiry: the old certificate is then wrong and
        // must be revoked, not left valid as a renewal leaves it.
        if (DoseFactsHash(facts) != c.doses_hash) {
          action = kDosesChanged;
        } else if (c.expires_at <= horizon) {
          action = kExpiring;
        } else {
          return Status::Ok();
        }
        auto issued = IssueLocked(conn, c.person_id, c.id, actor,
                                  action == kExpiring ? Reissue::kRenewal : Reissue::kChanged);
        if (issued.status().code() == StatusCode::kFailedPrecondition &&
            action == kDosesChanged) {
          action = kNoDoses;
          RETURN_IF_ERROR(EndCertificate(conn, clock_, c.id, "revoked", "no counted dose", actor));
          return RevokeRenewedCertificates(conn, clock_, c.person_id, "no counted dose", actor)
              .status();
        }
        return issued.status();
      });
      if (!st.ok()) {
        ++report.failed;
        spdlog::warn("renewing certificate {} failed: {}", c.id, st.ToString());
        continue;
      }
      if (action != kNone) revocations_changed = true;
      if (action == kExpiring) ++report.renewed_expiring;
      if (action == kDosesChanged) ++report.renewed_doses_changed;
      if (action == kNoDoses) ++report.revoked_no_doses;
    }
  }
  if (revocations_changed) RETURN_IF_ERROR(revocations_.Reload(db_, clock_.Now()));
  return report;
}

Result<std::optional<CertificateRecord>> CertificateAuthority::RefreshPerson(
    int64_t person_id, bool identity_changed, const registry::Actor& actor) {
  if (!issuer_) return FailedPreconditionError("certificate signing keys are not open");
  std::optional<CertificateRecord> issued;
  bool ended = false;
  Status st = writer_.SubmitAndWait([&](storage::Connection& conn) -> Status {
    issued.reset();
    ended = false;
    ASSIGN_OR_RETURN(auto active, ActiveCertificate(conn, person_id));
    if (!active) return Status::Ok();
    const CertificateRecord& current = *active;
    ASSIGN_OR_RETURN(std::vector<registry::Dose> doses, registry::ListPersonDoses(conn, person_id));
    ASSIGN_OR_RETURN(doses, KeepSignedDoses(conn, std::move(doses)));
    if (!identity_changed && DoseFactsHash(registry::ToDoseFacts(doses)) == current.doses_hash) {
      return Status::Ok();
    }
    auto next = IssueLocked(conn, person_id, current.id, actor);
    if (next.status().code() == StatusCode::kFailedPrecondition) {
      ended = true;
      RETURN_IF_ERROR(EndCertificate(conn, clock_, current.id, "revoked", "no counted dose", actor));
      return RevokeRenewedCertificates(conn, clock_, person_id, "no counted dose", actor).status();
    }
    if (!next.ok()) return next.status();
    issued = *next;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (issued || ended) RETURN_IF_ERROR(revocations_.Reload(db_, clock_.Now()));
  return issued;
}

Result<SignedBatch> CertificateAuthority::SignFacilityDoses(std::string_view facility_code,
                                                           int limit,
                                                           const registry::Actor& actor) {
  if (!facility_keys_) return FailedPreconditionError("certificate signing keys are not open");
  Result<SignedBatch> out = InternalError("not run");
  Status st = writer_.SubmitAndWait([&](storage::Connection& conn) {
    auto signer = facility_keys_->SignerFor(conn, clock_, facility_code);
    if (!signer.ok()) return signer.status();
    out = certs::SignFacilityDoses(conn, clock_, facility_code, *signer, limit, actor);
    return out.status();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace vaxreg::certs
