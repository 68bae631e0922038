#pragma once
// Citizens create their own accounts: CCCD, birth date and a mobile phone. The account is pending
// until a code sent to that phone is used to log in (AccountService::LoginWithOtp), which marks
// the phone verified.
//
// Taking over an account must be impossible by signing up again: a sign-up changes an existing
// account only when no one has proven a phone for it, that is an enabled citizen account without
// a verified phone that is either pending from an earlier sign-up or has no phone at all. Every
// other account (a verified phone, a phone an administrator gave, disabled, another role) is left
// exactly as it is and nothing is sent, and the caller answers as for a fresh sign-up.
//
// Writes take the group-commit writer's connection and append their audit row in the same
// transaction. The limits on codes and the sending itself are AccountService::SignUp's.

#include <optional>
#include <string>
#include <string_view>

#include "accounts/user_store.h"

namespace vaxreg::accounts {

// A sign-up as the caller checked and normalised it: cccd 12 digits whose century/sex digit and
// year agree with birth_date, birth_date 'YYYY-MM-DD' (a real day, not in the future), phone as
// NormaliseMobilePhone returns it.
struct CitizenSignUp {
  std::string cccd;
  std::string birth_date;
  std::string phone;
};

// A Vietnamese mobile number in one stored form, ten digits with a leading 0: "+84 912 345 678",
// "84912345678", "0912.345.678" and "912345678" all give "0912345678". Spaces, dots, hyphens and
// parentheses are ignored. The prefix must be a mobile one (03x, 05x, 07x, 08x, 09x as numbered
// since 2018). kInvalidArgument, field "phone".
Result<std::string> NormaliseMobilePhone(std::string_view text);

// The shape of `in` (cccd 12 digits, birth_date 'YYYY-MM-DD', phone in stored form): the last
// line of defence, as the registry's CCCD rules are the caller's. kInvalidArgument naming the
// field.
Status ValidateCitizenSignUp(const CitizenSignUp& in);

// Applies a sign-up to the users table. A new CCCD gets a pending citizen account (audited
// "user.create"); an account that may be signed up again (see above) gets the new phone and
// birth date, is pending again and its unused codes die (audited "user.signup", before and
// after). Returns the account a code must now be sent to, or nullopt when the sign-up changed
// nothing. The audit actor is the citizen ("citizen:<cccd>").
Result<std::optional<User>> ApplyCitizenSignUp(storage::Connection& writer, const Clock& clock,
                                               const CitizenSignUp& in,
                                               const std::string& request_id);

// Records that a code sent to the account's phone was used to log in: sets phone_verified_at,
// ends the pending state (audited "user.phone_verify"). Returns the account as it now is; an
// account already verified or without a phone is returned unchanged.
Result<User> MarkPhoneVerified(storage::Connection& writer, const Clock& clock, const User& user,
                               const std::string& request_id);

}  // namespace vaxreg::accounts
