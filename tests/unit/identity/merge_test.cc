// Duplicate person records against a real database of each backend (SQLite and PostgreSQL builds
// of the same tests): detection writes merge proposals once, merges move doses and keep the
// counters right, continuity conflicts are refused unless overridden, undo restores the state
// before exactly, every decision is audited and limited to the reviewer's area.

#include <gtest/gtest.h>

#include "fakes/fake_clock.h"
#include "identity/duplicates.h"
#include "identity/merge.h"
#include "identity/review.h"
#include "registry/dose_service.h"
#include "registry/facility.h"
#include "registry/person_store.h"
#include "registry/vaccine_store.h"
#include "storage/group_commit.h"
#include "storage/migrate.h"
#include "support/migrated_db.h"

namespace vaxreg::identity {
namespace {

constexpr int64_t kAug1 = 1627779600;  // 2021-08-01 08:00 ICT
constexpr int64_t kDay = 86400;

class MergeTest : public testing::MigratedDbTest {
 protected:
  void SetUp() override {
    MigratedDbTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    clock_.Set(FromUnixSeconds(1646100000));  // 2022-03-01
    const registry::Actor sys{"test", ""};
    ASSERT_TRUE(Write([&](storage::Connection& c) {
                  RETURN_IF_ERROR(registry::SeedBuiltInVaccines(c, clock_));
                  registry::Facility f{"HN-A", "Trạm HN-A", "01", "006", "00199", "",
                                       "applied", 1000, "", 0};
                  RETURN_IF_ERROR(registry::ApplyFacility(c, clock_, f, sys).status());
                  return registry::DecideFacility(c, clock_, "HN-A", "active", "", sys).status();
                }).ok());
  }
  int64_t AddPerson(const std::string& cccd, const std::string& cmnd, const std::string& name,
                    const std::string& dob, const std::string& sex, const std::string& phone,
                    const std::string& province = "01", const std::string& district = "001",
                    const std::string& commune = "00001") {
    registry::NewPerson np;
    np.cccd = cccd;
    np.cmnd = cmnd;
    np.full_name = name;
    np.dob = dob;
    np.sex = sex;
    np.phone = phone;
    np.province_code = province;
    np.district_code = district;
    np.commune_code = commune;
    auto valid = registry::ValidateNewPerson(np, registry::DayOf(1646100000));
    EXPECT_TRUE(valid.ok()) << valid.status().ToString();
    Result<registry::Person> p = InternalError("not run");
    EXPECT_TRUE(Write([&](storage::Connection& c) {
                  p = registry::InsertPerson(c, clock_, *valid, {"test", ""});
                  return p.status();
                }).ok());
    return p.ok() ? p->id : 0;
  }

  int64_t AddDose(int64_t person, int number, int64_t at) {
    registry::NewDose d;
    d.person_id = person;
    d.vaccine_code = "COMIRNATY";
    d.dose_number = number;
    d.administered_at = at;
    d.facility_code = "HN-A";
    Result<registry::RecordOutcome> out = InternalError("not run");
    EXPECT_TRUE(Write([&](storage::Connection& c) {
                  out = registry::RecordDose(c, clock_, registry::BuiltInVaccines(), d,
                                             registry::DoseWriter::System("test"));
                  return out.status();
                }).ok());
    return out.ok() ? out->dose.id : 0;
  }

  DetectReport Detect() {
    auto report = DetectDuplicates(*db_, *writer_, clock_, {}, "test", nullptr);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : DetectReport{};
  }

  // The open proposal for a pair (either order); 0 when there is none.
  int64_t ProposalFor(int64_t a, int64_t b) {
    auto rows = Query("SELECT id FROM merge_proposals WHERE (survivor_id = " + std::to_string(a) +
                      " AND duplicate_id = " + std::to_string(b) + ") OR (survivor_id = " +
                      std::to_string(b) + " AND duplicate_id = " + std::to_string(a) + ")");
    return rows.empty() ? 0 : rows[0].Int(0);
  }

  Result<MergeProposal> Merge(const std::string& unit, int64_t id, const std::string& reason = "") {
    Result<MergeProposal> out = InternalError("not run");
    Status st = Write([&](storage::Connection& c) {
      out = MergeDuplicate(c, clock_, registry::BuiltInVaccines(), unit, id, reason, "reviewer",
                           "req-1");
      return out.status();
    });
    if (!st.ok()) return st;
    return out;
  }
  Result<MergeProposal> Undo(const std::string& unit, int64_t id) {
    Result<MergeProposal> out = InternalError("not run");
    Status st = Write([&](storage::Connection& c) {
      out = UndoMerge(c, clock_, registry::BuiltInVaccines(), unit, id, "reviewer", "req-2");
      return out.status();
    });
    if (!st.ok()) return st;
    return out;
  }
  Status Reject(const std::string& unit, int64_t id) {
    return Write([&](storage::Connection& c) {
      return RejectDuplicate(c, clock_, unit, id, "reviewer", "req-3").status();
    });
  }

  storage::Rows Query(const std::string& sql) {
    auto conn = db_->Acquire();
    EXPECT_TRUE(conn.ok());
    auto rows = (*conn)->Query(sql);
    EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().ToString();
    return rows.ok() ? *rows : storage::Rows{};
  }
  int64_t Scalar(const std::string& sql) {
    auto rows = Query(sql);
    return rows.empty() ? -1 : rows[0].Int(0);
  }
  // Everything a merge may change, as text (updated_at aside): both people, all doses, the
  // statistics counters.
  std::string State() {
    std::string out;
    for (const char* sql :
         {"SELECT id, COALESCE(cccd, '-'), COALESCE(cmnd, '-'), COALESCE(passport, '-'), "
          "full_name, dob, birth_year, sex, phone, province_code, identity_status, vax_status, "
          "COALESCE(merged_into, 0) FROM people ORDER BY id",
          "SELECT id, person_id, dose_number, status, COALESCE(override_reason, '-') FROM doses "
          "ORDER BY id",
          "SELECT province_code, at_least_one, fully, booster FROM stat_coverage "
          "ORDER BY province_code",
          "SELECT day, province_code, vaccine_code, doses FROM stat_doses_daily ORDER BY day",
          "SELECT holder, vaccine_code, used FROM stock ORDER BY holder, vaccine_code"}) {
      for (const storage::Row& r : Query(sql)) {
        for (size_t i = 0; i < r.size(); ++i) out += r.Text(i) + "|";
        out += "\n";
      }
    }
    return out;
  }

  testing::FakeClock clock_;
};

TEST_F(MergeTest, DetectionProposesLikelyPairsOnce) {
  const int64_t an = AddPerson("001090012345", "", "Nguyễn Văn An", "1990-05-01", "M", "0912345678");
  const int64_t an_phone = AddPerson("", "", "Nguyen Van  An", "1990-05-01", "M", "+84912345678", "01",
                                     "001", "00004");
  // A relative on the same phone: another name and birth date.
  const int64_t binh = AddPerson("001192054321", "", "Nguyễn Thị Bình", "1992-02-02", "F", "0912345678");
  // The same CMND twice, one with a year-only birth date.
  const int64_t cuong1 = AddPerson("", "123456789", "Trần Văn Cường", "1985-03-07", "M", "");
  const int64_t cuong2 = AddPerson("", "123456789", "Tran Van Cuong", "1985", "M", "");
  // Same name, birth date and commune, no phone, no identity number.
  const int64_t dung1 = AddPerson("", "", "Lê Văn Dũng", "1970-01-01", "M", "");
  const int64_t dung2 = AddPerson("", "", "Lê Văn Dũng", "1970-01-01", "M", "");
  // Same name, birth date and commune but different CCCDs: two citizens.
  AddPerson("001070000001", "", "Phạm Văn Em", "1970-01-01", "M", "");
  AddPerson("001070000002", "", "Phạm Văn Em", "1970-01-01", "M", "");

  DetectReport first = Detect();
  EXPECT_EQ(first.people, 9u);
  EXPECT_EQ(first.candidates, 3u);
  EXPECT_EQ(first.proposed, 3u);
  EXPECT_NE(ProposalFor(an, an_phone), 0);
  EXPECT_EQ(ProposalFor(an, binh), 0);
  EXPECT_EQ(ProposalFor(an_phone, binh), 0);
  EXPECT_NE(ProposalFor(cuong1, cuong2), 0);
  EXPECT_NE(ProposalFor(dung1, dung2), 0);
  // The record with a CCCD survives.
  EXPECT_EQ(Scalar("SELECT survivor_id FROM merge_proposals WHERE id = " +
                   std::to_string(ProposalFor(an, an_phone))),
            an);
  auto reasons = Query("SELECT reasons_json, score FROM merge_proposals WHERE id = " +
                       std::to_string(ProposalFor(an, an_phone)));
  EXPECT_NE(reasons.at(0).Text(0).find("same_phone"), std::string::npos);
  EXPECT_GT(reasons.at(0).Double(1), 0.85);

  // A second run proposes nothing new, also after a rejection.
  ASSERT_TRUE(Reject("01", ProposalFor(dung1, dung2)).ok());
  DetectReport second = Detect();
  EXPECT_EQ(second.candidates, 3u);
  EXPECT_EQ(second.proposed, 0u);
  EXPECT_EQ(second.known, 3u);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM merge_proposals"), 3);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'identity.duplicates.detect'"), 2);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'identity.duplicate.reject'"), 1);
  EXPECT_EQ(Reject("01", ProposalFor(dung1, dung2)).code(), StatusCode::kFailedPrecondition);

  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  auto open = ListMergeProposals(**conn, "01", 0, 10);
  ASSERT_TRUE(open.ok()) << open.status().ToString();
  ASSERT_EQ(open->size(), 2u);
  EXPECT_EQ(open->at(0).survivor.id, an);
  EXPECT_EQ(open->at(0).duplicate.phone, "+84912345678");
  EXPECT_EQ(ListMergeProposals(**conn, "01", open->at(0).id, 10)->size(), 1u);
  EXPECT_TRUE(ListMergeProposals(**conn, "79", 0, 10)->empty());
  EXPECT_EQ(ListMergeProposals(**conn, "00001", 0, 10)->size(), 1u);  // cuong1 and cuong2
  auto quality = DataQuality(**conn, "01");
  ASSERT_TRUE(quality.ok()) << quality.status().ToString();
  EXPECT_EQ(quality->people, 9);
  EXPECT_EQ(quality->suspected_duplicates, 4);
  EXPECT_EQ(quality->open_merge_proposals, 2);
  EXPECT_EQ(quality->continuity_conflicts, 0);
}

TEST_F(MergeTest, MergeMovesDosesKeepsCountersAndUndoRestoresExactly) {
  const int64_t an = AddPerson("001090012345", "", "Nguyễn Văn An", "1990", "M", "0912345678");
  const int64_t dup = AddPerson("", "012345678", "Nguyen Van An", "1990-05-01", "M", "0912345678");
  const int64_t d1 = AddDose(an, 1, kAug1);
  const int64_t d2 = AddDose(dup, 2, kAug1 + 30 * kDay);
  ASSERT_EQ(Detect().proposed, 1u);
  const int64_t id = ProposalFor(an, dup);
  EXPECT_EQ(Scalar("SELECT at_least_one FROM stat_coverage WHERE province_code = '01'"), 2);
  EXPECT_EQ(Scalar("SELECT fully FROM stat_coverage WHERE province_code = '01'"), 0);
  const std::string before = State();

  EXPECT_EQ(Merge("79", id).status().code(), StatusCode::kNotFound);  // another area
  EXPECT_EQ(Merge("01", 999999).status().code(), StatusCode::kNotFound);
  auto merged = Merge("001", id);
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_EQ(merged->status, "merged");
  EXPECT_EQ(merged->moved_dose_ids, std::vector<int64_t>{d2});
  EXPECT_EQ(merged->survivor.active_doses, 2);
  EXPECT_EQ(merged->survivor.vax_status, "fully");
  EXPECT_EQ(merged->survivor.cmnd, "012345678");  // filled from the duplicate
  EXPECT_EQ(merged->survivor.dob, "1990-05-01");   // year-only date completed
  EXPECT_EQ(merged->duplicate.merged_into, an);
  EXPECT_EQ(merged->duplicate.cmnd, "");  // the number moved
  EXPECT_EQ(merged->duplicate.vax_status, "none");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM doses WHERE person_id = " + std::to_string(an)), 2);
  EXPECT_EQ(Scalar("SELECT person_id FROM doses WHERE id = " + std::to_string(d1)), an);
  // One citizen with two doses: counted once, fully vaccinated; daily doses unchanged.
  EXPECT_EQ(Scalar("SELECT at_least_one FROM stat_coverage WHERE province_code = '01'"), 1);
  EXPECT_EQ(Scalar("SELECT fully FROM stat_coverage WHERE province_code = '01'"), 1);
  EXPECT_EQ(Scalar("SELECT SUM(doses) FROM stat_doses_daily"), 2);
  auto audit = Query("SELECT actor, target, before_json, after_json, request_id FROM audit_log "
                     "WHERE action = 'identity.duplicate.merge'");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].Text(0), "reviewer");
  EXPECT_EQ(audit[0].Text(1), "person:" + std::to_string(dup));
  EXPECT_NE(audit[0].Text(2).find("\"status\":\"proposed\""), std::string::npos);
  EXPECT_NE(audit[0].Text(3).find("\"status\":\"merged\""), std::string::npos);
  EXPECT_EQ(audit[0].Text(4), "req-1");
  EXPECT_EQ(Merge("01", id).status().code(), StatusCode::kFailedPrecondition);  // decided

  {
    auto conn = db_->Acquire();
    ASSERT_TRUE(conn.ok());
    auto quality = DataQuality(**conn, "01");
    ASSERT_TRUE(quality.ok());
    EXPECT_EQ(quality->people, 1);  // the merged record is not a person of its own any more
    EXPECT_EQ(quality->suspected_duplicates, 0);
  }

  EXPECT_EQ(Undo("79", id).status().code(), StatusCode::kNotFound);
  auto undone = Undo("01", id);
  ASSERT_TRUE(undone.ok()) << undone.status().ToString();
  EXPECT_EQ(undone->status, "undone");
  EXPECT_EQ(State(), before);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'identity.duplicate.undo'"), 1);
  EXPECT_EQ(Undo("01", id).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Detect().proposed, 0u);  // an undone pair is not proposed again
}

TEST_F(MergeTest, ConflictingHistoriesNeedAnOverrideAndUndoClearsIt) {
  const int64_t a = AddPerson("", "123456789", "Trần Văn Cường", "1985-03-07", "M", "");
  const int64_t b = AddPerson("", "123456789", "Tran Van Cuong", "1985-03-07", "M", "");
  AddDose(a, 1, kAug1);
  const int64_t b1 = AddDose(b, 1, kAug1 + 19 * kDay);  // a second "dose 1" on another day
  ASSERT_EQ(Detect().proposed, 1u);
  const int64_t id = ProposalFor(a, b);
  const std::string before = State();

  auto refused = Merge("01", id);
  ASSERT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("already has dose 1"), std::string::npos)
      << refused.status().message();
  EXPECT_NE(refused.status().message().find("override_reason"), std::string::npos);
  EXPECT_EQ(State(), before);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'identity.duplicate.%'"), 0);

  auto merged = Merge("01", id, "second dose recorded as dose 1 at the facility");
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_EQ(merged->override_reason, "second dose recorded as dose 1 at the facility");
  auto dose = Query("SELECT override_reason, person_id FROM doses WHERE id = " + std::to_string(b1));
  EXPECT_NE(dose.at(0).Text(0).find("second dose recorded"), std::string::npos);
  EXPECT_EQ(dose.at(0).Int(1), a);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action = "
                   "'identity.duplicate.merge_override'"),
            1);
  {
    auto conn = db_->Acquire();
    ASSERT_TRUE(conn.ok());
    auto quality = DataQuality(**conn, "01");
    ASSERT_TRUE(quality.ok()) << quality.status().ToString();
    EXPECT_EQ(quality->continuity_conflicts, 1);
    EXPECT_EQ(DataQuality(**conn, "79")->continuity_conflicts, 0);
  }

  ASSERT_TRUE(Undo("01", id).ok());
  EXPECT_EQ(State(), before);
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  EXPECT_EQ(DataQuality(**conn, "01")->continuity_conflicts, 0);
}

TEST_F(MergeTest, ChainedMergesUndoInOrder) {
  const int64_t a = AddPerson("001090012345", "", "Nguyễn Văn An", "1990-05-01", "M", "0912345678");
  const int64_t b = AddPerson("", "", "Nguyen Van An", "1990-05-01", "M", "0912345678");
  ASSERT_EQ(Detect().proposed, 1u);
  const int64_t ab = ProposalFor(a, b);
  // A proposal naming b as the survivor of c, written by hand (as a later run might have).
  const int64_t c = AddPerson("", "", "Nguyễn Văn An", "1990", "M", "");
  ASSERT_TRUE(Write([&](storage::Connection& conn) {
                return conn.Execute("INSERT INTO merge_proposals (survivor_id, duplicate_id, "
                                    "score, created_at) VALUES ($1, $2, 0.9, 0)",
                                    {b, c})
                    .status();
              }).ok());
  const int64_t bc = ProposalFor(b, c);
  ASSERT_TRUE(Merge("01", ab).ok());
  // b is merged: its other proposal leaves the queue and cannot be merged.
  {
    auto conn = db_->Acquire();
    ASSERT_TRUE(conn.ok());
    EXPECT_TRUE(ListMergeProposals(**conn, "01", 0, 10)->empty());
  }
  EXPECT_EQ(Merge("01", bc).status().code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(Undo("01", ab).ok());
  ASSERT_TRUE(Merge("01", bc).ok());
  // a's merge cannot be redone (decided), and b, now a survivor, cannot be undone out of order.
  EXPECT_EQ(Merge("01", ab).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Undo("01", bc).ok());
}

}  // namespace
}  // namespace vaxreg::identity
