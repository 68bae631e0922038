// Citizens' sign-up and the record a citizen may see, on a real database of each backend:
// pending accounts, verification by the first login, no takeover of a verified account (and the
// same answers and counters either way), codes to the signed-up phone only, and which person a
// CCCD and birth date reach (the record's own dob, or the population register linked to it).

#include <gtest/gtest.h>

#include "accounts/account_service.h"
#include "accounts/citizen_record.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_notifier.h"
#include "storage/group_commit.h"
#include "storage/migrate.h"
#include "support/migrated_db.h"

namespace vaxreg::accounts {
namespace {

constexpr const char* kCccd = "001090012345";

class CitizenSignUpTest : public testing::MigratedDbTest {
 protected:
  void SetUp() override {
    MigratedDbTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    AccountOptions o;
    o.password_cost = PasswordCost::MinimumForTest();
    service_ = std::make_unique<AccountService>(*db_, clock_, notifier_, o);
  }

  Status SignUp(const std::string& cccd, const std::string& birth_date, const std::string& phone) {
    return writer_->SubmitAndWait([&](storage::Connection& c) {
      return service_->SignUp(c, {cccd, birth_date, phone}, "req");
    });
  }

  Result<Session> Login(const std::string& cccd, const std::string& code) {
    Result<Session> s = InternalError("not run");
    Status st = writer_->SubmitAndWait([&](storage::Connection& c) {
      s = service_->LoginWithOtp(c, cccd, code, "req");
      return s.status().code() == StatusCode::kUnauthenticated ? Status::Ok() : s.status();
    });
    if (!st.ok()) return st;
    return s;
  }

  std::optional<User> Find(const std::string& username) {
    auto conn = db_->Acquire();
    return FindUserByUsername(**conn, username).value();
  }

  std::vector<std::string> AuditActions() {
    auto conn = db_->Acquire();
    auto rows = (*conn)->Query("SELECT action FROM audit_log ORDER BY seq", {});
    std::vector<std::string> out;
    for (const auto& row : *rows) out.push_back(row.Text(0));
    return out;
  }

  int64_t Exec(const std::string& sql, std::initializer_list<storage::Value> params) {
    int64_t id = 0;
    EXPECT_TRUE(writer_
                    ->SubmitAndWait([&](storage::Connection& c) -> Status {
                      ASSIGN_OR_RETURN(storage::Rows rows, c.Query(sql, params));
                      if (!rows.empty()) id = rows[0].Int(0);
                      return Status::Ok();
                    })
                    .ok())
        << sql;
    return id;
  }

  // A registry person (raw rows: accounts does not link the registry).
  int64_t AddPerson(const std::string& cccd, const std::string& dob) {
    return Exec(
        "INSERT INTO people (cccd, full_name, name_folded, dob, birth_year, sex, created_at, "
        "updated_at) VALUES ($1, 'Nguyễn Văn An', 'nguyen van an', $2, $3, 'M', 0, 0) "
        "RETURNING id",
        {cccd, dob, int64_t{std::stoi(dob.substr(0, 4))}});
  }

  // A population-register entry for `cccd` born `dob`, and the outcome of verifying `person_id`
  // against it.
  void AddRegisterLink(int64_t person_id, const std::string& cccd, const std::string& dob,
                       const std::string& status, const std::string& review_status) {
    const int64_t snapshot = Exec(
        "INSERT INTO population_snapshots (source, imported_by, started_at) VALUES ('t', 't', 0) "
        "RETURNING id",
        {});
    const int64_t reg = Exec(
        "INSERT INTO population_register (person_key, cccd, full_name, dob, sex, snapshot_id, "
        "updated_at) VALUES ($1, $1, 'Nguyễn Văn An', $2, 'M', $3, 0) RETURNING id",
        {cccd, dob, snapshot});
    Exec(
        "INSERT INTO identity_results (person_id, status, register_id, matched_cccd, score, "
        "weight, verified_at, review_status) VALUES ($1, $2, $3, $4, 0.9, 10, 0, $5) "
        "RETURNING person_id",
        {person_id, status, reg, cccd, review_status});
  }

  std::optional<int64_t> PersonFor(const std::string& cccd, const std::string& birth_date) {
    auto conn = db_->Acquire();
    return FindCitizenPersonId(**conn, {0, cccd, birth_date, ""}).value();
  }

  testing::FakeClock clock_;
  testing::FakeNotifier notifier_;
  std::unique_ptr<AccountService> service_;
};

TEST_F(CitizenSignUpTest, SignUpCreatesAPendingAccountAndTheFirstLoginVerifiesThePhone) {
  ASSERT_TRUE(SignUp(kCccd, "1990-05-01", "0987654321").ok());
  ASSERT_EQ(notifier_.sent().size(), 1u);
  EXPECT_EQ(notifier_.sent()[0].recipient, "0987654321");
  EXPECT_EQ(notifier_.sent()[0].secret, notifier_.LastCode());
  auto user = Find(kCccd);
  ASSERT_TRUE(user);
  EXPECT_EQ(user->role, auth::Role::kCitizen);
  EXPECT_TRUE(user->signup_pending);
  EXPECT_EQ(user->phone_verified_at, 0);
  EXPECT_EQ(user->birth_date, "1990-05-01");

  clock_.Advance(std::chrono::seconds(30));
  auto session = Login(kCccd, notifier_.LastCode());
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  EXPECT_GT(session->user.phone_verified_at, 0);
  user = Find(kCccd);
  EXPECT_FALSE(user->signup_pending);
  EXPECT_EQ(user->phone_verified_at, ToUnixSeconds(clock_.Now()));
  EXPECT_EQ(AuditActions(), (std::vector<std::string>{"user.create", "otp.issue",
                                                      "user.phone_verify", "session.create"}));
  auto conn = db_->Acquire();
  auto identity = CitizenIdentityOf(**conn, user->id);
  ASSERT_TRUE(identity.ok());
  EXPECT_EQ(identity->cccd, kCccd);
  EXPECT_EQ(identity->birth_date, "1990-05-01");
  EXPECT_EQ(identity->phone, "0987654321");
}

// Nothing about a verified account changes, nothing is sent, and the answer and the counters
// are those of a fresh sign-up.
TEST_F(CitizenSignUpTest, AVerifiedAccountCannotBeSignedUpAgain) {
  ASSERT_TRUE(SignUp(kCccd, "1990-05-01", "0987654321").ok());
  ASSERT_TRUE(Login(kCccd, notifier_.LastCode()).ok());
  const User before = *Find(kCccd);
  const size_t audit_rows = AuditActions().size();
  for (int i = 0; i < 2; ++i) {
    Status takeover = SignUp(kCccd, "1990-05-01", "0911111111");
    Status fresh = SignUp("00109077777" + std::to_string(i), "1990-05-01", "0922222222");
    EXPECT_TRUE(takeover.ok()) << takeover.ToString();
    EXPECT_EQ(takeover, fresh) << i;
  }
  EXPECT_EQ(Find(kCccd)->ToJson(), before.ToJson());
  ASSERT_EQ(notifier_.sent().size(), 3u);  // the first sign-up's and the two fresh ones'
  for (size_t i = 1; i < 3; ++i) EXPECT_EQ(notifier_.sent()[i].recipient, "0922222222");
  // Only the fresh accounts' rows: user.create and otp.issue for each.
  EXPECT_EQ(AuditActions().size(), audit_rows + 4);
  // The takeover attempts counted against their phone number as the fresh ones did against
  // theirs: the third code is the last either way.
  EXPECT_TRUE(SignUp("001090555001", "1990-05-01", "0911111111").ok());
  EXPECT_TRUE(SignUp("001090555002", "1990-05-01", "0922222222").ok());
  Status takeover_phone = SignUp("001090555003", "1990-05-01", "0911111111");
  Status fresh_phone = SignUp("001090555004", "1990-05-01", "0922222222");
  EXPECT_EQ(takeover_phone.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(takeover_phone, fresh_phone);
  // And against the CCCD, counted for every sign-up whatever the account: a fourth is refused.
  EXPECT_EQ(SignUp(kCccd, "1990-05-01", "0933333333").code(), StatusCode::kResourceExhausted);
}

TEST_F(CitizenSignUpTest, APendingAccountMaySignUpAgainAndItsOldCodeDies) {
  ASSERT_TRUE(SignUp(kCccd, "1990-06-01", "0987654321").ok());
  const std::string old_code = notifier_.LastCode();
  ASSERT_TRUE(SignUp(kCccd, "1990-05-01", "0911111111").ok());
  ASSERT_EQ(notifier_.sent().size(), 2u);
  EXPECT_EQ(notifier_.sent()[1].recipient, "0911111111");
  const std::string new_code = notifier_.LastCode();
  auto user = Find(kCccd);
  EXPECT_EQ(user->phone, "0911111111");
  EXPECT_EQ(user->birth_date, "1990-05-01");
  EXPECT_TRUE(user->signup_pending);
  // The old code is dead even where it could be told from the new one.
  auto conn = db_->Acquire();
  auto live = (*conn)->Query(
      "SELECT COUNT(*) FROM otp_codes WHERE user_id = $1 AND used_at IS NULL AND expires_at > $2",
      {user->id, ToUnixSeconds(clock_.Now())});
  EXPECT_EQ((*live)[0].Int(0), 1);
  if (old_code != new_code) {
    EXPECT_EQ(Login(kCccd, old_code).status().code(), StatusCode::kUnauthenticated);
  }
  EXPECT_TRUE(Login(kCccd, new_code).ok());
  EXPECT_EQ(AuditActions()[2], "user.signup");
}

// Accounts an administrator made: with a phone they are left alone (the administrator's word for
// it); without one nobody can log in, so a sign-up may give them one. Disabled accounts and
// other roles are never touched.
TEST_F(CitizenSignUpTest, WhichExistingAccountsASignUpMayChange) {
  const auto create = [&](const std::string& username, auth::Role role, const std::string& phone,
                          bool disabled) {
    NewUser nu;
    nu.username = username;
    nu.role = role;
    nu.phone = phone;
    if (role != auth::Role::kCitizen) nu.password_hash = "x";
    ASSERT_TRUE(
        writer_
            ->SubmitAndWait([&](storage::Connection& c) -> Status {
              ASSIGN_OR_RETURN(User u, CreateUser(c, clock_, nu, {"test", ""}));
              if (!disabled) return Status::Ok();
              return c.Execute("UPDATE users SET disabled = 1 WHERE id = $1", {u.id}).status();
            })
            .ok());
  };
  create("001090000001", auth::Role::kCitizen, "0912345678", false);
  create("001090000002", auth::Role::kCitizen, "", false);
  create("001090000003", auth::Role::kCitizen, "", true);
  create("001090000004", auth::Role::kSigner, "", false);
  const std::string phones[] = {"0911000001", "0911000002", "0911000003", "0911000004"};
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(SignUp("00109000000" + std::to_string(i + 1), "1990-01-01", phones[i]).ok());
  }
  ASSERT_EQ(notifier_.sent().size(), 1u);
  EXPECT_EQ(notifier_.sent()[0].recipient, "0911000002");
  EXPECT_EQ(Find("001090000001")->phone, "0912345678");
  EXPECT_EQ(Find("001090000002")->phone, "0911000002");
  EXPECT_TRUE(Find("001090000002")->signup_pending);
  EXPECT_EQ(Find("001090000003")->phone, "");
  EXPECT_EQ(Find("001090000004")->role, auth::Role::kSigner);
}

TEST_F(CitizenSignUpTest, AnAccountWithoutAPhoneGetsNoCode) {
  NewUser nu;
  nu.username = kCccd;
  nu.role = auth::Role::kCitizen;
  ASSERT_TRUE(writer_
                  ->SubmitAndWait([&](storage::Connection& c) {
                    return CreateUser(c, clock_, nu, {"test", ""}).status();
                  })
                  .ok());
  Status known = writer_->SubmitAndWait(
      [&](storage::Connection& c) { return service_->IssueOtp(c, kCccd, "req"); });
  Status unknown = writer_->SubmitAndWait(
      [&](storage::Connection& c) { return service_->IssueOtp(c, "001090099999", "req"); });
  EXPECT_TRUE(known.ok());
  EXPECT_EQ(known, unknown);
  EXPECT_TRUE(notifier_.sent().empty());
  auto conn = db_->Acquire();
  auto codes = (*conn)->Query("SELECT COUNT(*) FROM otp_codes", {});
  EXPECT_EQ((*codes)[0].Int(0), 0);
}

TEST_F(CitizenSignUpTest, SignUpRefusesWhatTheCallerShouldHaveNormalised) {
  EXPECT_EQ(SignUp("00109001234", "1990-05-01", "0987654321").field(), "cccd");
  EXPECT_EQ(SignUp(kCccd, "01/05/1990", "0987654321").field(), "birth_date");
  EXPECT_EQ(SignUp(kCccd, "1990-05-01", "+84987654321").field(), "phone");
  EXPECT_TRUE(notifier_.sent().empty());
  EXPECT_FALSE(Find(kCccd));
}

TEST_F(CitizenSignUpTest, ARecordIsSeenWhenCccdAndBirthDateAgree) {
  const int64_t full = AddPerson(kCccd, "1990-05-01");
  const int64_t year_only = AddPerson("001085000001", "1985");
  EXPECT_EQ(PersonFor(kCccd, "1990-05-01"), full);
  EXPECT_EQ(PersonFor(kCccd, "1990-05-02"), std::nullopt);
  EXPECT_EQ(PersonFor(kCccd, ""), std::nullopt);  // an account from before sign-up
  EXPECT_EQ(PersonFor("001085000001", "1985-12-31"), year_only);
  EXPECT_EQ(PersonFor("001085000001", "1986-01-01"), std::nullopt);
  EXPECT_EQ(PersonFor("001090099999", "1990-05-01"), std::nullopt);
}

// The record's dob is wrong but the population register, which verification linked to the
// record, holds the CCCD with the citizen's birth date.
TEST_F(CitizenSignUpTest, TheLinkedPopulationRegisterVouchesForABirthDate) {
  const int64_t verified = AddPerson("001090000001", "1990-01-01");
  AddRegisterLink(verified, "001090000001", "1990-07-15", "verified", "open");
  EXPECT_EQ(PersonFor("001090000001", "1990-07-15"), verified);
  EXPECT_EQ(PersonFor("001090000001", "1990-07-16"), std::nullopt);

  const int64_t proposed = AddPerson("001090000002", "1990-01-01");
  AddRegisterLink(proposed, "001090000002", "1990-07-15", "proposed_correction", "open");
  EXPECT_EQ(PersonFor("001090000002", "1990-07-15"), proposed);

  const int64_t rejected = AddPerson("001090000003", "1990-01-01");
  AddRegisterLink(rejected, "001090000003", "1990-07-15", "proposed_correction", "rejected");
  EXPECT_EQ(PersonFor("001090000003", "1990-07-15"), std::nullopt);

  // The register holds the CCCD and date, but verification linked the record elsewhere.
  const int64_t unlinked = AddPerson("001090000004", "1990-01-01");
  AddRegisterLink(unlinked, "001090000005", "1990-07-15", "verified", "open");
  const int64_t other_snapshot = Exec(
      "INSERT INTO population_snapshots (source, imported_by, started_at) VALUES ('t', 't', 0) "
      "RETURNING id",
      {});
  Exec(
      "INSERT INTO population_register (person_key, cccd, full_name, dob, sex, snapshot_id, "
      "updated_at) VALUES ('001090000004', '001090000004', 'X', '1990-07-15', 'M', $1, 0) "
      "RETURNING id",
      {other_snapshot});
  EXPECT_EQ(PersonFor("001090000004", "1990-07-15"), std::nullopt);

  // A year-only register entry does not vouch for a full date the record contradicts.
  const int64_t year_only = AddPerson("001090000006", "1990-01-01");
  AddRegisterLink(year_only, "001090000006", "1990", "verified", "open");
  EXPECT_EQ(PersonFor("001090000006", "1990-07-15"), std::nullopt);
}

TEST_F(CitizenSignUpTest, OnlyCitizensHaveACitizenIdentity) {
  NewUser nu;
  nu.username = "lan.signer";
  nu.role = auth::Role::kSigner;
  nu.password_hash = "x";
  Result<User> created = InternalError("not run");
  ASSERT_TRUE(writer_
                  ->SubmitAndWait([&](storage::Connection& c) {
                    created = CreateUser(c, clock_, nu, {"test", ""});
                    return created.status();
                  })
                  .ok());
  auto conn = db_->Acquire();
  EXPECT_EQ(CitizenIdentityOf(**conn, created->id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(CitizenIdentityOf(**conn, 999999).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace vaxreg::accounts
