#pragma once
// The area rule of health authorities, in one place: an authority bound to an administrative
// unit reads and changes only people who live in that unit (or whose address is unknown) and
// acts only at facilities inside it. Citizens reach only their own record. Facility staff,
// signers and admins are not area-bound (people are vaccinated wherever they are).
//
// Every handler that returns or changes a person calls CheckMayAccessPerson before answering;
// every handler that acts at a facility on an authority's behalf calls CheckUnitInArea.

#include <string_view>

#include "auth/role.h"
#include "common/status.h"
#include "registry/person.h"

namespace vaxreg::api {

// What a citizen is told both for a record that does not exist and for someone else's.
inline constexpr std::string_view kNoSuchRecord = "no such record";

// OK when `who` may read or change `person`; kPermissionDenied otherwise (for a citizen
// kNotFound with kNoSuchRecord, as for a missing record), with a message that names no data of
// the person.
Status CheckMayAccessPerson(const auth::Principal& who, const registry::Person& person);

// OK when `who` is not area-bound or `unit_code` (a province, district or commune GSO code) lies
// in its area. An empty unit is outside every bounded area.
Status CheckUnitInArea(const auth::Principal& who, std::string_view unit_code,
                       std::string_view what);

}  // namespace vaxreg::api
