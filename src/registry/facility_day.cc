#include "registry/facility_day.h"

#include <chrono>

#include "registry/person_store.h"
#include "text/vietnamese.h"

namespace vaxreg::registry {
namespace {

using storage::Value;

constexpr size_t kMaxSearchBytes = 100;

constexpr std::string_view kPersonSummaryColumns =
    "p.id, p.full_name, COALESCE(p.cccd, ''), p.dob, p.phone, p.vax_status";

PersonSummary SummaryFromRow(const storage::RowView& r, size_t first) {
  return {r.Int(first), r.Text(first + 1), r.Text(first + 2), r.Text(first + 3),
          r.Text(first + 4), r.Text(first + 5)};
}

// Appends the search's condition on people `p` to `sql`, its value to `params`.
void AddSearch(const PersonSearch& search, std::string& sql, std::vector<Value>& params) {
  if (search.kind == PersonSearch::Kind::kNone) return;
  const std::string n = "$" + std::to_string(params.size() + 1);
  switch (search.kind) {
    case PersonSearch::Kind::kIdentityNumber:
      params.emplace_back(search.value);
      sql += " AND (p.cccd = " + n + " OR p.cmnd = " + n + ")";
      break;
    case PersonSearch::Kind::kDigits:
      // Digits only, so the pattern holds no LIKE wildcard but the ones added here.
      params.emplace_back("%" + search.value);
      sql += " AND (p.phone LIKE " + n + " OR p.cccd LIKE " + n + " OR p.cmnd LIKE " + n + ")";
      break;
    case PersonSearch::Kind::kName:
      // Folded names hold only a-z and spaces: no LIKE wildcard can come from the text.
      params.emplace_back("%" + search.value + "%");
      sql += " AND p.name_folded LIKE " + n;
      break;
    case PersonSearch::Kind::kNone:
      break;
  }
}

// [start, end) in Unix seconds of Viet Nam day `day`.
bool DayBounds(std::string_view day, int64_t* start, int64_t* end) {
  std::chrono::sys_days d;
  if (!ParseDay(day, &d)) return false;
  *start = StartOfDay(d);
  *end = *start + 86400;
  return true;
}

Result<int64_t> Count(storage::Connection& conn, std::string_view sql,
                      const std::vector<Value>& params) {
  ASSIGN_OR_RETURN(storage::Rows rows, conn.Query(sql, params));
  return rows.empty() ? 0 : rows.at(0).Int(0);
}

}  // namespace

Result<PersonSearch> ParsePersonSearch(std::string_view text) {
  if (text.size() > kMaxSearchBytes) {
    return InvalidArgumentError("search text is longer than 100 characters", "q");
  }
  std::string digits;
  bool only_digits = true;
  bool any = false;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      digits += c;
      any = true;
    } else if (c == ' ' || c == '.' || c == '-' || c == '+') {
      continue;
    } else {
      only_digits = false;
      any = true;
    }
  }
  if (!any) return PersonSearch{};
  if (only_digits) {
    if (digits.size() == 12 || digits.size() == 9) {
      return PersonSearch{PersonSearch::Kind::kIdentityNumber, digits};
    }
    if (digits.size() < 3) {
      return InvalidArgumentError("type at least 3 digits of a phone or identity number", "q");
    }
    // A phone written with the country code: +84 912... is stored as 0912...
    if (digits.size() >= 11 && digits.starts_with("84")) digits = digits.substr(2);
    return PersonSearch{PersonSearch::Kind::kDigits, digits};
  }
  std::string folded;
  for (char c : text::FoldToAscii(text)) {
    if (c >= 'a' && c <= 'z') {
      folded += c;
    } else if (c == ' ' && !folded.empty() && folded.back() != ' ') {
      folded += ' ';
    }
  }
  while (!folded.empty() && folded.back() == ' ') folded.pop_back();
  if (folded.size() < 2) {
    return InvalidArgumentError("type at least 2 letters of a name", "q");
  }
  return PersonSearch{PersonSearch::Kind::kName, folded};
}

Result<std::vector<BookingOfDay>> ListBookingsOfDay(storage::Connection& conn,
                                                    const BookingQuery& q) {
  std::string sql = "SELECT " + RegistrationColumns("r") + ", " +
                    std::string(kPersonSummaryColumns) +
                    " FROM registrations r JOIN people p ON p.id = r.person_id"
                    " WHERE r.facility_code = $1 AND r.day = $2 AND r.id > $3";
  std::vector<Value> params{q.facility_code, q.day, q.after_id};
  if (!q.status.empty()) {
    params.emplace_back(q.status);
    sql += " AND r.status = $" + std::to_string(params.size());
  }
  AddSearch(q.search, sql, params);
  params.emplace_back(int64_t{q.limit});
  sql += " ORDER BY r.id LIMIT $" + std::to_string(params.size());
  std::vector<BookingOfDay> out;
  RETURN_IF_ERROR(conn.ForEachRow(sql, params, [&](const storage::RowView& r) {
    out.push_back({RegistrationFromRow(r, 0), SummaryFromRow(r, 9)});
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<DoseOfDay>> ListFacilityDoses(storage::Connection& conn, const DoseQuery& q) {
  std::string sql = "SELECT " + DoseColumns("d") + ", " + std::string(kPersonSummaryColumns) +
                    " FROM doses d JOIN people p ON p.id = d.person_id"
                    " WHERE d.facility_code = $1 AND d.id > $2";
  std::vector<Value> params{q.facility_code, q.after_id};
  if (!q.given_day.empty()) {
    params.emplace_back(q.given_day);
    sql += " AND d.administered_day = $" + std::to_string(params.size());
  }
  if (!q.recorded_day.empty()) {
    int64_t start = 0, end = 0;
    if (!DayBounds(q.recorded_day, &start, &end)) {
      return InvalidArgumentError("recorded_day must be YYYY-MM-DD", "recorded_day");
    }
    params.emplace_back(start);
    sql += " AND d.created_at >= $" + std::to_string(params.size());
    params.emplace_back(end);
    sql += " AND d.created_at < $" + std::to_string(params.size());
  }
  CHECK(!q.given_day.empty() || !q.recorded_day.empty());
  if (!q.status.empty()) {
    params.emplace_back(q.status);
    sql += " AND d.status = $" + std::to_string(params.size());
  }
  params.emplace_back(int64_t{q.limit});
  sql += " ORDER BY d.id LIMIT $" + std::to_string(params.size());
  std::vector<DoseOfDay> out;
  // The dose columns come first; the person's follow them.
  static const size_t kDoseWidth = [] {
    size_t n = 1;
    for (char c : DoseColumns("d")) n += c == ',';
    return n;
  }();
  RETURN_IF_ERROR(conn.ForEachRow(sql, params, [&](const storage::RowView& r) {
    out.push_back({DoseFromRow(r, 0), SummaryFromRow(r, kDoseWidth)});
    return Status::Ok();
  }));
  return out;
}

Result<FacilityDayTally> TallyFacilityDay(storage::Connection& conn,
                                          std::string_view facility_code, std::string_view day) {
  int64_t start = 0, end = 0;
  if (!DayBounds(day, &start, &end)) return InvalidArgumentError("day must be YYYY-MM-DD", "day");
  const std::string code(facility_code), d(day);
  FacilityDayTally t;
  ASSIGN_OR_RETURN(t.given, Count(conn,
                                  "SELECT COUNT(*) FROM doses WHERE facility_code = $1 AND "
                                  "administered_day = $2 AND status = 'active'",
                                  std::vector<Value>{code, d}));
  ASSIGN_OR_RETURN(storage::Rows recorded,
                   conn.Query("SELECT COUNT(*), COALESCE(SUM(CASE WHEN administered_day < $4 "
                              "THEN 1 ELSE 0 END), 0) FROM doses WHERE facility_code = $1 AND "
                              "created_at >= $2 AND created_at < $3 AND status = 'active'",
                              {code, start, end, d}));
  t.recorded = recorded.at(0).Int(0);
  t.recorded_late = recorded.at(0).Int(1);
  ASSIGN_OR_RETURN(storage::Rows bookings,
                   conn.Query("SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'checked_in' THEN "
                              "1 ELSE 0 END), 0) FROM registrations WHERE facility_code = $1 AND "
                              "day = $2 AND status <> 'cancelled'",
                              std::vector<Value>{code, d}));
  t.bookings = bookings.at(0).Int(0);
  t.checked_in = bookings.at(0).Int(1);
  ASSIGN_OR_RETURN(
      t.checked_in_without_dose,
      Count(conn,
            "SELECT COUNT(*) FROM registrations r WHERE r.facility_code = $1 AND r.day = $2 AND "
            "r.status = 'checked_in' AND NOT EXISTS (SELECT 1 FROM doses d WHERE d.person_id = "
            "r.person_id AND d.facility_code = r.facility_code AND d.administered_day = r.day AND "
            "d.status = 'active')",
            std::vector<Value>{code, d}));
  ASSIGN_OR_RETURN(
      t.unsigned_doses,
      Count(conn,
            "SELECT COUNT(*) FROM doses d WHERE d.facility_code = $1 AND d.status = 'active' AND "
            "(d.source = 'facility' OR d.review_status = 'verified') AND NOT EXISTS (SELECT 1 "
            "FROM dose_signatures s WHERE s.dose_id = d.id)",
            std::vector<Value>{code}));
  return t;
}

Result<std::vector<LotInUse>> ListLotsInUse(storage::Connection& conn,
                                            std::string_view facility_code,
                                            std::string_view today, int days) {
  std::chrono::sys_days t;
  if (!ParseDay(today, &t)) return InvalidArgumentError("day must be YYYY-MM-DD", "day");
  const std::string since = FormatDay(t - std::chrono::days(days));
  std::vector<LotInUse> out;
  RETURN_IF_ERROR(conn.ForEachRow(
      "SELECT vaccine_code, lot, MAX(administered_day), COUNT(*) FROM doses WHERE "
      "facility_code = $1 AND administered_day >= $2 AND administered_day <= $3 AND "
      "status = 'active' AND lot <> '' GROUP BY vaccine_code, lot "
      "ORDER BY MAX(administered_day) DESC, COUNT(*) DESC LIMIT 50",
      {std::string(facility_code), since, std::string(today)},
      [&](const storage::RowView& r) {
        out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Int(3)});
        return Status::Ok();
      }));
  return out;
}

}  // namespace vaxreg::registry
