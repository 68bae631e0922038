// Re-issuing the certificates of a withdrawn DSC (`vaxreg keys compromise`), measured on a real
// SQLite database in a temporary folder:
//   setup:   N people with two facility-signed doses each, one certificate each (DCC + SMART
//            Health Card) signed by the first DSC;
//   reissue: KeyStore::Compromise of that DSC (a new one is made), then
//            CertificateAuthority::ReissueSignedBy: every active certificate read, re-issued
//            with the new DSC (two ECDSA signatures), the old one revoked, audited;
//   raw:     ECDSA P-256 signatures/s on 1 and 2 threads (bench/common/raw_sign.h), the same run.
// Prints certificates/s, the share of the raw single-thread sign rate that two signatures per
// certificate represent, and the time 1,000,000 certificates would take at that rate.
// Usage: bench_cert_reissue [people=20000] [folder=/tmp]

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "bench/common/rate.h"
#include "bench/common/raw_sign.h"
#include "certs/crypto/signature.h"
#include "certs/crypto/x509.h"
#include "certs/keys/key_store.h"
#include "certs/service/certificate_authority.h"
#include "common/crypto_util.h"
#include "common/logging.h"
#include "registry/dose_service.h"
#include "registry/facility.h"
#include "registry/person.h"
#include "registry/person_store.h"
#include "registry/vaccine_catalogue.h"
#include "registry/vaccine_store.h"
#include "storage/group_commit.h"
#include "storage/migrate.h"
#include "storage/database.h"

namespace {

using namespace vaxreg;
using Seconds = std::chrono::duration<double>;

void Check(const Status& st, const std::string& what) {
  if (st.ok()) return;
  std::fprintf(stderr, "bench_cert_reissue: %s: %s\n", what.c_str(), st.ToString().c_str());
  std::exit(1);
}

double Since(std::chrono::steady_clock::time_point t0) {
  return Seconds(std::chrono::steady_clock::now() - t0).count();
}

// N people in Hà Nội, each with doses 1 and 2 of Comirnaty at HN-BENCH, 1,000 per transaction.
void SeedPeople(storage::GroupCommitWriter& writer, int people) {
  const auto& clock = SystemClock::Get();
  const registry::Actor sys{"bench", ""};
  Check(writer.SubmitAndWait([&](storage::Connection& c) -> Status {
          RETURN_IF_ERROR(registry::SeedBuiltInVaccines(c, clock));
          registry::Facility f{"HN-BENCH", "Bệnh viện Bạch Mai", "01", "006", "00199", "",
                               "applied", 1000, "", 0};
          RETURN_IF_ERROR(registry::ApplyFacility(c, clock, f, sys).status());
          return registry::DecideFacility(c, clock, "HN-BENCH", "active", "", sys).status();
        }),
        "facility");
  const auto today = registry::DayOf(ToUnixSeconds(clock.Now()));
  for (int first = 0; first < people; first += 1000) {
    Check(writer.SubmitAndWait([&](storage::Connection& c) -> Status {
            for (int i = first; i < std::min(people, first + 1000); ++i) {
              registry::NewPerson np;
              char cccd[32];
              std::snprintf(cccd, sizeof cccd, "001190%06d", i);
              np.cccd = cccd;
              np.full_name = "Nguyễn Thị Hồng Nhung";
              np.dob = "1990-05-01";
              np.sex = "F";
              np.province_code = "01";
              ASSIGN_OR_RETURN(registry::Person p, registry::ValidateNewPerson(np, today));
              ASSIGN_OR_RETURN(registry::Person inserted, registry::InsertPerson(c, clock, p, sys));
              for (int n = 1; n <= 2; ++n) {
                registry::NewDose d;
                d.person_id = inserted.id;
                d.vaccine_code = "COMIRNATY";
                d.dose_number = n;
                d.administered_at = 1627779600 + (n - 1) * 28 * 86400;
                d.facility_code = "HN-BENCH";
                d.lot = "FK" + std::to_string(n);
                RETURN_IF_ERROR(registry::RecordDose(c, clock, registry::BuiltInVaccines(), d,
                                                     registry::DoseWriter::System("bench"))
                                    .status());
              }
            }
            return Status::Ok();
          }),
          "people");
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int people = argc > 1 ? std::atoi(argv[1]) : 20000;
  const std::string folder = argc > 2 ? argv[2] : "/tmp";
  if (people < 1) Check(InvalidArgumentError("people must be positive"), "usage");
  InitCrypto();
  InitLogging("warn");
  const std::filesystem::path work =
      std::filesystem::path(folder) / ("vaxreg_bench_reissue_" + std::to_string(getpid()));
  std::filesystem::remove_all(work);
  std::filesystem::create_directories(work);
  const std::string passphrase = "bench key passphrase";
  Check(certs::KeyStore::Init(work / "keys", passphrase, SystemClock::Get().Now()), "keys");

  auto db = storage::OpenDatabase("sqlite:" + (work / "v.db").string(), {.pool_size = 2});
  Check(db.status(), "open");
  Check(storage::Migrate(**db).status(), "migrate");
  auto writer = storage::GroupCommitWriter::Start(**db);
  Check(writer.status(), "writer");
  certs::CertificateAuthorityOptions o;
  o.key_dir = (work / "keys").string();
  o.passphrase = passphrase;
  o.shc_issuer = "https://vaxreg.example.vn";
  o.run_scheduler = false;
  auto ca = certs::CertificateAuthority::Start(o, **db, **writer, SystemClock::Get());
  Check(ca.status(), "authority");

  auto t0 = std::chrono::steady_clock::now();
  SeedPeople(**writer, people);
  std::printf("setup: %d people with 2 doses in %.1f s\n", people, Since(t0));
  t0 = std::chrono::steady_clock::now();
  for (;;) {
    auto batch = (*ca)->SignFacilityDoses("HN-BENCH", 20000, {"bench", ""});
    Check(batch.status(), "sign doses");
    if (batch->remaining == 0) break;
  }
  std::printf("setup: %d doses signed by the facility in %.1f s\n", 2 * people, Since(t0));
  t0 = std::chrono::steady_clock::now();
  for (int id = 1; id <= people; ++id) {
    Check((*ca)->IssueForPerson(id, {"bench", ""}).status(), "issue");
  }
  const double first_issue = Since(t0);
  std::printf("setup: %d certificates issued one by one (IssueForPerson) in %.1f s: %.0f/s\n",
              people, first_issue, people / first_issue);

  const std::string old_kid = (*ca)->keys()->active_dsc().certificate->kid();
  auto withdrawn = certs::KeyStore::Compromise(work / "keys", passphrase, old_kid,
                                               SystemClock::Get().Now(), "bench");
  Check(withdrawn.status(), "compromise");
  Check((*ca)->ReloadKeysIfChanged(), "reload keys");
  t0 = std::chrono::steady_clock::now();
  auto reissued = (*ca)->ReissueSignedBy(HexEncode(old_kid), {"bench", ""});
  const double reissue = Since(t0);
  Check(reissued.status(), "reissue");
  if (*reissued != people) Check(InternalError("re-issued " + std::to_string(*reissued)), "count");

  auto key = certs::GenerateP256Key();
  Check(key.status(), "key");
  bench::RawSign raw{key->get(), {}};
  const double raw_seconds = 4.0;
  const double raw1 = static_cast<double>(bench::CountCalls(1, raw_seconds, raw)) / raw_seconds;
  const double raw2 = static_cast<double>(bench::CountCalls(2, raw_seconds, raw)) / raw_seconds;
  const double rate = people / reissue;
  std::printf("raw ECDSA P-256 sign: %.0f/s on 1 thread, %.0f/s on 2 threads\n", raw1, raw2);
  std::printf("re-issue after withdrawal: %d certificates in %.2f s = %.0f certificates/s "
              "(2 signatures each: %.1f%% of the raw 1-thread sign rate)\n",
              people, reissue, rate, 100.0 * 2 * rate / raw1);
  std::printf("1,000,000 certificates at this rate: %.0f s (target 60 s)\n", 1e6 / rate);
  writer->get()->Stop();
  std::filesystem::remove_all(work);
  return 0;
}
