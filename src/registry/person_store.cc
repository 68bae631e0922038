#include "registry/person_store.h"

#include <boost/json.hpp>

#include "audit/audit_log.h"

namespace vaxreg::registry {
namespace {

using storage::Value;

constexpr std::string_view kSelect =
    "SELECT id, cccd, cmnd, passport, full_name, name_folded, dob, birth_year, sex, phone, "
    "province_code, district_code, commune_code, identity_status, vax_status, created_at "
    "FROM people ";

Person FromRow(const storage::Row& r) {
  Person p;
  p.id = r.Int(0);
  p.cccd = r.Text(1);
  p.cmnd = r.Text(2);
  p.passport = r.Text(3);
  p.full_name = r.Text(4);
  p.name_folded = r.Text(5);
  p.dob = r.Text(6);
  p.birth_year = static_cast<int>(r.Int(7));
  p.sex = r.Text(8) == "F" ? Sex::kFemale : Sex::kMale;
  p.phone = r.Text(9);
  p.province_code = r.Text(10);
  p.district_code = r.Text(11);
  p.commune_code = r.Text(12);
  p.identity_status = r.Text(13);
  p.vax_status = r.Text(14);
  p.created_at = r.Int(15);
  return p;
}

Value NullIfEmpty(const std::string& s) { return s.empty() ? Value(nullptr) : Value(s); }

Result<std::optional<Person>> FindOne(storage::Connection& conn, std::string_view where,
                                      Value key) {
  const std::string sql = std::string(kSelect) + std::string(where);
  ASSIGN_OR_RETURN(storage::Rows rows, conn.Query(sql, {std::move(key)}));
  if (rows.empty()) return std::optional<Person>();
  return std::optional<Person>(FromRow(rows[0]));
}

}  // namespace

std::string PersonJson(const Person& p) { return boost::json::serialize(PersonToJson(p)); }

boost::json::object PersonToJson(const Person& p) {
  boost::json::object o{{"id", p.id},
                        {"full_name", p.full_name},
                        {"dob", p.dob},
                        {"sex", SexCode(p.sex)},
                        {"phone", p.phone},
                        {"province_code", p.province_code},
                        {"district_code", p.district_code},
                        {"commune_code", p.commune_code},
                        {"identity_status", p.identity_status},
                        {"vaccination_status", p.vax_status},
                        {"created_at", p.created_at}};
  o["cccd"] = p.cccd.empty() ? boost::json::value(nullptr) : boost::json::value(p.cccd);
  o["cmnd"] = p.cmnd.empty() ? boost::json::value(nullptr) : boost::json::value(p.cmnd);
  o["passport"] = p.passport.empty() ? boost::json::value(nullptr) : boost::json::value(p.passport);
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
  RETURN_IF_ERROR(audit::AppendAudit(
      conn, clock,
      {actor.id, "person.create", "person:" + std::to_string(p.id), "null", PersonJson(p),
       actor.request_id}));
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

Status SetPersonVaxStatus(storage::Connection& conn, int64_t person_id, std::string_view status,
                          int64_t now) {
  return conn
      .Execute("UPDATE people SET vax_status = $1, updated_at = $2 WHERE id = $3",
               {std::string(status), now, person_id})
      .status();
}

}  // namespace vaxreg::registry
