#include "registry/dose.h"

#include <boost/json.hpp>

#include "common/clock.h"
#include "registry/person.h"
#include "storage/in_list.h"

namespace vaxreg::registry {
namespace {

using storage::Value;

constexpr std::string_view kColumns[] = {
    "id",        "person_id",     "vaccine_code", "lot",           "dose_number",
    "administered_at", "facility_code", "vaccinator", "source",  "review_status",
    "province_code",   "status",        "void_reason", "idempotency_key", "override_reason",
    "recorded_by",     "created_at"};

// "SELECT <every dose column> FROM doses ".
const std::string& SelectDoses() {
  static const std::string sql = "SELECT " + DoseColumns("") + " FROM doses ";
  return sql;
}

Value NullIfEmpty(const std::string& s) { return s.empty() ? Value(nullptr) : Value(s); }

Result<std::optional<Dose>> FindOne(storage::Connection& conn, std::string_view where, Value key) {
  std::optional<Dose> found;
  RETURN_IF_ERROR(conn.ForEachRow(SelectDoses() + std::string(where), {std::move(key)},
                                  [&found](const storage::RowView& r) {
                                    if (!found) found = DoseFromRow(r, 0);
                                    return Status::Ok();
                                  }));
  return found;
}

}  // namespace

std::string DoseColumns(std::string_view alias) { return storage::ColumnList(kColumns, alias); }

Dose DoseFromRow(const storage::RowView& r, size_t first) {
  Dose d;
  d.id = r.Int(first + 0);
  d.person_id = r.Int(first + 1);
  d.vaccine_code = r.Text(first + 2);
  d.lot = r.Text(first + 3);
  d.dose_number = static_cast<int>(r.Int(first + 4));
  d.administered_at = r.Int(first + 5);
  d.facility_code = r.Text(first + 6);
  d.vaccinator = r.Text(first + 7);
  d.source = r.Text(first + 8);
  d.review_status = r.Text(first + 9);
  d.province_code = r.Text(first + 10);
  d.status = r.Text(first + 11);
  d.void_reason = r.Text(first + 12);
  d.idempotency_key = r.Text(first + 13);
  d.override_reason = r.Text(first + 14);
  d.recorded_by = r.Text(first + 15);
  d.created_at = r.Int(first + 16);
  return d;
}

Result<Dose> InsertDose(storage::Connection& conn, Dose d) {
  const std::string day = FormatDay(DayOf(d.administered_at));
  ASSIGN_OR_RETURN(
      storage::Rows rows,
      conn.Query("INSERT INTO doses (person_id, vaccine_code, lot, dose_number, administered_at, "
                 "administered_day, facility_code, vaccinator, source, review_status, "
                 "province_code, status, idempotency_key, override_reason, recorded_by, "
                 "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'active', "
                 "$12, $13, $14, $15) RETURNING id",
                 {d.person_id, d.vaccine_code, d.lot, int64_t{d.dose_number}, d.administered_at,
                  day, NullIfEmpty(d.facility_code), d.vaccinator, d.source, d.review_status,
                  d.province_code, NullIfEmpty(d.idempotency_key), NullIfEmpty(d.override_reason),
                  d.recorded_by, d.created_at}));
  d.id = rows[0].Int(0);
  d.status = "active";
  return d;
}

Result<std::optional<Dose>> FindDose(storage::Connection& conn, int64_t id) {
  return FindOne(conn, "WHERE id = $1", id);
}

namespace {
constexpr char kIdempotencyScopeSeparator = '\x1f';
}  // namespace

Status ValidateIdempotencyKey(std::string_view key) {
  if (key.empty() || key.size() > 128) {
    return InvalidArgumentError("idempotency key must be 1-128 bytes", "idempotency_key");
  }
  for (char c : key) {
    if (c < 0x20 || c > 0x7e) {
      return InvalidArgumentError("idempotency key must be printable ASCII", "idempotency_key");
    }
  }
  return Status::Ok();
}

std::string ScopeIdempotencyKey(std::string_view scope, std::string_view client_key) {
  std::string out;
  out.reserve(scope.size() + 1 + client_key.size());
  out.append(scope).push_back(kIdempotencyScopeSeparator);
  out.append(client_key);
  return out;
}

std::string_view ClientIdempotencyKey(std::string_view stored_key) {
  const size_t sep = stored_key.find(kIdempotencyScopeSeparator);
  return sep == std::string_view::npos ? stored_key : stored_key.substr(sep + 1);
}

Result<std::optional<Dose>> FindDoseByIdempotencyKey(storage::Connection& conn,
                                                     std::string_view key) {
  return FindOne(conn, "WHERE idempotency_key = $1", std::string(key));
}

Result<std::vector<Dose>> ListPersonDoses(storage::Connection& conn, int64_t person_id) {
  static const std::string sql =
      SelectDoses() + "WHERE person_id = $1 ORDER BY administered_at, id";
  std::vector<Dose> out;
  RETURN_IF_ERROR(conn.ForEachRow(sql, {person_id}, [&out](const storage::RowView& r) {
    out.push_back(DoseFromRow(r, 0));
    return Status::Ok();
  }));
  return out;
}

Result<std::unordered_map<std::string, Dose>> FindDosesByIdempotencyKeys(
    storage::Connection& conn, std::span<const std::string> keys) {
  const std::vector<Value> params(keys.begin(), keys.end());
  std::unordered_map<std::string, Dose> out;
  RETURN_IF_ERROR(storage::ForEachRowIn(conn, SelectDoses() + "WHERE idempotency_key", "", params,
                                        [&out](const storage::RowView& r) {
                                          Dose d = DoseFromRow(r, 0);
                                          std::string key = d.idempotency_key;
                                          out.emplace(std::move(key), std::move(d));
                                          return Status::Ok();
                                        }));
  return out;
}

Result<std::unordered_map<int64_t, std::vector<Dose>>> ListDosesOfPeople(
    storage::Connection& conn, std::span<const int64_t> person_ids) {
  std::unordered_map<int64_t, std::vector<Dose>> out;
  RETURN_IF_ERROR(storage::ForEachRowIn(
      conn, SelectDoses() + "WHERE person_id", " ORDER BY person_id, administered_at, id",
      std::vector<Value>(person_ids.begin(), person_ids.end()), [&](const storage::RowView& r) {
        Dose d = DoseFromRow(r, 0);
        const int64_t person = d.person_id;
        out[person].push_back(std::move(d));
        return Status::Ok();
      }));
  return out;
}

Result<std::unordered_map<int64_t, std::vector<Dose>>> ListDoseHistoriesOfPeople(
    storage::Connection& conn, std::span<const int64_t> person_ids) {
  const std::vector<Value> params(person_ids.begin(), person_ids.end());
  std::unordered_map<int64_t, std::vector<Dose>> out;
  RETURN_IF_ERROR(storage::ForEachRowIn(
      conn,
      "SELECT id, person_id, vaccine_code, dose_number, administered_at, source, review_status, "
      "status FROM doses WHERE person_id",
      " ORDER BY person_id, administered_at, id", params, [&](const storage::RowView& r) {
        Dose d;
        d.id = r.Int(0);
        d.person_id = r.Int(1);
        d.vaccine_code = r.Text(2);
        d.dose_number = static_cast<int>(r.Int(3));
        d.administered_at = r.Int(4);
        d.source = r.Text(5);
        d.review_status = r.Text(6);
        d.status = r.Text(7);
        out[d.person_id].push_back(std::move(d));
        return Status::Ok();
      }));
  return out;
}

Status MarkDoseVoided(storage::Connection& conn, int64_t id, std::string_view reason,
                      std::string_view voided_by, int64_t now) {
  return conn
      .Execute("UPDATE doses SET status = 'voided', void_reason = $1, voided_by = $2, "
               "voided_at = $3 WHERE id = $4 AND status = 'active'",
               {std::string(reason), std::string(voided_by), now, id})
      .status();
}

std::string DoseJson(const Dose& d) { return boost::json::serialize(DoseToJson(d)); }

boost::json::object DoseToJson(const Dose& d, boost::json::storage_ptr sp) {
  boost::json::object o({{"id", d.id},
                        {"person_id", d.person_id},
                        {"vaccine", d.vaccine_code},
                        {"lot", d.lot},
                        {"dose_number", d.dose_number},
                        {"administered_at", FormatIso8601(FromUnixSeconds(d.administered_at))},
                        {"vaccinator", d.vaccinator},
                        {"source", d.source},
                        {"review_status", d.review_status},
                        {"status", d.status},
                         {"recorded_by", d.recorded_by}},
                        std::move(sp));
  o["facility_code"] = nullptr;
  if (!d.facility_code.empty()) o["facility_code"] = d.facility_code;
  if (!d.void_reason.empty()) o["void_reason"] = d.void_reason;
  if (!d.override_reason.empty()) o["override_reason"] = d.override_reason;
  if (!d.idempotency_key.empty()) o["idempotency_key"] = ClientIdempotencyKey(d.idempotency_key);
  return o;
}

}  // namespace vaxreg::registry
