#pragma once
// The area rule of health authorities, in one place: an authority bound to an administrative
// unit reads and changes only people who live in that unit (or whose address is unknown) and
// acts only at facilities inside it. Citizens reach only their own record: the one whose CCCD and
// birth date agree with the account's (accounts/citizen_record.h). Facility staff, signers and
// admins are not area-bound (people are vaccinated wherever they are).
//
// Every handler that returns or changes a person calls CheckMayAccessPerson before answering
// (the overload with a connection on routes open to citizens); every handler that acts at a
// facility on an authority's behalf calls CheckUnitInArea; every handler where a citizen acts
// on "their" person finds it with CitizenPersonId.

#include <cstdint>
#include <optional>
#include <string_view>

#include "auth/role.h"
#include "common/status.h"
#include "registry/person.h"
#include "storage/database.h"

namespace vaxreg::api {

// What a citizen is told both for a record that does not exist and for someone else's.
inline constexpr std::string_view kNoSuchRecord = "no such record";
// What a citizen is told on the /me routes when no record agrees with their CCCD and birth date,
// whether none has their CCCD or its birth date differs.
inline constexpr std::string_view kNoOwnRecord =
    "the registry has no record with your CCCD and birth date yet";

// OK when `who` may read or change `person`; kPermissionDenied otherwise, with a message that
// names no data of the person. A citizen always gets kNotFound with kNoSuchRecord here (what a
// citizen may see needs the database): routes open to citizens use the overload below.
Status CheckMayAccessPerson(const auth::Principal& who, const registry::Person& person);

// As above, but a citizen may reach the person CitizenPersonId names (kNotFound with
// kNoSuchRecord for any other, as for a missing record).
Status CheckMayAccessPerson(storage::Connection& conn, const auth::Principal& who,
                            const registry::Person& person);

// The registry person the calling citizen may see (accounts::FindCitizenPersonId for the
// account's signed-up identity); nullopt when none agrees, or when `who` is not a citizen.
Result<std::optional<int64_t>> CitizenPersonId(storage::Connection& conn,
                                               const auth::Principal& who);

// A person `id` that does not exist: staff learn the id; citizens get kNoSuchRecord, the answer
// they get for someone else's.
Status PersonNotFound(const auth::Principal& who, int64_t id);

// OK when `who` is not area-bound or `unit_code` (a province, district or commune GSO code) lies
// in its area. An empty unit is outside every bounded area.
Status CheckUnitInArea(const auth::Principal& who, std::string_view unit_code,
                       std::string_view what);

}  // namespace vaxreg::api
