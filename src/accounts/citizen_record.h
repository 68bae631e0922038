#pragma once
// Which registry record a citizen account may see. Knowing a CCCD is not enough: the birth date
// the citizen signed up with must agree with the record too, so a CCCD read off someone else's
// paper does not open their vaccination history. Every route where a citizen acts on "their"
// person resolves it here (api/area_access.h: CitizenPersonId).
//
// Reads only (tables users, people, identity_results, population_register); any connection.
// Thread-compatible.

#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"
#include "storage/database.h"

namespace vaxreg::accounts {

struct CitizenIdentity {
  int64_t user_id = 0;
  std::string cccd;
  std::string birth_date;
  std::string phone;
};

// The signed-up identity of a citizen account. kNotFound if the user is not a citizen.
// Accounts created before sign-up existed (no birth date) have birth_date "".
Result<CitizenIdentity> CitizenIdentityOf(storage::Connection& conn, int64_t user_id);

// The registry person the citizen may see: the people row with people.cccd == cccd whose dob
// agrees with birth_date (people.dob may be 'YYYY-MM-DD', then equal, or a bare year 'YYYY',
// then the years agree), or, when that row's dob disagrees, the same row if the national
// population register (table population_register, migration 5: storage/schema_identity.h)
// holds that CCCD with exactly that birth date and verification linked the person to that
// register entry (identity_results.register_id, status verified or proposed_correction, a
// proposal not rejected by a reviewer): the register is the better source of a birth date.
// nullopt when nothing agrees (the citizen may still self-declare; that creates a pending person
// record elsewhere). An account with an empty birth_date never sees a record.
Result<std::optional<int64_t>> FindCitizenPersonId(storage::Connection& conn,
                                                   const CitizenIdentity& who);

}  // namespace vaxreg::accounts
