#include "geo/admin_units.h"

#include <gtest/gtest.h>

namespace vaxreg::geo {
namespace {

TEST(AdminUnitsTest, HasEveryUnit) {
  const AdminUnits& units = AdminUnits::Get();
  EXPECT_EQ(units.CountAt(Level::kProvince), 63u);
  EXPECT_EQ(units.CountAt(Level::kDistrict), 696u);
  EXPECT_EQ(units.CountAt(Level::kCommune), 10047u);
  EXPECT_EQ(units.Provinces().size(), 63u);
  EXPECT_EQ(units.Provinces().front()->code, "01");
}

TEST(AdminUnitsTest, ChildrenListEachLevel) {
  const AdminUnits& units = AdminUnits::Get();
  EXPECT_EQ(units.Children("VN").size(), 63u);
  const auto& districts = units.Children("01");
  ASSERT_FALSE(districts.empty());
  EXPECT_EQ(districts.front()->code, "001");
  bool has_phuc_xa = false;
  for (const AdminUnit* c : units.Children("001")) has_phuc_xa |= c->code == "00001";
  EXPECT_TRUE(has_phuc_xa);
  EXPECT_TRUE(units.Children("00001").empty());
  EXPECT_TRUE(units.Children("nowhere").empty());
}

TEST(AdminUnitsTest, NamesKeepDiacritics) {
  const AdminUnit* u = AdminUnits::Get().Find("00001");
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->name, "Phường Phúc Xá");
  EXPECT_EQ(u->ascii_name, "Phuc Xa");
  EXPECT_EQ(u->parent_code, "001");
  EXPECT_EQ(u->province_code, "01");
  EXPECT_EQ(AdminUnits::Get().Find("79")->short_name, "Hồ Chí Minh");
}

TEST(AdminUnitsTest, PathsAndContainment) {
  const AdminUnits& units = AdminUnits::Get();
  EXPECT_EQ(units.Path("00001"), "01/001/00001");
  EXPECT_EQ(units.Path("001"), "01/001");
  EXPECT_EQ(units.Path("01"), "01");
  EXPECT_EQ(units.Path("99999"), "");
  EXPECT_TRUE(units.Contains("VN", "00001"));
  EXPECT_TRUE(units.Contains("01", "00001"));
  EXPECT_TRUE(units.Contains("001", "00001"));
  EXPECT_TRUE(units.Contains("00001", "00001"));
  EXPECT_FALSE(units.Contains("79", "00001"));
  EXPECT_FALSE(units.Contains("00001", "001"));
  EXPECT_FALSE(units.Contains("01", "99999"));
  EXPECT_TRUE(units.IsConsistent("01", "001", "00001"));
  EXPECT_FALSE(units.IsConsistent("79", "001", "00001"));
}

}  // namespace
}  // namespace vaxreg::geo
