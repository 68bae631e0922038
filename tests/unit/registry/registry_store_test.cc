// Registry writes on a real database of each backend, through the group-commit writer:
// people, facilities, doses with idempotency keys, continuity, voids, the statistics counters,
// bookings within capacity, and the audit rows every write leaves.

#include <gtest/gtest.h>

#include <cstdio>

#include "fakes/fake_clock.h"
#include "registry/dose_batch.h"
#include "registry/dose_csv.h"
#include "registry/dose_service.h"
#include "registry/facility.h"
#include "registry/person_record.h"
#include "registry/person_store.h"
#include "registry/registration.h"
#include "registry/statistics.h"
#include "registry/vaccine_store.h"
#include "storage/group_commit.h"
#include "storage/migrate.h"
#include "support/migrated_db.h"

namespace vaxreg::registry {
namespace {

class RegistryStoreTest : public testing::MigratedDbTest {
 protected:
  void SetUp() override {
    MigratedDbTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    clock_.Set(FromUnixSeconds(1646100000));  // 2022-03-01
    ASSERT_TRUE(Write([&](storage::Connection& c) {
                  RETURN_IF_ERROR(SeedBuiltInVaccines(c, clock_));
                  RETURN_IF_ERROR(ApplyFacility(c, clock_, Fac("HN-A", 2), sys_.actor).status());
                  RETURN_IF_ERROR(DecideFacility(c, clock_, "HN-A", "active", "", sys_.actor).status());
                  return ApplyFacility(c, clock_, Fac("HN-B", 2), sys_.actor).status();
                }).ok());
    person_ = AddPerson("001090012345");
  }

  static Facility Fac(const std::string& code, int capacity) {
    return {code, "Trạm " + code, "01", "006", "00199", "", "applied", capacity, "", 0};
  }

  int64_t AddPerson(const std::string& cccd) {
    NewPerson np;
    np.cccd = cccd;
    np.full_name = "Nguyễn Văn An";
    np.dob = "1990-05-01";
    np.sex = "M";
    np.province_code = "01";
    Result<Person> p = InternalError("not run");
    EXPECT_TRUE(Write([&](storage::Connection& c) {
                  p = InsertPerson(c, clock_, ValidateNewPerson(np, DayOf(1646100000)).value(),
                                   sys_.actor);
                  return p.status();
                }).ok());
    return p.value().id;
  }

  Result<RecordOutcome> Record(NewDose d, const DoseWriter& w) {
    Result<RecordOutcome> out = InternalError("not run");
    Status st = Write([&](storage::Connection& c) {
      out = RecordDose(c, clock_, BuiltInVaccines(), d, w);
      return out.status();
    });
    if (!st.ok()) return st;
    return out;
  }

  NewDose MakeDose(int number, const std::string& vaccine, int64_t at, const std::string& key = "") {
    NewDose d;
    d.person_id = person_;
    d.vaccine_code = vaccine;
    d.dose_number = number;
    d.administered_at = at;
    d.facility_code = "HN-A";
    d.idempotency_key = key;
    return d;
  }

  std::chrono::sys_days Today() const { return DayOf(ToUnixSeconds(clock_.Now())); }

  int64_t Scalar(const std::string& sql) {
    auto conn = db_->Acquire();
    return (*conn)->Query(sql).value()[0].Int(0);
  }

  testing::FakeClock clock_;
  DoseWriter sys_ = DoseWriter::System("test");
  int64_t person_ = 0;
};

constexpr int64_t kAug1 = 1627779600;  // 2021-08-01 08:00 ICT
constexpr int64_t kDay = 86400;

TEST_F(RegistryStoreTest, DuplicateCccdIsAlreadyExists) {
  NewPerson np;
  np.cccd = "001090012345";
  np.full_name = "A";
  np.dob = "1990";
  np.sex = "M";
  Status st = Write([&](storage::Connection& c) {
    return InsertPerson(c, clock_, ValidateNewPerson(np, DayOf(1646100000)).value(), sys_.actor)
        .status();
  });
  EXPECT_EQ(st.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(st.field(), "cccd");
}

TEST_F(RegistryStoreTest, IdempotencyKeyReturnsTheOriginalDose) {
  auto first = Record(MakeDose(1, "COMIRNATY", kAug1, "k-1"), sys_);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(first->replayed);
  auto retry = Record(MakeDose(1, "COMIRNATY", kAug1, "k-1"), sys_);
  ASSERT_TRUE(retry.ok());
  EXPECT_TRUE(retry->replayed);
  EXPECT_EQ(retry->dose.id, first->dose.id);
  EXPECT_EQ(Record(MakeDose(2, "COMIRNATY", kAug1 + 30 * kDay, "k-1"), sys_).status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM doses"), 1);
  EXPECT_EQ(Scalar("SELECT doses FROM stat_doses_daily"), 1);
}

TEST_F(RegistryStoreTest, OneFailingWriteDoesNotFailTheBatch) {
  std::vector<NewDose> items = {MakeDose(1, "COMIRNATY", kAug1), MakeDose(1, "COMIRNATY", kAug1 + kDay),
                                MakeDose(2, "COMIRNATY", kAug1 + 25 * kDay)};
  Result<std::vector<Result<RecordOutcome>>> results = InternalError("not run");
  ASSERT_TRUE(Write([&](storage::Connection& c) {
                results = RecordDoseBatch(c, clock_, BuiltInVaccines(), items, sys_);
                return results.status();
              }).ok());
  ASSERT_EQ(results->size(), 3u);
  EXPECT_TRUE((*results)[0].ok());
  EXPECT_EQ((*results)[1].status().code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE((*results)[2].ok()) << (*results)[2].status().ToString();
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM doses"), 2);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'dose.batch'"), 1);
  // A retry of the batch replays the recorded items and refuses the same one again.
  std::vector<NewDose> keyed = {MakeDose(3, "COMIRNATY", kAug1 + 200 * kDay, "b-1"),
                                MakeDose(3, "COMIRNATY", kAug1 + 200 * kDay, "b-1")};
  ASSERT_TRUE(Write([&](storage::Connection& c) {
                results = RecordDoseBatch(c, clock_, BuiltInVaccines(), keyed, sys_);
                return results.status();
              }).ok());
  ASSERT_TRUE((*results)[0].ok() && (*results)[1].ok()) << (*results)[1].status().ToString();
  EXPECT_FALSE((*results)[0]->replayed);
  EXPECT_TRUE((*results)[1]->replayed);
  EXPECT_EQ((*results)[1]->dose.id, (*results)[0]->dose.id);
  ASSERT_TRUE(Write([&](storage::Connection& c) {
                results = RecordDoseBatch(c, clock_, BuiltInVaccines(), keyed, sys_);
                return results.status();
              }).ok());
  EXPECT_TRUE((*results)[0].ok() && (*results)[0]->replayed);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM doses"), 3);
}

// A batch over more people than one lookup statement holds: each item is checked against its own
// person's history (found by the batched lookups), and the statuses that change are all written.
TEST_F(RegistryStoreTest, BatchOverManyPeopleChecksEachHistory) {
  constexpr int kPeople = 300;  // more than storage::kInListChunk
  std::vector<int64_t> ids;
  for (int i = 0; i < kPeople; ++i) {
    char cccd[13];
    std::snprintf(cccd, sizeof cccd, "0010900%05d", 20000 + i);
    ids.push_back(AddPerson(cccd));
  }
  // Every even person already has dose 1.
  std::vector<NewDose> first;
  for (int i = 0; i < kPeople; i += 2) {
    NewDose d = MakeDose(1, "COMIRNATY", kAug1);
    d.person_id = ids[i];
    first.push_back(d);
  }
  Result<std::vector<Result<RecordOutcome>>> results = InternalError("not run");
  ASSERT_TRUE(Write([&](storage::Connection& c) {
                results = RecordDoseBatch(c, clock_, BuiltInVaccines(), first, sys_);
                return results.status();
              }).ok());
  for (const auto& r : *results) ASSERT_TRUE(r.ok()) << r.status().ToString();
  // Now dose 1 for everyone: a second dose 1 for the even people, the first for the others.
  std::vector<NewDose> second;
  for (int i = 0; i < kPeople; ++i) {
    NewDose d = MakeDose(1, "COMIRNATY", kAug1 + 30 * kDay);
    d.person_id = ids[i];
    second.push_back(d);
  }
  ASSERT_TRUE(Write([&](storage::Connection& c) {
                results = RecordDoseBatch(c, clock_, BuiltInVaccines(), second, sys_);
                return results.status();
              }).ok());
  for (int i = 0; i < kPeople; ++i) {
    EXPECT_EQ((*results)[i].ok(), i % 2 == 1) << "person " << i << ": "
                                              << (*results)[i].status().ToString();
  }
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM people WHERE vax_status = 'partly'"), kPeople);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM doses"), kPeople);
  EXPECT_EQ(Scalar("SELECT at_least_one FROM stat_coverage WHERE province_code = '01'"), kPeople);
}

TEST_F(RegistryStoreTest, CountersFollowRecordsAndVoids) {
  auto d1 = Record(MakeDose(1, "VAXZEVRIA", kAug1), sys_);
  ASSERT_TRUE(d1.ok()) << d1.status().ToString();
  EXPECT_EQ(Scalar("SELECT at_least_one FROM stat_coverage WHERE province_code = '01'"), 1);
  EXPECT_EQ(Scalar("SELECT fully FROM stat_coverage WHERE province_code = '01'"), 0);
  ASSERT_TRUE(Record(MakeDose(2, "COMIRNATY", kAug1 + 40 * kDay), sys_).ok());
  EXPECT_EQ(Scalar("SELECT fully FROM stat_coverage WHERE province_code = '01'"), 1);
  EXPECT_EQ(Scalar("SELECT vax_status = 'fully' FROM people WHERE id = " + std::to_string(person_)), 1);
  EXPECT_EQ(Scalar("SELECT used FROM stock WHERE holder = 'HN-A' AND vaccine_code = 'COMIRNATY'"), 1);
  Result<Dose> voided = InternalError("not run");
  ASSERT_TRUE(Write([&](storage::Connection& c) {
                voided = VoidDose(c, clock_, BuiltInVaccines(), d1->dose.id, "wrong lot", sys_);
                return voided.status();
              }).ok());
  EXPECT_EQ(voided->status, "voided");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM doses"), 2);
  EXPECT_EQ(Scalar("SELECT SUM(doses) FROM stat_doses_daily"), 1);
  // Only dose 2 is left: one counted dose of a two-dose series.
  EXPECT_EQ(Scalar("SELECT fully FROM stat_coverage WHERE province_code = '01'"), 0);
  EXPECT_EQ(Scalar("SELECT at_least_one FROM stat_coverage WHERE province_code = '01'"), 1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'dose.void'"), 1);
}

TEST_F(RegistryStoreTest, InactiveFacilityAndForeignStaffAreRefused) {
  NewDose d = MakeDose(1, "COMIRNATY", kAug1);
  d.facility_code = "HN-B";
  EXPECT_EQ(Record(d, sys_).status().code(), StatusCode::kFailedPrecondition);
  auth::Principal staff{1, "lan", auth::Role::kFacilityStaff, "HN-OTHER", ""};
  EXPECT_EQ(Record(MakeDose(1, "COMIRNATY", kAug1), DoseWriter::ForPrincipal(staff, "r")).status().code(),
            StatusCode::kPermissionDenied);
  auth::Principal hcm{2, "hcm", auth::Role::kHealthAuthority, "", "79"};
  EXPECT_EQ(Record(MakeDose(1, "COMIRNATY", kAug1), DoseWriter::ForPrincipal(hcm, "r")).status().code(),
            StatusCode::kPermissionDenied);
}

TEST_F(RegistryStoreTest, SelfDeclaredDosesArePendingAndNotCounted) {
  auth::Principal citizen{3, "001090012345", auth::Role::kCitizen, "", ""};
  NewDose d = MakeDose(1, "COMIRNATY", kAug1);
  d.facility_code = "";
  d.source = "self_declared";
  auto r = Record(d, DoseWriter::ForPrincipal(citizen, "r"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->dose.review_status, "pending");
  auto conn = db_->Acquire();
  auto rec = LoadPersonRecord(**conn, person_, BuiltInVaccines());
  ASSERT_TRUE(rec.ok() && *rec);
  EXPECT_EQ((*rec)->summary.status, VaccinationStatus::kNone);
  EXPECT_EQ((*rec)->summary.pending_doses, 1);
  EXPECT_NE(PersonRecordJson(**rec).find("\"display\":\"pending\""), std::string::npos);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM stat_doses_daily"), 0);
}

TEST_F(RegistryStoreTest, BookingsStayWithinCapacity) {
  const int64_t other = AddPerson("001090012346");
  const int64_t third = AddPerson("001090012347");
  auto book = [&](int64_t person, const std::string& day) {
    Result<Registration> r = InternalError("not run");
    Status st = Write([&](storage::Connection& c) {
      r = BookRegistration(c, clock_, person, "HN-A", day, sys_.actor);
      return r.status();
    });
    return st.ok() ? r : Result<Registration>(st);
  };
  ASSERT_TRUE(book(person_, "2022-03-02").ok());
  EXPECT_EQ(book(person_, "2022-03-02").status().code(), StatusCode::kAlreadyExists);
  auto second = book(other, "2022-03-02");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(book(third, "2022-03-02").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(book(third, "2021-03-02").status().code(), StatusCode::kInvalidArgument);
  auto conn = db_->Acquire();
  auto found = FindRegistrationByToken(**conn, "VXR1:" + second->token);
  ASSERT_TRUE(found.ok() && *found);
  EXPECT_EQ((*found)->person_id, other);
  EXPECT_EQ(Scalar("SELECT registrations FROM stat_registrations_daily"), 2);
}

// A new person whose first row is refused for what only the database knows (an inactive
// facility) is created from their next row; a new person with invalid data is refused on every
// row without touching the database.
TEST_F(RegistryStoreTest, CsvImportCreatesAPersonFromTheirFirstAcceptedRow) {
  const std::vector<std::string> lines = {
      "d,,Bé Hoa,2012-06-01,F,,01,006,00199,COMIRNATY,L1,1,2021-10-01,HN-B",
      "d,,Bé Hoa,2012-06-01,F,,01,006,00199,COMIRNATY,L1,2,2021-11-01,HN-A",
      "e,,Bé Cúc,2030-01-01,F,,01,006,00199,COMIRNATY,L1,1,2021-10-01,HN-A",
      "e,,Bé Cúc,2030-01-01,F,,01,006,00199,COMIRNATY,L1,2,2021-11-01,HN-A",
  };
  std::vector<DoseCsvRow> rows;
  for (size_t i = 0; i < lines.size(); ++i) rows.push_back(ParseDoseCsvLine(lines[i], i + 2).value());
  RecordPeople people;
  std::vector<RowError> errors;
  Result<size_t> recorded = InternalError("not run");
  ASSERT_TRUE(Write([&](storage::Connection& c) {
                recorded = ImportDoseRows(c, clock_, BuiltInVaccines(),
                                          PrepareDoseRows(rows, BuiltInVaccines(), Today()), sys_,
                                          people, errors);
                return recorded.status();
              }).ok());
  EXPECT_EQ(*recorded, 1u);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].line, 2u);
  EXPECT_EQ(errors[0].status.field(), "facility_code");
  EXPECT_EQ(errors[1].line, 4u);
  EXPECT_EQ(errors[1].status.field(), "dob");
  EXPECT_EQ(errors[2].line, 5u);
  EXPECT_EQ(errors[2].status.field(), "dob");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM people WHERE full_name = 'Bé Hoa' AND vax_status = 'partly'"), 1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM people WHERE full_name = 'Bé Cúc'"), 0);
}

TEST_F(RegistryStoreTest, CsvImportChecksEachRowAndInsertsTheGoodOnesTogether) {
  ASSERT_TRUE(Record(MakeDose(1, "COMIRNATY", kAug1), sys_).ok());
  const std::vector<std::string> lines = {
      // The existing person (CCCD 001090012345): dose 2 fits, a second dose 2 does not.
      "a,001090012345,Nguyễn Văn An,1990-05-01,M,,01,,,COMIRNATY,L1,2,2021-08-25,HN-A",
      "a,001090012345,Nguyễn Văn An,1990-05-01,M,,01,,,COMIRNATY,L1,2,2021-09-25,HN-A",
      // A new person without CCCD over two rows; then a row at an inactive facility.
      "b,,Bé Lan,2012-06-01,F,,01,006,00199,VAXZEVRIA,L2,1,2021-10-01,HN-A",
      "b,,Bé Lan,2012-06-01,F,,01,006,00199,VAXZEVRIA,L2,2,2021-11-15,HN-A",
      "c,,Bé Mai,2012-06-01,F,,01,,,VAXZEVRIA,L2,1,2021-10-01,HN-B",
  };
  std::vector<DoseCsvRow> rows;
  for (size_t i = 0; i < lines.size(); ++i) rows.push_back(ParseDoseCsvLine(lines[i], i + 2).value());
  RecordPeople people;
  std::vector<RowError> errors;
  std::vector<int64_t> created;
  Result<size_t> recorded = InternalError("not run");
  ASSERT_TRUE(Write([&](storage::Connection& c) {
                recorded = ImportDoseRows(c, clock_, BuiltInVaccines(),
                                          PrepareDoseRows(rows, BuiltInVaccines(), Today()), sys_,
                                          people, errors, nullptr, "import.doses", &created);
                return recorded.status();
              }).ok());
  EXPECT_EQ(*recorded, 3u);
  // Only "b" is new ("a" existed; "c" was refused): its id is reported for verification.
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0], people.at("b"));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].line, 3u);
  EXPECT_EQ(errors[0].status.field(), "dose_number");
  EXPECT_EQ(errors[1].line, 6u);
  EXPECT_EQ(errors[1].status.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM doses"), 4);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM people WHERE full_name = 'Bé Lan' AND vax_status = 'fully'"), 1);
  EXPECT_EQ(Scalar("SELECT vax_status = 'fully' FROM people WHERE id = " + std::to_string(person_)), 1);
  EXPECT_EQ(Scalar("SELECT fully FROM stat_coverage WHERE province_code = '01'"), 2);
  EXPECT_EQ(Scalar("SELECT SUM(doses) FROM stat_doses_daily"), 4);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'import.doses'"), 1);
  // A later chunk finds "b" by record_id.
  std::vector<DoseCsvRow> later = {
      ParseDoseCsvLine("b,,Bé Lan,2012-06-01,F,,01,006,00199,COMIRNATY,L3,3,2022-03-01,HN-A", 9)
          .value()};
  errors.clear();
  ASSERT_TRUE(Write([&](storage::Connection& c) {
                recorded = ImportDoseRows(c, clock_, BuiltInVaccines(),
                                          PrepareDoseRows(later, BuiltInVaccines(), Today()), sys_,
                                          people, errors);
                return recorded.status();
              }).ok());
  EXPECT_EQ(*recorded, 1u) << (errors.empty() ? "" : errors[0].status.ToString());
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM people WHERE full_name = 'Bé Lan'"), 1);
  EXPECT_EQ(Scalar("SELECT booster FROM stat_coverage WHERE province_code = '01'"), 1);
}

}  // namespace
}  // namespace vaxreg::registry
