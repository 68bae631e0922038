// The identity review queue end to end over HTTP: a register snapshot is imported, person records
// are verified in bulk, and health authorities list, accept and reject proposed corrections
// within their area; decisions update the record and are audited.

#include "api_fixture.h"
#include "identity/verification.h"

namespace vaxreg::testing {
namespace {

class IdentityReviewApiTest : public ApiTest {
 protected:
  void AddPerson(int64_t id, const std::string& cccd, const std::string& name,
                 const std::string& dob, const std::string& province, const std::string& district,
                 const std::string& commune) {
    Status st = runtime_->writer().SubmitAndWait([&](storage::Connection& c) {
      return c.Execute("INSERT INTO people (id, cccd, full_name, name_folded, dob, birth_year, sex, "
                       "province_code, district_code, commune_code, created_at, updated_at) VALUES "
                       "($1, $2, $3, $4, $5, $6, 'M', $7, $8, $9, 0, 0)",
                       {id, cccd, name, name, dob, static_cast<int64_t>(std::stoi(dob.substr(0, 4))),
                        province, district, commune})
          .status();
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
};

TEST_F(IdentityReviewApiTest, AuthoritiesDecideProposedCorrectionsInTheirArea) {
  ImportSmallRegister();
  // An exact record, one with a wrong CCCD digit and no accents (Hà Nội), one in Hồ Chí Minh City.
  AddPerson(1, "001085012345", "Nguyễn Văn An", "1985-03-07", "01", "001", "00001");
  AddPerson(2, "001090054329", "Tran Van Binh", "1990-11-02", "01", "001", "00004");
  AddPerson(3, "079088000112", "Le Van Cuong", "1988-05-20", "79", "760", "26734");
  identity::MatchOptions options;
  options.verify_weight = 1e9;  // everything not verified by its CCCD goes to review
  options.propose_weight = -1e9;
  options.u_pairs = 1000;
  auto verified = identity::VerifyAllPeople(runtime_->db(), runtime_->writer(), SystemClock::Get(),
                                            options, "test", nullptr);
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(verified->verified, 1u);
  EXPECT_EQ(verified->proposed, 2u);

  CreateAccount("hanoi.authority", auth::Role::kHealthAuthority);  // bound to "01"
  CreateAccount("the.admin", auth::Role::kAdmin);
  const std::string hanoi = Login("hanoi.authority", auth::Role::kHealthAuthority);
  const std::string admin = Login("the.admin", auth::Role::kAdmin);

  auto queue = client_->Get("/api/v1/identity/review", hanoi);
  ASSERT_EQ(queue.status, 200) << queue.body;
  auto items = queue.Json().at("items").as_array();
  ASSERT_EQ(items.size(), 1u);  // person 3 lives outside Hà Nội
  EXPECT_EQ(items[0].at("person_id").as_int64(), 2);
  EXPECT_EQ(items[0].at("candidate").at("cccd").as_string(), "001090054321");
  EXPECT_EQ(items[0].at("record").at("cccd").as_string(), "001090054329");
  EXPECT_FALSE(items[0].at("details").at("differs").as_array().empty());

  EXPECT_EQ(client_->Post("/api/v1/identity/review/3/accept", "", hanoi).status, 404);
  auto accepted = client_->Post("/api/v1/identity/review/2/accept", "", hanoi);
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(client_->Post("/api/v1/identity/review/2/accept", "", hanoi).status, 409);
  EXPECT_TRUE(client_->Get("/api/v1/identity/review", hanoi).Json().at("items").as_array().empty());

  auto conn = runtime_->db().Acquire();
  ASSERT_TRUE(conn.ok());
  auto person = (*conn)->Query("SELECT cccd, full_name, identity_status FROM people WHERE id = 2", {});
  ASSERT_TRUE(person.ok());
  EXPECT_EQ(person->at(0).Text(0), "001090054321");
  EXPECT_EQ(person->at(0).Text(1), "Trần Văn Bình");
  EXPECT_EQ(person->at(0).Text(2), "verified");

  auto rejected = client_->Post("/api/v1/identity/review/3/reject", "", admin);
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  auto audit = (*conn)->Query("SELECT action FROM audit_log WHERE action LIKE 'identity.correction.%' "
                              "ORDER BY seq", {});
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 2u);
  EXPECT_EQ(audit->at(0).Text(0), "identity.correction.accept");
  EXPECT_EQ(audit->at(1).Text(0), "identity.correction.reject");

  auto quality = client_->Get("/api/v1/identity/quality", hanoi);
  ASSERT_EQ(quality.status, 200) << quality.body;
  EXPECT_EQ(quality.Json().at("unit").as_string(), "01");
  EXPECT_EQ(quality.Json().at("people").as_int64(), 2);
  EXPECT_EQ(quality.Json().at("verified").as_int64(), 2);
  EXPECT_EQ(client_->Get("/api/v1/identity/quality?unit=79", hanoi).status, 403);
  EXPECT_EQ(client_->Get("/api/v1/identity/quality?unit=79", admin).Json().at("not_found").as_int64(), 0);
}

}  // namespace
}  // namespace vaxreg::testing
