#include "identity/file_match.h"

#include <chrono>
#include <cstdio>
#include <functional>

#include "identity/csv.h"
#include "identity/progress.h"
#include "text/name_key.h"

namespace vaxreg::identity {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

const std::vector<std::string_view> kRegisterColumns = {
    "cccd", "cmnd", "full_name", "dob", "sex", "province_code", "district_code", "commune_code"};
const std::vector<std::string_view> kRecordColumns = {
    "record_id", "cccd", "full_name", "dob", "sex", "province_code", "district_code", "commune_code"};

std::string_view Col(const std::vector<std::string_view>& row, size_t i) {
  return i < row.size() ? row[i] : std::string_view();
}

// Open-addressing table from record_id to its index in `ids` (slots hold index + 1; 0 = free):
// a quarter of the memory of a node-based map at ten million records.
class RecordIdTable {
 public:
  explicit RecordIdTable(const std::vector<std::string>& ids) : ids_(ids), slots_(1 << 16, 0) {}
  // The index of `id`, and whether it is new (then it gets `next`; the caller appends it to ids).
  std::pair<uint32_t, bool> Insert(std::string_view id, uint32_t next) {
    if ((count_ + 1) * 2 > slots_.size()) Grow();
    const size_t mask = slots_.size() - 1;
    for (size_t h = Hash(id) & mask;; h = (h + 1) & mask) {
      if (slots_[h] == 0) {
        slots_[h] = next + 1;
        ++count_;
        return {next, true};
      }
      if (ids_[slots_[h] - 1] == id) return {slots_[h] - 1, false};
    }
  }

 private:
  static size_t Hash(std::string_view s) { return std::hash<std::string_view>()(s); }
  void Grow() {
    std::vector<uint32_t> bigger(slots_.size() * 2, 0);
    const size_t mask = bigger.size() - 1;
    for (uint32_t v : slots_) {
      if (v == 0) continue;
      size_t h = Hash(ids_[v - 1]) & mask;
      while (bigger[h] != 0) h = (h + 1) & mask;
      bigger[h] = v;
    }
    slots_.swap(bigger);
  }
  const std::vector<std::string>& ids_;
  std::vector<uint32_t> slots_;
  size_t count_ = 0;
};

}  // namespace

Person PersonFromFields(std::string_view id_number, std::string_view cmnd, std::string_view name,
                        std::string_view dob, std::string_view sex, std::string_view province,
                        std::string_view district, std::string_view commune) {
  Person p;
  const IdNumbers ids = ParseIdNumber(id_number);
  p.cccd = ids.cccd;
  p.cmnd = ids.cmnd;
  if (!cmnd.empty()) {
    const IdNumbers legacy = ParseIdNumber(cmnd);
    if (legacy.cmnd != 0) p.cmnd = legacy.cmnd;
  }
  p.name = text::NameKey(name);
  p.dob = ParseBirthDate(dob);
  p.sex = ParseSex(sex);
  const Address a = ParseAddress(province, district, commune);
  p.province = a.province;
  p.district = a.district;
  p.commune = a.commune;
  return p;
}

Result<std::vector<Person>> LoadRegisterCsv(const std::string& path, std::ostream* progress,
                                            uint64_t* skipped) {
  ASSIGN_OR_RETURN(auto reader, CsvReader::Open(path));
  std::vector<std::string_view> row;
  if (!reader->Next(row)) return InvalidArgumentError(path + " is empty");
  ASSIGN_OR_RETURN(std::vector<size_t> col, MapColumns(row, kRegisterColumns));
  ProgressBar bar(progress, "register", reader->file_size(), ProgressBar::Measure::kBytes);
  std::vector<Person> out;
  out.reserve(reader->file_size() / 64);
  uint64_t bad = 0;
  while (reader->Next(row)) {
    Person p = PersonFromFields(Col(row, col[0]), Col(row, col[1]), Col(row, col[2]),
                                Col(row, col[3]), Col(row, col[4]), Col(row, col[5]),
                                Col(row, col[6]), Col(row, col[7]));
    if (p.cccd == 0 && p.cmnd == 0) {
      ++bad;
    } else {
      out.push_back(std::move(p));
    }
    if ((out.size() & 0xffff) == 0) bar.Update(reader->bytes_read(), out.size() + bad);
  }
  bar.Finish(out.size() + bad);
  if (skipped != nullptr) *skipped = bad;
  return out;
}

Result<RecordSet> LoadRecordsCsv(const std::string& path, std::ostream* progress) {
  ASSIGN_OR_RETURN(auto reader, CsvReader::Open(path));
  std::vector<std::string_view> row;
  if (!reader->Next(row)) return InvalidArgumentError(path + " is empty");
  ASSIGN_OR_RETURN(std::vector<size_t> col, MapColumns(row, kRecordColumns));
  ProgressBar bar(progress, "records ", reader->file_size(), ProgressBar::Measure::kBytes);
  RecordSet set;
  RecordIdTable by_id(set.ids);
  while (reader->Next(row)) {
    ++set.rows;
    if ((set.rows & 0xffff) == 0) bar.Update(reader->bytes_read(), set.rows);
    const std::string_view id = Col(row, col[0]);
    if (id.empty()) continue;
    auto [index, inserted] = by_id.Insert(id, static_cast<uint32_t>(set.ids.size()));
    if (inserted) {
      set.ids.emplace_back(id);
      set.people.push_back(PersonFromFields(Col(row, col[1]), {}, Col(row, col[2]),
                                            Col(row, col[3]), Col(row, col[4]),
                                            Col(row, col[5]), Col(row, col[6]),
                                            Col(row, col[7])));
      continue;
    }
    // Later rows of the same person only fill what the first row lacked.
    Person& p = set.people[index];
    if (p.cccd == 0 && p.cmnd == 0) {
      const IdNumbers ids = ParseIdNumber(Col(row, col[1]));
      p.cccd = ids.cccd;
      p.cmnd = ids.cmnd;
    }
    if (p.name.empty()) p.name = text::NameKey(Col(row, col[2]));
    if (!p.dob.full()) {
      const BirthDate d = ParseBirthDate(Col(row, col[3]));
      if (d.full() || !p.dob.known()) p.dob = d.known() ? d : p.dob;
    }
    if (p.sex == SexCode::kUnknown) p.sex = ParseSex(Col(row, col[4]));
    if (p.province == 0 || p.district == 0 || p.commune == 0) {
      const Address a = ParseAddress(Col(row, col[5]), Col(row, col[6]), Col(row, col[7]));
      if (a.province != 0 && (p.province == 0 || (p.province == a.province && a.commune != 0))) {
        p.province = a.province;
        p.district = a.district;
        p.commune = a.commune;
      }
    }
  }
  bar.Finish(set.rows);
  return set;
}

std::string RegisterNumber(const Person& entry) {
  return entry.cccd != 0 ? FormatCccd(entry.cccd) : FormatCmnd(entry.cmnd);
}

Status WriteExportCsv(const std::string& path, const std::vector<std::string>& ids,
                      const std::vector<MatchResult>& results, const std::vector<Person>& reg) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return UnavailableError("cannot write " + path);
  std::string buf = "record_id,status,matched_cccd,score\n";
  char score[32];
  for (size_t i = 0; i < ids.size(); ++i) {
    const MatchResult& r = results[i];
    csv::AppendCsvText(buf, ids[i]);  // the source's record id
    buf += ',';
    buf += MatchStatusName(r.status);
    buf += ',';
    if (r.status != MatchStatus::kNotFound && r.candidate >= 0) {
      buf += RegisterNumber(reg[static_cast<size_t>(r.candidate)]);
    }
    std::snprintf(score, sizeof score, ",%.4f\n", r.candidate >= 0 ? r.probability : 0.0);
    buf += score;
    if (buf.size() > (1 << 20)) {
      if (std::fwrite(buf.data(), 1, buf.size(), f) != buf.size()) break;
      buf.clear();
    }
  }
  const bool ok = std::fwrite(buf.data(), 1, buf.size(), f) == buf.size();
  if (std::fclose(f) != 0 || !ok) return UnavailableError("cannot write " + path);
  return Status::Ok();
}

Result<FileMatchReport> RunFileMatch(const std::string& register_path,
                                     const std::string& records_path, const std::string& out_path,
                                     const MatchOptions& options, std::ostream* progress) {
  FileMatchReport report;
  auto t = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(std::vector<Person> reg,
                   LoadRegisterCsv(register_path, progress, &report.register_skipped));
  // The blocking index is built before the records are loaded, so its transient merge buffer
  // and the records never take memory at the same time.
  Matcher matcher(reg, options);
  ASSIGN_OR_RETURN(RecordSet records, LoadRecordsCsv(records_path, progress));
  report.register_entries = reg.size();
  report.record_rows = records.rows;
  report.records = records.ids.size();
  report.load_seconds = SecondsSince(t);

  t = std::chrono::steady_clock::now();
  report.em = matcher.Train(records.people);
  report.model = matcher.model().Describe();
  report.train_seconds = SecondsSince(t);

  t = std::chrono::steady_clock::now();
  ProgressBar bar(progress, "matching", records.people.size());
  std::vector<MatchResult> results =
      matcher.MatchAll(records.people, [&](size_t done) { bar.Update(done); });
  bar.Finish();
  report.match_seconds = SecondsSince(t);
  for (const MatchResult& r : results) {
    report.verified += r.status == MatchStatus::kVerified;
    report.proposed += r.status == MatchStatus::kProposed;
    report.not_found += r.status == MatchStatus::kNotFound;
  }
  t = std::chrono::steady_clock::now();
  RETURN_IF_ERROR(WriteExportCsv(out_path, records.ids, results, reg));
  report.write_seconds = SecondsSince(t);
  return report;
}

}  // namespace vaxreg::identity
