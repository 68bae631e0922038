// Single doses written in groups (registry/dose_group.h) on a real database of each backend:
// every dose of a group gets the outcome RecordDose would give it, one audit row of its own and
// exact counters, and a group the set-based path cannot write is written dose by dose.
// The writer is held busy by a write that waits on a latch, so that every dose submitted
// meanwhile is in one group.

#include <gtest/gtest.h>

#include <future>
#include <latch>

#include "audit/audit_log.h"
#include "fakes/fake_clock.h"
#include "registry/dose_group.h"
#include "registry/facility.h"
#include "registry/person_store.h"
#include "registry/vaccine_store.h"
#include "storage/group_commit.h"
#include "storage/migrate.h"
#include "support/migrated_db.h"

namespace vaxreg::registry {
namespace {

using testing::kTestBackend;

constexpr int64_t kAug1 = 1627779600;  // 2021-08-01 08:00 ICT
constexpr int64_t kDay = 86400;

class DoseGroupTest : public testing::MigratedDbTest {
 protected:
  void SetUp() override {
    MigratedDbTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    groups_ = std::make_unique<DoseGroupWriter>(*writer_, clock_);
    clock_.Set(FromUnixSeconds(1646100000));  // 2022-03-01
    ASSERT_TRUE(writer_
                    ->SubmitAndWait([&](storage::Connection& c) {
                      RETURN_IF_ERROR(SeedBuiltInVaccines(c, clock_));
                      for (const char* code : {"HN-A", "HN-B", "HN-C"}) {
                        Facility f{code, std::string("Trạm ") + code, "01", "006", "00199", "",
                                   "applied", 10, "", 0};
                        RETURN_IF_ERROR(ApplyFacility(c, clock_, f, sys_.actor).status());
                      }
                      RETURN_IF_ERROR(
                          DecideFacility(c, clock_, "HN-A", "active", "", sys_.actor).status());
                      return DecideFacility(c, clock_, "HN-C", "active", "", sys_.actor).status();
                    })
                    .ok());
  }

  int64_t AddPerson(int n) {
    NewPerson np;
    np.cccd = "001090" + std::to_string(100000 + n);
    np.full_name = "Nguyễn Văn An";
    np.dob = "1990-05-01";
    np.sex = "M";
    np.province_code = "01";
    Result<Person> p = InternalError("not run");
    EXPECT_TRUE(writer_
                    ->SubmitAndWait([&](storage::Connection& c) {
                      p = InsertPerson(c, clock_, ValidateNewPerson(np, DayOf(1646100000)).value(),
                                       sys_.actor);
                      return p.status();
                    })
                    .ok());
    return p.value().id;
  }

  static NewDose Dose(int64_t person, int number, int64_t at, std::string key = "",
                      std::string facility = "HN-A") {
    NewDose d;
    d.person_id = person;
    d.vaccine_code = "COMIRNATY";
    d.dose_number = number;
    d.administered_at = at;
    d.facility_code = std::move(facility);
    d.lot = "FF2587";
    d.idempotency_key = std::move(key);
    return d;
  }

  // Submits every dose while the writer is held, so that they form one group; returns their
  // outcomes in order.
  std::vector<Result<RecordOutcome>> WriteAsOneGroup(
      const std::vector<std::pair<NewDose, DoseWriter>>& doses) {
    std::latch release(1);
    std::promise<Status> held;
    writer_->Submit(
        [&release](storage::Connection&) {
          release.wait();
          return Status::Ok();
        },
        [&held](Status st) { held.set_value(st); });
    std::vector<std::promise<Result<RecordOutcome>>> promises(doses.size());
    for (size_t i = 0; i < doses.size(); ++i) {
      groups_->Submit(doses[i].first, doses[i].second, catalogue_,
                      [&promises, i](Result<RecordOutcome> r) { promises[i].set_value(std::move(r)); });
    }
    const uint64_t writes_before = writer_->stats().writes;
    release.count_down();
    EXPECT_TRUE(held.get_future().get().ok());
    std::vector<Result<RecordOutcome>> out;
    for (auto& p : promises) out.push_back(p.get_future().get());
    // The held write, then one write for the whole group.
    EXPECT_EQ(writer_->stats().writes - writes_before, 2u);
    return out;
  }

  int64_t Scalar(const std::string& sql) {
    auto conn = db_->Acquire();
    return (*conn)->Query(sql).value()[0].Int(0);
  }

  std::unique_ptr<DoseGroupWriter> groups_;
  testing::FakeClock clock_;
  DoseWriter sys_ = DoseWriter::System("test");
  VaccineCatalogueCache::Snapshot catalogue_ =
      std::make_shared<const std::vector<VaccineProduct>>(BuiltInVaccines());
};

TEST_F(DoseGroupTest, EachDoseOfAGroupGetsTheOutcomeRecordDoseGivesIt) {
  std::vector<int64_t> people;
  for (int i = 0; i < 6; ++i) people.push_back(AddPerson(i));
  DoseWriter staff_a = DoseWriter::System("staff:a");
  staff_a.bound_facility = "HN-A";
  DoseWriter staff_c = DoseWriter::System("staff:c");
  staff_c.bound_facility = "HN-C";
  const std::vector<std::pair<NewDose, DoseWriter>> doses = {
      {Dose(people[0], 1, kAug1), staff_a},                             // 0 recorded
      {Dose(people[0], 2, kAug1 + 30 * kDay), staff_a},                 // 1 recorded after 0
      {Dose(people[1], 1, kAug1), staff_a},                             // 2 recorded
      {Dose(people[1], 1, kAug1 + kDay), staff_a},                      // 3 a second dose 1
      {Dose(people[2], 1, kAug1, "", "HN-B"), sys_},                    // 4 facility not active
      {Dose(people[2], 1, kAug1, "", "HN-C"), staff_a},                 // 5 another facility
      {Dose(people[2], 1, kAug1, "", "HN-C"), staff_c},                 // 6 recorded
      {Dose(999999, 1, kAug1), staff_a},                                // 7 no such person
      {Dose(people[3], 1, kAug1, "key-1"), staff_a},                    // 8 recorded
      {Dose(people[3], 1, kAug1, "key-1"), staff_a},                    // 9 replay of 8
      {Dose(people[4], 1, kAug1, "key-1"), staff_a},                    // 10 key reused
      {Dose(people[4], 1, kAug1, "key-1", "HN-C"), staff_c},            // 11 other scope
      {Dose(people[5], 1, kAug1 + 400 * kDay), staff_a},                // 12 after today
  };
  std::vector<Result<RecordOutcome>> out = WriteAsOneGroup(doses);
  ASSERT_EQ(out.size(), doses.size());
  for (size_t i : {0, 1, 2, 6, 8, 11}) {
    ASSERT_TRUE(out[i].ok()) << i << ": " << out[i].status().ToString();
    EXPECT_FALSE(out[i]->replayed) << i;
    EXPECT_GT(out[i]->dose.id, 0) << i;
  }
  EXPECT_EQ(out[0]->dose.recorded_by, "staff:a");
  EXPECT_EQ(out[6]->dose.recorded_by, "staff:c");
  // Checked against dose 2 as stored, as if it had come a moment later.
  EXPECT_EQ(out[3].status().code(), StatusCode::kFailedPrecondition) << out[3].status().ToString();
  EXPECT_EQ(out[3].status().message(),
            "the person already has dose 1 (COMIRNATY on 2021-08-01, dose id " +
                std::to_string(out[2]->dose.id) + "); void it first if it was entered in error");
  EXPECT_EQ(out[4].status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(out[4].status().message(),
            "facility HN-B is applied, not active; it cannot record doses");
  EXPECT_EQ(out[5].status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(out[7].status().code(), StatusCode::kNotFound);
  EXPECT_EQ(out[7].status().message(), "no person with id 999999");
  ASSERT_TRUE(out[9].ok());
  EXPECT_TRUE(out[9]->replayed);
  EXPECT_EQ(out[9]->dose.id, out[8]->dose.id);
  EXPECT_EQ(out[10].status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(out[10].status().message(),
            "idempotency key 'key-1' was already used for a different dose");
  EXPECT_FALSE(out[12].ok());
  EXPECT_EQ(out[12].status().field(), "administered_at");

  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM doses"), 6);
  EXPECT_EQ(Scalar("SELECT COALESCE(SUM(doses), 0) FROM stat_doses_daily"), 6);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'dose.record'"), 6);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'dose.record' AND "
                   "actor = 'staff:c' AND target = 'dose:" +
                   std::to_string(out[6]->dose.id) + "'"),
            1);
  // Two doses of COMIRNATY in one group make person 0 fully vaccinated, as two writes would.
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM people WHERE id = " + std::to_string(people[0]) +
                   " AND vax_status = 'fully'"),
            1);
  auto conn = db_->Acquire();
  auto chain = audit::VerifyAuditChain(**conn);
  ASSERT_TRUE(chain.ok());
  EXPECT_TRUE(chain->ok) << chain->problem;
}

TEST_F(DoseGroupTest, AGroupTheDatabaseRefusesIsWrittenDoseByDose) {
  // A trigger refuses one lot, so the group's set-based insert fails as a whole.
  {
    auto conn = db_->Acquire();
    Status st = kTestBackend == testing::Backend::kSqlite
                    ? (*conn)->ExecuteScript(
                          "CREATE TRIGGER refuse_lot BEFORE INSERT ON doses "
                          "WHEN NEW.lot = 'REFUSE-ME' BEGIN SELECT RAISE(ABORT, 'lot refused'); END")
                    : (*conn)->ExecuteScript(
                          "CREATE FUNCTION refuse_lot() RETURNS trigger AS $$ BEGIN "
                          "IF NEW.lot = 'REFUSE-ME' THEN RAISE EXCEPTION 'lot refused'; END IF; "
                          "RETURN NEW; END $$ LANGUAGE plpgsql; "
                          "CREATE TRIGGER refuse_lot BEFORE INSERT ON doses FOR EACH ROW "
                          "EXECUTE FUNCTION refuse_lot()");
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  std::vector<std::pair<NewDose, DoseWriter>> doses;
  for (int i = 0; i < 5; ++i) doses.emplace_back(Dose(AddPerson(i), 1, kAug1), sys_);
  doses[2].first.lot = "REFUSE-ME";
  std::vector<Result<RecordOutcome>> out = WriteAsOneGroup(doses);
  for (size_t i : {0, 1, 3, 4}) EXPECT_TRUE(out[i].ok()) << i << ": " << out[i].status().ToString();
  EXPECT_FALSE(out[2].ok());
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM doses"), 4);
  EXPECT_EQ(Scalar("SELECT COALESCE(SUM(doses), 0) FROM stat_doses_daily"), 4);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'dose.record'"), 4);
}

TEST_F(DoseGroupTest, ADoseRefusedBeforeTheDatabaseIsAnsweredAtOnce) {
  NewDose d = Dose(AddPerson(1), 1, kAug1);
  d.vaccine_code = "NOT-A-VACCINE";
  std::promise<Result<RecordOutcome>> answered;
  const uint64_t writes_before = writer_->stats().writes;
  groups_->Submit(d, sys_, catalogue_,
                  [&answered](Result<RecordOutcome> r) { answered.set_value(std::move(r)); });
  Result<RecordOutcome> r = answered.get_future().get();
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().field(), "vaccine");
  EXPECT_EQ(writer_->stats().writes, writes_before);
}

TEST_F(DoseGroupTest, DosesSubmittedAfterTheWriterStoppedFailAsUnavailable) {
  NewDose d = Dose(AddPerson(1), 1, kAug1);
  writer_->Stop();
  std::promise<Result<RecordOutcome>> answered;
  groups_->Submit(d, sys_, catalogue_,
                  [&answered](Result<RecordOutcome> r) { answered.set_value(std::move(r)); });
  EXPECT_EQ(answered.get_future().get().status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace vaxreg::registry
