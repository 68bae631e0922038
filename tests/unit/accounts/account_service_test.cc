// Accounts on a real database of each backend: users, password and one-time-code logins,
// tokens (hash-only storage, expiry, logout), throttling and the outbox notifier.

#include "accounts/account_service.h"

#include <gtest/gtest.h>

#include "fakes/fake_clock.h"
#include "fakes/fake_notifier.h"
#include "storage/group_commit.h"
#include "storage/migrate.h"
#include "support/backend.h"

namespace vaxreg::accounts {
namespace {

using testing::kTestBackend;

class AccountServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    VAXREG_REQUIRE_BACKEND(test_db_);
    db_ = test_db_.Open();
    ASSERT_TRUE(storage::Migrate(*db_).ok());
    writer_ = storage::GroupCommitWriter::Start(*db_).value();
    AccountOptions o;
    o.password_cost = PasswordCost::MinimumForTest();
    service_ = std::make_unique<AccountService>(*db_, clock_, notifier_, o);
  }

  User Create(NewUser nu, const std::string& password = "") {
    if (!password.empty()) nu.password_hash = HashPassword(password, cost_).value();
    Result<User> created = InternalError("not run");
    EXPECT_TRUE(writer_->SubmitAndWait([&](storage::Connection& c) {
                  created = CreateUser(c, clock_, nu, {"test", ""});
                  return created.status();
                }).ok())
        << created.status().ToString();
    return created.value();
  }

  Result<Session> NewSession(const User& u) {
    Result<Session> s = InternalError("not run");
    Status st = writer_->SubmitAndWait([&](storage::Connection& c) {
      s = service_->CreateSession(c, u, "req");
      return s.status();
    });
    if (!st.ok()) return st;
    return s;
  }

  Result<Session> OtpLogin(const std::string& cccd, const std::string& code) {
    Result<Session> s = InternalError("not run");
    Status st = writer_->SubmitAndWait([&](storage::Connection& c) {
      s = service_->LoginWithOtp(c, cccd, code, "req");
      return s.status().code() == StatusCode::kUnauthenticated ? Status::Ok() : s.status();
    });
    if (!st.ok()) return st;
    return s;
  }

  void IssueOtp(const std::string& cccd) {
    ASSERT_TRUE(writer_->SubmitAndWait([&](storage::Connection& c) {
                  return service_->IssueOtp(c, cccd, "req");
                }).ok());
  }

  testing::TestDatabase test_db_{kTestBackend};
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<storage::GroupCommitWriter> writer_;
  testing::FakeClock clock_;
  testing::FakeNotifier notifier_;
  PasswordCost cost_ = PasswordCost::MinimumForTest();
  std::unique_ptr<AccountService> service_;
};

NewUser Staff() {
  NewUser nu;
  nu.username = "lan.staff";
  nu.role = auth::Role::kFacilityStaff;
  nu.facility_code = "HN-BACHMAI";
  return nu;
}

NewUser Citizen() {
  NewUser nu;
  nu.username = "001090012345";
  nu.role = auth::Role::kCitizen;
  nu.phone = "0912345678";
  return nu;
}

TEST_F(AccountServiceTest, PasswordLoginAndTokenAuthenticates) {
  User u = Create(Staff(), "correct horse battery");
  auto checked = service_->CheckPassword("lan.staff", "correct horse battery");
  ASSERT_TRUE(checked.ok()) << checked.status().ToString();
  auto session = NewSession(*checked);
  ASSERT_TRUE(session.ok());
  EXPECT_GE(session->token.size(), 40u);
  auto principal = service_->Authenticate(session->token);
  ASSERT_TRUE(principal.ok()) << principal.status().ToString();
  EXPECT_EQ(principal->user_id, u.id);
  EXPECT_EQ(principal->role, auth::Role::kFacilityStaff);
  EXPECT_EQ(principal->facility_code, "HN-BACHMAI");
}

TEST_F(AccountServiceTest, WrongPasswordAndUnknownUserGiveTheSameError) {
  Create(Staff(), "correct horse battery");
  auto wrong = service_->CheckPassword("lan.staff", "wrong password");
  auto unknown = service_->CheckPassword("nobody", "wrong password");
  EXPECT_EQ(wrong.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(wrong.status(), unknown.status());
}

TEST_F(AccountServiceTest, TokensAreStoredOnlyAsHashes) {
  User u = Create(Staff(), "correct horse battery");
  auto session = NewSession(u);
  ASSERT_TRUE(session.ok());
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  auto rows = (*conn)->Query("SELECT token_hash FROM sessions");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_NE((*rows)[0].Text(0), session->token);
  EXPECT_EQ((*rows)[0].Text(0), HashToken(session->token));
}

TEST_F(AccountServiceTest, TokenExpires) {
  User u = Create(Staff(), "correct horse battery");
  auto session = NewSession(u);
  ASSERT_TRUE(session.ok());
  clock_.Advance(std::chrono::hours(12) - std::chrono::seconds(1));
  EXPECT_TRUE(service_->Authenticate(session->token).ok());
  clock_.Advance(std::chrono::seconds(2));
  EXPECT_EQ(service_->Authenticate(session->token).status().code(), StatusCode::kUnauthenticated);
}

TEST_F(AccountServiceTest, LogoutRevokesToken) {
  User u = Create(Staff(), "correct horse battery");
  auto session = NewSession(u);
  ASSERT_TRUE(session.ok());
  ASSERT_TRUE(service_->Authenticate(session->token).ok());  // now in the session cache
  Status st = writer_->SubmitAndWait([&](storage::Connection& c) {
    return service_->RevokeSession(c, session->token, {"x", ""});
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  service_->ForgetSession(session->token);
  EXPECT_EQ(service_->Authenticate(session->token).status().code(), StatusCode::kUnauthenticated);
  st = writer_->SubmitAndWait([&](storage::Connection& c) {
    return service_->RevokeSession(c, session->token, {"x", ""});
  });
  EXPECT_EQ(st.code(), StatusCode::kUnauthenticated);
}

// A revocation this process did not see (another server on the same database) is honoured once
// the cached entry's few seconds are over.
TEST_F(AccountServiceTest, RevocationElsewhereIsSeenAfterTheCacheTtl) {
  User u = Create(Staff(), "correct horse battery");
  auto session = NewSession(u);
  ASSERT_TRUE(session.ok());
  ASSERT_TRUE(service_->Authenticate(session->token).ok());
  ASSERT_TRUE(writer_->SubmitAndWait([&](storage::Connection& c) {
                return c.Execute("UPDATE sessions SET revoked_at = 1", {}).status();
              }).ok());
  EXPECT_TRUE(service_->Authenticate(session->token).ok());
  clock_.Advance(service_->options().session_cache_ttl);
  EXPECT_EQ(service_->Authenticate(session->token).status().code(), StatusCode::kUnauthenticated);
}

TEST_F(AccountServiceTest, CitizenLogsInWithOneTimeCode) {
  User u = Create(Citizen());
  IssueOtp("001090012345");
  ASSERT_EQ(notifier_.sent().size(), 1u);
  EXPECT_EQ(notifier_.sent()[0].recipient, "0912345678");
  const std::string code = notifier_.LastCode();
  ASSERT_EQ(code.size(), 6u);
  auto session = OtpLogin("001090012345", code);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  EXPECT_EQ(service_->Authenticate(session->token)->user_id, u.id);
  // A code works once.
  EXPECT_EQ(OtpLogin("001090012345", code).status().code(), StatusCode::kUnauthenticated);
}

TEST_F(AccountServiceTest, OneTimeCodeExpires) {
  Create(Citizen());
  IssueOtp("001090012345");
  clock_.Advance(std::chrono::minutes(6));
  EXPECT_EQ(OtpLogin("001090012345", notifier_.LastCode()).status().code(),
            StatusCode::kUnauthenticated);
}

TEST_F(AccountServiceTest, OneTimeCodeDiesAfterTooManyWrongGuesses) {
  Create(Citizen());
  IssueOtp("001090012345");
  const std::string code = notifier_.LastCode();
  const std::string wrong = code == "000000" ? "111111" : "000000";
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(OtpLogin("001090012345", wrong).status().code(), StatusCode::kUnauthenticated);
  }
  // The attempts were committed even though each login failed, so the right code is dead now.
  EXPECT_EQ(OtpLogin("001090012345", code).status().code(), StatusCode::kUnauthenticated);
}

TEST_F(AccountServiceTest, OtpForUnknownCccdSendsNothing) {
  IssueOtp("001090099999");
  EXPECT_TRUE(notifier_.sent().empty());
}

TEST_F(AccountServiceTest, ThrottlesFailedLoginsPerAccount) {
  Create(Staff(), "correct horse battery");
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(service_->CheckThrottle("lan.staff", "10.0.0." + std::to_string(i)).ok());
    service_->RecordLoginFailure("lan.staff");
  }
  Status st = service_->CheckThrottle("lan.staff", "10.0.0.9");
  EXPECT_EQ(st.code(), StatusCode::kResourceExhausted);
  EXPECT_NE(st.message().find("try again in"), std::string::npos);
  clock_.Advance(std::chrono::minutes(16));
  EXPECT_TRUE(service_->CheckThrottle("lan.staff", "10.0.0.9").ok());
}

TEST_F(AccountServiceTest, ThrottlesAttemptsPerAddress) {
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(service_->CheckThrottle("user" + std::to_string(i), "10.1.1.1").ok());
  }
  EXPECT_EQ(service_->CheckThrottle("someone", "10.1.1.1").code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(service_->CheckThrottle("someone", "10.1.1.2").ok());
}

TEST_F(AccountServiceTest, DuplicateUsernameIsAlreadyExists) {
  Create(Staff(), "correct horse battery");
  NewUser nu = Staff();
  nu.password_hash = HashPassword("another password", cost_).value();
  Result<User> again = InternalError("not run");
  Status st = writer_->SubmitAndWait([&](storage::Connection& c) {
    again = CreateUser(c, clock_, nu, {"test", ""});
    return again.status();
  });
  EXPECT_EQ(st.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(st.field(), "username");
}

TEST_F(AccountServiceTest, OutboxNotifierWritesTheOutbox) {
  Create(Citizen());
  OutboxNotifier outbox(clock_);
  AccountOptions o;
  o.password_cost = cost_;
  AccountService with_outbox(*db_, clock_, outbox, o);
  ASSERT_TRUE(writer_->SubmitAndWait([&](storage::Connection& c) {
                return with_outbox.IssueOtp(c, "001090012345", "req");
              }).ok());
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  auto messages = ListOutbox(**conn, "0912345678", 10);
  ASSERT_TRUE(messages.ok());
  ASSERT_EQ(messages->size(), 1u);
  EXPECT_NE((*messages)[0].message.body.find("login code"), std::string::npos);
}

}  // namespace
}  // namespace vaxreg::accounts
