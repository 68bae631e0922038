#include "registry/dose_batch.h"

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
  RETURN_IF_ERROR(ForEachInSavepoint(conn, doses.size(), [&](storage::Connection& c, size_t i) {
    results[i] = RecordDose(c, clock, catalogue, doses[i], writer);
    return results[i].status();
  }));
  return results;
}

}  // namespace vaxreg::registry
