#include "certs/service/dose_signing.h"

#include <algorithm>
#include <boost/json.hpp>
#include <map>

#include "audit/audit_log.h"
#include "certs/crypto/signature.h"
#include "certs/service/facility_keys.h"
#include "common/crypto_util.h"
#include "storage/in_list.h"

namespace vaxreg::certs {
namespace {

constexpr int kMaxBatch = 20000;

// The dose columns of DoseSigningFacts, then the person's identity numbers (13 columns).
constexpr char kFactsColumns[] =
    "SELECT d.id, d.person_id, d.vaccine_code, COALESCE(d.lot, ''), d.dose_number, "
    "d.administered_at, COALESCE(d.facility_code, ''), COALESCE(d.vaccinator, ''), d.source, "
    "d.status, COALESCE(p.cccd, ''), COALESCE(p.cmnd, ''), COALESCE(p.passport, '')";
constexpr char kFactsFrom[] = " FROM doses d JOIN people p ON p.id = d.person_id ";

// Doses a facility signs: they count (status.h: active; facility record or verified
// self-declared).
constexpr char kCountingDose[] =
    "d.status = 'active' AND (d.source = 'facility' OR d.review_status = 'verified')";

DoseSigningFacts FactsFromRow(const storage::RowView& r) {
  DoseSigningFacts f;
  f.id = r.Int(0);
  f.person_id = r.Int(1);
  f.vaccine = r.Text(2);
  f.lot = r.Text(3);
  f.dose_number = r.Int(4);
  f.administered_at = r.Int(5);
  f.facility = r.Text(6);
  f.vaccinator = r.Text(7);
  f.source = r.Text(8);
  f.status = r.Text(9);
  if (!r.Text(10).empty()) {
    f.identity_number = "cccd:" + r.Text(10);
  } else if (!r.Text(11).empty()) {
    f.identity_number = "cmnd:" + r.Text(11);
  } else if (!r.Text(12).empty()) {
    f.identity_number = "passport:" + r.Text(12);
  }
  return f;
}

void Field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(":").append(std::to_string(value.size())).append(":");
  out.append(value).append("\n");
}

}  // namespace

std::string CanonicalDoseBytes(const DoseSigningFacts& d) {
  std::string out = "vaxreg-dose-v1\n";
  Field(out, "id", std::to_string(d.id));
  Field(out, "person_id", std::to_string(d.person_id));
  Field(out, "identity_number", d.identity_number);
  Field(out, "vaccine", d.vaccine);
  Field(out, "lot", d.lot);
  Field(out, "dose_number", std::to_string(d.dose_number));
  Field(out, "administered_at", std::to_string(d.administered_at));
  Field(out, "facility", d.facility);
  Field(out, "vaccinator", d.vaccinator);
  Field(out, "source", d.source);
  Field(out, "status", d.status);
  return out;
}

std::string DoseDigest(const DoseSigningFacts& d) {
  return HexEncode(Sha256(CanonicalDoseBytes(d)));
}

std::string CanonicalBatchBytes(std::string_view facility_code, std::string_view kid_hex,
                                const std::vector<std::pair<int64_t, std::string>>& id_digests) {
  std::string out = "vaxreg-dose-batch-v1\n";
  Field(out, "facility", facility_code);
  Field(out, "kid", kid_hex);
  auto sorted = id_digests;
  std::sort(sorted.begin(), sorted.end());
  for (const auto& [id, digest] : sorted) {
    out.append(std::to_string(id)).append(" ").append(digest).append("\n");
  }
  return out;
}

std::string SignedBatch::ToJson() const {
  return boost::json::serialize(boost::json::object{
      {"batch_id", batch_id == 0 ? boost::json::value(nullptr) : boost::json::value(batch_id)},
      {"kid", kid_hex},
      {"doses_signed", doses_signed},
      {"remaining", remaining}});
}

Result<SignedBatch> SignFacilityDoses(storage::Connection& conn, const Clock& clock,
                                      std::string_view facility_code, const Signer& signer,
                                      int limit, const registry::Actor& actor) {
  if (limit < 1 || limit > kMaxBatch) {
    return InvalidArgumentError("limit must be 1.." + std::to_string(kMaxBatch), "limit");
  }
  const std::string code(facility_code);
  const std::string unsigned_where = std::string("WHERE d.facility_code = $1 AND ") +
                                     kCountingDose +
                                     " AND NOT EXISTS (SELECT 1 FROM dose_signatures s "
                                     "WHERE s.dose_id = d.id) ";
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query(std::string(kFactsColumns) + kFactsFrom + unsigned_where + "ORDER BY d.id LIMIT $2",
                              {code, int64_t{limit}}));
  SignedBatch out;
  out.kid_hex = HexEncode(signer.certificate->kid());
  std::vector<std::pair<int64_t, std::string>> pairs;
  pairs.reserve(rows.size());
  for (const auto& r : rows) {
    DoseSigningFacts f = FactsFromRow(r);
    pairs.emplace_back(f.id, DoseDigest(f));
  }
  if (!pairs.empty()) {
    ASSIGN_OR_RETURN(std::string sig,
                     SignEs256(signer.key.get(), CanonicalBatchBytes(code, out.kid_hex, pairs)));
    const int64_t now = ToUnixSeconds(clock.Now());
    ASSIGN_OR_RETURN(storage::Rows ins,
                     conn.Query("INSERT INTO dose_signature_batches (facility_code, kid, "
                                "signature, dose_count, signed_by, signed_at) VALUES ($1, $2, $3, "
                                "$4, $5, $6) RETURNING id",
                                {code, out.kid_hex, HexEncode(sig),
                                 static_cast<int64_t>(pairs.size()), actor.id, now}));
    out.batch_id = ins.at(0).Int(0);
    for (const auto& [id, digest] : pairs) {
      RETURN_IF_ERROR(conn.Execute("INSERT INTO dose_signatures (dose_id, batch_id, digest) "
                                   "VALUES ($1, $2, $3)",
                                   {id, out.batch_id, digest})
                          .status());
    }
    out.doses_signed = static_cast<int64_t>(pairs.size());
    const std::string after = boost::json::serialize(boost::json::object{
        {"facility", code},
        {"kid", out.kid_hex},
        {"doses", out.doses_signed},
        {"first_dose", pairs.front().first},
        {"last_dose", pairs.back().first}});
    RETURN_IF_ERROR(audit::AppendAudit(
        conn, clock,
        {actor.id, "dose.sign_batch", "dose_signature_batch:" + std::to_string(out.batch_id),
         "null", after, actor.request_id}));
  }
  ASSIGN_OR_RETURN(storage::Rows left,
                   conn.Query("SELECT COUNT(*) FROM doses d " + unsigned_where, {code}));
  out.remaining = left.at(0).Int(0);
  return out;
}

Result<std::vector<registry::Dose>> KeepSignedDoses(storage::Connection& conn,
                                                    std::vector<registry::Dose> doses) {
  if (doses.empty()) return doses;
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query(std::string(kFactsColumns) + ", s.digest" + kFactsFrom +
                                  "JOIN dose_signatures s ON s.dose_id = d.id "
                                  "WHERE d.person_id = $1",
                              {doses.front().person_id}));
  std::map<int64_t, bool> intact;
  for (const auto& r : rows) {
    const DoseSigningFacts f = FactsFromRow(r);
    intact[f.id] = ConstantTimeEquals(DoseDigest(f), r.Text(13));
  }
  std::erase_if(doses, [&](const registry::Dose& d) {
    auto it = intact.find(d.id);
    return it == intact.end() || !it->second;
  });
  return doses;
}

Status KeepSignedDosesOfPeople(storage::Connection& conn,
                               std::unordered_map<int64_t, std::vector<registry::Dose>>& doses) {
  std::vector<storage::Value> people;
  people.reserve(doses.size());
  for (const auto& [person, list] : doses) {
    if (!list.empty()) people.emplace_back(person);
  }
  std::unordered_map<int64_t, bool> intact;
  RETURN_IF_ERROR(storage::ForEachRowIn(
      conn,
      std::string(kFactsColumns) + ", s.digest" + kFactsFrom +
          "JOIN dose_signatures s ON s.dose_id = d.id WHERE d.person_id",
      "", people, [&](const storage::RowView& r) {
        const DoseSigningFacts f = FactsFromRow(r);
        intact[f.id] = ConstantTimeEquals(DoseDigest(f), r.Text(13));
        return Status::Ok();
      }));
  for (auto& [person, list] : doses) {
    std::erase_if(list, [&](const registry::Dose& d) {
      auto it = intact.find(d.id);
      return it == intact.end() || !it->second;
    });
  }
  return Status::Ok();
}

namespace {

// The recorded facility certificate, checked against the CSCA; one lookup per (facility, kid).
class FacilityCertificates {
 public:
  FacilityCertificates(storage::Connection& conn, const Certificate& csca)
      : conn_(conn), csca_(csca) {}
  // The certificate, or the reason it cannot be used.
  Result<std::shared_ptr<const Certificate>> Get(const std::string& facility,
                                                 const std::string& kid) {
    const std::string key = facility + "/" + kid;
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    Result<std::shared_ptr<const Certificate>> r = Load(facility, kid);
    cache_.emplace(key, r);
    return r;
  }

 private:
  Result<std::shared_ptr<const Certificate>> Load(const std::string& facility,
                                                  const std::string& kid) {
    ASSIGN_OR_RETURN(auto cert, FindFacilityCertificate(conn_, facility, kid));
    if (!cert) return NotFoundError("no certificate of facility " + facility + " with kid " + kid);
    if (Status st = VerifyIssuedBy(*cert, csca_); !st.ok()) {
      return UnauthenticatedError("facility certificate " + kid + " is not issued by the CSCA");
    }
    return cert;
  }
  storage::Connection& conn_;
  const Certificate& csca_;
  std::map<std::string, Result<std::shared_ptr<const Certificate>>> cache_;
};

}  // namespace

Result<SignatureReport> VerifyDoseSignatures(storage::Connection& conn, const Certificate& csca,
                                             std::string_view facility_code) {
  const std::string code(facility_code);
  SignatureReport report;
  ASSIGN_OR_RETURN(
      storage::Rows batches,
      conn.Query("SELECT id, facility_code, kid, signature, signed_at FROM dose_signature_batches "
                 "WHERE ($1 = '' OR facility_code = $1) ORDER BY id",
                 {code}));
  FacilityCertificates certs(conn, csca);
  for (const auto& b : batches) {
    const int64_t batch_id = b.Int(0);
    const std::string facility = b.Text(1), kid = b.Text(2);
    ++report.batches_checked;
    ASSIGN_OR_RETURN(storage::Rows stored,
                     conn.Query("SELECT dose_id, digest FROM dose_signatures WHERE batch_id = $1 "
                                "ORDER BY dose_id",
                                {batch_id}));
    std::vector<std::pair<int64_t, std::string>> pairs;
    std::map<int64_t, std::string> digest_of;
    for (const auto& r : stored) {
      pairs.emplace_back(r.Int(0), r.Text(1));
      digest_of[r.Int(0)] = r.Text(1);
    }
    auto cert = certs.Get(facility, kid);
    std::string sig;
    if (!cert.ok()) {
      report.problems.push_back({0, batch_id, cert.status().message()});
    } else if (FromUnixSeconds(b.Int(4)) < (*cert)->not_before() ||
               FromUnixSeconds(b.Int(4)) > (*cert)->not_after()) {
      report.problems.push_back({0, batch_id, "signed outside the facility certificate's validity"});
    } else if (!HexDecode(b.Text(3), &sig) ||
               !VerifyEs256((*cert)->public_key(), CanonicalBatchBytes(facility, kid, pairs), sig)
                    .ok()) {
      report.problems.push_back(
          {0, batch_id, "batch signature does not verify (signature or dose list altered)"});
    }
    ASSIGN_OR_RETURN(storage::Rows doses,
                     conn.Query(std::string(kFactsColumns) + kFactsFrom +
                                    "JOIN dose_signatures s ON s.dose_id = d.id "
                                    "WHERE s.batch_id = $1 ORDER BY d.id",
                                {batch_id}));
    for (const auto& r : doses) {
      DoseSigningFacts f = FactsFromRow(r);
      ++report.doses_checked;
      const std::string& signed_digest = digest_of[f.id];
      if (f.facility != facility) {
        report.problems.push_back({f.id, batch_id, "dose of facility " + f.facility +
                                                       " signed by facility " + facility});
      } else if (DoseDigest(f) != signed_digest) {
        f.status = "active";
        if (r.Text(9) == "voided" && DoseDigest(f) == signed_digest) {
          ++report.voided_after_signing;
        } else {
          report.problems.push_back({f.id, batch_id, "dose changed after signing"});
        }
      }
    }
  }
  ASSIGN_OR_RETURN(
      storage::Rows left,
      conn.Query(std::string("SELECT COUNT(*) FROM doses d WHERE ") + kCountingDose +
                     " AND ($1 = '' OR d.facility_code = $1) AND d.facility_code IS NOT NULL "
                     "AND NOT EXISTS (SELECT 1 FROM dose_signatures s WHERE s.dose_id = d.id)",
                 {code}));
  report.unsigned_doses = left.at(0).Int(0);
  return report;
}

}  // namespace vaxreg::certs
