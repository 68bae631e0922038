#include "app/cli_registry.h"

#include <chrono>
#include <fmt/format.h>
#include <condition_variable>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <mutex>
#include <unordered_map>

#include "app/demo_population.h"
#include "app/store.h"
#include "audit/audit_log.h"
#include "common/csv_writer.h"
#include "identity/incremental.h"
#include "registry/dose_csv.h"
#include "registry/import_quality.h"
#include "registry/person.h"
#include "registry/quarantine.h"
#include "registry/vaccine_store.h"
#include "storage/migrate.h"

namespace vaxreg::app {

struct RegistryCliState {
  std::string file;
  std::string errors_file;
  bool no_verify = false;
  // quarantine quality
  std::string area, from, to;
  bool json = false;
};

namespace {

constexpr size_t kRowsPerWrite = 5000;

int Failed(const Status& st) {
  std::cerr << "vaxreg: " << st.message() << (st.field().empty() ? "" : " [" + st.field() + "]")
            << "\n";
  return 1;
}

// Verifies the people an import created against the population register, in one pass (the
// register is loaded once), and prints the counts. The import itself has succeeded whatever
// happens here, so a failure is reported but leaves the records unverified.
Status VerifyCreatedPeople(Store& store, const std::vector<int64_t>& created) {
  if (created.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(
      identity::VerifyReport report,
      identity::VerifyPeople(*store.db, *store.writer, SystemClock::Get(), identity::MatchOptions{},
                             created, "cli:import-doses", &std::cerr));
  if (report.register_entries == 0) {
    std::cout << "identity: no population register yet; " << created.size()
              << " new people left unverified\n";
    return Status::Ok();
  }
  std::cout << "identity: " << report.people << " new people against " << report.register_entries
            << " register entries: verified " << report.verified << ", proposed corrections "
            << report.proposed << ", not found " << report.not_found << "\n";
  return Status::Ok();
}

// Where the refused rows of an import go, as they come: a CSV file (--errors; every refused row,
// text columns neutralised against formula injection, common/csv_writer.h) or standard error.
class RowErrorOutput {
 public:
  // kUnavailable if `path` cannot be written.
  Status Open(const std::string& path) {
    if (path.empty()) return Status::Ok();
    file_.open(path, std::ios::binary | std::ios::trunc);
    if (!file_) return UnavailableError("cannot write " + path);
    file_ << "line,record_id,code,field,message\n";
    path_ = path;
    return Status::Ok();
  }

  // Writes the refused rows of one chunk. On standard error they go out in one write that ends
  // the progress line the writer thread redraws, so the two do not mix.
  void Write(const std::vector<registry::RowError>& errors) {
    if (errors.empty()) return;
    if (file_.is_open()) {
      for (const registry::RowError& e : errors) WriteCsv(e);
      return;
    }
    std::string text = "\n";
    for (const registry::RowError& e : errors) {
      text += "line " + std::to_string(e.line);
      if (!e.record_id.empty()) text += " (" + e.record_id + ")";
      text += ": ";
      text += StatusCodeName(e.status.code());
      text += ": " + e.status.message();
      if (!e.status.field().empty()) text += " [" + e.status.field() + "]";
      text += '\n';
    }
    std::cerr << text << std::flush;
  }

  // kUnavailable if a write failed.
  Status Close() {
    if (!file_.is_open()) return Status::Ok();
    file_.close();
    if (!file_) return UnavailableError("cannot write " + path_);
    return Status::Ok();
  }

 private:
  void WriteCsv(const registry::RowError& e) {
    const std::string_view code = StatusCodeName(e.status.code());
    line_ = std::to_string(e.line);
    line_ += ',';
    csv::AppendCsvText(line_, e.record_id);
    line_ += ',';
    line_ += code;
    line_ += ',';
    csv::AppendCsvText(line_, e.status.field());
    line_ += ',';
    csv::AppendCsvText(line_, e.status.message());
    line_ += '\n';
    file_ << line_;
  }

  std::ofstream file_;
  std::string path_;
  std::string line_;
};

// Reads the file, imports it in chunks of kRowsPerWrite rows (two writes in flight, so parsing
// overlaps committing), reports every refused row, then verifies the people it created.
// Refused rows are written out chunk by chunk, in line order (the writer finishes the chunks in
// the order they were submitted), so memory holds at most a few chunks of them however many
// rows are refused.
int ImportDoses(const Config& config, const RegistryCliState& args) {
  std::ifstream in(args.file, std::ios::binary);
  if (!in) return Failed(InvalidArgumentError("cannot open " + args.file));
  auto store = OpenStore(config, StoreUse::kBulkLoad);
  if (!store.ok()) return Failed(store.status());
  std::vector<registry::VaccineProduct> catalogue;
  if (Status st = store->writer->SubmitAndWait([](storage::Connection& c) {
        return registry::SeedBuiltInVaccines(c, SystemClock::Get());
      });
      !st.ok()) {
    return Failed(st);
  }
  {
    auto conn = store->db->Acquire();
    if (!conn.ok()) return Failed(conn.status());
    auto loaded = registry::LoadVaccineProducts(**conn);
    if (!loaded.ok()) return Failed(loaded.status());
    catalogue = *loaded;
  }
  RowErrorOutput output;
  if (Status st = output.Open(args.errors_file); !st.ok()) return Failed(st);
  const registry::DoseWriter writer = registry::DoseWriter::System("cli:import-doses");
  registry::RecordPeople people;  // used on the writer thread only
  std::mutex mu;
  std::condition_variable cv;
  int in_flight = 0;
  size_t recorded = 0, rows = 0, refused = 0, quarantined = 0;
  Status fatal;
  const auto start = std::chrono::steady_clock::now();
  std::vector<int64_t> created;  // people created by committed chunks
  // The refused rows of each finished chunk, by chunk number, until written out in order.
  std::map<size_t, std::vector<registry::RowError>> finished;
  size_t next_chunk = 0, next_to_write = 0;
  auto chunk = std::make_shared<std::vector<registry::DoseCsvRow>>();
  // Lines of the current chunk that did not parse.
  auto chunk_errors = std::make_shared<std::vector<registry::RowError>>();
  registry::DoseCsvDialect dialect;  // from the header line
  // The current chunk's lines as read, by line number, for the rows it refuses.
  auto chunk_lines = std::make_shared<std::unordered_map<size_t, std::string>>();
  // Writes out the refused rows of the chunks finished so far, in chunk order; outside the lock,
  // so the writer thread's callbacks never wait for the file.
  auto write_finished = [&] {
    for (;;) {
      std::vector<registry::RowError> ready;
      {
        std::lock_guard lock(mu);
        auto it = finished.find(next_to_write);
        if (it == finished.end()) return;
        ready = std::move(it->second);
        finished.erase(it);
        ++next_to_write;
      }
      output.Write(ready);
    }
  };
  auto finish_chunk = [&](size_t n, std::vector<registry::RowError> errors) {
    registry::SortRowErrors(errors);
    refused += errors.size();
    finished.emplace(n, std::move(errors));
  };
  auto flush = [&] {
    const size_t n = next_chunk++;
    // The checks that need no database run here, on the reading thread, while the writer
    // thread inserts the previous chunk.
    auto prepared = std::make_shared<const registry::PreparedDoseRows>(registry::PrepareDoseRows(
        std::move(*chunk), catalogue, registry::DayOf(ToUnixSeconds(SystemClock::Get().Now()))));
    auto lines = std::move(chunk_lines);
    chunk_lines = std::make_shared<std::unordered_map<size_t, std::string>>();
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return in_flight < 2; });
      ++in_flight;
    }
    auto rows_done = rows;
    auto write_errors = std::make_shared<std::vector<registry::RowError>>();
    auto done = std::make_shared<size_t>(0);
    auto chunk_created = std::make_shared<std::vector<int64_t>>();
    store->writer->Submit(
        [&, prepared, write_errors, chunk_created, done, parse_errors = chunk_errors,
         lines](storage::Connection& c) -> Status {
          write_errors->clear();
          chunk_created->clear();
          *done = 0;
          if (!prepared->rows.empty()) {
            ASSIGN_OR_RETURN(*done,
                             registry::ImportDoseRows(c, SystemClock::Get(), catalogue, *prepared,
                                                      writer, people, *write_errors, nullptr,
                                                      "import.doses", chunk_created.get()));
          }
          // Refused rows are kept for cleaning in the same transaction.
          std::vector<registry::RowError*> errors;
          for (auto* list : {parse_errors.get(), write_errors.get()}) {
            for (registry::RowError& e : *list) errors.push_back(&e);
          }
          return registry::QuarantineRefusedRows(
              c, SystemClock::Get(), "file", dialect.separator, errors, prepared->rows,
              [&lines](size_t line) {
                auto text = lines->find(line);
                return text == lines->end() ? std::string() : text->second;
              },
              "", writer.actor);
        },
        [&, n, parse_errors = chunk_errors, write_errors, chunk_created, done,
         rows_done](Status st) {
          std::lock_guard lock(mu);
          --in_flight;
          if (!st.ok() && fatal.ok()) fatal = st;
          if (st.ok()) {
            recorded += *done;
            parse_errors->insert(parse_errors->end(),
                                 std::make_move_iterator(write_errors->begin()),
                                 std::make_move_iterator(write_errors->end()));
            created.insert(created.end(), chunk_created->begin(), chunk_created->end());
            for (const registry::RowError& e : *parse_errors) {
              quarantined += e.quarantine_id != 0 ? 1 : 0;
            }
          }
          finish_chunk(n, std::move(*parse_errors));
          const double secs =
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
          std::cerr << "\rimport: " << rows_done << " rows read, " << recorded << " recorded, "
                    << refused << " refused, "
                    << static_cast<int64_t>(rows_done / std::max(secs, 1e-3)) << " rows/s"
                    << std::flush;
          cv.notify_all();
        });
    chunk = std::make_shared<std::vector<registry::DoseCsvRow>>();
    chunk_errors = std::make_shared<std::vector<registry::RowError>>();
  };
  std::string line;
  size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line_no == 1) {
      auto header = registry::ReadDoseCsvHeader(line);
      if (!header.ok()) return Failed(header.status());
      dialect = *header;
      continue;
    }
    if (line.empty() || line == "\r") continue;
    ++rows;
    chunk_lines->emplace(line_no, line);
    auto row = registry::ParseDoseCsvLine(line, line_no, dialect);
    if (row.ok()) {
      chunk->push_back(std::move(*row));
    } else {
      chunk_errors->push_back({line_no, "", row.status()});
    }
    if (chunk->size() == kRowsPerWrite || chunk_errors->size() == kRowsPerWrite) {
      flush();
      write_finished();
    }
  }
  if (!chunk->empty() || !chunk_errors->empty()) flush();
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return in_flight == 0; });
  }
  write_finished();
  std::cerr << "\n";
  if (!fatal.ok()) return Failed(fatal);
  if (Status st = output.Close(); !st.ok()) return Failed(st);
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "imported " << args.file << ": " << rows << " rows, " << recorded << " recorded, "
            << refused << " refused (" << quarantined
            << " of them kept for cleaning: GET /api/v1/quarantine), in " << secs << " s\n";
  if (!args.no_verify) {
    if (Status st = VerifyCreatedPeople(*store, created); !st.ok()) {
      std::cerr << "vaxreg: identity verification of the new people failed: " << st.message()
                << "\n";
      store->writer->Stop();
      return 1;
    }
  }
  store->writer->Stop();
  return refused == 0 ? 0 : 1;
}

// `vaxreg quarantine quality`: the import data quality of an area as a table (or JSON).
int QuarantineQuality(const Config& config, const RegistryCliState& args) {
  registry::ImportQualityQuery q;
  q.unit_code = args.area == "VN" ? "" : args.area;
  if (Status st = registry::SetImportQualityWindow(
          q, args.from, args.to, registry::DayOf(ToUnixSeconds(SystemClock::Get().Now())));
      !st.ok()) {
    std::cerr << "vaxreg: " << st.message() << "\n";
    return 2;
  }
  auto store = OpenStore(config);
  if (!store.ok()) return Failed(store.status());
  auto conn = store->db->Acquire();
  if (!conn.ok()) return Failed(conn.status());
  auto report = registry::ImportQualityOf(**conn, q);
  if (!report.ok()) return Failed(report.status());
  if (args.json) {
    std::cout << registry::ImportQualityJson(*report) << "\n";
    return 0;
  }
  const auto& t = report->totals;
  std::cout << "area " << (q.unit_code.empty() ? "VN" : q.unit_code) << ", "
            << FormatIso8601(FromUnixSeconds(q.from)) << " to "
            << FormatIso8601(FromUnixSeconds(q.to)) << "\n"
            << "rows kept for cleaning: " << t.kept << " (open " << t.open << ", released as sent "
            << t.released << ", fixed and released " << t.fixed << ", rejected " << t.rejected
            << ")\n";
  std::cout << fmt::format("time to clean: {} handled, median {:.1f} h, 90th percentile {:.1f} h\n",
                           report->handled, report->median_hours_to_clean,
                           report->p90_hours_to_clean);
  std::cout << "\nby reason:\n";
  for (const auto& r : report->reasons) {
    std::cout << fmt::format("  {:>7}  {:<20} {:<14} {}\n", r.counts.kept, r.code, r.field,
                             r.sample_message);
  }
  std::cout << "\nfacilities, most rows kept per 1,000 sent first:\n";
  for (const auto& f : report->facilities) {
    std::cout << fmt::format("  {:>8.1f}  {:<16} {:>7} kept {:>9} recorded  {}\n",
                             f.kept_per_1000, f.code, f.rows_kept, f.doses_recorded, f.name);
  }
  return 0;
}

CLI::App* ImportCommand(CLI::App& app) {
  try {
    return app.get_subcommand("import");
  } catch (const CLI::OptionNotFound&) {
    CLI::App* import = app.add_subcommand("import", "import data files");
    import->require_subcommand(1);
    return import;
  }
}

}  // namespace

RegistryCliStatePtr AddRegistryCommands(CLI::App& app, std::function<int(const Config&)>& action) {
  auto state = std::make_shared<RegistryCliState>();
  CLI::App* doses = ImportCommand(app)->add_subcommand(
      "doses", "import a people-with-doses CSV; refused rows are reported, good rows kept");
  doses
      ->add_option("file", state->file,
                   "CSV file with the header " + std::string(registry::kDoseCsvHeader))
      ->required();
  doses->add_option("--errors", state->errors_file,
                    "write the refused rows to this CSV instead of standard error");
  doses->add_flag("--no-verify", state->no_verify,
                  "do not verify the new people against the population register");
  doses->callback(
      [&action, state] { action = [state](const Config& c) { return ImportDoses(c, *state); }; });

  CLI::App* quarantine =
      app.add_subcommand("quarantine", "the cleaning queue of import rows that failed a check");
  quarantine->require_subcommand(1);
  CLI::App* quality = quarantine->add_subcommand(
      "quality", "data quality of an area: rows kept by reason and outcome, time to clean, "
                 "facilities ranked by rows kept per 1,000 doses sent");
  quality->add_option("--area", state->area,
                      "province (2 digits), district (3) or commune (5) code; VN for the country")
      ->default_str("VN");
  quality->add_option("--from", state->from, "first day, YYYY-MM-DD (default: 6 days ago)");
  quality->add_option("--to", state->to, "last day, YYYY-MM-DD (default: today)");
  quality->add_flag("--json", state->json, "print the report as GET /api/v1/quarantine/quality");
  quality->callback([&action, state] {
    action = [state](const Config& c) { return QuarantineQuality(c, *state); };
  });
  return state;
}

int SeedDemoPopulation(const Config& config, int64_t people, uint64_t seed, bool with_doses,
                       bool initial_load) {
  auto store = OpenStore(config, StoreUse::kBulkLoad);
  if (!store.ok()) return Failed(store.status());
  PopulationOptions o;
  o.people = people;
  o.seed = seed;
  o.with_doses = with_doses;
  o.initial_load = initial_load;
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [start] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  o.stage = [&](std::string_view line) {
    std::cerr << "\ndemo seed: " << line << " (at " << elapsed() << " s)" << std::flush;
  };
  o.progress = [&](int64_t p, int64_t d) {
    std::cerr << "\rdemo seed: " << p << " people, " << d << " doses, " << elapsed() << " s"
              << std::flush;
  };
  auto report = SeedPopulation(*store->db, *store->writer, SystemClock::Get(), o);
  std::cerr << "\n";
  if (!report.ok()) return Failed(report.status());
  std::cout << "demo population: " << report->people << " people, " << report->doses << " doses, "
            << report->facilities_created << " facilities created, in " << elapsed() << " s\n";
  store->writer->Stop();
  return 0;
}

}  // namespace vaxreg::app
