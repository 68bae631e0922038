#include "registry/dose_csv.h"

#include <charconv>

#include "registry/dose_batch.h"
#include "registry/person_store.h"

namespace vaxreg::registry {
namespace {

constexpr size_t kColumns = 14;
constexpr int64_t kNineAmVietnamInUtcSeconds = 2 * 3600;

std::string_view TrimCr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

Result<int64_t> ParseDoseDate(const std::string& text) {
  std::chrono::sys_days day;
  if (ParseDay(text, &day)) {
    return std::chrono::duration_cast<std::chrono::seconds>(day.time_since_epoch()).count() +
           kNineAmVietnamInUtcSeconds;
  }
  SystemTime t;
  if (text.size() > 10 && ParseIso8601(text, &t)) return ToUnixSeconds(t);
  return InvalidArgumentError("date must be YYYY-MM-DD or an ISO 8601 date-time", "date");
}

// Finds or creates the row's person; sets *person_id.
Status ResolvePerson(storage::Connection& conn, const Clock& clock, const DoseCsvRow& row,
                     const DoseWriter& writer, RecordPeople& people, int64_t* person_id) {
  if (!row.cccd.empty()) {
    ASSIGN_OR_RETURN(auto found, FindPersonByCccd(conn, row.cccd));
    if (found) {
      *person_id = found->id;
      return Status::Ok();
    }
  } else if (auto it = people.find(row.record_id); it != people.end()) {
    *person_id = it->second;
    return Status::Ok();
  }
  NewPerson np;
  np.cccd = row.cccd;
  np.full_name = row.full_name;
  np.dob = row.dob;
  np.sex = row.sex;
  np.phone = row.phone;
  np.province_code = row.province_code;
  np.district_code = row.district_code;
  np.commune_code = row.commune_code;
  ASSIGN_OR_RETURN(Person p, ValidateNewPerson(np, DayOf(ToUnixSeconds(clock.Now()))));
  ASSIGN_OR_RETURN(Person created, InsertPerson(conn, clock, std::move(p), writer.actor));
  *person_id = created.id;
  return Status::Ok();
}

}  // namespace

Status CheckDoseCsvHeader(std::string_view line) {
  if (TrimCr(line) == kDoseCsvHeader) return Status::Ok();
  return InvalidArgumentError("the first line must be the header " + std::string(kDoseCsvHeader),
                              "header");
}

Result<std::vector<std::string>> SplitCsvLine(std::string_view line) {
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
      if (i < line.size() && line[i] != ',') {
        return InvalidArgumentError("text after a closing quote", "line");
      }
    } else {
      const size_t comma = line.find(',', i);
      cur.assign(line.substr(i, comma == std::string_view::npos ? std::string_view::npos : comma - i));
      i = comma == std::string_view::npos ? line.size() : comma;
    }
    fields.push_back(cur);
    if (i >= line.size()) break;
    ++i;  // the comma
  }
  return fields;
}

Result<DoseCsvRow> ParseDoseCsvLine(std::string_view line, size_t line_number) {
  ASSIGN_OR_RETURN(std::vector<std::string> f, SplitCsvLine(line));
  if (f.size() != kColumns) {
    return InvalidArgumentError("expected " + std::to_string(kColumns) + " columns, got " +
                                    std::to_string(f.size()),
                                "line");
  }
  DoseCsvRow r;
  r.line = line_number;
  r.record_id = f[0];
  r.cccd = f[1];
  r.full_name = f[2];
  r.dob = f[3];
  r.sex = f[4];
  r.phone = f[5];
  r.province_code = f[6];
  r.district_code = f[7];
  r.commune_code = f[8];
  r.vaccine = f[9];
  r.lot = f[10];
  r.facility_code = f[13];
  if (r.record_id.empty()) return InvalidArgumentError("record_id is empty", "record_id");
  const std::string& n = f[11];
  auto [p, ec] = std::from_chars(n.data(), n.data() + n.size(), r.dose_number);
  if (ec != std::errc() || p != n.data() + n.size()) {
    return InvalidArgumentError("dose_number must be an integer", "dose_number");
  }
  ASSIGN_OR_RETURN(r.administered_at, ParseDoseDate(f[12]));
  return r;
}

Result<size_t> ImportDoseRows(storage::Connection& conn, const Clock& clock,
                              const std::vector<VaccineProduct>& catalogue,
                              const std::vector<DoseCsvRow>& rows, const DoseWriter& writer,
                              RecordPeople& people, std::vector<RowError>& errors) {
  size_t recorded = 0;
  RETURN_IF_ERROR(ForEachInSavepoint(conn, rows.size(), [&](storage::Connection& c, size_t i) {
    const DoseCsvRow& row = rows[i];
    int64_t person_id = 0;
    Status st = ResolvePerson(c, clock, row, writer, people, &person_id);
    if (st.ok()) {
      NewDose d;
      d.person_id = person_id;
      d.vaccine_code = row.vaccine;
      d.lot = row.lot;
      d.dose_number = row.dose_number;
      d.administered_at = row.administered_at;
      d.facility_code = row.facility_code;
      st = RecordDose(c, clock, catalogue, std::move(d), writer).status();
    }
    if (!st.ok()) {
      errors.push_back({row.line, row.record_id, st});
      return st;
    }
    if (row.cccd.empty()) people[row.record_id] = person_id;
    ++recorded;
    return Status::Ok();
  }));
  return recorded;
}

}  // namespace vaxreg::registry
