#include "app/cli_identity.h"
#include "app/cli_common.h"

#include <fstream>
#include <iostream>

#include "app/store.h"
#include "common/clock.h"
#include "identity/duplicates.h"
#include "identity/file_match.h"
#include "identity/population_store.h"
#include "identity/verification.h"

namespace vaxreg::app {

struct IdentityCliState {
  std::string register_path, records_path, out_path;
  identity::MatchOptions match;
  bool quiet = false, show_model = false, all = false;
  std::string population_path, format = "csv";
  identity::DuplicateOptions duplicates;
};

namespace {

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
            << (r.em.converged ? " iterations (converged)" : " iterations (did not converge)")
            << ", lambda " << r.em.lambda << "\nseconds: load " << r.load_seconds
            << ", train " << r.train_seconds << ", match " << r.match_seconds << ", write "
            << r.write_seconds << "\n";
  if (s.show_model) std::cerr << r.model;
  return 0;
}

int ImportPopulation(const Config& config, const IdentityCliState& s) {
  auto store = OpenStore(config);
  if (!store.ok()) return Fail(store.status());
  identity::ImportOptions options;
  options.actor = "cli";
  options.source = s.population_path;
  auto report = identity::ImportPopulationCsv(*store->db, *store->writer, SystemClock::Get(),
                                              s.population_path, options,
                                              s.quiet ? nullptr : &std::cerr);
  if (!report.ok()) return Fail(report.status());
  for (const identity::PopulationRowError& e : report->errors) {
    std::cerr << s.population_path << ":" << e.line << ": " << e.status.message();
    if (!e.status.field().empty()) std::cerr << " [" << e.status.field() << "]";
    std::cerr << "\n";
  }
  if (report->rejected > report->errors.size()) {
    std::cerr << "... " << report->rejected - report->errors.size() << " more rejected rows\n";
  }
  std::cout << "snapshot " << report->snapshot_id << ": " << report->rows_read << " rows read, "
            << report->inserted << " inserted, " << report->updated << " updated, "
            << report->unchanged << " unchanged, " << report->rejected << " rejected\n";
  return report->rejected > 0 ? 1 : 0;
}

int VerifyAll(const Config& config, const IdentityCliState& s) {
  if (!s.all) return Fail(InvalidArgumentError("give --all to verify every person record"), 2);
  auto store = OpenStore(config);
  if (!store.ok()) return Fail(store.status());
  auto report = identity::VerifyAllPeople(*store->db, *store->writer, SystemClock::Get(), s.match,
                                          "cli", s.quiet ? nullptr : &std::cerr);
  if (!report.ok()) return Fail(report.status());
  std::cout << "people " << report->people << " against " << report->register_entries
            << " register entries: verified " << report->verified << ", proposed corrections "
            << report->proposed << ", not found " << report->not_found << "\n";
  if (!report->warning.empty()) std::cerr << "vaxreg: warning: " << report->warning << "\n";
  if (s.show_model) std::cerr << report->model;
  return 0;
}

int Duplicates(const Config& config, const IdentityCliState& s) {
  auto store = OpenStore(config);
  if (!store.ok()) return Fail(store.status());
  auto report = identity::DetectDuplicates(*store->db, *store->writer, SystemClock::Get(),
                                           s.duplicates, "cli", s.quiet ? nullptr : &std::cerr);
  if (!report.ok()) return Fail(report.status());
  std::cout << "people " << report->people << ": " << report->candidates
            << " suspected duplicate pairs, " << report->proposed << " new merge proposals, "
            << report->known << " already proposed or decided";
  if (report->skipped_blocks > 0) {
    std::cout << ", " << report->skipped_blocks << " blocks above --max-block skipped";
  }
  std::cout << "\n";
  return 0;
}

int Export(const Config& config, const IdentityCliState& s) {
  if (s.format != "csv") return Fail(InvalidArgumentError("the only export format is csv"), 2);
  auto db = storage::OpenDatabase(config.db_url);
  if (!db.ok()) return Fail(db.status());
  auto conn = (*db)->Acquire();
  if (!conn.ok()) return Fail(conn.status());
  std::ofstream file;
  if (!s.out_path.empty()) {
    file.open(s.out_path, std::ios::binary);
    if (!file) return Fail(UnavailableError("cannot write " + s.out_path));
  }
  auto rows = identity::ExportIdentityCsv(**conn, s.out_path.empty() ? std::cout : file);
  if (!rows.ok()) return Fail(rows.status());
  std::cerr << "exported " << *rows << " records\n";
  return 0;
}

// The existing subcommand `name` of `app`, or a new one.
CLI::App* SubcommandOf(CLI::App& app, const std::string& name, const std::string& help) {
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_name() == name) return sub;
  }
  CLI::App* sub = app.add_subcommand(name, help);
  sub->require_subcommand(1);
  return sub;
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

  CLI::App* verify = identity->add_subcommand(
      "verify", "verify person records against the population register in the database");
  verify->add_flag("--all", s->all, "every person record")->required();
  verify->add_flag("--quiet", s->quiet, "no progress bar");
  verify->add_flag("--show-model", s->show_model, "print the estimated m/u table");
  AddMatchOptions(verify, s->match);
  verify->callback([&action, s] { action = [s](const Config& c) { return VerifyAll(c, *s); }; });

  CLI::App* dups = identity->add_subcommand(
      "duplicates", "find person records that are likely one citizen and propose merges");
  dups->add_option("--max-block", s->duplicates.max_block,
                   "skip phone and name blocks with more records than this")
      ->capture_default_str();
  dups->add_flag("--quiet", s->quiet, "no progress bar");
  dups->callback([&action, s] { action = [s](const Config& c) { return Duplicates(c, *s); }; });

  CLI::App* exp = identity->add_subcommand(
      "export", "write record_id,status,matched_cccd,score for every person record");
  exp->add_option("--format", s->format, "csv")->capture_default_str();
  exp->add_option("--out", s->out_path, "file to write (default: standard output)");
  exp->callback([&action, s] { action = [s](const Config& c) { return Export(c, *s); }; });

  CLI::App* import = SubcommandOf(app, "import", "import data files");
  CLI::App* population = import->add_subcommand(
      "population", "import or update the population register from a snapshot CSV");
  population->add_option("FILE", s->population_path,
                         "cccd,cmnd,full_name,dob,sex,province_code,district_code,commune_code")
      ->required();
  population->add_flag("--quiet", s->quiet, "no progress bar");
  population->callback(
      [&action, s] { action = [s](const Config& c) { return ImportPopulation(c, *s); }; });
  return s;
}

}  // namespace vaxreg::app
