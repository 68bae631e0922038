#pragma once
// People in the database. Writes run on the group-commit writer's connection inside its
// transaction and append an audit row; reads run on any connection.

#include <boost/json/object.hpp>
#include <optional>

#include "common/clock.h"
#include "registry/actor.h"
#include "registry/person.h"
#include "storage/database.h"

namespace vaxreg::registry {

// Inserts a validated person (ValidateNewPerson). kAlreadyExists (field "cccd") when the CCCD
// is registered already.
Result<Person> InsertPerson(storage::Connection& conn, const Clock& clock, Person person,
                            const Actor& actor);

Result<std::optional<Person>> FindPersonById(storage::Connection& conn, int64_t id);
Result<std::optional<Person>> FindPersonByCccd(storage::Connection& conn, std::string_view cccd);
// By CCCD, else by CMND (first match).
Result<std::optional<Person>> FindPersonByIdentityNumber(storage::Connection& conn,
                                                         std::string_view number);

// Sets the cached vaccination status (people.vax_status); called by the dose writes.
Status SetPersonVaxStatus(storage::Connection& conn, int64_t person_id, std::string_view status,
                          int64_t now);

// JSON of a person (API answers), and serialised (audit rows).
boost::json::object PersonToJson(const Person& p);
std::string PersonJson(const Person& p);

}  // namespace vaxreg::registry
