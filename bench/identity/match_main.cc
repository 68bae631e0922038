// bench_identity_match: the identity/file_match pipeline behind `vaxreg identity match`, as a
// binary without the server's dependencies, taking the same arguments:
//   bench_identity_match identity match --register R.csv --records P.csv --out OUT.csv
//                        [--threads N] [--verify-weight W] [--propose-weight W] [--margin W]
//                        [--max-block N] [--quiet]
// Lets the benchmark run while the full server binary is being rebuilt; the evaluator accepts
// either binary.

#include <iostream>
#include <string>

#include "identity/file_match.h"

int main(int argc, char** argv) {
  std::string reg, records, out;
  vaxreg::identity::MatchOptions options;
  bool quiet = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--quiet") quiet = true;
    else if (a == "--register" && has_value) reg = argv[++i];
    else if (a == "--records" && has_value) records = argv[++i];
    else if (a == "--out" && has_value) out = argv[++i];
    else if (a == "--threads" && has_value) options.threads = std::stoi(argv[++i]);
    else if (a == "--verify-weight" && has_value) options.verify_weight = std::stod(argv[++i]);
    else if (a == "--propose-weight" && has_value) options.propose_weight = std::stod(argv[++i]);
    else if (a == "--margin" && has_value) options.margin = std::stod(argv[++i]);
    else if (a == "--max-block" && has_value) options.max_block = std::stoul(argv[++i]);
  }
  if (reg.empty() || records.empty() || out.empty()) {
    std::cerr << "usage: bench_identity_match identity match --register R --records P --out O\n";
    return 2;
  }
  auto report = vaxreg::identity::RunFileMatch(reg, records, out, options, quiet ? nullptr : &std::cerr);
  if (!report.ok()) {
    std::cerr << report.status().ToString() << "\n";
    return 1;
  }
  std::cerr << "verified " << report->verified << ", proposed " << report->proposed
            << ", not found " << report->not_found << "; seconds: load " << report->load_seconds
            << ", train " << report->train_seconds << ", match " << report->match_seconds
            << ", write " << report->write_seconds << "\n" << report->model;
  return 0;
}
