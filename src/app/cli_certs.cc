#include "app/cli_certs.h"

#include <filesystem>
#include <iostream>

#include "certs/conformance.h"

namespace vaxreg::app {

struct CertificateCliState {
  // conformance dcc
  std::string corpus_dir;
  std::string known_issues_file;
};

void CertificateCliStateDeleter::operator()(CertificateCliState* s) const { delete s; }

namespace {

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

int Fail(const Status& st, int code = kExitFailed) {
  std::cerr << "vaxreg: " << st.message() << "\n";
  return code;
}

int ConformanceDcc(const CertificateCliState& s) {
  if (!std::filesystem::is_directory(s.corpus_dir)) {
    return Fail(InvalidArgumentError("not a directory: " + s.corpus_dir), kExitUsage);
  }
  certs::KnownIssues known;
  if (!s.known_issues_file.empty()) {
    auto loaded = certs::KnownIssues::Load(s.known_issues_file);
    if (!loaded.ok()) return Fail(loaded.status(), kExitUsage);
    known = std::move(*loaded);
  }
  certs::ConformanceReport report = certs::RunDccConformance(s.corpus_dir, std::cout, known);
  std::cout.flush();
  return report.cases_failed == 0 ? 0 : kExitFailed;
}

}  // namespace

CertificateCliStatePtr AddCertificateCommands(CLI::App& app,
                                              std::function<int(const Config&)>& action) {
  CertificateCliStatePtr state(new CertificateCliState());
  CertificateCliState* s = state.get();

  CLI::App* conformance = app.add_subcommand("conformance", "run conformance test vectors");
  conformance->require_subcommand(1);
  CLI::App* dcc = conformance->add_subcommand(
      "dcc",
      "check every EU DCC test case (dgc-testdata format) below DIR; prints one line per "
      "disagreement and ends with 'N passed, M failed'; exit 1 when a case fails");
  dcc->add_option("DIR", s->corpus_dir, "folder of test-case JSON files (searched recursively)")
      ->required();
  dcc->add_option("--known-issues", s->known_issues_file,
                  "file of 'relative/path.json FLAG  # reason' lines: expected disagreements");
  dcc->callback([&action, s] { action = [s](const Config&) { return ConformanceDcc(*s); }; });

  return state;
}

}  // namespace vaxreg::app
