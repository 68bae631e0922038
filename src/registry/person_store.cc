#include "registry/person_store.h"

#include <algorithm>
#include <boost/json.hpp>

#include "audit/audit_log.h"
#include "storage/in_list.h"

namespace vaxreg::registry {
namespace {

using storage::Value;

constexpr std::string_view kColumns[] = {"id",
                                         "cccd",
                                         "cmnd",
                                         "passport",
                                         "full_name",
                                         "name_folded",
                                         "dob",
                                         "birth_year",
                                         "sex",
                                         "phone",
                                         "province_code",
                                         "district_code",
                                         "commune_code",
                                         "identity_status",
                                         "vax_status",
                                         "created_at"};

// "SELECT <every person column> FROM people ".
const std::string& SelectPeople() {
  static const std::string sql = "SELECT " + PersonColumns("") + " FROM people ";
  return sql;
}

Value NullIfEmpty(const std::string& s) { return s.empty() ? Value(nullptr) : Value(s); }

Result<std::optional<Person>> FindOne(storage::Connection& conn, std::string_view where,
                                      Value key) {
  const std::string sql = SelectPeople() + std::string(where);
  std::optional<Person> found;
  RETURN_IF_ERROR(conn.ForEachRow(sql, {std::move(key)}, [&found](const storage::RowView& r) {
    if (!found) found = PersonFromRow(r, 0);
    return Status::Ok();
  }));
  return found;
}

}  // namespace

std::string PersonColumns(std::string_view alias) { return storage::ColumnList(kColumns, alias); }

Person PersonFromRow(const storage::RowView& r, size_t first) {
  Person p;
  p.id = r.Int(first + 0);
  p.cccd = r.Text(first + 1);
  p.cmnd = r.Text(first + 2);
  p.passport = r.Text(first + 3);
  p.full_name = r.Text(first + 4);
  p.name_folded = r.Text(first + 5);
  p.dob = r.Text(first + 6);
  p.birth_year = static_cast<int>(r.Int(first + 7));
  p.sex = r.Text(first + 8) == "F" ? Sex::kFemale : Sex::kMale;
  p.phone = r.Text(first + 9);
  p.province_code = r.Text(first + 10);
  p.district_code = r.Text(first + 11);
  p.commune_code = r.Text(first + 12);
  p.identity_status = r.Text(first + 13);
  p.vax_status = r.Text(first + 14);
  p.created_at = r.Int(first + 15);
  return p;
}

std::string PersonJson(const Person& p) { return boost::json::serialize(PersonToJson(p)); }

boost::json::object PersonToJson(const Person& p, boost::json::storage_ptr sp) {
  boost::json::object o({{"id", p.id},
                         {"full_name", p.full_name},
                         {"dob", p.dob},
                         {"sex", SexCode(p.sex)},
                         {"phone", p.phone},
                         {"province_code", p.province_code},
                         {"district_code", p.district_code},
                         {"commune_code", p.commune_code},
                         {"identity_status", p.identity_status},
                         {"vaccination_status", p.vax_status},
                         {"created_at", p.created_at},
                         {"cccd", nullptr},
                         {"cmnd", nullptr},
                         {"passport", nullptr}},
                        std::move(sp));
  if (!p.cccd.empty()) o["cccd"] = p.cccd;
  if (!p.cmnd.empty()) o["cmnd"] = p.cmnd;
  if (!p.passport.empty()) o["passport"] = p.passport;
  return o;
}

Result<Person> InsertPerson(storage::Connection& conn, const Clock& clock, Person p,
                            const Actor& actor) {
  p.created_at = ToUnixSeconds(clock.Now());
  auto rows = conn.Query(
      "INSERT INTO people (cccd, cmnd, passport, full_name, name_folded, dob, birth_year, sex, "
      "phone, province_code, district_code, commune_code, created_by, created_at, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
      {NullIfEmpty(p.cccd), NullIfEmpty(p.cmnd), NullIfEmpty(p.passport), p.full_name,
       p.name_folded, p.dob, int64_t{p.birth_year}, std::string(SexCode(p.sex)), p.phone,
       p.province_code, p.district_code, p.commune_code, actor.id, p.created_at});
  if (!rows.ok()) {
    if (rows.status().code() == StatusCode::kAlreadyExists) {
      return AlreadyExistsError("a person with CCCD " + p.cccd + " is already registered", "cccd");
    }
    return rows.status();
  }
  p.id = (*rows)[0].Int(0);
  RETURN_IF_ERROR(audit::AppendAudit(conn, clock,
                                     {actor.id, "person.create", "person:" + std::to_string(p.id),
                                      "null", PersonJson(p), actor.request_id}));
  return p;
}

Result<std::optional<Person>> FindPersonById(storage::Connection& conn, int64_t id) {
  return FindOne(conn, "WHERE id = $1", id);
}

Result<std::optional<Person>> FindPersonByCccd(storage::Connection& conn, std::string_view cccd) {
  return FindOne(conn, "WHERE cccd = $1", std::string(cccd));
}

Result<std::optional<Person>> FindPersonByIdentityNumber(storage::Connection& conn,
                                                         std::string_view number) {
  if (number.size() == 12) return FindPersonByCccd(conn, number);
  return FindOne(conn, "WHERE cmnd = $1 ORDER BY id LIMIT 1", std::string(number));
}

Result<std::vector<Person>> FindPeopleByIds(storage::Connection& conn,
                                            std::span<const int64_t> ids) {
  std::vector<Person> out;
  out.reserve(ids.size());
  RETURN_IF_ERROR(storage::ForEachRowIn(conn, SelectPeople() + "WHERE id", "",
                                        std::vector<Value>(ids.begin(), ids.end()),
                                        [&](const storage::RowView& r) {
                                          out.push_back(PersonFromRow(r, 0));
                                          return Status::Ok();
                                        }));
  return out;
}

Result<std::vector<Person>> FindPeopleForDoseWrites(storage::Connection& conn,
                                                    std::span<const int64_t> ids,
                                                    std::span<const std::string> cccds) {
  std::vector<Person> out;
  const auto read = [&](std::string_view column, const std::vector<Value>& keys) -> Status {
    return storage::ForEachRowIn(
        conn,
        "SELECT id, cccd, dob, province_code, vax_status, name_folded FROM people WHERE " +
            std::string(column),
        "", keys, [&](const storage::RowView& r) {
          Person& p = out.emplace_back();
          p.id = r.Int(0);
          p.cccd = r.Text(1);
          p.dob = r.Text(2);
          p.province_code = r.Text(3);
          p.vax_status = r.Text(4);
          p.name_folded = r.Text(5);
          return Status::Ok();
        });
  };
  RETURN_IF_ERROR(read("id", std::vector<Value>(ids.begin(), ids.end())));
  RETURN_IF_ERROR(read("cccd", std::vector<Value>(cccds.begin(), cccds.end())));
  return out;
}

Status LockPeopleForDoseWrites(storage::Connection& conn, std::span<const int64_t> person_ids) {
  if (conn.dialect() != storage::Dialect::kPostgres || person_ids.empty()) return Status::Ok();
  std::vector<int64_t> sorted(person_ids.begin(), person_ids.end());
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  const std::vector<Value> keys(sorted.begin(), sorted.end());
  // Chunks follow the sorted keys, so the locks are taken in one ascending order overall.
  return storage::ForEachRowIn(conn, "SELECT id FROM people WHERE id", " ORDER BY id FOR UPDATE",
                               keys, [](const storage::RowView&) { return Status::Ok(); });
}

Status SetPeopleVaxStatus(storage::Connection& conn, std::span<const int64_t> person_ids,
                          std::string_view status, int64_t now) {
  const std::vector<Value> keys(person_ids.begin(), person_ids.end());
  const Value leading[] = {std::string(status), now};
  return storage::ExecuteIn(conn, "UPDATE people SET vax_status = $1, updated_at = $2 WHERE id", "",
                            keys, leading)
      .status();
}

Status SetPersonVaxStatus(storage::Connection& conn, int64_t person_id, std::string_view status,
                          int64_t now) {
  return SetPeopleVaxStatus(conn, {&person_id, 1}, status, now);
}

}  // namespace vaxreg::registry
