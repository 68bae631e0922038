#pragma once
// Registry data for API tests, written through the real writer and registry functions:
// facilities HN-BACHMAI and HN-OTHER (active, Hà Nội, the fixture staff are bound to
// HN-BACHMAI), HN-SUSPEND (active, for suspension probes), SG-ONE (active, Hồ Chí Minh City),
// HN-APPLIED (applied, not active); person 1 is the fixture citizen (CCCD 001090012345, born
// 1990-05-01, Hà Nội) with one Comirnaty dose (dose id 1); persons 2..1+extra_people are men born
// in 1990 with CCCDs 001090100000+i and no doses. 1,000 Comirnaty doses were shipped, 500 of them
// allocated to Hà Nội (01).

#include <gtest/gtest.h>

#include "app/runtime.h"
#include "registry/dose_service.h"
#include "registry/facility.h"
#include "registry/person_store.h"
#include "registry/supply.h"
#include "registry/vaccine_store.h"

namespace vaxreg::testing {

inline void AddActiveFacility(storage::Connection& c, const std::string& code,
                              const std::string& province, const std::string& district,
                              const std::string& commune, bool activate = true) {
  const registry::Actor sys{"test", ""};
  registry::Facility f{code, "Facility " + code, province, district, commune, "", "applied",
                       100000, "", 0};
  ASSERT_TRUE(registry::ApplyFacility(c, SystemClock::Get(), f, sys).ok());
  if (activate) {
    ASSERT_TRUE(registry::DecideFacility(c, SystemClock::Get(), code, "active", "", sys).ok());
  }
}

// Adds the active facility `code` in Hà Nội with room for `capacity` bookings a day.
inline void AddFacilityWithCapacity(app::Runtime& rt, const std::string& code, int64_t capacity) {
  Status st = rt.writer().SubmitAndWait([&](storage::Connection& c) {
    AddActiveFacility(c, code, "01", "006", "00199");
    return c
        .Execute("UPDATE facilities SET daily_capacity = $1 WHERE code = $2", {capacity, code})
        .status();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
}

inline registry::Person MakeTestPerson(const std::string& cccd, const std::string& name) {
  registry::NewPerson np;
  np.cccd = cccd;
  np.full_name = name;
  np.dob = "1990-05-01";
  np.sex = "M";
  np.province_code = "01";
  return registry::ValidateNewPerson(np, registry::DayOf(ToUnixSeconds(SystemClock::Get().Now())))
      .value();
}

inline void SeedRegistryFixture(app::Runtime& rt, int extra_people) {
  Status st = rt.writer().SubmitAndWait([&](storage::Connection& c) {
    AddActiveFacility(c, "HN-BACHMAI", "01", "006", "00199");
    AddActiveFacility(c, "HN-OTHER", "01", "006", "00199");
    AddActiveFacility(c, "HN-SUSPEND", "01", "006", "00199");
    AddActiveFacility(c, "HN-APPLIED", "01", "006", "00199", false);
    AddActiveFacility(c, "SG-ONE", "79", "760", "26734");
    const registry::Actor sys{"test", ""};
    const auto me = registry::InsertPerson(c, SystemClock::Get(),
                                           MakeTestPerson("001090012345", "Nguyễn Văn An"), sys);
    EXPECT_TRUE(me.ok()) << me.status().ToString();
    for (int i = 0; i < extra_people; ++i) {
      auto p = registry::InsertPerson(
          c, SystemClock::Get(),
          MakeTestPerson(std::to_string(1090100000 + i).insert(0, "00"), "Trần Văn Bình"), sys);
      EXPECT_TRUE(p.ok()) << p.status().ToString();
    }
    registry::NewDose d;
    d.person_id = me->id;
    d.vaccine_code = "COMIRNATY";
    d.dose_number = 1;
    d.administered_at = 1627779600;  // 2021-08-01T01:00:00Z
    d.facility_code = "HN-BACHMAI";
    auto dose = registry::RecordDose(c, SystemClock::Get(), registry::BuiltInVaccines(), d,
                                     registry::DoseWriter::System("test"));
    EXPECT_TRUE(dose.ok()) << dose.status().ToString();
    // 1,000 Comirnaty doses received, 500 of them allocated to Hà Nội.
    EXPECT_TRUE(registry::RecordShipment(c, SystemClock::Get(), registry::BuiltInVaccines(),
                                         {"COMIRNATY", 1000, "COVAX", "2021-07-01", "", ""}, sys)
                    .ok());
    EXPECT_TRUE(registry::RecordAllocation(c, SystemClock::Get(), registry::BuiltInVaccines(),
                                           {"COMIRNATY", "VN", "01", 500, ""}, sys)
                    .ok());
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
}

}  // namespace vaxreg::testing
