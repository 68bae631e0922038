#include "certs/service/certificate_authority.h"

#include <algorithm>
#include <boost/json.hpp>
#include <functional>
#include <future>
#include <map>
#include <unordered_map>

#include "audit/audit_log.h"
#include "common/crypto_util.h"
#include "common/logging.h"
#include "registry/dose.h"
#include "registry/dose_service.h"
#include "registry/person_store.h"
#include "registry/vaccine_store.h"
#include "storage/lease.h"
#include "certs/codec/base64.h"
#include "certs/shc/jwk.h"
#include "certs/trust/signed_lists.h"
#include "certs/service/refresh_queue.h"
#include "registry/facility.h"

namespace vaxreg::certs {
namespace {

constexpr int kRenewalPage = 500;
// Certificates re-issued per write transaction after a DSC withdrawal.
constexpr int kReissuePage = 2000;
// Certificates given their missing SHC after each renewal run.
constexpr int kShcBackfillPerRun = 2000;

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
  if (!options.shc_issuer.empty()) RETURN_IF_ERROR(shc::ValidateShcIssuerUrl(options.shc_issuer));
  RETURN_IF_ERROR(ca->LoadKeys());
  ca->can_issue_ = ca->loaded()->issuer != nullptr;
  if (ca->can_issue_) {
    ca->facility_keys_ = std::make_unique<FacilityKeyring>(options.key_dir, options.passphrase);
  }
  if (!options.shc_issuer.empty() && ca->loaded()->keys->shc_keys().empty()) {
    spdlog::warn("{} has no SMART Health Card key: certificates are issued without one (run "
                 "vaxreg keys rotate-shc)",
                 options.key_dir);
  }
  RETURN_IF_ERROR(ca->ReloadRevocations());
  if (options.run_scheduler && ca->can_issue_) {
    ca->scheduler_ = std::thread([p = ca.get()] { p->SchedulerLoop(); });
  }
  if (options.run_scheduler) {
    ca->refresher_ = std::thread([p = ca.get()] { p->RefreshLoop(); });
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
  if (refresher_.joinable()) refresher_.join();
}

void CertificateAuthority::RefreshLoop() {
  std::unique_lock lock(scheduler_mu_);
  while (!stopping_) {
    lock.unlock();
    {
      Status st = ReloadRevocationsIfStale();
      if (!st.ok()) spdlog::warn("reloading revocations failed: {}", st.ToString());
    }
    {
      Status st = ReloadKeysIfChanged();
      if (!st.ok()) spdlog::warn("reloading the key folder failed: {}", st.ToString());
    }
    if (can_issue_) {
      // Drain what is due, 100 at a time, but give the stop request a chance between pages.
      for (int page = 0; page < 50; ++page) {
        auto handled = HandleRefreshes({}, {"system:refresh", ""});
        if (!handled.ok()) {
          spdlog::warn("certificate refresh failed: {}", handled.status().ToString());
          break;
        }
        if (handled->empty()) break;
        std::lock_guard check(scheduler_mu_);
        if (stopping_) break;
      }
    }
    lock.lock();
    scheduler_cv_.wait_for(lock, options_.refresh_poll, [this] { return stopping_; });
  }
}

Result<std::vector<CertificateRecord>> CertificateAuthority::HandleRefreshes(
    std::span<const int64_t> people, const registry::Actor& actor) {
  std::vector<CertificateRecord> issued;
  if (!can_issue_) return issued;
  constexpr int kClaimPage = 100;
  constexpr int64_t kClaimSeconds = 120;
  if (people.empty()) {
    // The worker's poll: a read first, so an empty queue costs no write transaction.
    ASSIGN_OR_RETURN(auto conn, db_.Acquire());
    ASSIGN_OR_RETURN(bool due, AnyCertificateRefreshDue(*conn, ToUnixSeconds(clock_.Now())));
    if (!due) return issued;
  }
  const std::string token = HexEncode(RandomBytes(12));
  std::vector<RefreshDuty> duties;
  Status claimed = writer_.SubmitAndWait([&](storage::Connection& c) -> Status {
    ASSIGN_OR_RETURN(duties, ClaimCertificateRefreshes(c, token, ToUnixSeconds(clock_.Now()),
                                                       kClaimSeconds, kClaimPage, people));
    return Status::Ok();
  });
  RETURN_IF_ERROR(claimed);
  for (const RefreshDuty& duty : duties) {
    Status st = Status::Ok();
    for (const std::string& facility : duty.facilities) {
      auto signed_batch = SignFacilityDoses(facility, 20000, actor);
      // A facility that may not sign (inactive) leaves its doses uncounted; that is no failure.
      if (!signed_batch.ok() &&
          signed_batch.status().code() != StatusCode::kFailedPrecondition) {
        st = signed_batch.status();
        break;
      }
    }
    std::optional<CertificateRecord> next;
    if (st.ok()) {
      auto refreshed = RefreshPerson(duty.person_id, duty.identity_changed, actor);
      if (refreshed.status().code() == StatusCode::kNotFound ||
          refreshed.status().code() == StatusCode::kAborted) {
        // The certificate was replaced under us (the renewal sweep or another server re-issued
        // it first): look again at the one now active.
        refreshed = RefreshPerson(duty.person_id, duty.identity_changed, actor);
      }
      if (refreshed.ok()) next = std::move(*refreshed);
      else st = refreshed.status();
    }
    Status done = writer_.SubmitAndWait([&](storage::Connection& c) -> Status {
      if (st.ok()) return FinishCertificateRefresh(c, duty.person_id, token).status();
      // Back off 5 s, 10 s, 20 s, ... up to 10 minutes; any process retries.
      const int64_t delay = std::min<int64_t>(600, int64_t{5} << std::min(duty.attempts, 7));
      return FailCertificateRefresh(c, duty.person_id, token, st.ToString(),
                                    ToUnixSeconds(clock_.Now()) + delay);
    });
    if (!st.ok()) {
      spdlog::error("re-issuing the certificate of person {} failed (attempt {}): {}",
                    duty.person_id, duty.attempts, st.ToString());
    }
    if (!done.ok()) spdlog::warn("recording a certificate refresh failed: {}", done.ToString());
    if (next) issued.push_back(std::move(*next));
  }
  // A re-issue made by someone else meanwhile revoked certificates this process has not loaded.
  if (!duties.empty()) RETURN_IF_ERROR(ReloadRevocationsIfStale());
  return issued;
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
      auto rotated = RotateIfDue();
      if (!rotated.ok()) {
        spdlog::error("rotating the document signer failed: {}", rotated.status().ToString());
      }
      report = RenewDue({"system:renewal", ""});
      if (can_issue_shc()) {
        auto made = BackfillShc({"system:renewal", ""}, kShcBackfillPerRun);
        if (!made.ok()) spdlog::warn("SHC backfill failed: {}", made.status().ToString());
        if (made.ok() && *made > 0) spdlog::info("SHC backfill: {} cards made", *made);
      }
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
  auto now = loaded();
  if (now->trust_list.empty()) {
    return FailedPreconditionError("certificate signing keys are not open");
  }
  return now->trust_list;
}

Result<std::string> CertificateAuthority::SignedRevocationList() const {
  if (!can_issue_) return FailedPreconditionError("certificate signing keys are not open");
  auto snapshot = revocations_.Snapshot();
  std::vector<std::string> hashes(snapshot.first->begin(), snapshot.first->end());
  return BuildSignedRevocationList(hashes, loaded()->keys->list_signer(), clock_.Now());
}

Result<CertificateRecord> CertificateAuthority::IssueLocked(storage::Connection& conn,
                                                           int64_t person_id,
                                                           std::optional<int64_t> previous,
                                                           const registry::Actor& actor,
                                                           Reissue why) {
  const std::shared_ptr<const Loaded> keys = loaded();
  if (!keys->issuer) return FailedPreconditionError("certificate signing keys are not open");
  ASSIGN_OR_RETURN(std::vector<registry::VaccineProduct> catalogue,
                   registry::LoadVaccineProducts(conn));
  const DccIssuer issuer(keys->issuer->dsc(), catalogue, keys->issuer->options());
  FacilityNames facility_names;
  ASSIGN_OR_RETURN(CertificateRecord rec,
                   PrepareCertificate(conn, person_id, issuer, catalogue, keys->shc_issuer.get(),
                                      facility_names));
  std::optional<CertificateRecord> before;
  if (previous) {
    ASSIGN_OR_RETURN(before, FindCertificate(conn, *previous));
    if (!before || before->status != "active") {
      return NotFoundError("no active certificate with id " + std::to_string(*previous));
    }
  }
  return CommitCertificate(conn, std::move(rec), before ? &*before : nullptr, actor, why);
}

Result<CertificateRecord> CertificateAuthority::PrepareCertificate(
    storage::Connection& conn, int64_t person_id, const DccIssuer& issuer,
    const std::vector<registry::VaccineProduct>& catalogue, const shc::ShcIssuer* shc_issuer,
    FacilityNames& facility_names) const {
  ASSIGN_OR_RETURN(std::optional<registry::Person> person,
                   registry::FindPersonById(conn, person_id));
  if (!person) return NotFoundError("no person with id " + std::to_string(person_id));
  ASSIGN_OR_RETURN(std::vector<registry::Dose> doses, registry::ListPersonDoses(conn, person_id));
  ASSIGN_OR_RETURN(doses, KeepSignedDoses(conn, std::move(doses)));
  return SignCertificate(conn, *person, doses, issuer, catalogue, shc_issuer, facility_names);
}

Result<CertificateRecord> CertificateAuthority::SignCertificate(
    storage::Connection& conn, const registry::Person& person,
    const std::vector<registry::Dose>& doses, const DccIssuer& issuer,
    const std::vector<registry::VaccineProduct>& catalogue, const shc::ShcIssuer* shc_issuer,
    FacilityNames& facility_names) const {
  const int64_t person_id = person.id;
  IssueRequest request;
  request.full_name = person.full_name;
  request.date_of_birth = person.dob;
  request.doses = registry::ToDoseFacts(doses);
  ASSIGN_OR_RETURN(IssuedDcc issued, issuer.Issue(request, clock_.Now()));
  CertificateRecord rec;
  rec.person_id = person_id;
  rec.uvci = issued.uvci;
  rec.hc1 = issued.hc1;
  rec.kid_hex = HexEncode(issued.kid);
  rec.doses_hash = DoseFactsHash(request.doses);
  rec.doses = DosesText(issued);
  rec.issued_at = ToUnixSeconds(issued.issued_at);
  rec.expires_at = ToUnixSeconds(issued.expires_at);
  // The SHC of the same person and doses, valid as long as the DCC. A card that cannot be made
  // (too large for one QR code) does not hold back the DCC.
  if (shc_issuer != nullptr) {
    auto card = MakeShc(conn, *shc_issuer, person, doses, catalogue, issued.issued_at,
                        issued.expires_at, facility_names);
    if (card.ok()) {
      rec.shc_jws = std::move(card->jws);
      rec.shc_rid = std::move(card->rid);
      rec.shc_kid = std::move(card->kid);
    } else {
      spdlog::warn("certificate of person {} issued without a SMART Health Card: {}", person_id,
                   card.status().ToString());
    }
  }
  return rec;
}

Result<CertificateRecord> CertificateAuthority::CommitCertificate(storage::Connection& conn,
                                                                 CertificateRecord rec,
                                                                 const CertificateRecord* previous,
                                                                 const registry::Actor& actor,
                                                                 Reissue why,
                                                                 CertificateAudit audit) {
  if (previous != nullptr) {
    const bool renewal = why == Reissue::kRenewal;
    RETURN_IF_ERROR(EndActiveCertificate(conn, clock_, *previous, "superseded",
                                         renewal ? "renewed before expiry" : "re-issued", actor,
                                         /*publish_revocation=*/!renewal, audit));
    rec.supersedes = previous->id;
  }
  if (why == Reissue::kChanged) {
    RETURN_IF_ERROR(RevokeRenewedCertificates(conn, clock_, rec.person_id, "the record changed",
                                              actor)
                        .status());
  }
  return InsertCertificate(conn, clock_, std::move(rec), actor, audit);
}

Result<shc::IssuedShc> CertificateAuthority::MakeShc(
    storage::Connection& conn, const shc::ShcIssuer& shc_issuer, const registry::Person& person,
    const std::vector<registry::Dose>& doses,
    const std::vector<registry::VaccineProduct>& catalogue, SystemTime not_before,
    SystemTime expires_at, FacilityNames& facility_names) const {
  shc::ShcIssueRequest request;
  request.full_name = person.full_name;
  request.date_of_birth = person.dob;
  request.not_before = not_before;
  request.expires_at = expires_at;
  // The same counting facts as the DCC, plus what a card shows of each dose.
  const std::vector<registry::DoseFacts> facts = registry::ToDoseFacts(doses);
  for (size_t i = 0; i < doses.size(); ++i) {
    const registry::Dose& d = doses[i];
    auto name = facility_names.find(d.facility_code);
    if (name == facility_names.end() && !d.facility_code.empty()) {
      ASSIGN_OR_RETURN(auto facility, registry::FindFacility(conn, d.facility_code));
      name = facility_names.emplace(d.facility_code, facility ? facility->name : "").first;
    }
    request.doses.push_back({facts[i].product_code, facts[i].date, d.lot,
                             name == facility_names.end() ? "" : name->second, facts[i].voided,
                             facts[i].self_declared_pending});
  }
  return shc_issuer.Issue(request, catalogue);
}

std::shared_ptr<const ShcPublication> CertificateAuthority::shc() const {
  std::lock_guard lock(shc_mu_);
  return shc_;
}

Status CertificateAuthority::ReloadRevocationsIfStale() {
  int64_t epoch = -1;
  {
    ASSIGN_OR_RETURN(auto conn, db_.Acquire());
    ASSIGN_OR_RETURN(epoch, RevocationEpoch(*conn));
  }
  if (epoch == loaded_epoch_.load()) return Status::Ok();
  return ReloadRevocations();
}

Status CertificateAuthority::ReloadRevocations() {
  // The epoch is read first: a revocation committed while the lists load moves it again, and
  // the next poll reloads once more.
  int64_t epoch = -1;
  {
    ASSIGN_OR_RETURN(auto conn, db_.Acquire());
    ASSIGN_OR_RETURN(epoch, RevocationEpoch(*conn));
  }
  RETURN_IF_ERROR(revocations_.Reload(db_, clock_.Now()));
  RETURN_IF_ERROR(ReloadShc());
  loaded_epoch_.store(epoch);
  return Status::Ok();
}

Status CertificateAuthority::ReloadShc() {
  const std::shared_ptr<const KeyStore> keys = loaded()->keys;
  if (options_.shc_issuer.empty() || keys->shc_keys().empty()) return Status::Ok();
  std::vector<ShcRevocationRow> rows;
  {
    ASSIGN_OR_RETURN(auto conn, db_.Acquire());
    ASSIGN_OR_RETURN(rows, ListShcRevocations(*conn, ToUnixSeconds(clock_.Now())));
  }
  auto trust = std::make_shared<shc::ShcTrust>();
  trust->issuer = options_.shc_issuer;
  // Every key publishes a list, version 1 + the revocations ever published under it: the count
  // only grows (rows never leave the revocation list), so every server of a deployment computes
  // the same version from the same database, and it rises with each revocation.
  for (const auto& cert : keys->shc_keys()) {
    ASSIGN_OR_RETURN(std::string kid, shc::JwkThumbprint(cert->public_key()));
    trust->crls.emplace(kid, shc::ShcCrl{kid, 1, {}});
  }
  for (const ShcRevocationRow& r : rows) {
    auto crl = trust->crls.find(r.kid);
    if (crl == trust->crls.end()) continue;  // a key no longer in the folder
    ++crl->second.ctr;
    if (r.unexpired) crl->second.rids.emplace(r.rid, std::nullopt);
  }
  boost::json::array jwks;
  std::string all;
  for (const auto& cert : keys->shc_keys()) {
    shc::ShcKey key;
    ASSIGN_OR_RETURN(key.kid, shc::JwkThumbprint(cert->public_key()));
    key.key = std::shared_ptr<EVP_PKEY>(cert, cert->public_key());  // lives as long as `cert`
    key.crl_version = trust->crls.at(key.kid).ctr;
    ASSIGN_OR_RETURN(boost::json::object jwk, shc::PublicJwk(key.key.get(), key.crl_version));
    jwks.push_back(std::move(jwk));
    all += trust->crls.at(key.kid).ToJson();
    trust->keys.Add(std::move(key));
  }
  auto publication = std::make_shared<ShcPublication>();
  publication->jwks = boost::json::serialize(boost::json::object{{"keys", std::move(jwks)}});
  publication->version = HexEncode(Sha256(publication->jwks + all)).substr(0, 32);
  publication->trust = std::move(trust);
  std::lock_guard lock(shc_mu_);
  shc_ = std::move(publication);
  return Status::Ok();
}

Result<CertificateRecord> CertificateAuthority::EnsureShc(int64_t certificate_id,
                                                         const registry::Actor& actor) {
  if (!can_issue_shc()) {
    return FailedPreconditionError("SMART Health Cards are not issued here (no SHC key or "
                                   "certs.shc_issuer)");
  }
  Result<CertificateRecord> out = InternalError("not run");
  Status st = writer_.SubmitAndWait([&](storage::Connection& conn) -> Status {
    out = InternalError("not run");
    ASSIGN_OR_RETURN(std::optional<CertificateRecord> rec, FindCertificate(conn, certificate_id));
    if (!rec) return NotFoundError("no certificate with id " + std::to_string(certificate_id));
    if (!rec->shc_jws.empty()) {
      out = *rec;
      return Status::Ok();
    }
    if (rec->status != "active") {
      return FailedPreconditionError("certificate " + std::to_string(certificate_id) +
                                     " has ended; it gets no SMART Health Card");
    }
    ASSIGN_OR_RETURN(std::optional<registry::Person> person,
                     registry::FindPersonById(conn, rec->person_id));
    if (!person) return NotFoundError("no person with id " + std::to_string(rec->person_id));
    ASSIGN_OR_RETURN(std::vector<registry::Dose> doses,
                     registry::ListPersonDoses(conn, rec->person_id));
    ASSIGN_OR_RETURN(doses, KeepSignedDoses(conn, std::move(doses)));
    if (DoseFactsHash(registry::ToDoseFacts(doses)) != rec->doses_hash) {
      return FailedPreconditionError("the record changed since certificate " +
                                     std::to_string(certificate_id) +
                                     " was issued: it is being re-issued, ask again shortly");
    }
    ASSIGN_OR_RETURN(std::vector<registry::VaccineProduct> catalogue,
                     registry::LoadVaccineProducts(conn));
    const std::shared_ptr<const shc::ShcIssuer> shc_issuer = loaded()->shc_issuer;
    if (!shc_issuer) return FailedPreconditionError("no SMART Health Card key is open");
    FacilityNames facility_names;
    ASSIGN_OR_RETURN(shc::IssuedShc card,
                     MakeShc(conn, *shc_issuer, *person, doses, catalogue, clock_.Now(),
                             FromUnixSeconds(rec->expires_at), facility_names));
    Status stored = SetCertificateShc(conn, clock_, rec->id, card.jws, card.rid, card.kid, actor);
    if (stored.code() == StatusCode::kNotFound) {
      // Another server made this certificate's card first: that one is the card.
      ASSIGN_OR_RETURN(std::optional<CertificateRecord> winner,
                       FindCertificate(conn, certificate_id));
      if (winner && !winner->shc_jws.empty()) {
        out = *winner;
        return Status::Ok();
      }
    }
    RETURN_IF_ERROR(stored);
    rec->shc_jws = std::move(card.jws);
    rec->shc_rid = std::move(card.rid);
    rec->shc_kid = std::move(card.kid);
    out = *rec;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<int> CertificateAuthority::BackfillShc(const registry::Actor& actor, int limit) {
  if (!can_issue_shc()) return 0;
  int made = 0;
  int64_t after = 0;
  while (made < limit) {
    std::vector<CertificateRecord> page;
    {
      ASSIGN_OR_RETURN(auto conn, db_.Acquire());
      ASSIGN_OR_RETURN(page, ListActiveWithoutShc(*conn, after, std::min(limit, kRenewalPage)));
    }
    if (page.empty()) break;
    after = page.back().id;
    for (const CertificateRecord& c : page) {
      auto card = EnsureShc(c.id, actor);
      if (card.ok()) {
        ++made;
      } else if (card.status().code() != StatusCode::kFailedPrecondition &&
                 card.status().code() != StatusCode::kResourceExhausted &&
                 card.status().code() != StatusCode::kNotFound) {
        return card.status();
      }
    }
  }
  return made;
}

Result<CertificateRecord> CertificateAuthority::IssueForPerson(int64_t person_id,
                                                              const registry::Actor& actor) {
  if (!can_issue_) return FailedPreconditionError("certificate signing keys are not open");
  Result<CertificateRecord> out = InternalError("not run");
  Status st = writer_.SubmitAndWait([&](storage::Connection& conn) -> Status {
    const int64_t people[] = {person_id};
    RETURN_IF_ERROR(registry::LockPeopleForDoseWrites(conn, people));
    auto active = ActiveCertificate(conn, person_id);
    if (!active.ok()) return active.status();
    out = IssueLocked(conn, person_id,
                      *active ? std::optional<int64_t>((*active)->id) : std::nullopt, actor);
    return out.status();
  });
  if (!st.ok()) return st;
  if (out.ok() && out->supersedes) RETURN_IF_ERROR(ReloadRevocations());
  return out;
}

Result<std::optional<CertificateRecord>> CertificateAuthority::IssueFirstCertificate(
    int64_t person_id, const registry::Actor& actor) {
  if (!can_issue_) return FailedPreconditionError("certificate signing keys are not open");
  std::optional<CertificateRecord> out;
  Status st = writer_.SubmitAndWait([&](storage::Connection& conn) -> Status {
    const int64_t people[] = {person_id};
    RETURN_IF_ERROR(registry::LockPeopleForDoseWrites(conn, people));
    ASSIGN_OR_RETURN(auto active, ActiveCertificate(conn, person_id));
    if (active) return Status::Ok();
    ASSIGN_OR_RETURN(CertificateRecord rec, IssueLocked(conn, person_id, std::nullopt, actor));
    out = std::move(rec);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<CertificateRecord> CertificateAuthority::Revoke(int64_t id, std::string_view reason,
                                                     const registry::Actor& actor) {
  Result<CertificateRecord> out = InternalError("not run");
  Status st = writer_.SubmitAndWait([&](storage::Connection& conn) -> Status {
    ASSIGN_OR_RETURN(std::optional<CertificateRecord> found, FindCertificate(conn, id));
    if (!found || found->status != "active") {
      return NotFoundError("no active certificate " + std::to_string(id));
    }
    RETURN_IF_ERROR(EndCertificate(conn, clock_, id, "revoked", reason, actor));
    RETURN_IF_ERROR(
        RevokeRenewedCertificates(conn, clock_, found->person_id, reason, actor).status());
    ASSIGN_OR_RETURN(found, FindCertificate(conn, id));
    out = *std::move(found);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  RETURN_IF_ERROR(ReloadRevocations());
  return out;
}

Status CertificateAuthority::ForEachActivePage(
    const std::function<Status(const std::vector<CertificateRecord>&)>& visit) {
  int64_t after = 0;
  for (;;) {
    std::vector<CertificateRecord> page;
    {
      ASSIGN_OR_RETURN(auto conn, db_.Acquire());
      ASSIGN_OR_RETURN(page, ListActiveCertificates(*conn, after, kRenewalPage));
    }
    if (page.empty()) return Status::Ok();
    after = page.back().id;
    RETURN_IF_ERROR(visit(page));
  }
}

Result<RenewalReport> CertificateAuthority::RenewDue(const registry::Actor& actor) {
  if (!can_issue_) return FailedPreconditionError("certificate signing keys are not open");
  RenewalReport report;
  bool revocations_changed = false;
  const int64_t horizon =
      ToUnixSeconds(clock_.Now()) + int64_t{options_.renew_days} * 24 * 3600;
  Status swept = ForEachActivePage([&](const std::vector<CertificateRecord>& page) {
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
    return Status::Ok();
  });
  RETURN_IF_ERROR(swept);
  if (revocations_changed) RETURN_IF_ERROR(ReloadRevocations());
  return report;
}

Result<std::optional<CertificateRecord>> CertificateAuthority::RefreshPerson(
    int64_t person_id, bool identity_changed, const registry::Actor& actor) {
  if (!can_issue_) return FailedPreconditionError("certificate signing keys are not open");
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
  if (issued || ended) RETURN_IF_ERROR(ReloadRevocations());
  return issued;
}

std::shared_ptr<const CertificateAuthority::Loaded> CertificateAuthority::loaded() const {
  std::lock_guard lock(loaded_mu_);
  return loaded_;
}

std::shared_ptr<const KeyStore> CertificateAuthority::keys() const { return loaded()->keys; }

std::shared_ptr<const TrustStore> CertificateAuthority::trust() const { return loaded()->trust; }

Status CertificateAuthority::LoadKeys() {
  auto next = std::make_shared<Loaded>();
  // Read before the keys: a change made while they load shows at the next comparison.
  next->folder_version = KeyStore::FolderVersion(options_.key_dir);
  KeyStore ks;
  if (options_.passphrase.empty()) {
    ASSIGN_OR_RETURN(ks, KeyStore::LoadPublic(options_.key_dir));
  } else {
    ASSIGN_OR_RETURN(ks, KeyStore::Open(options_.key_dir, options_.passphrase));
  }
  auto keys = std::make_shared<const KeyStore>(std::move(ks));
  auto trust = std::make_shared<InMemoryTrustStore>();
  for (const auto& dsc : keys->dscs()) trust->Add(dsc);
  if (!options_.passphrase.empty()) {
    next->issuer = std::make_shared<const DccIssuer>(keys->active_dsc(), registry::BuiltInVaccines());
    ASSIGN_OR_RETURN(next->trust_list, BuildSignedTrustList(*keys, clock_.Now()));
  }
  if (!options_.shc_issuer.empty() && keys->active_shc().key) {
    ASSIGN_OR_RETURN(std::unique_ptr<shc::ShcIssuer> shc,
                     shc::ShcIssuer::Create(keys->active_shc().key, {options_.shc_issuer}));
    next->shc_issuer = std::move(shc);
  }
  next->keys = std::move(keys);
  next->trust = std::move(trust);
  std::lock_guard lock(loaded_mu_);
  loaded_ = std::move(next);
  return Status::Ok();
}

Status CertificateAuthority::ReloadKeysIfChanged() {
  if (KeyStore::FolderVersion(options_.key_dir) == loaded()->folder_version) return Status::Ok();
  const std::string before = signer_health().kid;
  RETURN_IF_ERROR(LoadKeys());
  const SignerHealth now = signer_health();
  spdlog::info("key folder {} changed: loaded {} DSC(s), active {} (valid until {})",
               options_.key_dir, loaded()->keys->dscs().size(), now.kid,
               FormatIso8601(FromUnixSeconds(now.not_after)));
  if (before != now.kid) spdlog::info("the active DSC changed from {} to {}", before, now.kid);
  return ReloadShc();
}

CertificateAuthority::SignerHealth CertificateAuthority::signer_health() const {
  SignerHealth h;
  const std::shared_ptr<const Loaded> keys = loaded();
  if (keys->keys->dscs().empty()) return h;
  const auto& dsc = keys->keys->dscs().back();
  const SystemTime now = clock_.Now();
  h.kid = Base64Encode(dsc->kid());
  h.not_after = ToUnixSeconds(dsc->not_after());
  h.days_left = (h.not_after - ToUnixSeconds(now)) / 86400;
  // A DSC must outlive every certificate it signs: a full-length one issued at the end of the
  // renewal window, plus a week to spare for a rotation that has to be retried.
  const int months = keys->issuer ? keys->issuer->options().validity_months : 12;
  const SystemTime needed = AddCalendarMonths(now, months) +
                            std::chrono::hours(24) * (options_.renew_days + 7);
  h.rotation_due = dsc->not_after() < needed;
  return h;
}

Result<bool> CertificateAuthority::RotateIfDue() {
  if (!can_issue_) return false;
  RETURN_IF_ERROR(ReloadKeysIfChanged());  // another server may have rotated already
  if (!signer_health().rotation_due) return false;
  const std::string& me = storage::ThisProcessLeaseHolder();
  Result<bool> mine = false;
  RETURN_IF_ERROR(writer_.SubmitAndWait([&](storage::Connection& c) {
    mine = storage::TryAcquireLease(c, "dsc_rotation", me, ToUnixSeconds(clock_.Now()), 300);
    return mine.status();
  }));
  if (!*mine) return false;
  Result<bool> rotated = false;
  Status st = ReloadKeysIfChanged();
  if (st.ok() && signer_health().rotation_due) {
    const SignerHealth old = signer_health();
    auto dsc = KeyStore::Rotate(options_.key_dir, options_.passphrase, clock_.Now());
    if (!dsc.ok()) {
      st = dsc.status();
    } else {
      spdlog::warn("DSC {} ends on {}, too soon for a {}-day renewal of 12-month certificates: "
                   "rotated to the new DSC {}; {} stays in the trust list until it expires",
                   old.kid, FormatIso8601(FromUnixSeconds(old.not_after)), options_.renew_days,
                   Base64Encode((*dsc)->kid()), old.kid);
      st = LoadKeys();
      if (st.ok()) st = ReloadShc();
      rotated = true;
    }
  }
  Status released = writer_.SubmitAndWait(
      [&](storage::Connection& c) { return storage::ReleaseLease(c, "dsc_rotation", me); });
  if (!released.ok()) spdlog::warn("releasing the DSC rotation lease: {}", released.ToString());
  RETURN_IF_ERROR(st);
  return rotated;
}

namespace {

// One page of a re-issue: the certificates signed by the withdrawn DSC, and for each its
// successor signed ahead of the write (or why there is none).
struct ReissuePage {
  std::vector<CertificateRecord> old;
  std::vector<Result<CertificateRecord>> next;
  int64_t done = 0;
};

}  // namespace

Result<int64_t> CertificateAuthority::ReissueSignedBy(std::string_view kid_hex,
                                                      const registry::Actor& actor) {
  if (!can_issue_) return FailedPreconditionError("certificate signing keys are not open");
  RETURN_IF_ERROR(ReloadKeysIfChanged());
  const std::shared_ptr<const Loaded> keys = loaded();
  if (HexEncode(keys->keys->active_dsc().certificate->kid()) == kid_hex) {
    return FailedPreconditionError("DSC " + std::string(kid_hex) +
                                   " is still the active one: withdraw it first "
                                   "(vaxreg keys compromise)");
  }
  std::vector<registry::VaccineProduct> catalogue;
  {
    ASSIGN_OR_RETURN(auto conn, db_.Acquire());
    ASSIGN_OR_RETURN(catalogue, registry::LoadVaccineProducts(*conn));
  }
  const DccIssuer issuer(keys->issuer->dsc(), catalogue, keys->issuer->options());
  const size_t threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);

  // Each page is read and signed on `threads` threads over pooled read connections, then written
  // in one transaction on the writer while the next page is signed. A certificate replaced
  // between the two (a correction, a renewal, another server's run) is left alone; a failure
  // rolls its page back, and running again resumes where the withdrawn DSC still signs.
  int64_t reissued = 0;
  std::shared_ptr<ReissuePage> writing;
  std::future<Status> written;
  auto finish_write = [&]() -> Status {
    if (!writing) return Status::Ok();
    Status st = written.get();
    if (st.ok()) {
      reissued += writing->done;
      if (progress_) progress_(reissued);
    }
    writing.reset();
    return st;
  };
  int64_t after = 0;
  const auto walk_page = [&]() -> Result<bool> {
    auto page = std::make_shared<ReissuePage>();
    {
      ASSIGN_OR_RETURN(auto conn, db_.Acquire());
      ASSIGN_OR_RETURN(page->old,
                       ListActiveCertificatesSignedBy(*conn, kid_hex, after, kReissuePage));
    }
    if (page->old.empty()) return false;
    after = page->old.back().id;
    const size_t n = page->old.size();
    page->next.assign(n, InternalError("not prepared"));
    std::vector<std::thread> workers;
    for (size_t t = 0; t < std::min(threads, n); ++t) {
      workers.emplace_back([&, t] {
        // This thread's share of the page: its people and their signed doses read with a few
        // batched statements, then each certificate signed.
        std::vector<size_t> mine;
        std::vector<int64_t> people;
        for (size_t i = t; i < n; i += threads) {
          mine.push_back(i);
          people.push_back(page->old[i].person_id);
        }
        auto fail = [&](const Status& st) {
          for (size_t i : mine) page->next[i] = st;
        };
        auto conn = db_.Acquire();
        if (!conn.ok()) return fail(conn.status());
        auto found = registry::FindPeopleByIds(**conn, people);
        if (!found.ok()) return fail(found.status());
        auto doses = registry::ListDosesOfPeople(**conn, people);
        if (!doses.ok()) return fail(doses.status());
        if (Status st = KeepSignedDosesOfPeople(**conn, *doses); !st.ok()) return fail(st);
        std::unordered_map<int64_t, const registry::Person*> person_of;
        for (const registry::Person& p : *found) person_of.emplace(p.id, &p);
        const std::vector<registry::Dose> none;
        FacilityNames facility_names;
        for (size_t i : mine) {
          const int64_t id = page->old[i].person_id;
          auto p = person_of.find(id);
          if (p == person_of.end()) {
            page->next[i] = NotFoundError("no person with id " + std::to_string(id));
            continue;
          }
          auto d = doses->find(id);
          page->next[i] = SignCertificate(**conn, *p->second, d == doses->end() ? none : d->second,
                                          issuer, catalogue, keys->shc_issuer.get(),
                                          facility_names);
        }
      });
    }
    for (std::thread& w : workers) w.join();
    RETURN_IF_ERROR(finish_write());
    auto promise = std::make_shared<std::promise<Status>>();
    written = promise->get_future();
    writing = page;
    writer_.Submit(
        [this, page, actor, kid = std::string(kid_hex)](storage::Connection& conn) -> Status {
          page->done = 0;  // the write may run again after losing to another transaction
          // One audit entry for the page (as an import audits a chunk): each new row names the
          // row it supersedes, and the entry carries a digest of those links to check them by.
          std::string links;
          boost::json::array revoked;
          int64_t first_id = 0, last_id = 0;
          for (size_t i = 0; i < page->old.size(); ++i) {
            const CertificateRecord& old = page->old[i];
            const Result<CertificateRecord>& next = page->next[i];
            Status st;
            if (next.status().code() == StatusCode::kFailedPrecondition) {
              // Nothing left to certify: the withdrawn certificate is revoked without successor.
              st = EndActiveCertificate(conn, clock_, old, "revoked", "signing key withdrawn",
                                        actor, true, CertificateAudit::kByCaller);
              if (st.ok()) revoked.push_back(old.id);
            } else if (!next.ok()) {
              return next.status();
            } else {
              auto stored = CommitCertificate(conn, *next, &old, actor, Reissue::kChanged,
                                              CertificateAudit::kByCaller);
              st = stored.status();
              if (st.ok()) {
                if (first_id == 0) first_id = stored->id;
                last_id = stored->id;
                links += std::to_string(stored->id) + ":" + std::to_string(old.id) + ":" +
                         stored->uvci + "\n";
              }
            }
            if (st.code() == StatusCode::kNotFound) continue;  // replaced meanwhile
            RETURN_IF_ERROR(st);
            ++page->done;
          }
          if (page->done == 0) return Status::Ok();
          const std::string summary = boost::json::serialize(boost::json::object{
              {"withdrawn_kid", kid},
              {"reissued", page->done - static_cast<int64_t>(revoked.size())},
              {"first_id", first_id},
              {"last_id", last_id},
              {"links_sha256", HexEncode(Sha256(links))},
              {"revoked_without_successor", std::move(revoked)}});
          return audit::AppendAudit(
              conn, clock_,
              {actor.id, "certificate.reissue_withdrawn_key",
               "certificates:" + std::to_string(first_id) + "-" + std::to_string(last_id), "null",
               summary, actor.request_id});
        },
        [promise](Status st) { promise->set_value(std::move(st)); });
    return true;
  };
  Status walked = Status::Ok();
  for (;;) {
    Result<bool> more = walk_page();
    if (!more.ok()) walked = more.status();
    if (!more.ok() || !*more) break;
  }
  // The last page's write, and the one in flight when the walk failed, end before the return.
  Status last = finish_write();
  RETURN_IF_ERROR(walked);
  RETURN_IF_ERROR(last);
  RETURN_IF_ERROR(ReloadRevocations());
  return reissued;
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
