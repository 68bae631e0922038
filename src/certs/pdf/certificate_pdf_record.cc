#include "certs/pdf/certificate_pdf_record.h"

#include <map>

#include "certs/service/certificate_authority.h"
#include "certs/service/dose_signing.h"
#include "certs/shc/numeric.h"
#include "registry/dose.h"
#include "registry/dose_service.h"
#include "registry/facility.h"
#include "registry/person.h"
#include "registry/person_store.h"
#include "registry/vaccination_status.h"
#include "registry/vaccine_store.h"

namespace vaxreg::certs {

Result<CertificatePdfInput> CertificatePdfInputFor(
    storage::Connection& conn, const CertificateRecord& record,
    const std::vector<registry::VaccineProduct>& catalogue, std::string_view verify_address) {
  if (record.status != "active") {
    return FailedPreconditionError("certificate " + std::to_string(record.id) + " is " +
                                   record.status + "; print the holder's current certificate");
  }
  ASSIGN_OR_RETURN(std::optional<registry::Person> person,
                   registry::FindPersonById(conn, record.person_id));
  if (!person) return NotFoundError("no person with id " + std::to_string(record.person_id));
  ASSIGN_OR_RETURN(std::vector<registry::Dose> doses,
                   registry::ListPersonDoses(conn, record.person_id));
  ASSIGN_OR_RETURN(doses, KeepSignedDoses(conn, std::move(doses)));
  const std::vector<registry::DoseFacts> facts = registry::ToDoseFacts(doses);
  if (DoseFactsHash(facts) != record.doses_hash) {
    return FailedPreconditionError("the holder's doses changed since certificate " +
                                   std::to_string(record.id) +
                                   " was issued; it is being re-issued, try again shortly");
  }
  const registry::StatusSummary summary = registry::ComputeStatus(facts, catalogue);

  CertificatePdfInput in;
  in.full_name = person->full_name;
  in.date_of_birth = person->dob;
  if (!person->cccd.empty()) {
    in.id_kind = IdentityKind::kCccd;
    in.id_number = person->cccd;
  } else if (!person->cmnd.empty()) {
    in.id_kind = IdentityKind::kCmnd;
    in.id_number = person->cmnd;
  } else if (!person->passport.empty()) {
    in.id_kind = IdentityKind::kPassport;
    in.id_number = person->passport;
  }
  switch (summary.status) {
    case registry::VaccinationStatus::kNone:
      return FailedPreconditionError("no dose of certificate " + std::to_string(record.id) +
                                     " counts any more");
    case registry::VaccinationStatus::kPartlyVaccinated:
      in.status = PrintedStatus::kPartlyVaccinated;
      break;
    case registry::VaccinationStatus::kFullyVaccinated:
      in.status = PrintedStatus::kFullyVaccinated;
      break;
    case registry::VaccinationStatus::kBoosted:
      in.status = PrintedStatus::kBoosted;
      break;
  }
  std::map<std::string, std::string, std::less<>> facility_names;
  for (const registry::Dose& d : doses) {
    if (!d.Counts()) continue;
    CertificatePdfDose row;
    row.number = static_cast<int>(in.doses.size()) + 1;
    row.date = registry::DayOf(d.administered_at);
    const registry::VaccineProduct* product =
        registry::VaccineCatalogueCache::Find(catalogue, d.vaccine_code);
    row.vaccine = product != nullptr ? product->name : d.vaccine_code;
    row.lot = d.lot;
    if (!d.facility_code.empty()) {
      auto known = facility_names.find(d.facility_code);
      if (known == facility_names.end()) {
        ASSIGN_OR_RETURN(std::optional<registry::Facility> f,
                         registry::FindFacility(conn, d.facility_code));
        known = facility_names.emplace(d.facility_code, f ? f->name : d.facility_code).first;
      }
      row.facility = known->second;
    }
    in.doses.push_back(std::move(row));
  }
  in.hc1 = record.hc1;
  if (!record.shc_jws.empty()) {
    ASSIGN_OR_RETURN(in.shc_qr, shc::EncodeShcNumeric(record.shc_jws));
  }
  in.uvci = record.uvci;
  in.issued_on = registry::DayOf(record.issued_at);
  in.valid_until = registry::DayOf(record.expires_at);
  if (!verify_address.empty()) in.verify_address = std::string(verify_address);
  return in;
}

}  // namespace vaxreg::certs
