#include "app/demo_certificates.h"

#include "certs/keys/key_store.h"
#include "certs/service/certificate_authority.h"

namespace vaxreg::app {

Status EnsureDemoKeys(const std::string& key_dir, const std::string& passphrase,
                      const Clock& clock) {
  Status st = certs::KeyStore::Init(key_dir, passphrase, clock.Now());
  if (st.code() != StatusCode::kAlreadyExists) return st;
  // A folder from before SMART Health Card support: give it its SHC key.
  ASSIGN_OR_RETURN(certs::KeyStore keys, certs::KeyStore::LoadPublic(key_dir));
  if (!keys.shc_keys().empty()) return Status::Ok();
  return certs::KeyStore::RotateShc(key_dir, passphrase, clock.Now()).status();
}

Result<DemoCertificateReport> SeedDemoCertificates(storage::Database& db,
                                                   storage::GroupCommitWriter& writer,
                                                   const Clock& clock, const std::string& key_dir,
                                                   const std::string& passphrase,
                                                   int64_t max_people,
                                                   const std::string& shc_issuer) {
  RETURN_IF_ERROR(EnsureDemoKeys(key_dir, passphrase, clock));
  certs::CertificateAuthorityOptions o;
  o.key_dir = key_dir;
  o.passphrase = passphrase;
  o.shc_issuer = shc_issuer;
  o.run_scheduler = false;
  ASSIGN_OR_RETURN(auto ca, certs::CertificateAuthority::Start(o, db, writer, clock));
  const registry::Actor actor{"system:demo-seed", ""};
  DemoCertificateReport report;
  std::vector<std::string> facilities;
  std::vector<int64_t> people;
  {
    ASSIGN_OR_RETURN(auto conn, db.Acquire());
    ASSIGN_OR_RETURN(storage::Rows rows,
                     conn->Query("SELECT DISTINCT d.facility_code FROM doses d "
                                 "JOIN facilities f ON f.code = d.facility_code "
                                 "WHERE f.status = 'active' AND f.province_code = '01' AND "
                                 "NOT EXISTS "
                                 "(SELECT 1 FROM dose_signatures s WHERE s.dose_id = d.id) "
                                 "ORDER BY d.facility_code",
                                 {}));
    for (const auto& row : rows) facilities.push_back(row.Text(0));
  }
  for (const std::string& facility : facilities) {
    for (;;) {
      ASSIGN_OR_RETURN(certs::SignedBatch batch, ca->SignFacilityDoses(facility, 20000, actor));
      report.doses_signed += batch.doses_signed;
      if (batch.doses_signed == 0 || batch.remaining == 0) break;
    }
  }
  {
    ASSIGN_OR_RETURN(auto conn, db.Acquire());
    ASSIGN_OR_RETURN(
        storage::Rows rows,
        conn->Query("SELECT p.id FROM people p WHERE p.vax_status <> 'none' AND "
                    "p.province_code = '01' AND NOT EXISTS "
                    "(SELECT 1 FROM certificates c WHERE c.person_id = p.id AND "
                    "c.status = 'active') ORDER BY CASE WHEN p.cccd = '001090012345' THEN 0 "
                    "ELSE 1 END, p.id LIMIT $1",
                    {max_people}));
    for (const auto& row : rows) people.push_back(row.Int(0));
  }
  for (int64_t person : people) {
    auto issued = ca->IssueForPerson(person, actor);
    // A person whose counted doses are all unsigned or self-declared has nothing to certify.
    if (!issued.ok() && issued.status().code() == StatusCode::kFailedPrecondition) continue;
    RETURN_IF_ERROR(issued.status());
    ++report.certificates_issued;
  }
  ASSIGN_OR_RETURN(report.smart_health_cards_backfilled,
                   ca->BackfillShc(actor, static_cast<int>(max_people)));
  ca->StopScheduler();
  return report;
}

}  // namespace vaxreg::app
