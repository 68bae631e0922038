#include "app/cli_identity.h"

#include <iostream>

#include "identity/file_match.h"

namespace vaxreg::app {

struct IdentityCliState {
  std::string register_path, records_path, out_path;
  identity::MatchOptions match;
  bool quiet = false, show_model = false;
};

namespace {

int Fail(const Status& st, int code = 1) {
  std::cerr << "vaxreg: " << st.message();
  if (!st.field().empty()) std::cerr << " [" << st.field() << "]";
  std::cerr << "\n";
  return code;
}

void AddMatchOptions(CLI::App* cmd, identity::MatchOptions& m) {
  cmd->add_option("--verify-weight", m.verify_weight,
                  "match weight (log2) at or above which a record is verified")->capture_default_str();
  cmd->add_option("--propose-weight", m.propose_weight,
                  "match weight at or above which a correction is proposed")->capture_default_str();
  cmd->add_option("--margin", m.margin,
                  "verified also needs the best candidate to beat the runner-up by this weight")
      ->capture_default_str();
  cmd->add_option("--max-block", m.max_block, "skip name/date blocks larger than this")
      ->capture_default_str();
  cmd->add_option("--threads", m.threads, "matching threads (0 = one per core)")->capture_default_str();
}

int Match(const IdentityCliState& s) {
  auto report = identity::RunFileMatch(s.register_path, s.records_path, s.out_path, s.match,
                                       s.quiet ? nullptr : &std::cerr);
  if (!report.ok()) return Fail(report.status());
  const auto& r = *report;
  std::cerr << "register: " << r.register_entries << " entries (" << r.register_skipped
            << " rows without an identity number skipped)\nrecords: " << r.records << " people in "
            << r.record_rows << " rows\nverified " << r.verified << ", proposed corrections "
            << r.proposed << ", not found " << r.not_found << "\nEM: " << r.em.iterations
            << " iterations, lambda " << r.em.lambda << "\nseconds: load " << r.load_seconds
            << ", train " << r.train_seconds << ", match " << r.match_seconds << ", write "
            << r.write_seconds << "\n";
  if (s.show_model) std::cerr << r.model;
  return 0;
}

}  // namespace

IdentityCliStatePtr AddIdentityCommands(CLI::App& app, std::function<int(const Config&)>& action) {
  auto s = std::make_shared<IdentityCliState>();
  CLI::App* identity = app.add_subcommand("identity", "identity verification against the population register");
  identity->require_subcommand(1);

  CLI::App* match = identity->add_subcommand(
      "match", "match a people-with-doses CSV against a population-register CSV (no database)");
  match->add_option("--register", s->register_path, "population-register CSV")->required();
  match->add_option("--records", s->records_path, "people-with-doses CSV")->required();
  match->add_option("--out", s->out_path, "export CSV: record_id,status,matched_cccd,score")->required();
  match->add_flag("--quiet", s->quiet, "no progress bars");
  match->add_flag("--show-model", s->show_model, "print the estimated m/u table");
  AddMatchOptions(match, s->match);
  match->callback([&action, s] { action = [s](const Config&) { return Match(*s); }; });
  return s;
}

}  // namespace vaxreg::app
