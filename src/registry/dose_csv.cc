#include "registry/dose_csv.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <climits>
#include <optional>
#include <unordered_set>

#include "audit/audit_log.h"
#include "common/crypto_util.h"
#include "registry/bulk_load.h"
#include "registry/continuity.h"
#include "registry/facility.h"
#include "registry/person_store.h"
#include "registry/same_person.h"
#include "registry/vaccine_names.h"
#include "registry/vaccine_store.h"

namespace vaxreg::registry {
namespace {

constexpr size_t kColumns = 14;
constexpr int64_t kNineAmVietnamInUtcSeconds = 2 * 3600;

std::string_view TrimCr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// "DD/MM/YYYY" (also with '-' or '.', one-digit day or month allowed), as Vietnamese
// spreadsheets write dates, as "YYYY-MM-DD"; anything else unchanged.
std::string DayFirstToIso(std::string_view text) {
  int d = 0, m = 0, y = 0;
  size_t i = 0;
  auto number = [&](int& out, size_t min_digits, size_t max_digits) {
    const size_t start = i;
    while (i < text.size() && i - start < max_digits && text[i] >= '0' && text[i] <= '9') {
      out = out * 10 + (text[i++] - '0');
    }
    return i - start >= min_digits;
  };
  auto separator = [&](char& sep) {
    if (i >= text.size() || (text[i] != '/' && text[i] != '-' && text[i] != '.')) return false;
    if (sep != 0 && text[i] != sep) return false;
    sep = text[i++];
    return true;
  };
  char sep = 0;
  if (!number(d, 1, 2) || !separator(sep) || !number(m, 1, 2) || !separator(sep) ||
      !number(y, 4, 4) || i != text.size()) {
    return std::string(text);
  }
  return fmt::format("{:04d}-{:02d}-{:02d}", y, m, d);
}

Result<int64_t> ParseDoseDate(const std::string& given) {
  const std::string text = DayFirstToIso(given);
  std::chrono::sys_days day;
  if (ParseDay(text, &day)) {
    return std::chrono::duration_cast<std::chrono::seconds>(day.time_since_epoch()).count() +
           kNineAmVietnamInUtcSeconds;
  }
  SystemTime t;
  if (text.size() > 10 && ParseIso8601(text, &t)) return ToUnixSeconds(t);
  return InvalidArgumentError("date must be YYYY-MM-DD, DD/MM/YYYY or an ISO 8601 date-time, got '" +
                                  given.substr(0, 40) + "'",
                              "date");
}

// Spaces and tabs around a field, as spreadsheets leave them.
std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// An identity or phone number as people type it ("001 090 012 345", "001.090.012.345"): the
// digits alone when spaces, dots and hyphens are all that separate them; anything else
// unchanged, for the validator to name.
std::string DigitsOnly(std::string_view s) {
  std::string digits;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c != ' ' && c != '.' && c != '-') {
      return std::string(s);
    }
  }
  return digits;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

NewPerson NewPersonOf(const DoseCsvRow& row) {
  NewPerson np;
  np.cccd = row.cccd;
  np.full_name = row.full_name;
  np.dob = row.dob;
  np.sex = row.sex;
  np.phone = row.phone;
  np.province_code = row.province_code;
  np.district_code = row.district_code;
  np.commune_code = row.commune_code;
  return np;
}

// The dose columns of a CSV row as the API's ValidateNewDose takes them. The row's person is
// found or created only in the write, so it stands in with id 1: any positive id passes, and the
// validator checks the other fields exactly as for an API write.
NewDose NewDoseOf(const DoseCsvRow& row) {
  NewDose d;
  d.person_id = 1;
  d.vaccine_code = row.vaccine;
  d.lot = row.lot;
  d.dose_number = row.dose_number;
  d.administered_at = row.administered_at;
  d.facility_code = row.facility_code;
  return d;
}

// The key that groups the rows of one person within a chunk: by person id (batch endpoint), by
// CCCD, or by the source's record_id for people without one.
std::string PersonKey(const DoseCsvRow& row) {
  return row.person_id > 0  ? "p:" + std::to_string(row.person_id)
         : row.cccd.empty() ? "r:" + row.record_id
                            : "c:" + row.cccd;
}

// One person of an import chunk: found (by CCCD, or by the record_id of an earlier chunk) with
// their doses, or new from the first row that names them.
struct Group {
  BulkPerson person;
  std::string record_id;
  std::chrono::sys_days earliest_birth_day;
  Status person_error;  // the first row's person data was invalid: every row of it is refused
};

// What the database holds for the rows of one chunk, read with batched queries before the rows
// are checked one by one.
struct ChunkLookups {
  std::unordered_map<std::string, Dose> doses_by_key;  // idempotency key -> dose
  std::unordered_map<int64_t, Person> people_by_id;
  std::unordered_map<std::string, int64_t> id_by_cccd;
  std::unordered_map<int64_t, std::vector<Dose>> doses_by_person;
  std::unordered_map<std::string, std::optional<Facility>> facilities;
};

Result<ChunkLookups> LookUpChunk(storage::Connection& conn, const PreparedDoseRows& prepared,
                                 const RecordPeople& people) {
  ChunkLookups out;
  std::vector<std::string> keys, cccds;
  std::vector<int64_t> ids;
  std::unordered_set<std::string> seen;
  for (size_t r = 0; r < prepared.rows.size(); ++r) {
    const DoseCsvRow& row = prepared.rows[r];
    if (!row.idempotency_key.empty() && seen.insert("k:" + row.idempotency_key).second) {
      keys.push_back(row.idempotency_key);
    }
    if (!prepared.refusal[r].ok()) continue;
    if (!out.facilities.contains(row.facility_code)) {
      ASSIGN_OR_RETURN(auto f, FindFacility(conn, row.facility_code));
      out.facilities.emplace(row.facility_code, std::move(f));
    }
    if (row.person_id > 0) {
      if (seen.insert(prepared.person_key[r]).second) ids.push_back(row.person_id);
    } else if (!row.cccd.empty()) {
      if (seen.insert(prepared.person_key[r]).second) cccds.push_back(row.cccd);
    } else if (auto it = people.find(row.record_id); it != people.end()) {
      if (seen.insert("p:" + std::to_string(it->second)).second) ids.push_back(it->second);
    }
  }
  if (conn.dialect() == storage::Dialect::kPostgres) {
    // Another process may write doses of the same people now: lock them (ascending ids) before
    // their doses, statuses and the idempotency keys are read below, as RecordDose does, so a
    // retry racing its original through another server sees the original's dose under its key.
    ASSIGN_OR_RETURN(std::vector<Person> named, FindPeopleForDoseWrites(conn, ids, cccds));
    std::vector<int64_t> lock;
    lock.reserve(named.size());
    for (const Person& p : named) lock.push_back(p.id);
    RETURN_IF_ERROR(LockPeopleForDoseWrites(conn, lock));
  }
  ASSIGN_OR_RETURN(out.doses_by_key, FindDosesByIdempotencyKeys(conn, keys));
  ASSIGN_OR_RETURN(std::vector<Person> found, FindPeopleForDoseWrites(conn, ids, cccds));
  std::vector<int64_t> found_ids;
  for (Person& p : found) {
    if (!p.cccd.empty()) out.id_by_cccd.emplace(p.cccd, p.id);
    found_ids.push_back(p.id);
    const int64_t id = p.id;
    out.people_by_id.emplace(id, std::move(p));
  }
  ASSIGN_OR_RETURN(out.doses_by_person, ListDoseHistoriesOfPeople(conn, found_ids));
  return out;
}

// The stored person `row` names, if any: by person id (batch endpoint), by CCCD, or by the
// record_id of an earlier chunk.
std::optional<int64_t> StoredPersonOf(const DoseCsvRow& row, const ChunkLookups& looked_up,
                                      const RecordPeople& people) {
  if (row.person_id > 0) {
    if (looked_up.people_by_id.contains(row.person_id)) return row.person_id;
  } else if (!row.cccd.empty()) {
    if (auto it = looked_up.id_by_cccd.find(row.cccd); it != looked_up.id_by_cccd.end()) {
      return it->second;
    }
  } else if (auto it = people.find(row.record_id); it != people.end()) {
    if (looked_up.people_by_id.contains(it->second)) return it->second;
  }
  return std::nullopt;
}

// The group of `row`, the first acceptable row of its person in the chunk (r is its index).
// `stored` is StoredPersonOf(row); the stored person and their doses move from `looked_up` into
// the group (the caller makes one group per stored person).
Group MakeGroup(const PreparedDoseRows& prepared, size_t r, std::optional<int64_t> stored,
                ChunkLookups& looked_up) {
  const DoseCsvRow& row = prepared.rows[r];
  Group g;
  g.record_id = row.record_id;
  if (stored) {
    // The fields FindPeopleForDoseWrites reads.
    g.person.person = std::move(looked_up.people_by_id.extract(*stored).mapped());
    if (auto d = looked_up.doses_by_person.extract(*stored)) {
      g.person.existing_doses = std::move(d.mapped());
    }
  } else if (row.person_id > 0) {
    g.person_error = NotFoundError("no person with id " + std::to_string(row.person_id));
    return g;
  } else {
    // Prepared for the person's first acceptable row; a group can start at a later row when
    // the earlier ones were refused for what only the database knows (facility, key).
    Result<Person> valid = prepared.new_person[r]
                               ? *prepared.new_person[r]
                               : ValidateNewPerson(NewPersonOf(row), prepared.today);
    if (!valid.ok()) {
      g.person_error = valid.status();
      return g;
    }
    g.person.person = std::move(*valid);
  }
  auto birth = ParseBirthDate(g.person.person.dob, prepared.today);
  g.earliest_birth_day = birth.ok() ? birth->EarliestDay() : std::chrono::sys_days{};
  return g;
}

// Whether `row` records the dose given by the other four facts (a retry under the same
// idempotency key must repeat them).
bool IsSameDose(const DoseCsvRow& row, int64_t person_id, const std::string& vaccine,
                int dose_number, int64_t administered_at) {
  return row.person_id == person_id && row.vaccine == vaccine && row.dose_number == dose_number &&
         row.administered_at == administered_at;
}

// Who writes `row`: its own writer (single doses written in a group), else the import's.
const DoseWriter& WriterOf(const DoseCsvRow& row, const DoseWriter& import_writer) {
  return row.writer != nullptr ? *row.writer : import_writer;
}

Status CheckFacility(const std::optional<Facility>& f, const std::string& code,
                     const DoseWriter& writer) {
  if (!f) return InvalidArgumentError("unknown facility '" + code + "'", "facility_code");
  if (f->status != "active") {
    return FailedPreconditionError(
        "facility " + code + " is " + f->status + ", not active; it cannot record doses",
        "facility_code");
  }
  return CheckWriterForFacility(writer, &*f);
}

}  // namespace

void RowErrorSummary::Add(RowError e) {
  ++total_;
  ++counts_[{e.status.code(), e.status.field()}];
  if (listed_.size() < max_listed_) listed_.push_back(std::move(e));
}

void SortRowErrors(std::vector<RowError>& errors) {
  std::stable_sort(errors.begin(), errors.end(),
                   [](const RowError& a, const RowError& b) { return a.line < b.line; });
}

Result<DoseCsvDialect> ReadDoseCsvHeader(std::string_view line) {
  line = TrimCr(line);
  if (line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);  // Excel's UTF-8 byte order mark
  DoseCsvDialect dialect;
  if (line.find(',') == std::string_view::npos && line.find(';') != std::string_view::npos) {
    dialect.separator = ';';
  }
  auto names = SplitCsvLine(line, dialect.separator);
  auto expected = SplitCsvLine(kDoseCsvHeader);
  bool same = names.ok() && names->size() == expected->size();
  for (size_t i = 0; same && i < names->size(); ++i) {
    same = EqualsIgnoringCase(TrimBlanks((*names)[i]), (*expected)[i]);
  }
  if (!same) {
    return InvalidArgumentError("the first line must be the header " +
                                    std::string(kDoseCsvHeader) +
                                    " (columns separated by , or ;)",
                                "header");
  }
  return dialect;
}

Result<std::vector<std::string>> SplitCsvLine(std::string_view line, char separator) {
  line = TrimCr(line);
  std::vector<std::string> fields;
  std::string cur;
  size_t i = 0;
  while (true) {
    cur.clear();
    if (i < line.size() && line[i] == '"') {
      ++i;
      while (true) {
        if (i >= line.size()) return InvalidArgumentError("unterminated quoted field", "line");
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            cur += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        cur += line[i++];
      }
      if (i < line.size() && line[i] != separator) {
        return InvalidArgumentError("text after a closing quote", "line");
      }
    } else {
      const size_t end = line.find(separator, i);
      cur.assign(line.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i));
      i = end == std::string_view::npos ? line.size() : end;
    }
    fields.push_back(cur);
    if (i >= line.size()) break;
    ++i;  // the separator
  }
  return fields;
}

Result<DoseCsvRow> ParseDoseCsvLine(std::string_view line, size_t line_number,
                                    DoseCsvDialect dialect) {
  ASSIGN_OR_RETURN(std::vector<std::string> f, SplitCsvLine(line, dialect.separator));
  if (f.size() != kColumns) {
    return InvalidArgumentError("expected " + std::to_string(kColumns) + " columns separated by '" +
                                    std::string(1, dialect.separator) + "', got " +
                                    std::to_string(f.size()),
                                "line");
  }
  for (std::string& field : f) {
    if (const std::string_view t = TrimBlanks(field); t.size() != field.size()) field = t;
  }
  DoseCsvRow r;
  r.line = line_number;
  r.record_id = f[0];
  r.cccd = DigitsOnly(f[1]);
  r.full_name = f[2];
  r.dob = DayFirstToIso(f[3]);
  r.sex = f[4];
  r.phone = DigitsOnly(f[5]);
  r.province_code = f[6];
  r.district_code = f[7];
  r.commune_code = f[8];
  r.vaccine = f[9];
  r.lot = f[10];
  r.facility_code = f[13];
  if (r.record_id.empty()) return InvalidArgumentError("record_id is empty", "record_id");
  if (r.record_id.size() > kMaxRecordIdBytes) {
    return InvalidArgumentError(
        "record_id is at most " + std::to_string(kMaxRecordIdBytes) + " bytes", "record_id");
  }
  const std::string& n = f[11];
  auto [p, ec] = std::from_chars(n.data(), n.data() + n.size(), r.dose_number);
  if (ec != std::errc() || p != n.data() + n.size()) {
    return InvalidArgumentError("dose_number must be an integer", "dose_number");
  }
  ASSIGN_OR_RETURN(r.administered_at, ParseDoseDate(f[12]));
  return r;
}

namespace {

// Records which person each recorded CSV row's record_id named (person_record_ids), so that
// exports can name records as their source did. A record_id mapped before keeps its person.
Status MapRecordIds(storage::Connection& conn, const std::vector<DoseCsvRow>& rows,
                    const std::vector<std::pair<size_t, size_t>>& placed,
                    const std::vector<size_t>& load_of_group, const std::vector<BulkPerson>& load) {
  constexpr size_t kPairsPerStatement = 200;
  std::unordered_set<std::string_view> seen;
  std::vector<storage::Value> params;
  auto flush = [&]() -> Status {
    if (params.empty()) return Status::Ok();
    std::string sql = "INSERT INTO person_record_ids (record_id, person_id) VALUES ";
    for (size_t i = 0; i < params.size(); i += 2) {
      fmt::format_to(std::back_inserter(sql), "{}(${}, ${})", i == 0 ? "" : ", ", i + 1, i + 2);
    }
    sql += " ON CONFLICT (record_id) DO NOTHING";
    Status st = conn.Execute(sql, params).status();
    params.clear();
    return st;
  };
  for (size_t r = 0; r < rows.size(); ++r) {
    const DoseCsvRow& row = rows[r];
    if (placed[r].first == SIZE_MAX || row.person_id != 0 || row.record_id.empty()) continue;
    if (!seen.insert(row.record_id).second) continue;
    params.emplace_back(row.record_id);
    params.emplace_back(load[load_of_group[placed[r].first]].person.id);
    if (params.size() == 2 * kPairsPerStatement) RETURN_IF_ERROR(flush());
  }
  return flush();
}

}  // namespace

PreparedDoseRows PrepareDoseRows(std::vector<DoseCsvRow> rows,
                                 const std::vector<VaccineProduct>& catalogue,
                                 std::chrono::sys_days today) {
  PreparedDoseRows p;
  p.today = today;
  p.refusal.resize(rows.size());
  p.person_key.reserve(rows.size());
  p.new_person.resize(rows.size());
  std::unordered_set<std::string> people_seen;
  for (size_t r = 0; r < rows.size(); ++r) {
    const DoseCsvRow& row = rows[r];
    p.person_key.push_back(PersonKey(row));
    if (row.person_id != 0) {
      // A batch item, which PrepareDoseBatch validated with ValidateNewDose (before scoping its
      // idempotency key).
      if (VaccineCatalogueCache::Find(catalogue, row.vaccine) == nullptr) {
        p.refusal[r] = InvalidArgumentError("unknown vaccine '" + row.vaccine + "'", "vaccine");
      } else if (row.dose_number < 1 || row.dose_number > 20) {
        p.refusal[r] = InvalidArgumentError("dose_number must be 1-20", "dose_number");
      }
      continue;
    }
    // A CSV row: the vaccine as people name it, then the dose columns as the API checks them,
    // and every row's person columns, also when the person exists or an earlier row named them.
    if (Status st = NormalizeVaccineCode(catalogue, rows[r].vaccine); !st.ok()) {
      p.refusal[r] = std::move(st);
      continue;
    }
    if (Status st = ValidateNewDose(NewDoseOf(row), catalogue); !st.ok()) {
      p.refusal[r] = std::move(st);
      continue;
    }
    Result<Person> person = ValidateNewPerson(NewPersonOf(row), today);
    if (!person.ok()) {
      p.refusal[r] = person.status();
      continue;
    }
    if (people_seen.insert(p.person_key[r]).second) p.new_person[r] = std::move(person);
  }
  p.rows = std::move(rows);
  return p;
}

Result<size_t> ImportDoseRows(storage::Connection& conn, const Clock& clock,
                              const std::vector<VaccineProduct>& catalogue,
                              const PreparedDoseRows& prepared, const DoseWriter& writer,
                              RecordPeople& people, std::vector<RowError>& errors,
                              std::vector<std::optional<RecordOutcome>>* outcomes,
                              std::string_view audit_action, std::vector<int64_t>* created_people) {
  const std::vector<DoseCsvRow>& rows = prepared.rows;
  const int64_t now = ToUnixSeconds(clock.Now());
  if (outcomes != nullptr) outcomes->assign(rows.size(), std::nullopt);
  // Accepted row -> (group, index in the group's new doses); replayed row -> earlier row.
  std::vector<std::pair<size_t, size_t>> placed(rows.size(), {SIZE_MAX, 0});
  std::vector<size_t> replay_of(rows.size(), SIZE_MAX);
  std::unordered_map<std::string, size_t> key_rows;
  ASSIGN_OR_RETURN(ChunkLookups looked_up, LookUpChunk(conn, prepared, people));
  std::unordered_map<std::string_view, size_t> group_of;  // person_key -> index in groups
  std::unordered_map<int64_t, size_t> group_of_stored;    // stored person id -> index in groups
  std::vector<Group> groups;
  groups.reserve(rows.size());
  std::string digest_input;
  size_t recorded = 0;
  for (size_t r = 0; r < rows.size(); ++r) {
    const DoseCsvRow& row = rows[r];
    const auto refuse = [&](const Status& st) { errors.push_back({row.line, row.record_id, st}); };
    if (!row.idempotency_key.empty()) {
      const auto refuse_reused_key = [&] {
        refuse(AlreadyExistsError("idempotency key '" +
                                      std::string(ClientIdempotencyKey(row.idempotency_key)) +
                                      "' was already used for a different dose",
                                  "idempotency_key"));
      };
      if (auto k = key_rows.find(row.idempotency_key); k != key_rows.end()) {
        const DoseCsvRow& first = rows[k->second];
        if (!IsSameDose(row, first.person_id, first.vaccine, first.dose_number,
                        first.administered_at)) {
          refuse_reused_key();
        } else {
          replay_of[r] = k->second;
        }
        continue;
      }
      if (auto e = looked_up.doses_by_key.find(row.idempotency_key);
          e != looked_up.doses_by_key.end()) {
        const Dose& existing = e->second;
        if (!IsSameDose(row, existing.person_id, existing.vaccine_code, existing.dose_number,
                        existing.administered_at)) {
          refuse_reused_key();
        } else if (outcomes != nullptr) {
          (*outcomes)[r] = RecordOutcome{existing, true};
        }
        continue;
      }
    }
    if (!prepared.refusal[r].ok()) {
      refuse(prepared.refusal[r]);
      continue;
    }
    const DoseWriter& row_writer = WriterOf(row, writer);
    const std::optional<Facility>& facility = looked_up.facilities.at(row.facility_code);
    if (Status st = CheckFacility(facility, row.facility_code, row_writer); !st.ok()) {
      refuse(st);
      continue;
    }
    const std::string_view key = prepared.person_key[r];
    auto git = group_of.find(key);
    if (git == group_of.end()) {
      // Two keys (a CCCD, and the record_id of an earlier chunk) may name one stored person:
      // they share a group, so that each row's continuity check sees the other's doses.
      const std::optional<int64_t> stored = StoredPersonOf(row, looked_up, people);
      auto sit = stored ? group_of_stored.find(*stored) : group_of_stored.end();
      if (sit != group_of_stored.end()) {
        git = group_of.emplace(key, sit->second).first;
      } else {
        git = group_of.emplace(key, groups.size()).first;
        if (stored) group_of_stored.emplace(*stored, groups.size());
        groups.push_back(MakeGroup(prepared, r, stored, looked_up));
      }
    }
    Group& g = groups[git->second];
    if (!g.person_error.ok()) {
      refuse(g.person_error);
      continue;
    }
    // A file's row names its person by CCCD (stored, or created from an earlier row): it must
    // describe them, or its dose would land on a stranger.
    if (row.person_id == 0 && !row.cccd.empty()) {
      if (Status st = CheckSamePerson(row.cccd, row.full_name, row.dob, g.person.person);
          !st.ok()) {
        refuse(st);
        continue;
      }
    }
    ContinuityInput ci;
    ci.dose = {0, row.vaccine, row.dose_number, row.administered_at};
    ci.now = now;
    ci.earliest_birth_day = g.earliest_birth_day;
    for (const auto* list : {&g.person.existing_doses, &g.person.doses}) {
      for (const Dose& d : *list) {
        if (d.status == "active") {
          ci.history.push_back({d.id, d.vaccine_code, d.dose_number, d.administered_at});
        }
      }
    }
    Status st = CheckDoseDate(ci);
    if (st.ok() && row.override_reason.empty()) st = CheckDoseSequence(ci, catalogue);
    if (!st.ok()) {
      refuse(st);
      continue;
    }
    Dose d;
    d.vaccine_code = row.vaccine;
    d.lot = row.lot;
    d.dose_number = row.dose_number;
    d.administered_at = row.administered_at;
    d.facility_code = row.facility_code;
    d.source = "facility";
    d.review_status = "none";
    d.status = "active";
    d.province_code = facility->province_code;
    d.recorded_by = row_writer.actor.id;
    d.vaccinator = row.vaccinator;
    d.idempotency_key = row.idempotency_key;
    d.override_reason = row.override_reason;
    if (!row.idempotency_key.empty()) key_rows[row.idempotency_key] = r;
    placed[r] = {git->second, g.person.doses.size()};
    g.person.doses.push_back(std::move(d));
    fmt::format_to(std::back_inserter(digest_input), "{}:{}:{}:{}:{}\n", row.line, row.record_id,
                   row.cccd, row.vaccine, row.dose_number);
    ++recorded;
  }
  std::vector<BulkPerson> load;
  load.reserve(groups.size());
  std::vector<std::string> record_ids;
  std::vector<size_t> load_of_group(groups.size(), SIZE_MAX);
  for (size_t gi = 0; gi < groups.size(); ++gi) {
    Group& g = groups[gi];
    if (g.person.doses.empty()) continue;
    record_ids.push_back(g.person.person.cccd.empty() && g.person.person.id == 0 ? g.record_id
                                                                                 : "");
    load_of_group[gi] = load.size();
    load.push_back(std::move(g.person));
  }
  if (load.empty()) return recorded;
  std::vector<bool> is_new(load.size());
  for (size_t i = 0; i < load.size(); ++i) is_new[i] = load[i].person.id == 0;
  ASSIGN_OR_RETURN(BulkLoader loader, BulkLoader::Start(conn));
  RETURN_IF_ERROR(loader.Load(conn, load, catalogue, now));
  if (created_people != nullptr) {
    for (size_t i = 0; i < load.size(); ++i) {
      if (is_new[i]) created_people->push_back(load[i].person.id);
    }
  }
  int64_t first_id = INT64_MAX, last_id = 0;
  for (size_t i = 0; i < load.size(); ++i) {
    if (!record_ids[i].empty()) people[record_ids[i]] = load[i].person.id;
    for (const Dose& d : load[i].doses) {
      first_id = std::min(first_id, d.id);
      last_id = std::max(last_id, d.id);
    }
  }
  RETURN_IF_ERROR(MapRecordIds(conn, rows, placed, load_of_group, load));
  if (audit_action == kAuditEachDose) {
    std::vector<audit::AuditEntry> entries;
    entries.reserve(recorded);
    for (size_t r = 0; r < rows.size(); ++r) {
      if (placed[r].first == SIZE_MAX) continue;
      const DoseWriter& w = WriterOf(rows[r], writer);
      const Dose& d = load[load_of_group[placed[r].first]].doses[placed[r].second];
      entries.push_back({w.actor.id, std::string(kAuditEachDose), "dose:" + std::to_string(d.id),
                         "null", DoseJson(d), w.actor.request_id});
    }
    RETURN_IF_ERROR(audit::AppendAuditEntries(conn, clock, entries));
  }
  if (outcomes != nullptr) {
    // The loaded doses are not needed after this: they move into the outcomes.
    for (size_t r = 0; r < rows.size(); ++r) {
      if (placed[r].first != SIZE_MAX) {
        (*outcomes)[r] = RecordOutcome{
            std::move(load[load_of_group[placed[r].first]].doses[placed[r].second]), false};
      }
    }
    for (size_t r = 0; r < rows.size(); ++r) {
      if (replay_of[r] != SIZE_MAX && (*outcomes)[replay_of[r]]) {
        (*outcomes)[r] = RecordOutcome{(*outcomes)[replay_of[r]]->dose, true};
      }
    }
  }
  if (audit_action == kAuditEachDose) return recorded;
  const std::string after =
      boost::json::serialize(boost::json::object{{"rows", rows.size()},
                                                 {"recorded", recorded},
                                                 {"people_created", loader.people_loaded()},
                                                 {"first_dose_id", first_id},
                                                 {"last_dose_id", last_id},
                                                 {"sha256", HexEncode(Sha256(digest_input))}});
  RETURN_IF_ERROR(
      audit::AppendAudit(conn, clock,
                         {writer.actor.id, std::string(audit_action),
                          "doses:" + std::to_string(first_id) + "-" + std::to_string(last_id),
                          "null", after, writer.actor.request_id}));
  return recorded;
}

}  // namespace vaxreg::registry
