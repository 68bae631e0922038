// bench_identity_eval: runs the end-to-end identity match on a generated data set and scores it.
//
//   bench_identity_eval --dir DIR --vaxreg PATH/vaxreg [--threads N] [--result FILE]
//                       [--path files|db]
//   (--vaxreg may also name bench_identity_match, which runs the same pipeline, for --path files)
//
// --path files (the default) runs `vaxreg identity match --register DIR/register.csv --records
// DIR/records.csv --out DIR/result.csv` as a child process. --path db runs the path facilities
// and authorities use, on a new SQLite database DIR/eval.db holding the demo facilities (`demo
// seed`, not timed; generate with --facility HN-BACHMAI): `import population`, `import doses
// --no-verify` (refused rows are kept for cleaning, and matched too), `identity verify --all`,
// `identity export`; the time is their sum and the memory the largest of theirs. Either is
// skipped when --result names an existing export to score. It prints, against DIR/truth.csv:
//   pairwise precision, recall and F1 over (record_id, register CCCD) links, counting a record's
//   matched_cccd whether it is verified or proposed, and again for verified links only;
//   the share of records sent to review (proposed corrections) and not found;
//   records/s end to end (wall time of the child) and its peak memory (getrusage maxrss);
//   the raw limit measured in the same run: rows/s of just reading both CSV files;
//   per trap kind of the generator (neighbour twins, household members' CCCDs): how many
//   records, and how many were verified to a person they are not (the goal is 0).

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <cstdio>
#include <iostream>
#include <string>
#include <unordered_map>
#include <vector>

#include "identity/csv.h"

namespace {

using vaxreg::identity::CsvReader;

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// (record_id -> cccd) from a CSV with those columns; `status` filled when the file has one (or,
// for the truth, a "kind" column).
bool LoadPairs(const std::string& path, std::unordered_map<std::string, std::string>& cccd,
               std::unordered_map<std::string, std::string>* status) {
  auto r = CsvReader::Open(path);
  if (!r.ok()) return false;
  std::vector<std::string_view> f;
  if (!(*r)->Next(f)) return false;
  size_t id_col = 0, cccd_col = 1, status_col = 99;
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] == "record_id") id_col = i;
    if (f[i] == "cccd" || f[i] == "matched_cccd") cccd_col = i;
    if (f[i] == "status" || f[i] == "kind") status_col = i;
  }
  while ((*r)->Next(f)) {
    if (f.size() <= cccd_col || f.size() <= id_col) continue;
    cccd[std::string(f[id_col])] = std::string(f[cccd_col]);
    if (status != nullptr && status_col < f.size()) (*status)[std::string(f[id_col])] = std::string(f[status_col]);
  }
  return true;
}

uint64_t CountRows(const std::string& path) {
  auto r = CsvReader::Open(path);
  if (!r.ok()) return 0;
  std::vector<std::string_view> f;
  uint64_t n = 0;
  while ((*r)->Next(f)) ++n;
  return n;
}

void PrintScores(const char* label, uint64_t tp, uint64_t predicted, uint64_t truth) {
  const double p = predicted ? static_cast<double>(tp) / static_cast<double>(predicted) : 1.0;
  const double r = truth ? static_cast<double>(tp) / static_cast<double>(truth) : 1.0;
  const double f1 = p + r > 0 ? 2 * p * r / (p + r) : 0;
  std::printf("%-22s precision %.4f  recall %.4f  F1 %.4f  (tp %llu, predicted %llu, true %llu)\n",
              label, p, r, f1, static_cast<unsigned long long>(tp),
              static_cast<unsigned long long>(predicted), static_cast<unsigned long long>(truth));
}

struct ChildRun {
  bool ok = false;
  double wall = 0;
  long max_rss_kb = 0;
};

// Runs argv as a child process with standard output sent to /dev/null (progress on standard
// error stays visible); a non-zero exit is a failure unless it is one of `accepted`.
ChildRun Run(const std::vector<std::string>& argv, std::vector<int> accepted = {}) {
  ChildRun run;
  const double t0 = Now();
  const pid_t pid = fork();
  if (pid == 0) {
    if (std::FILE* null = std::fopen("/dev/null", "w")) dup2(fileno(null), 1);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  struct rusage ru {};
  wait4(pid, &status, 0, &ru);
  run.wall = Now() - t0;
  run.max_rss_kb = ru.ru_maxrss;
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.ok = code == 0 || std::find(accepted.begin(), accepted.end(), code) != accepted.end();
  if (!run.ok) {
    std::cerr << argv[0];
    for (size_t i = 1; i < argv.size(); ++i) std::cerr << ' ' << argv[i];
    std::cerr << ": failed (status " << status << ")\n";
  }
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir, vaxreg, result, threads = "0", path = "files";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--dir") dir = v;
    else if (a == "--vaxreg") vaxreg = v;
    else if (a == "--result") result = v;
    else if (a == "--threads") threads = v;
    else if (a == "--path") path = v;
  }
  if (dir.empty() || (vaxreg.empty() && result.empty()) || (path != "files" && path != "db")) {
    std::cerr << "usage: bench_identity_eval --dir DIR --vaxreg PATH [--threads N] [--result FILE] "
                 "[--path files|db]\n";
    return 2;
  }
  const std::string reg = dir + "/register.csv", recs = dir + "/records.csv";
  double wall = 0;
  long max_rss_kb = 0;
  if (result.empty() && path == "files") {
    result = dir + "/result.csv";
    const ChildRun run = Run({vaxreg, "identity", "match", "--register", reg, "--records", recs,
                              "--out", result, "--threads", threads, "--quiet"});
    if (!run.ok) return 1;
    wall = run.wall;
    max_rss_kb = run.max_rss_kb;
  } else if (result.empty()) {
    result = dir + "/result.csv";
    const std::string db_file = dir + "/eval.db", db = "sqlite:" + db_file;
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((db_file + suffix).c_str());
    if (!Run({vaxreg, "--db", db, "demo", "seed"}).ok) return 1;
    // import doses exits 1 when rows were refused (and kept for cleaning): expected here.
    const std::vector<std::pair<std::vector<std::string>, std::vector<int>>> steps = {
        {{vaxreg, "--db", db, "import", "population", reg}, {}},
        {{vaxreg, "--db", db, "import", "doses", recs, "--no-verify", "--errors",
          dir + "/kept.csv"}, {1}},
        {{vaxreg, "--db", db, "identity", "verify", "--all"}, {}},
        {{vaxreg, "--db", db, "identity", "export", "--out", result}, {}},
    };
    for (const auto& [args, accepted] : steps) {
      const ChildRun run = Run(args, accepted);
      if (!run.ok) return 1;
      std::cerr << args[3] << ' ' << args[4] << ": " << run.wall << " s, peak "
                << run.max_rss_kb / 1024 << " MiB\n";
      wall += run.wall;
      max_rss_kb = std::max(max_rss_kb, run.max_rss_kb);
    }
  }
  // Raw limit in the same run: only reading the two CSV files.
  const double r0 = Now();
  const uint64_t rows = CountRows(reg) + CountRows(recs);
  const double read_secs = Now() - r0;

  std::unordered_map<std::string, std::string> truth, kind, predicted, status;
  if (!LoadPairs(dir + "/truth.csv", truth, &kind) || !LoadPairs(result, predicted, &status)) {
    std::cerr << "cannot read truth or result\n";
    return 1;
  }
  uint64_t true_links = 0, links = 0, tp = 0, v_links = 0, v_tp = 0, proposed = 0, not_found = 0,
           missing = 0;
  std::map<std::string, std::pair<uint64_t, uint64_t>> traps;  // kind -> (records, wrongly verified)
  for (const auto& [id, cccd] : truth) {
    if (!cccd.empty()) ++true_links;
    const std::string& trap = kind[id];
    if (!trap.empty()) {
      auto& [records, wrong] = traps[trap];
      ++records;
      auto it = predicted.find(id);
      wrong += it != predicted.end() && status[id] == "verified" && it->second != cccd;
    }
    auto it = predicted.find(id);
    if (it == predicted.end()) {
      ++missing;
      continue;
    }
    const std::string& st = status[id];
    if (st == "proposed_correction") ++proposed;
    if (st == "not_found") ++not_found;
    if (it->second.empty()) continue;
    ++links;
    const bool right = it->second == cccd;
    tp += right;
    if (st == "verified") {
      ++v_links;
      v_tp += right;
    }
  }
  const double n = static_cast<double>(truth.size());
  std::printf("records %zu (in register %llu), result rows %zu, missing from result %llu\n", truth.size(),
              static_cast<unsigned long long>(true_links), predicted.size(),
              static_cast<unsigned long long>(missing));
  PrintScores("links (verified+review)", tp, links, true_links);
  PrintScores("verified only", v_tp, v_links, true_links);
  std::printf("sent to review %.4f  not found %.4f\n", static_cast<double>(proposed) / n,
              static_cast<double>(not_found) / n);
  for (const auto& [trap, counts] : traps) {
    std::printf("trap %-16s records %llu, verified to a person they are not %llu (goal 0)\n",
                trap.c_str(), static_cast<unsigned long long>(counts.first),
                static_cast<unsigned long long>(counts.second));
  }
  if (wall > 0) {
    std::printf("end to end %.2f s  %.0f records/s  peak memory %.1f MiB\n", wall, n / wall,
                static_cast<double>(max_rss_kb) / 1024.0);
    std::printf("raw limit (CSV read only): %.0f rows/s; end-to-end records/s is %.1f%% of it\n",
                static_cast<double>(rows) / read_secs, 100.0 * (n / wall) / (static_cast<double>(rows) / read_secs));
  }
  return 0;
}
