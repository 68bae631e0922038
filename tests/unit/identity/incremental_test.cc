// Verification of chosen person records with the stored model (identity/incremental.h) and the
// model kept in the database (identity/model_store.h), against SQLite and PostgreSQL.
#include "identity/incremental.h"

#include <gtest/gtest.h>

#include "identity/model_store.h"
#include "identity/verification.h"
#include "identity_db_fixture.h"

namespace vaxreg::identity {
namespace {

class IncrementalVerifierTest : public IdentityDbTest {
 protected:
  // A register of 300 synthetic entries; people 1..150 are exact copies of entries 0..149
  // (the records a model is estimated from).
  void SetUpRegisterAndPeople() {
    ASSERT_TRUE(Import(SyntheticRegisterCsv(300)).ok());
    for (int i = 0; i < 150; ++i) AddSyntheticPerson(i + 1, i);
  }
  int64_t Scalar(const std::string& sql) {
    auto conn = db_->Acquire();
    EXPECT_TRUE(conn.ok());
    auto rows = (*conn)->Query(sql, {});
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows->at(0).Int(0);
  }
  std::string Text(const std::string& sql) {
    auto conn = db_->Acquire();
    EXPECT_TRUE(conn.ok());
    auto rows = (*conn)->Query(sql, {});
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows->empty() ? "" : rows->at(0).Text(0);
  }
  std::string IdentityStatus(int64_t id) {
    return Text("SELECT identity_status FROM people WHERE id = " + std::to_string(id));
  }
  std::string ResultStatus(int64_t id) {
    return Text("SELECT status FROM identity_results WHERE person_id = " + std::to_string(id));
  }
  // Synthetic entry i's CCCD with its last digit wrong.
  static std::string WrongDigit(int i) {
    std::string cccd = SyntheticCccd(i);
    cccd.back() = cccd.back() == '9' ? '8' : '9';
    return cccd;
  }
  static MatchOptions Options() {
    MatchOptions o;
    o.threads = 1;
    o.u_pairs = 50000;
    // Above any weight one field's disagreement allows: only the exact-CCCD path verifies, so a
    // record with a wrong CCCD digit is always proposed.
    o.verify_weight = 60;
    return o;
  }
};

TEST_F(IncrementalVerifierTest, ModelRoundTripsThroughTheDatabase) {
  SetUpRegisterAndPeople();
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  auto none = LoadLatestModel(**conn);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE(none->has_value());
  EXPECT_EQ(*LatestModelId(**conn), 0);

  auto reg = LoadPopulationRegister(**conn);
  auto people = LoadAllPersonRecords(**conn);
  ASSERT_TRUE(reg.ok() && people.ok());
  Matcher matcher(reg->people, Options());
  VerifyReport report;
  report.register_entries = reg->people.size();
  auto id = TrainAndSaveModel(matcher, people->people, *db_, *writer_, clock_, "test", report);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_TRUE(report.model_trained);

  auto stored = LoadLatestModel(**conn);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  ASSERT_TRUE(stored->has_value());
  const StoredModel& m = **stored;
  EXPECT_EQ(m.id, *id);
  EXPECT_EQ(*LatestModelId(**conn), *id);
  EXPECT_EQ(m.verify_weight, 60);
  EXPECT_EQ(m.propose_weight, 6);
  EXPECT_EQ(m.margin, 4);
  EXPECT_EQ(m.register_entries, 300u);
  EXPECT_EQ(m.people, 150u);
  EXPECT_DOUBLE_EQ(m.model.lambda(), matcher.model().lambda());
  for (int f = 0; f < kNumFields; ++f) {
    for (int l = 0; l < kLevelCount[static_cast<size_t>(f)]; ++l) {
      EXPECT_DOUBLE_EQ(m.model.m(static_cast<Field>(f), l), matcher.model().m(static_cast<Field>(f), l));
      EXPECT_DOUBLE_EQ(m.model.u(static_cast<Field>(f), l), matcher.model().u(static_cast<Field>(f), l));
    }
  }

  // EM that does not settle (one iteration allowed) is not trusted: the stored model is used
  // instead, with a warning, and nothing new is stored.
  MatchOptions capped = Options();
  capped.em_max_iterations = 1;
  Matcher unsettled(reg->people, capped);
  VerifyReport capped_report;
  auto fallback =
      TrainAndSaveModel(unsettled, people->people, *db_, *writer_, clock_, "test", capped_report);
  ASSERT_TRUE(fallback.ok()) << fallback.status().ToString();
  EXPECT_EQ(*fallback, *id);
  EXPECT_FALSE(capped_report.em.converged);
  EXPECT_FALSE(capped_report.model_trained);
  EXPECT_EQ(capped_report.model_fallback_id, *id);
  EXPECT_NE(capped_report.warning.find("did not converge"), std::string::npos);
  EXPECT_EQ(*LatestModelId(**conn), *id);
  EXPECT_DOUBLE_EQ(unsettled.model().lambda(), matcher.model().lambda());
}

TEST_F(IncrementalVerifierTest, VerifiesOnlyTheGivenRecordsWithTheStoredModel) {
  SetUpRegisterAndPeople();
  // New records: entry 250 exactly; entry 260 with its last CCCD digit wrong; a stranger.
  AddSyntheticPerson(1001, 250);
  AddPerson(1002, WrongDigit(260), SyntheticName(260), SyntheticDob(260), "M");
  AddPerson(1003, "", "Đào Thị Xuyến", "2001-09-09", "F");

  const std::vector<int64_t> ids = {1001, 1002, 1003, 999999};  // 999999: no such person
  auto report = VerifyPeople(*db_, *writer_, clock_, Options(), ids, "test", nullptr);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->register_entries, 300u);
  EXPECT_EQ(report->people, 3u);
  EXPECT_TRUE(report->model_trained);  // none was stored: estimated and stored
  EXPECT_EQ(report->verified, 1u);
  EXPECT_EQ(report->proposed, 1u);
  EXPECT_EQ(report->not_found, 1u);
  EXPECT_EQ(ResultStatus(1001), "verified");
  EXPECT_EQ(IdentityStatus(1001), "verified");
  EXPECT_EQ(ResultStatus(1002), "proposed_correction");
  EXPECT_EQ(IdentityStatus(1002), "mismatch");
  EXPECT_EQ(Text("SELECT matched_cccd FROM identity_results WHERE person_id = 1002"),
            SyntheticCccd(260));
  EXPECT_EQ(ResultStatus(1003), "not_found");
  // Only the given records were verified; the existing ones stay as they were.
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM identity_results"), 3);
  EXPECT_EQ(IdentityStatus(1), "unverified");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM identity_models"), 1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'identity.verify'"), 1);

  // A second batch uses the stored model and its thresholds, not the caller's (which would
  // verify a wrong digit): it is proposed again, and nothing is estimated.
  AddPerson(1004, WrongDigit(270), SyntheticName(270), SyntheticDob(270), "M");
  MatchOptions lenient = Options();
  lenient.verify_weight = 8;
  lenient.margin = 0;
  auto again = VerifyPeople(*db_, *writer_, clock_, lenient, std::vector<int64_t>{1004}, "test",
                            nullptr);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE(again->model_trained);
  EXPECT_EQ(again->proposed, 1u);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM identity_models"), 1);

  // A bulk run estimates and stores a model of its own, which becomes the one in use.
  auto all = VerifyAllPeople(*db_, *writer_, clock_, Options(), "test", nullptr);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->people, 154u);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM identity_models"), 2);
  EXPECT_EQ(Scalar("SELECT people FROM identity_models ORDER BY id DESC LIMIT 1"), 154);
}

TEST_F(IncrementalVerifierTest, RecordsStayUnverifiedUntilARegisterExists) {
  AddSyntheticPerson(1, 0);
  IncrementalVerifier verifier(*db_, *writer_, clock_, Options(), "test");
  auto before = verifier.Verify(std::vector<int64_t>{1}, nullptr);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_EQ(before->register_entries, 0u);
  EXPECT_EQ(before->people, 0u);
  EXPECT_EQ(IdentityStatus(1), "unverified");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM identity_results"), 0);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM identity_models"), 0);

  // A snapshot imported after the verifier loaded (the empty register) is noticed by the next
  // batch, without Invalidate().
  ASSERT_TRUE(Import(SyntheticRegisterCsv(100)).ok());
  AddSyntheticPerson(2, 1);
  auto after = verifier.Verify(std::vector<int64_t>{2}, nullptr);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->register_entries, 100u);
  EXPECT_EQ(after->verified, 1u);
  EXPECT_EQ(IdentityStatus(2), "verified");
  EXPECT_GT(verifier.memory_bytes(), 100 * sizeof(Person));

  // A later snapshot with a new entry: reloaded again.
  ASSERT_TRUE(Import(SyntheticRegisterCsv(120)).ok());
  AddSyntheticPerson(3, 110);
  auto later = verifier.Verify(std::vector<int64_t>{3}, nullptr);
  ASSERT_TRUE(later.ok()) << later.status().ToString();
  EXPECT_EQ(later->register_entries, 120u);
  EXPECT_EQ(IdentityStatus(3), "verified");
}

}  // namespace
}  // namespace vaxreg::identity
