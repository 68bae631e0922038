#include "registry/vaccination_status.h"

#include <gtest/gtest.h>

namespace vaxreg::registry {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

sys_days Day(int y, unsigned m, unsigned d) {
  return sys_days(std::chrono::year(y) / std::chrono::month(m) / std::chrono::day(d));
}

DoseFacts Dose(const char* product, sys_days date, bool voided = false, bool pending = false) {
  return {product, date, voided, pending};
}

struct Case {
  const char* name;
  std::vector<DoseFacts> doses;
  VaccinationStatus status;
  int dn, sd;
};

TEST(VaccinationStatusTest, Table) {
  const Case cases[] = {
      {"nothing", {}, VaccinationStatus::kNone, 0, 0},
      {"one of two", {Dose("COMIRNATY", Day(2021, 8, 1))}, VaccinationStatus::kPartlyVaccinated, 1, 2},
      {"two of two",
       {Dose("COMIRNATY", Day(2021, 8, 1)), Dose("COMIRNATY", Day(2021, 8, 22))},
       VaccinationStatus::kFullyVaccinated, 2, 2},
      {"mixed AZ then Pfizer",
       {Dose("VAXZEVRIA", Day(2021, 7, 1)), Dose("COMIRNATY", Day(2021, 9, 1))},
       VaccinationStatus::kFullyVaccinated, 2, 2},
      {"Janssen alone", {Dose("JANSSEN", Day(2021, 9, 1))}, VaccinationStatus::kFullyVaccinated, 1, 1},
      {"Janssen plus booster",
       {Dose("JANSSEN", Day(2021, 9, 1)), Dose("COMIRNATY", Day(2022, 1, 1))},
       VaccinationStatus::kBoosted, 2, 1},
      {"AZ then Janssen completes",
       {Dose("VAXZEVRIA", Day(2021, 7, 1)), Dose("JANSSEN", Day(2021, 9, 1))},
       VaccinationStatus::kFullyVaccinated, 2, 2},
      {"two plus booster",
       {Dose("SPIKEVAX", Day(2021, 8, 1)), Dose("SPIKEVAX", Day(2021, 9, 1)),
        Dose("COMIRNATY", Day(2022, 1, 5))},
       VaccinationStatus::kBoosted, 3, 3},
      {"Abdala needs three",
       {Dose("ABDALA", Day(2021, 10, 1)), Dose("ABDALA", Day(2021, 10, 15))},
       VaccinationStatus::kPartlyVaccinated, 2, 3},
      {"voided dose does not count",
       {Dose("COMIRNATY", Day(2021, 8, 1)), Dose("COMIRNATY", Day(2021, 8, 22), true)},
       VaccinationStatus::kPartlyVaccinated, 1, 2},
      {"self-declared pending does not count",
       {Dose("COMIRNATY", Day(2021, 8, 1)), Dose("COMIRNATY", Day(2021, 8, 22), false, true)},
       VaccinationStatus::kPartlyVaccinated, 1, 2},
      {"order of input does not matter",
       {Dose("COMIRNATY", Day(2022, 1, 5)), Dose("SPIKEVAX", Day(2021, 8, 1)),
        Dose("SPIKEVAX", Day(2021, 9, 1))},
       VaccinationStatus::kBoosted, 3, 3},
  };
  for (const Case& c : cases) {
    StatusSummary s = ComputeStatus(c.doses, BuiltInVaccines());
    EXPECT_EQ(s.status, c.status) << c.name;
    EXPECT_EQ(s.dn, c.dn) << c.name;
    EXPECT_EQ(s.sd, c.sd) << c.name;
  }
}

TEST(VaccinationStatusTest, ColoursAndNextDue) {
  StatusSummary partly = ComputeStatus({Dose("SPIKEVAX", Day(2021, 8, 1))}, BuiltInVaccines());
  EXPECT_EQ(VaccinationStatusColour(partly.status), "yellow");
  ASSERT_TRUE(partly.next_due.has_value());
  EXPECT_EQ(*partly.next_due, Day(2021, 8, 29));
  StatusSummary pending = ComputeStatus(
      {Dose("SPIKEVAX", Day(2021, 8, 1), false, true)}, BuiltInVaccines());
  EXPECT_EQ(pending.status, VaccinationStatus::kNone);
  EXPECT_EQ(pending.pending_doses, 1);
  StatusSummary full = ComputeStatus({Dose("JANSSEN", Day(2021, 8, 1))}, BuiltInVaccines());
  EXPECT_EQ(VaccinationStatusColour(full.status), "green");
  EXPECT_EQ(VaccinationStatusName(full.status), "fully");
}

TEST(VaccineCatalogueTest, BuiltInProductsAreValidAndIncludeJanssen) {
  int one_dose = 0;
  for (const VaccineProduct& p : BuiltInVaccines()) {
    EXPECT_TRUE(ValidateVaccineProduct(p).ok()) << p.code;
    if (p.primary_doses == 1) ++one_dose;
  }
  EXPECT_EQ(BuiltInVaccines().size(), 9u);
  EXPECT_EQ(one_dose, 1);
  VaccineProduct bad = BuiltInVaccines()[0];
  bad.mp = "NOT-A-PRODUCT";
  EXPECT_EQ(ValidateVaccineProduct(bad).field(), "mp");
}

}  // namespace
}  // namespace vaxreg::registry
