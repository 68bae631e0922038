#pragma once
// Migration 12, "citizen_signup": citizens create their own accounts (accounts/citizen_signup.h).
// Included only by storage/schema.cc. Never edit once shipped; append a new migration instead.
//
// users.birth_date is the birth date a citizen signed up with ('YYYY-MM-DD'); NULL for accounts
// created before sign-up existed and for every other role. A citizen sees a registry record only
// when its CCCD and this date agree (accounts/citizen_record.h).
// users.phone_verified_at is when a code sent to users.phone was first used to log in; NULL while
// the phone is unproven. Once set, sign-up can no longer change the account.
// users.signup_pending is 1 from a sign-up until its phone is verified: such an account may be
// signed up again with another phone and birth date (its earlier codes then die).

#include <string_view>

namespace vaxreg::storage {

inline constexpr std::string_view kCitizenSignupSqlite = R"sql(
ALTER TABLE users ADD COLUMN birth_date TEXT CHECK (birth_date IS NULL OR length(birth_date) = 10);
ALTER TABLE users ADD COLUMN phone_verified_at INTEGER;
ALTER TABLE users ADD COLUMN signup_pending INTEGER NOT NULL DEFAULT 0
  CHECK (signup_pending IN (0, 1));
)sql";

inline constexpr std::string_view kCitizenSignupPostgres = R"sql(
ALTER TABLE users ADD COLUMN birth_date TEXT CHECK (birth_date IS NULL OR length(birth_date) = 10);
ALTER TABLE users ADD COLUMN phone_verified_at BIGINT;
ALTER TABLE users ADD COLUMN signup_pending INTEGER NOT NULL DEFAULT 0
  CHECK (signup_pending IN (0, 1));
)sql";

}  // namespace vaxreg::storage
