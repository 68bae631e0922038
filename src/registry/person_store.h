#pragma once
// People in the database. Writes run on the group-commit writer's connection inside its
// transaction and append an audit row; reads run on any connection.

#include <boost/json/object.hpp>
#include <boost/json/storage_ptr.hpp>
#include <optional>
#include <span>
#include <vector>

#include "common/clock.h"
#include "registry/actor.h"
#include "registry/person.h"
#include "storage/database.h"

namespace vaxreg::registry {

// Inserts a validated person (ValidateNewPerson). kAlreadyExists (field "cccd") when the CCCD
// is registered already.
Result<Person> InsertPerson(storage::Connection& conn, const Clock& clock, Person person,
                            const Actor& actor);

// For queries that join people to other tables: the person columns, each prefixed with
// `alias.`, comma-separated; and the person read from `row` starting at column `first`.
std::string PersonColumns(std::string_view alias);
Person PersonFromRow(const storage::RowView& row, size_t first);

Result<std::optional<Person>> FindPersonById(storage::Connection& conn, int64_t id);
// The people with any of `ids`, every column, in no particular order; ids that match nobody are
// simply absent (storage::ForEachRowIn: a few statements for many ids).
Result<std::vector<Person>> FindPeopleByIds(storage::Connection& conn,
                                            std::span<const int64_t> ids);
Result<std::optional<Person>> FindPersonByCccd(storage::Connection& conn, std::string_view cccd);
// By CCCD, else by CMND (first match).
Result<std::optional<Person>> FindPersonByIdentityNumber(storage::Connection& conn,
                                                         std::string_view number);

// Batched lookup for dose imports (storage::QueryIn): the people with any of `ids` or `cccds`,
// in no particular order, keys that match nobody simply absent. Only what a dose write needs is
// read: id, cccd, dob, province_code, vax_status and name_folded (to tell an identity conflict);
// the other fields are left empty.
Result<std::vector<Person>> FindPeopleForDoseWrites(storage::Connection& conn,
                                                    std::span<const int64_t> ids,
                                                    std::span<const std::string> cccds);

// PostgreSQL: locks the rows of `person_ids` until the transaction ends (SELECT ... FOR UPDATE,
// in ascending id order so that two writers locking overlapping sets wait rather than
// deadlock), so that a dose write that reads a person's doses next sees every committed dose of
// every process. SQLite: nothing to do (one writer, BEGIN IMMEDIATE). Ids of no person are
// ignored.
Status LockPeopleForDoseWrites(storage::Connection& conn, std::span<const int64_t> person_ids);

// Sets the cached vaccination status (people.vax_status); called by the dose writes.
Status SetPersonVaxStatus(storage::Connection& conn, int64_t person_id, std::string_view status,
                          int64_t now);

// SetPersonVaxStatus for many people that get the same status, a statement per 256 people.
Status SetPeopleVaxStatus(storage::Connection& conn, std::span<const int64_t> person_ids,
                          std::string_view status, int64_t now);

// JSON of a person (API answers), and serialised (audit rows).
boost::json::object PersonToJson(const Person& p, boost::json::storage_ptr sp = {});
std::string PersonJson(const Person& p);

}  // namespace vaxreg::registry
