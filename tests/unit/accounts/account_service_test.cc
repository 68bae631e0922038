// Accounts on a real database of each backend: users, password and one-time-code logins,
// tokens (hash-only storage, expiry, logout), throttling and the outbox notifier.

#include "accounts/account_service.h"

#include <gtest/gtest.h>

#include "accounts/account_admin.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_notifier.h"
#include "storage/group_commit.h"
#include "storage/migrate.h"
#include "support/migrated_db.h"

namespace vaxreg::accounts {
namespace {

class AccountServiceTest : public testing::MigratedDbTest {
 protected:
  void SetUp() override {
    MigratedDbTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    AccountOptions o;
    o.password_cost = PasswordCost::MinimumForTest();
    service_ = std::make_unique<AccountService>(*db_, clock_, notifier_, o);
  }

  User Create(NewUser nu, const std::string& password = "") {
    if (!password.empty()) nu.password_hash = HashPassword(password, cost_).value();
    Result<User> created = InternalError("not run");
    EXPECT_TRUE(writer_
                    ->SubmitAndWait([&](storage::Connection& c) {
                      created = CreateUser(c, clock_, nu, {"test", ""});
                      return created.status();
                    })
                    .ok())
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

  void IssueOtp(const std::string& cccd) { ASSERT_TRUE(TryIssueOtp(cccd).ok()); }

  Status TryIssueOtp(const std::string& cccd, AccountService* service = nullptr) {
    AccountService& svc = service ? *service : *service_;
    return writer_->SubmitAndWait(
        [&](storage::Connection& c) { return svc.IssueOtp(c, cccd, "req"); });
  }

  // As the login handler does: a refusal of the account check still commits the address count.
  Status Throttle(const std::string& username, const std::string& address,
                  AccountService* service = nullptr) {
    AccountService& svc = service ? *service : *service_;
    Status outcome = Status::Ok();
    Status st = writer_->SubmitAndWait([&](storage::Connection& c) {
      outcome = svc.CheckThrottle(c, username, address);
      return outcome.code() == StatusCode::kResourceExhausted ? Status::Ok() : outcome;
    });
    return st.ok() ? outcome : st;
  }

  void RecordFailure(const std::string& username, AccountService* service = nullptr) {
    AccountService& svc = service ? *service : *service_;
    ASSERT_TRUE(writer_
                    ->SubmitAndWait(
                        [&](storage::Connection& c) { return svc.RecordLoginFailure(c, username); })
                    .ok());
  }

  std::unique_ptr<AccountService> NewService() {
    AccountOptions o;
    o.password_cost = PasswordCost::MinimumForTest();
    return std::make_unique<AccountService>(*db_, clock_, notifier_, o);
  }

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
  ASSERT_TRUE(writer_
                  ->SubmitAndWait([&](storage::Connection& c) {
                    return c.Execute("UPDATE sessions SET revoked_at = 1", {}).status();
                  })
                  .ok());
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
    ASSERT_TRUE(Throttle("lan.staff", "10.0.0." + std::to_string(i)).ok());
    RecordFailure("lan.staff");
  }
  Status st = Throttle("lan.staff", "10.0.0.9");
  EXPECT_EQ(st.code(), StatusCode::kResourceExhausted);
  EXPECT_NE(st.message().find("try again in"), std::string::npos);
  clock_.Advance(std::chrono::minutes(16));
  EXPECT_TRUE(Throttle("lan.staff", "10.0.0.9").ok());
}

TEST_F(AccountServiceTest, ThrottlesAttemptsPerAddress) {
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(Throttle("user" + std::to_string(i), "10.1.1.1").ok());
  }
  EXPECT_EQ(Throttle("someone", "10.1.1.1").code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(Throttle("someone", "10.1.1.2").ok());
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
  ASSERT_TRUE(writer_
                  ->SubmitAndWait([&](storage::Connection& c) {
                    return with_outbox.IssueOtp(c, "001090012345", "req");
                  })
                  .ok());
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  auto messages = ListOutbox(**conn, "0912345678", 10);
  ASSERT_TRUE(messages.ok());
  ASSERT_EQ(messages->size(), 1u);
  EXPECT_NE((*messages)[0].message.body.find("login code"), std::string::npos);
}

// Forwards to another notifier and keeps what it was given (the delivered text with the code).
class TeeNotifier final : public Notifier {
 public:
  explicit TeeNotifier(Notifier& next) : next_(next) {}
  Status Send(storage::Connection& writer, const Message& m) override {
    sent.push_back(m);
    return next_.Send(writer, m);
  }
  std::vector<Message> sent;

 private:
  Notifier& next_;
};

TEST_F(AccountServiceTest, OutboxKeepsNoOneTimeCode) {
  Create(Citizen());
  OutboxNotifier outbox(clock_);
  TeeNotifier tee(outbox);
  AccountOptions o;
  o.password_cost = cost_;
  AccountService with_outbox(*db_, clock_, tee, o);
  ASSERT_TRUE(TryIssueOtp("001090012345", &with_outbox).ok());
  ASSERT_EQ(tee.sent.size(), 1u);
  const std::string code = tee.sent[0].secret;
  ASSERT_EQ(code.size(), 6u);
  EXPECT_NE(tee.sent[0].body.find(code), std::string::npos);  // the SMS itself carries it
  auto conn = db_->Acquire();
  ASSERT_TRUE(conn.ok());
  auto rows = (*conn)->Query("SELECT subject, body FROM outbox");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Text(1).find(code), std::string::npos) << (*rows)[0].Text(1);
  EXPECT_EQ((*rows)[0].Text(0).find(code), std::string::npos);
  EXPECT_NE((*rows)[0].Text(1).find("not stored"), std::string::npos);
  // And the code still logs the citizen in.
  Result<Session> session = InternalError("not run");
  ASSERT_TRUE(writer_
                  ->SubmitAndWait([&](storage::Connection& c) {
                    session = with_outbox.LoginWithOtp(c, "001090012345", code, "req");
                    return session.status();
                  })
                  .ok());
}

TEST_F(AccountServiceTest, CodesPerCccdAreLimitedPerWindowAndPerDay) {
  Create(Citizen());
  for (int i = 0; i < 3; ++i) IssueOtp("001090012345");
  EXPECT_EQ(notifier_.sent().size(), 3u);
  Status st = TryIssueOtp("001090012345");
  EXPECT_EQ(st.code(), StatusCode::kResourceExhausted);
  EXPECT_NE(st.message().find("try again in"), std::string::npos);
  EXPECT_EQ(notifier_.sent().size(), 3u);
  // Within the day: 3 more per 15 minutes, up to 10.
  for (int window = 0; window < 3; ++window) {
    clock_.Advance(std::chrono::minutes(15));
    for (int i = 0; i < 3; ++i) TryIssueOtp("001090012345").IgnoreError();
  }
  EXPECT_EQ(notifier_.sent().size(), 10u);
  clock_.Advance(std::chrono::minutes(15));
  EXPECT_EQ(TryIssueOtp("001090012345").code(), StatusCode::kResourceExhausted);
  clock_.Advance(std::chrono::hours(24));
  EXPECT_TRUE(TryIssueOtp("001090012345").ok());
  EXPECT_EQ(notifier_.sent().size(), 11u);
}

// The limit does not tell whether an account exists: an unknown CCCD is refused alike.
TEST_F(AccountServiceTest, UnknownCccdGetsTheSameAnswersAsAKnownOne) {
  Create(Citizen());
  for (int i = 0; i < 4; ++i) {
    Status known = TryIssueOtp("001090012345");
    Status unknown = TryIssueOtp("001090099999");
    EXPECT_EQ(known, unknown) << i;
  }
  EXPECT_EQ(notifier_.sent().size(), 3u);
}

TEST_F(AccountServiceTest, CodesPerPhoneAreLimitedAcrossAccounts) {
  Create(Citizen());
  NewUser sibling = Citizen();
  sibling.username = "001090054321";  // same phone
  Create(sibling);
  for (int i = 0; i < 3; ++i) IssueOtp("001090012345");
  // The sibling's own CCCD limit is untouched, so the answer is the same OK, but no SMS goes to
  // the phone that already had its codes.
  EXPECT_TRUE(TryIssueOtp("001090054321").ok());
  EXPECT_EQ(notifier_.sent().size(), 3u);
}

// Limits live in the database: a second service (another server process) on the same
// database sees the codes the first one issued.
TEST_F(AccountServiceTest, CodeLimitsHoldAcrossServices) {
  Create(Citizen());
  auto other = NewService();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(TryIssueOtp("001090012345").ok());
  EXPECT_EQ(TryIssueOtp("001090012345", other.get()).code(), StatusCode::kResourceExhausted);
}

TEST_F(AccountServiceTest, AttemptLimitIsPerCodeAndANewCodeStartsAfresh) {
  Create(Citizen());
  IssueOtp("001090012345");
  const std::string first = notifier_.LastCode();
  const std::string wrong = first == "000000" ? "111111" : "000000";
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(OtpLogin("001090012345", wrong).status().code(), StatusCode::kUnauthenticated);
  }
  EXPECT_EQ(OtpLogin("001090012345", first).status().code(), StatusCode::kUnauthenticated);
  // No account-wide lockout: the owner asks for a new code and logs in with it.
  IssueOtp("001090012345");
  auto session = OtpLogin("001090012345", notifier_.LastCode());
  EXPECT_TRUE(session.ok()) << session.status().ToString();
}

TEST_F(AccountServiceTest, LoginThrottlesAreSharedByServicesOnOneDatabase) {
  Create(Staff(), "correct horse battery");
  auto a = NewService();
  auto b = NewService();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(Throttle("lan.staff", "10.0.0." + std::to_string(i), a.get()).ok());
    RecordFailure("lan.staff", a.get());
  }
  EXPECT_EQ(Throttle("lan.staff", "10.0.0.9", b.get()).code(), StatusCode::kResourceExhausted);
  // Per address too: 30 attempts through a, the 31st through b is refused.
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(Throttle("user" + std::to_string(i), "10.2.2.2", a.get()).ok());
  }
  EXPECT_EQ(Throttle("someone", "10.2.2.2", b.get()).code(), StatusCode::kResourceExhausted);
  // A success through b clears the account's failures for a.
  clock_.Advance(std::chrono::minutes(2));
  ASSERT_TRUE(writer_
                  ->SubmitAndWait(
                      [&](storage::Connection& c) { return b->RecordLoginSuccess(c, "lan.staff"); })
                  .ok());
  EXPECT_TRUE(Throttle("lan.staff", "10.0.0.9", a.get()).ok());
}

TEST_F(AccountServiceTest, ThrottleCountsInFixedWindows) {
  const int64_t t0 = ToUnixSeconds(clock_.Now());
  auto hit = [&](const std::string& key, int64_t at) {
    Result<int> n = InternalError("not run");
    EXPECT_TRUE(writer_
                    ->SubmitAndWait([&](storage::Connection& c) {
                      n = ThrottleHit(c, key, std::chrono::seconds(60), at);
                      return n.status();
                    })
                    .ok());
    return n.value();
  };
  auto retry = [&](const std::string& key, int64_t at) {
    auto conn = db_->Acquire();
    return ThrottleRetryAfter(**conn, key, {3, std::chrono::seconds(60)}, at).value();
  };
  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ(retry("k", t0), 0);
    EXPECT_EQ(hit("k", t0), i);
  }
  EXPECT_EQ(retry("k", t0), 60);
  EXPECT_EQ(retry("other", t0), 0);
  EXPECT_EQ(retry("k", t0 + 30), 30);
  EXPECT_EQ(retry("k", t0 + 60), 0);
  EXPECT_EQ(hit("k", t0 + 60), 1);  // a new window
  ASSERT_TRUE(
      writer_->SubmitAndWait([&](storage::Connection& c) { return ThrottleReset(c, "k"); }).ok());
  EXPECT_EQ(hit("k", t0 + 61), 1);
  // Only hashes of the keys are stored.
  auto conn = db_->Acquire();
  auto rows = (*conn)->Query("SELECT key_hash FROM auth_throttle");
  ASSERT_TRUE(rows.ok());
  for (const auto& row : *rows) EXPECT_EQ(row.Text(0).size(), 64u);
}

TEST_F(AccountServiceTest, ThrottleSurvivesARestart) {
  for (int i = 0; i < 5; ++i) RecordFailure("lan.staff");
  service_.reset();
  service_ = NewService();
  EXPECT_EQ(Throttle("lan.staff", "10.0.0.1").code(), StatusCode::kResourceExhausted);
}

int64_t AuditCount(storage::Database& db, const std::string& action) {
  auto conn = db.Acquire();
  auto rows = (*conn)->Query("SELECT COUNT(*) FROM audit_log WHERE action = $1", {action});
  return rows.ok() ? (*rows)[0].Int(0) : -1;
}

TEST_F(AccountServiceTest, DisablingEndsSessionsHereAtOnceAndElsewhereWithinTheCacheTtl) {
  User u = Create(Staff(), "correct horse battery");
  auto elsewhere = NewService();  // another server process on the same database
  auto session = NewSession(u);
  ASSERT_TRUE(session.ok());
  ASSERT_TRUE(service_->Authenticate(session->token).ok());   // cached here
  ASSERT_TRUE(elsewhere->Authenticate(session->token).ok());  // and there
  Result<User> changed = InternalError("not run");
  ASSERT_TRUE(
      writer_
          ->SubmitAndWait([&](storage::Connection& c) {
            changed = SetUserDisabled(c, clock_, u.id, true, "left the job", {"admin:x", "r1"});
            return changed.status();
          })
          .ok());
  EXPECT_TRUE(changed->disabled);
  service_->ForgetUserSessions(u.id);
  EXPECT_EQ(service_->Authenticate(session->token).status().code(), StatusCode::kUnauthenticated);
  clock_.Advance(elsewhere->options().session_cache_ttl);
  EXPECT_EQ(elsewhere->Authenticate(session->token).status().code(), StatusCode::kUnauthenticated);
  EXPECT_FALSE(service_->CheckPassword("lan.staff", "correct horse battery").ok());
  EXPECT_EQ(AuditCount(*db_, "user.disable"), 1);

  // Enabling lets the account log in again; the old token stays dead.
  ASSERT_TRUE(writer_
                  ->SubmitAndWait([&](storage::Connection& c) {
                    return SetUserDisabled(c, clock_, u.id, false, "", {"admin:x", "r2"}).status();
                  })
                  .ok());
  EXPECT_EQ(AuditCount(*db_, "user.enable"), 1);
  EXPECT_TRUE(service_->CheckPassword("lan.staff", "correct horse battery").ok());
  EXPECT_EQ(service_->Authenticate(session->token).status().code(), StatusCode::kUnauthenticated);
  // Enabling again changes and audits nothing.
  ASSERT_TRUE(writer_
                  ->SubmitAndWait([&](storage::Connection& c) {
                    return SetUserDisabled(c, clock_, u.id, false, "", {"admin:x", "r3"}).status();
                  })
                  .ok());
  EXPECT_EQ(AuditCount(*db_, "user.enable"), 1);
}

TEST_F(AccountServiceTest, PasswordResetReplacesThePasswordAndEndsSessions) {
  User u = Create(Staff(), "correct horse battery");
  auto session = NewSession(u);
  ASSERT_TRUE(session.ok());
  const std::string hash = HashPassword("a brand new password", cost_).value();
  ASSERT_TRUE(writer_
                  ->SubmitAndWait([&](storage::Connection& c) {
                    return SetUserPassword(c, clock_, u.id, hash, {"admin:x", ""}).status();
                  })
                  .ok());
  service_->ForgetUserSessions(u.id);
  EXPECT_FALSE(service_->CheckPassword("lan.staff", "correct horse battery").ok());
  EXPECT_TRUE(service_->CheckPassword("lan.staff", "a brand new password").ok());
  EXPECT_EQ(service_->Authenticate(session->token).status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(AuditCount(*db_, "user.password_reset"), 1);
  auto conn = db_->Acquire();
  auto rows = (*conn)->Query("SELECT before_json, after_json FROM audit_log WHERE action = $1",
                             {std::string("user.password_reset")});
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].Text(1).find("argon2"), std::string::npos);
  // Citizens have no password.
  User citizen = Create(Citizen());
  Status st = writer_->SubmitAndWait([&](storage::Connection& c) {
    return SetUserPassword(c, clock_, citizen.id, hash, {"admin:x", ""}).status();
  });
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
}

TEST_F(AccountServiceTest, RoleAndBindingChangesAreValidatedAuditedAndEndSessions) {
  User u = Create(Staff(), "correct horse battery");
  auto session = NewSession(u);
  ASSERT_TRUE(session.ok());
  auto set = [&](Binding b) {
    Result<User> changed = InternalError("not run");
    Status st = writer_->SubmitAndWait([&](storage::Connection& c) {
      changed = SetUserBinding(c, clock_, u.id, b, {"admin:x", ""});
      return changed.status();
    });
    return st.ok() ? changed : Result<User>(st);
  };
  EXPECT_EQ(set({auth::Role::kFacilityStaff, "", ""}).status().field(), "facility_code");
  EXPECT_EQ(set({auth::Role::kHealthAuthority, "", "99"}).status().field(), "admin_unit_code");
  EXPECT_EQ(set({auth::Role::kCitizen, "", ""}).status().field(), "role");
  auto moved = set({auth::Role::kHealthAuthority, "", "01"});
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(moved->role, auth::Role::kHealthAuthority);
  EXPECT_EQ(moved->facility_code, "");
  service_->ForgetUserSessions(u.id);
  EXPECT_EQ(service_->Authenticate(session->token).status().code(), StatusCode::kUnauthenticated);
  auto checked = service_->CheckPassword("lan.staff", "correct horse battery");
  ASSERT_TRUE(checked.ok());
  EXPECT_EQ(checked->admin_unit_code, "01");
  EXPECT_EQ(AuditCount(*db_, "user.update"), 1);
}

TEST_F(AccountServiceTest, SessionsAreListedAndRevokedOneOrAll) {
  User u = Create(Staff(), "correct horse battery");
  auto s1 = NewSession(u);
  clock_.Advance(std::chrono::seconds(1));
  auto s2 = NewSession(u);
  ASSERT_TRUE(s1.ok() && s2.ok());
  const int64_t now = ToUnixSeconds(clock_.Now());
  auto conn = db_->Acquire();
  auto listed = ListActiveSessions(**conn, u.id, now);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].id, SessionHandle(HashToken(s2->token)));  // newest first
  EXPECT_EQ((*listed)[0].id.find(HashToken(s2->token)), std::string::npos);
  Result<int64_t> revoked = InternalError("not run");
  ASSERT_TRUE(writer_
                  ->SubmitAndWait([&](storage::Connection& c) {
                    revoked = RevokeUserSessions(c, clock_, u.id, (*listed)[0].id, {"admin:x", ""});
                    return revoked.status();
                  })
                  .ok());
  EXPECT_EQ(*revoked, 1);
  service_->ForgetUserSessions(u.id);
  EXPECT_FALSE(service_->Authenticate(s2->token).ok());
  EXPECT_TRUE(service_->Authenticate(s1->token).ok());
  Status unknown = writer_->SubmitAndWait([&](storage::Connection& c) {
    return RevokeUserSessions(c, clock_, u.id, "0000000000000000", {"admin:x", ""}).status();
  });
  EXPECT_EQ(unknown.code(), StatusCode::kNotFound);
  ASSERT_TRUE(writer_
                  ->SubmitAndWait([&](storage::Connection& c) {
                    revoked = RevokeUserSessions(c, clock_, u.id, "", {"admin:x", ""});
                    return revoked.status();
                  })
                  .ok());
  EXPECT_EQ(*revoked, 1);
  service_->ForgetUserSessions(u.id);
  EXPECT_FALSE(service_->Authenticate(s1->token).ok());
  EXPECT_EQ(AuditCount(*db_, "session.revoke"), 2);
}

}  // namespace
}  // namespace vaxreg::accounts
