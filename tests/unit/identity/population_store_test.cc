// Population register import, bulk verification and export against a real database (SQLite and
// PostgreSQL builds of the same tests).
#include "identity/population_store.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>

#include "identity/review.h"
#include "identity/verification.h"
#include "registry/quarantine.h"
#include "identity_db_fixture.h"

namespace vaxreg::identity {
namespace {

using PopulationStoreTest = IdentityDbTest;

TEST_F(PopulationStoreTest, ImportsRejectsBadRowsAndAppliesLaterSnapshots) {
  auto first = Import(std::string(kHeader) +
                      "001085012345,012345678,Nguyễn Văn An,1985-03-07,M,01,001,00001\n"
                      "079190000001,,Trần Thị Bình,1990,F,79,760,26734\n"
                      "12345,,Bad Id,1990-01-01,M,01,001,00001\n"
                      "001085099999,,Lê Văn Cường,1985-02-30,M,01,001,00001\n"
                      "001085088888,,Lê Văn Dũng,1985-02-03,X,01,001,00001\n"
                      "001085077777,,Lê Văn Em,1985-02-03,M,01,760,00001\n"
                      ",123456789,Phạm Thị Giang,1950-06-01,F,,,\n");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->rows_read, 7u);
  EXPECT_EQ(first->inserted, 3u);
  EXPECT_EQ(first->rejected, 4u);
  ASSERT_EQ(first->errors.size(), 4u);
  EXPECT_EQ(first->errors[0].line, 4u);
  EXPECT_EQ(first->errors[1].status.field(), "dob");
  EXPECT_EQ(first->errors[2].status.field(), "sex");
  EXPECT_EQ(first->errors[3].status.field(), "district_code");

  // A later snapshot: one row changed, one unchanged, one new.
  auto second = Import(std::string(kHeader) +
                       "001085012345,012345678,Nguyễn Văn An,1985-03-07,M,01,001,00001\n"
                       "079190000001,,Trần Thị Bình,1990-04-05,F,79,760,26734\n"
                       "048095000002,,Võ Minh Châu,1995-12-31,M,48,490,20194\n");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->inserted, 1u);
  EXPECT_EQ(second->updated, 1u);
  EXPECT_EQ(second->unchanged, 1u);
  EXPECT_GT(second->snapshot_id, first->snapshot_id);

  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  auto reg = LoadPopulationRegister(**conn);
  ASSERT_TRUE(reg.ok());
  ASSERT_EQ(reg->people.size(), 4u);
  EXPECT_EQ(reg->people[1].dob, (BirthDate{1990, 4, 5}));
  EXPECT_EQ(reg->people[2].cmnd, 123456789u);
  EXPECT_EQ(reg->people[0].name, "nguyen van an");
  auto audit = (*conn)->Query("SELECT COUNT(*) FROM audit_log WHERE action = 'population.import'", {});
  ASSERT_TRUE(audit.ok());
  EXPECT_EQ(audit->at(0).Int(0), 2);
}

TEST_F(PopulationStoreTest, WrongHeaderIsRejected) {
  auto r = Import("id,name\n1,x\n");
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(PopulationStoreTest, VerifiesPeopleAndExports) {
  ASSERT_TRUE(Import(SyntheticRegisterCsv(300)).ok());
  // People: 0..199 exact copies; person 1000 without a CCCD; person 1001 unknown.
  for (int i = 0; i < 200; ++i) AddSyntheticPerson(i + 1, i);
  AddPerson(1000, "", "Nguyen Van An", "1950-01-01", "M");  // register row 0, no CCCD, no accents
  AddPerson(1001, "", "Đào Thị Xuyến", "2001-09-09", "F");
  ASSERT_TRUE(writer_->SubmitAndWait([](storage::Connection& c) {
                       return c.Execute("INSERT INTO person_record_ids (record_id, person_id) "
                                        "VALUES ('SRC-1', 1), ('SRC-1b', 1)", {}).status();
                     }).ok());
  // A dose row refused by an import and kept for cleaning, about register entry 250 (not among
  // the people): it is matched too, and exported under its source record id.
  registry::QuarantineEntry kept;
  kept.channel = "file";
  kept.facility_code = "HN-BACHMAI";
  kept.line = 2;
  kept.record_id = "SRC-Q";
  kept.row_text = "SRC-Q," + SyntheticCccd(250) + "," + SyntheticName(250) + "," +
                  SyntheticDob(250) + ",M,,01,001,00001,COMIRNATY,FK1,1,2021-08-01,HN-BACHMAI";
  kept.reason = InvalidArgumentError("vaccine: unknown", "vaccine");
  ASSERT_TRUE(writer_->SubmitAndWait([&](storage::Connection& c) {
                       return registry::QuarantineRows(c, clock_, {&kept, 1},
                                                       registry::Actor{"test", ""})
                           .status();
                     }).ok());

  MatchOptions options;
  options.threads = 2;
  options.u_pairs = 50000;
  auto report = VerifyAllPeople(*db_, *writer_, clock_, options, "test", nullptr);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->people, 202u);
  EXPECT_EQ(report->quarantined, 1u);
  EXPECT_EQ(report->quarantined_verified, 1u);
  EXPECT_GE(report->verified, 200u);
  EXPECT_GE(report->not_found, 1u);

  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  auto row = (*conn)->Query("SELECT r.status, r.matched_cccd, p.identity_status, r.details_json "
                            "FROM identity_results r JOIN people p ON p.id = r.person_id "
                            "WHERE r.person_id = $1", {int64_t{1000}});
  ASSERT_TRUE(row.ok());
  ASSERT_EQ(row->size(), 1u);
  EXPECT_EQ(row->at(0).Text(1), "001050100000");
  EXPECT_NE(row->at(0).Text(3).find("\"fields\""), std::string::npos);
  auto unknown = (*conn)->Query("SELECT status FROM identity_results WHERE person_id = 1001", {});
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->at(0).Text(0), "not_found");

  // The review queue and the quality report run the same SQL on both backends.
  auto queue = ListReviewQueue(**conn, "VN", "not_found", 0, 10);
  ASSERT_TRUE(queue.ok()) << queue.status().ToString();
  ASSERT_FALSE(queue->empty());
  EXPECT_EQ(queue->back().person_id, 1001);
  EXPECT_TRUE(ListReviewQueue(**conn, "79", "not_found", 0, 10)->empty());
  auto quality = DataQuality(**conn, "01");
  ASSERT_TRUE(quality.ok()) << quality.status().ToString();
  EXPECT_EQ(quality->people, 202);
  EXPECT_GE(quality->not_found, 1);
  Status decided = writer_->SubmitAndWait([&](storage::Connection& c) {
    return DecideReview(c, clock_, "01", 1001, ReviewDecision::kReject, "test", "").status();
  });
  EXPECT_TRUE(decided.ok()) << decided.ToString();

  std::ostringstream out;
  auto rows = ExportIdentityCsv(**conn, out);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, 204u);  // person 1 has two source record ids; one quarantined record
  const std::string text = out.str();
  EXPECT_EQ(text.rfind("record_id,status,matched_cccd,score,record\n", 0), 0u);
  EXPECT_NE(text.find("SRC-1,verified,001050100000,"), std::string::npos);
  EXPECT_NE(text.find("SRC-1b,verified,001050100000,"), std::string::npos);
  EXPECT_NE(text.find("1001,not_found,,"), std::string::npos);
  EXPECT_NE(text.find(",recorded\n"), std::string::npos);
  EXPECT_NE(text.find("SRC-Q,verified," + SyntheticCccd(250) + ","), std::string::npos) << text;
  EXPECT_NE(text.find(",quarantined\n"), std::string::npos);
  // The kept row itself shows the handler whom it is about.
  auto match = (*conn)->Query("SELECT match_status, matched_cccd FROM import_quarantine "
                              "WHERE record_id = 'SRC-Q'", {});
  ASSERT_TRUE(match.ok());
  ASSERT_EQ(match->size(), 1u);
  EXPECT_EQ(match->at(0).Text(0), "verified");
  EXPECT_EQ(match->at(0).Text(1), SyntheticCccd(250));
}

// Record ids come from imported files: one that a spreadsheet would run as a formula is written
// quoted with a leading single quote; the score, a number vaxreg writes, is left as it is.
TEST_F(PopulationStoreTest, ExportNeutralisesFormulaRecordIds) {
  AddPerson(1, "", "Đào Thị Xuyến", "2001-09-09", "F");
  AddPerson(2, "", "Đào Thị Yến", "2001-09-09", "F");
  const Status inserted = writer_->SubmitAndWait([](storage::Connection& c) {
    return c
        .Execute(
            "INSERT INTO person_record_ids (record_id, person_id) VALUES "
            "('=HYPERLINK(\"http://x\")', 1), ('@SUM(A1)', 2)",
            {})
        .status();
  });
  ASSERT_TRUE(inserted.ok()) << inserted.ToString();
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  std::ostringstream out;
  ASSERT_TRUE(ExportIdentityCsv(**conn, out).ok());
  const std::string text = out.str();
  EXPECT_NE(text.find("\n\"'=HYPERLINK(\"\"http://x\"\")\",unverified,,0.0000,recorded\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\n\"'@SUM(A1)\",unverified,,0.0000,recorded\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("\n="), std::string::npos);
  EXPECT_EQ(text.find("\n@"), std::string::npos);
}

}  // namespace
}  // namespace vaxreg::identity
