#include "registry/dose_batch.h"

#include <algorithm>

#include "registry/dose_csv.h"
#include "registry/vaccine_names.h"

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

Result<PreparedDoseBatch> PrepareDoseBatch(const std::vector<VaccineProduct>& catalogue,
                                           std::vector<NewDose> doses, const DoseWriter& writer,
                                           std::chrono::sys_days today) {
  if (doses.size() > kMaxDoseBatch) {
    return InvalidArgumentError("a batch holds at most " + std::to_string(kMaxDoseBatch) +
                                    " doses, got " + std::to_string(doses.size()),
                                "items");
  }
  PreparedDoseBatch batch;
  batch.items = doses.size();
  // What a sender calls a vaccine ("Pfizer", "EU/1/20/1528") becomes its catalogue code; an
  // unknown name stays for ValidateNewDose to refuse with the item.
  for (NewDose& d : doses) (void)NormalizeVaccineCode(catalogue, d.vaccine_code);
  batch.together =
      !writer.is_citizen && std::all_of(doses.begin(), doses.end(), [](const NewDose& d) {
        return d.override_reason.empty() && d.source == "facility";
      });
  if (!batch.together) {
    batch.doses = std::move(doses);
    return batch;
  }
  std::vector<DoseCsvRow> rows;
  rows.reserve(doses.size());
  for (size_t i = 0; i < doses.size(); ++i) {
    NewDose& d = doses[i];
    if (Status st = ValidateNewDose(d, catalogue); !st.ok()) {
      batch.refused.emplace_back(i, std::move(st));
      continue;
    }
    if (!d.idempotency_key.empty()) {
      if (Status st = ValidateIdempotencyKey(d.idempotency_key); !st.ok()) {
        batch.refused.emplace_back(i, std::move(st));
        continue;
      }
      d.idempotency_key = ScopeIdempotencyKey(writer.IdempotencyScope(), d.idempotency_key);
    }
    DoseCsvRow& row = rows.emplace_back();
    row.line = i;
    row.person_id = d.person_id;
    row.vaccine = std::move(d.vaccine_code);
    row.lot = std::move(d.lot);
    row.dose_number = d.dose_number;
    row.administered_at = d.administered_at;
    row.facility_code = std::move(d.facility_code);
    row.vaccinator = std::move(d.vaccinator);
    row.idempotency_key = std::move(d.idempotency_key);
    batch.item_of_row.push_back(i);
  }
  batch.rows = PrepareDoseRows(std::move(rows), catalogue, today);
  return batch;
}

Result<std::vector<Result<RecordOutcome>>> RecordPreparedDoseBatch(
    storage::Connection& conn, const Clock& clock, const std::vector<VaccineProduct>& catalogue,
    const PreparedDoseBatch& batch, const DoseWriter& writer) {
  std::vector<Result<RecordOutcome>> results(batch.items,
                                             Result<RecordOutcome>(InternalError("not run")));
  if (batch.together) {
    for (const auto& [item, st] : batch.refused) results[item] = st;
    RecordPeople unused;
    std::vector<RowError> errors;
    std::vector<std::optional<RecordOutcome>> outcomes;
    ASSIGN_OR_RETURN(size_t recorded, ImportDoseRows(conn, clock, catalogue, batch.rows, writer,
                                                     unused, errors, &outcomes, "dose.batch"));
    (void)recorded;
    for (size_t k = 0; k < batch.rows.rows.size(); ++k) {
      if (outcomes[k]) results[batch.item_of_row[k]] = std::move(*outcomes[k]);
    }
    // A row's line is its item's index.
    for (RowError& e : errors) results[e.line] = std::move(e.status);
    return results;
  }
  RETURN_IF_ERROR(
      ForEachInSavepoint(conn, batch.doses.size(), [&](storage::Connection& c, size_t i) {
        results[i] = RecordDose(c, clock, catalogue, batch.doses[i], writer);
        return results[i].status();
      }));
  return results;
}

Result<std::vector<Result<RecordOutcome>>> RecordDoseBatch(
    storage::Connection& conn, const Clock& clock, const std::vector<VaccineProduct>& catalogue,
    const std::vector<NewDose>& doses, const DoseWriter& writer) {
  ASSIGN_OR_RETURN(PreparedDoseBatch batch,
                   PrepareDoseBatch(catalogue, doses, writer, DayOf(ToUnixSeconds(clock.Now()))));
  return RecordPreparedDoseBatch(conn, clock, catalogue, batch, writer);
}

}  // namespace vaxreg::registry
