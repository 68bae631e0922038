// Table of account shapes that must be accepted or refused, with the field named.

#include <gtest/gtest.h>

#include "accounts/password.h"
#include "accounts/user_store.h"

namespace vaxreg::accounts {
namespace {

struct Case {
  const char* name;
  NewUser user;
  const char* bad_field;  // nullptr = valid
};

NewUser Make(const char* username, auth::Role role, const char* hash, const char* facility,
             const char* unit) {
  NewUser u;
  u.username = username;
  u.role = role;
  u.password_hash = hash;
  u.facility_code = facility;
  u.admin_unit_code = unit;
  return u;
}

NewUser WithBirthDate(NewUser u, const char* birth_date) {
  u.birth_date = birth_date;
  return u;
}

TEST(ValidateNewUserTest, Table) {
  using auth::Role;
  const Case cases[] = {
      {"admin ok", Make("alice", Role::kAdmin, "h", "", ""), nullptr},
      {"citizen ok", Make("001090012345", Role::kCitizen, "", "", ""), nullptr},
      {"citizen needs cccd", Make("alice", Role::kCitizen, "", "", ""), "username"},
      {"citizen 11 digits", Make("00109001234", Role::kCitizen, "", "", ""), "username"},
      {"staff needs facility", Make("bob", Role::kFacilityStaff, "h", "", ""), "facility_code"},
      {"staff ok", Make("bob", Role::kFacilityStaff, "h", "HN-01", ""), nullptr},
      {"bad facility code", Make("bob", Role::kFacilityStaff, "h", "hn 01", ""), "facility_code"},
      {"admin has no facility", Make("bob", Role::kAdmin, "h", "HN-01", ""), "facility_code"},
      {"authority national", Make("moh", Role::kHealthAuthority, "h", "", "VN"), nullptr},
      {"authority province", Make("hn.cdc", Role::kHealthAuthority, "h", "", "01"), nullptr},
      {"authority district", Make("bd.dist", Role::kHealthAuthority, "h", "", "001"), nullptr},
      {"authority commune", Make("px.commune", Role::kHealthAuthority, "h", "", "00001"), nullptr},
      {"authority 4 digits", Make("px.commune", Role::kHealthAuthority, "h", "", "0001"),
       "admin_unit_code"},
      {"authority unknown province", Make("px.commune", Role::kHealthAuthority, "h", "", "99"),
       "admin_unit_code"},
      {"authority needs unit", Make("px.commune", Role::kHealthAuthority, "h", "", ""),
       "admin_unit_code"},
      {"signer has no unit", Make("signer1", Role::kSigner, "h", "", "01"), "admin_unit_code"},
      {"staff needs password", Make("bob", Role::kFacilityStaff, "", "HN-01", ""), "password"},
      {"short username", Make("ab", Role::kAdmin, "h", "", ""), "username"},
      {"username with space", Make("a b", Role::kAdmin, "h", "", ""), "username"},
      {"citizen with birth date",
       WithBirthDate(Make("001090012345", Role::kCitizen, "", "", ""), "1990-05-01"), nullptr},
      {"birth date as typed",
       WithBirthDate(Make("001090012345", Role::kCitizen, "", "", ""), "01/05/1990"), "birth_date"},
      {"only citizens have a birth date",
       WithBirthDate(Make("alice", Role::kAdmin, "h", "", ""), "1990-05-01"), "birth_date"},
  };
  for (const Case& c : cases) {
    Status st = ValidateNewUser(c.user);
    if (c.bad_field == nullptr) {
      EXPECT_TRUE(st.ok()) << c.name << ": " << st.ToString();
    } else {
      EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << c.name;
      EXPECT_EQ(st.field(), c.bad_field) << c.name;
    }
  }
}

TEST(PasswordTest, HashVerifiesAndRejectsWrongPassword) {
  auto hash = HashPassword("a long enough password", PasswordCost::MinimumForTest());
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u) << *hash;
  EXPECT_TRUE(VerifyPassword(*hash, "a long enough password"));
  EXPECT_FALSE(VerifyPassword(*hash, "a long enough passworD"));
  EXPECT_FALSE(VerifyPassword("garbage", "a long enough password"));
  EXPECT_FALSE(VerifyPassword("", ""));
}

TEST(PasswordTest, SaltsDiffer) {
  auto a = HashPassword("a long enough password", PasswordCost::MinimumForTest());
  auto b = HashPassword("a long enough password", PasswordCost::MinimumForTest());
  EXPECT_NE(*a, *b);
}

TEST(PasswordTest, RejectsShortPassword) {
  EXPECT_EQ(HashPassword("short", PasswordCost::MinimumForTest()).status().field(), "password");
}

}  // namespace
}  // namespace vaxreg::accounts
