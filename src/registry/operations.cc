#include "registry/operations.h"

#include <map>

namespace vaxreg::registry {
namespace {

constexpr int64_t kHour = 3600;
constexpr int kHours = 25;

// Buckets the rows' (hour, count) pairs into the 25 hours ending with now's.
std::vector<HourCount> Buckets(int64_t now, const std::map<int64_t, int64_t>& counts) {
  const int64_t last = now - now % kHour;
  std::vector<HourCount> out;
  for (int i = kHours - 1; i >= 0; --i) {
    const int64_t h = last - i * kHour;
    auto it = counts.find(h);
    out.push_back({h, it == counts.end() ? 0 : it->second});
  }
  return out;
}

Result<std::vector<HourCount>> PerHour(storage::Connection& conn, int64_t now,
                                       const std::string& sql, const std::string& province) {
  const int64_t since = now - now % kHour - (kHours - 1) * kHour;
  std::map<int64_t, int64_t> counts;
  RETURN_IF_ERROR(conn.ForEachRow(sql, {since, province}, [&](const storage::RowView& r) {
    counts[r.Int(0) * kHour] += r.Int(1);
    return Status::Ok();
  }));
  return Buckets(now, counts);
}

}  // namespace

Result<std::vector<HourCount>> DosesPerHour(storage::Connection& conn, int64_t now,
                                            const std::string& province) {
  return PerHour(conn, now,
                 "SELECT created_at / 3600, COUNT(*) FROM doses WHERE created_at >= $1 AND "
                 "status = 'active' AND ($2 = '' OR province_code = $2) GROUP BY created_at / 3600",
                 province);
}

Result<std::vector<HourCount>> CertificatesPerHour(storage::Connection& conn, int64_t now,
                                                   const std::string& province) {
  return PerHour(conn, now,
                 "SELECT c.issued_at / 3600, COUNT(*) FROM certificates c JOIN people p ON p.id = "
                 "c.person_id WHERE c.issued_at >= $1 AND ($2 = '' OR p.province_code = $2) "
                 "GROUP BY c.issued_at / 3600",
                 province);
}

Result<SilentFacilities> FacilitiesSilentSince(storage::Connection& conn, int64_t day_start,
                                              const std::string& province, int limit) {
  const std::string where =
      " FROM facilities f WHERE f.status = 'active' AND ($2 = '' OR f.province_code = $2) AND "
      "NOT EXISTS (SELECT 1 FROM doses d WHERE d.facility_code = f.code AND d.created_at >= $1)";
  SilentFacilities out;
  ASSIGN_OR_RETURN(storage::Rows total,
                   conn.Query("SELECT COUNT(*)" + where, {day_start, province}));
  out.total = total.empty() ? 0 : total.at(0).Int(0);
  RETURN_IF_ERROR(conn.ForEachRow(
      "SELECT f.code, f.name, f.province_code" + where + " ORDER BY f.code LIMIT $3",
      {day_start, province, int64_t{limit}}, [&](const storage::RowView& r) {
        out.first.push_back({r.Text(0), r.Text(1), r.Text(2)});
        return Status::Ok();
      }));
  return out;
}

}  // namespace vaxreg::registry
