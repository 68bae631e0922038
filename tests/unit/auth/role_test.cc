#include "auth/role.h"

#include <gtest/gtest.h>

namespace vaxreg::auth {
namespace {

TEST(RoleTest, NamesRoundTrip) {
  for (Role r : kAllRoles) EXPECT_EQ(*ParseRole(RoleName(r)), r);
  EXPECT_EQ(ParseRole("root").status().field(), "role");
}

TEST(AccessRuleTest, PublicAllowsEveryone) {
  AccessRule rule = AccessRule::Public();
  EXPECT_TRUE(rule.is_public());
  for (Role r : kAllRoles) EXPECT_TRUE(rule.Allows(r));
  EXPECT_EQ(rule.ToString(), "public");
}

TEST(AccessRuleTest, RolesAllowOnlyThoseRoles) {
  AccessRule rule = AccessRule::Roles({Role::kAdmin, Role::kSigner});
  EXPECT_FALSE(rule.is_public());
  EXPECT_TRUE(rule.Allows(Role::kAdmin));
  EXPECT_TRUE(rule.Allows(Role::kSigner));
  EXPECT_FALSE(rule.Allows(Role::kCitizen));
  EXPECT_FALSE(rule.Allows(Role::kFacilityStaff));
  EXPECT_EQ(rule.ToString(), "admin,signer");
  EXPECT_TRUE(AccessRule::AnyRole().Allows(Role::kCitizen));
  EXPECT_FALSE(AccessRule::AnyRole().is_public());
}

TEST(JurisdictionTest, PrefixOnSegmentBoundary) {
  EXPECT_TRUE(WithinJurisdiction("", "01/001/00001"));
  EXPECT_TRUE(WithinJurisdiction("01", "01/001/00001"));
  EXPECT_TRUE(WithinJurisdiction("01/001", "01/001/00001"));
  EXPECT_TRUE(WithinJurisdiction("01/001", "01/001"));
  EXPECT_FALSE(WithinJurisdiction("01/001", "01/002/00040"));
  EXPECT_FALSE(WithinJurisdiction("01", "010/001"));
  EXPECT_FALSE(WithinJurisdiction("01/001/00001", "01/001"));
}

TEST(PrincipalTest, ActorId) {
  Principal p;
  p.username = "alice";
  p.role = Role::kAdmin;
  EXPECT_EQ(p.ActorId(), "admin:alice");
}

}  // namespace
}  // namespace vaxreg::auth
