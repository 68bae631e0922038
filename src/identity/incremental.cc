#include "identity/incremental.h"

#include "identity/model_store.h"
#include "identity/progress.h"

namespace vaxreg::identity {

IncrementalVerifier::IncrementalVerifier(storage::Database& db,
                                         storage::GroupCommitWriter& writer, const Clock& clock,
                                         MatchOptions options, std::string actor)
    : db_(db), writer_(writer), clock_(clock), options_(options), actor_(std::move(actor)) {}

IncrementalVerifier::~IncrementalVerifier() = default;

void IncrementalVerifier::Invalidate() {
  loaded_ = false;
  matcher_.reset();  // it points into register_
  register_ = {};
  model_id_ = 0;
}

size_t IncrementalVerifier::memory_bytes() const {
  size_t bytes = register_.ids.capacity() * sizeof(int64_t) +
                 register_.people.capacity() * sizeof(Person);
  for (const Person& p : register_.people) {
    if (p.name.capacity() > std::string().capacity()) bytes += p.name.capacity() + 1;
  }
  if (matcher_) bytes += matcher_->index().memory_bytes();
  return bytes;
}

Status IncrementalVerifier::Refresh(VerifyReport& report, std::ostream* progress) {
  int64_t snapshot = 0, model_id = 0;
  {
    ASSIGN_OR_RETURN(auto conn, db_.Acquire());
    ASSIGN_OR_RETURN(snapshot, LatestSnapshotId(*conn));
    ASSIGN_OR_RETURN(model_id, LatestModelId(*conn));
    if (!loaded_ || snapshot != snapshot_id_) {
      Invalidate();
      ASSIGN_OR_RETURN(register_, LoadPopulationRegister(*conn));
      snapshot_id_ = snapshot;
      loaded_ = true;
      if (!register_.people.empty()) {
        matcher_ = std::make_unique<Matcher>(register_.people, options_);
      }
    }
    if (!matcher_ || (model_id != 0 && model_id == model_id_)) return Status::Ok();
    if (model_id != 0) {
      ASSIGN_OR_RETURN(std::optional<StoredModel> stored, LoadLatestModel(*conn));
      if (stored) {
        matcher_->mutable_model() = stored->model;
        MatchOptions thresholds;
        thresholds.verify_weight = stored->verify_weight;
        thresholds.propose_weight = stored->propose_weight;
        thresholds.margin = stored->margin;
        matcher_->SetThresholds(thresholds);
        model_id_ = stored->id;
        return Status::Ok();
      }
    }
  }
  // No model yet: estimate one from the register and every person record, like a bulk run.
  PersonRecords everyone;
  {
    ASSIGN_OR_RETURN(auto conn, db_.Acquire());
    ASSIGN_OR_RETURN(everyone, LoadAllPersonRecords(*conn));
  }
  if (progress != nullptr) {
    *progress << "estimating the matching model from " << everyone.people.size()
              << " person records\n";
  }
  matcher_->SetThresholds(options_);
  report.register_entries = register_.people.size();
  ASSIGN_OR_RETURN(model_id_, TrainAndSaveModel(*matcher_, everyone.people, db_, writer_, clock_,
                                                actor_, report));
  return Status::Ok();
}

Result<VerifyReport> IncrementalVerifier::Verify(std::span<const int64_t> person_ids,
                                                 std::ostream* progress) {
  VerifyReport report;
  if (person_ids.empty()) return report;
  RETURN_IF_ERROR(Refresh(report, progress));
  report.register_entries = register_.people.size();
  if (!matcher_) return report;  // no register yet: the records stay unverified
  PersonRecords records;
  {
    ASSIGN_OR_RETURN(auto conn, db_.Acquire());
    ASSIGN_OR_RETURN(records, LoadPersonRecords(*conn, person_ids));
  }
  report.people = records.ids.size();
  if (records.ids.empty()) return report;
  ProgressBar bar(progress, "verifying", records.people.size());
  const std::vector<MatchResult> results =
      matcher_->MatchAll(records.people, [&](size_t done) { bar.Update(done); });
  bar.Finish();
  RETURN_IF_ERROR(SaveMatchResults(writer_, clock_, register_, records, results,
                                   matcher_->model(), report, progress));
  RETURN_IF_ERROR(AuditVerification(writer_, clock_, actor_, "identity.verify", report));
  return report;
}

Result<VerifyReport> VerifyPeople(storage::Database& db, storage::GroupCommitWriter& writer,
                                  const Clock& clock, const MatchOptions& options,
                                  std::span<const int64_t> person_ids, const std::string& actor,
                                  std::ostream* progress) {
  IncrementalVerifier verifier(db, writer, clock, options, actor);
  return verifier.Verify(person_ids, progress);
}

}  // namespace vaxreg::identity
