#include "identity/model_store.h"

namespace vaxreg::identity {

Result<int64_t> SaveModel(storage::Connection& conn, const Clock& clock, const FsModel& model,
                          const MatchOptions& options, uint64_t register_entries,
                          uint64_t people, const std::string& actor) {
  ASSIGN_OR_RETURN(
      storage::Rows rows,
      conn.Query("INSERT INTO identity_models (model_json, verify_weight, propose_weight, margin, "
                 "register_entries, people, trained_by, trained_at) VALUES "
                 "($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                 {model.ToJson(), options.verify_weight, options.propose_weight, options.margin,
                  static_cast<int64_t>(register_entries), static_cast<int64_t>(people), actor,
                  ToUnixSeconds(clock.Now())}));
  return rows.at(0).Int(0);
}

Result<int64_t> TrainAndSaveModel(Matcher& matcher, std::span<const Person> records,
                                  storage::Database& db, storage::GroupCommitWriter& writer,
                                  const Clock& clock,
                                  const std::string& actor, VerifyReport& report) {
  // The stored model, kept aside in case EM does not settle on this data.
  std::optional<StoredModel> stored;
  {
    ASSIGN_OR_RETURN(auto conn, db.Acquire());
    auto latest = LoadLatestModel(*conn);
    if (latest.ok()) stored = std::move(*latest);
  }
  report.em = matcher.Train(records);
  report.model_trained = true;
  if (!report.em.converged && stored) {
    // An unsettled estimate is not trusted for decisions; the last stored model is.
    report.model_trained = false;
    report.model_fallback_id = stored->id;
    report.warning = "the match model did not converge in " +
                     std::to_string(report.em.iterations) + " EM iterations (last change " +
                     std::to_string(report.em.last_change) + "); using stored model " +
                     std::to_string(stored->id);
    matcher.mutable_model() = stored->model;
    report.model = matcher.model().Describe();
    return stored->id;
  }
  if (!report.em.converged) {
    report.warning = "the match model did not converge in " +
                     std::to_string(report.em.iterations) +
                     " EM iterations and no stored model exists; using the estimate";
  }
  report.model = matcher.model().Describe();
  int64_t id = 0;
  const Status saved = writer.SubmitAndWait([&](storage::Connection& c) -> Status {
    ASSIGN_OR_RETURN(id, SaveModel(c, clock, matcher.model(), matcher.options(),
                                   report.register_entries, records.size(), actor));
    return Status::Ok();
  });
  RETURN_IF_ERROR(saved);
  return id;
}

Result<std::optional<StoredModel>> LoadLatestModel(storage::Connection& conn) {
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT id, model_json, verify_weight, propose_weight, margin, "
                              "register_entries, people FROM identity_models "
                              "ORDER BY id DESC LIMIT 1",
                              {}));
  if (rows.empty()) return std::optional<StoredModel>();
  const storage::Row& r = rows.at(0);
  StoredModel out;
  out.id = r.Int(0);
  Result<FsModel> model = FsModel::FromJson(r.Text(1));
  if (!model.ok()) return model.status().WithContext("identity model " + std::to_string(out.id));
  out.model = std::move(*model);
  out.verify_weight = r.Double(2);
  out.propose_weight = r.Double(3);
  out.margin = r.Double(4);
  out.register_entries = static_cast<uint64_t>(r.Int(5));
  out.people = static_cast<uint64_t>(r.Int(6));
  return std::optional<StoredModel>(std::move(out));
}

Result<int64_t> LatestModelId(storage::Connection& conn) {
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT COALESCE(MAX(id), 0) FROM identity_models", {}));
  return rows.at(0).Int(0);
}

}  // namespace vaxreg::identity
