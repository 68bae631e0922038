#pragma once
// Certificates for the demo: with certs.key_dir set (scripts/run-demo.sh sets var/demo-keys and a
// published DEMO ONLY passphrase), the key folder is created on first use, the demo facilities of
// Hà Nội (province 01, HN-BACHMAI among them) sign their doses (step 2) and certificates are
// issued for the demo citizen and people of Hà Nội (step 3), so the certificate, trust-list and
// verify routes work out of the box. Facilities elsewhere sign when a user asks (each facility's
// first signature creates its key, which takes a moment), so the demo starts in seconds. Never
// point these at real keys: the demo passphrase is in the README.

#include <cstdint>
#include <string>

#include "common/clock.h"
#include "storage/database.h"
#include "storage/group_commit.h"

namespace vaxreg::app {

// Creates the key folder (CSCA, trust-list signer, DSC, SMART Health Card key) unless it holds
// keys already, and adds an SHC key to a folder made before SHC support.
Status EnsureDemoKeys(const std::string& key_dir, const std::string& passphrase,
                      const Clock& clock);

struct DemoCertificateReport {
  int64_t doses_signed = 0;
  int64_t certificates_issued = 0;
  int64_t smart_health_cards_backfilled = 0;
};

// Signs every unsigned dose of the active facilities of province 01 and issues certificates for
// up to `max_people` people of province 01 with counted doses and no active certificate (the demo
// citizen first), each with its SMART Health Card under `shc_issuer` (the server's issuer URL);
// certificates issued before the folder had an SHC key get their card too. Idempotent.
Result<DemoCertificateReport> SeedDemoCertificates(storage::Database& db,
                                                   storage::GroupCommitWriter& writer,
                                                   const Clock& clock, const std::string& key_dir,
                                                   const std::string& passphrase,
                                                   int64_t max_people,
                                                   const std::string& shc_issuer);

}  // namespace vaxreg::app
