#include "registry/dose_batch.h"

#include <algorithm>

#include "registry/dose_csv.h"

namespace vaxreg::registry {
namespace {

constexpr std::string_view kItemSavepoint = "vaxreg_item";

}  // namespace

Status ForEachInSavepoint(storage::Connection& conn, size_t n,
                          const std::function<Status(storage::Connection&, size_t)>& item) {
  for (size_t i = 0; i < n; ++i) {
    RETURN_IF_ERROR(conn.Savepoint(kItemSavepoint));
    if (Status st = item(conn, i); !st.ok()) {
      RETURN_IF_ERROR(conn.RollbackToSavepoint(kItemSavepoint));
    }
    RETURN_IF_ERROR(conn.ReleaseSavepoint(kItemSavepoint));
  }
  return Status::Ok();
}

Result<std::vector<Result<RecordOutcome>>> RecordDoseBatch(
    storage::Connection& conn, const Clock& clock, const std::vector<VaccineProduct>& catalogue,
    const std::vector<NewDose>& doses, const DoseWriter& writer) {
  if (doses.size() > kMaxDoseBatch) {
    return InvalidArgumentError("a batch holds at most " + std::to_string(kMaxDoseBatch) +
                                    " doses, got " + std::to_string(doses.size()),
                                "items");
  }
  std::vector<Result<RecordOutcome>> results(doses.size(), Result<RecordOutcome>(InternalError("not run")));
  const bool together = !writer.is_citizen && std::all_of(doses.begin(), doses.end(), [](const NewDose& d) {
    return d.override_reason.empty() && d.source == "facility";
  });
  if (together) {
    std::vector<DoseCsvRow> rows;
    std::vector<size_t> item_of_row;
    for (size_t i = 0; i < doses.size(); ++i) {
      const NewDose& d = doses[i];
      if (Status st = ValidateNewDose(d, catalogue); !st.ok()) {
        results[i] = st;
        continue;
      }
      DoseCsvRow row;
      row.line = i;
      row.person_id = d.person_id;
      row.vaccine = d.vaccine_code;
      row.lot = d.lot;
      row.dose_number = d.dose_number;
      row.administered_at = d.administered_at;
      row.facility_code = d.facility_code;
      row.vaccinator = d.vaccinator;
      row.idempotency_key = d.idempotency_key;
      rows.push_back(std::move(row));
      item_of_row.push_back(i);
    }
    RecordPeople unused;
    std::vector<RowError> errors;
    std::vector<std::optional<RecordOutcome>> outcomes;
    const PreparedDoseRows prepared =
        PrepareDoseRows(std::move(rows), catalogue, DayOf(ToUnixSeconds(clock.Now())));
    ASSIGN_OR_RETURN(size_t recorded, ImportDoseRows(conn, clock, catalogue, prepared, writer,
                                                     unused, errors, &outcomes, "dose.batch"));
    (void)recorded;
    for (size_t k = 0; k < prepared.rows.size(); ++k) {
      if (outcomes[k]) results[item_of_row[k]] = *outcomes[k];
    }
    for (const RowError& e : errors) results[e.line] = e.status;
    return results;
  }
  RETURN_IF_ERROR(ForEachInSavepoint(conn, doses.size(), [&](storage::Connection& c, size_t i) {
    results[i] = RecordDose(c, clock, catalogue, doses[i], writer);
    return results[i].status();
  }));
  return results;
}

}  // namespace vaxreg::registry
