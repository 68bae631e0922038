// Citizens' sign-up through the API on a real server and database: the code goes to the phone
// signed up with and nowhere else; logging in with it verifies the phone; a record is seen only
// when CCCD and birth date agree; a CCCD whose account has a verified phone cannot be signed up
// again (and the answer does not tell); bad fields are 400 naming the field; an account without
// a phone gets no code.

#include <chrono>

#include "api_fixture.h"
#include "registry_fixture.h"

namespace vaxreg::testing {
namespace {

using Clock = std::chrono::steady_clock;

// The fixture citizen (registry_fixture.h): person 1, born 1990-05-01.
constexpr const char* kCccd = "001090012345";

std::string SignUpBody(const std::string& cccd, const std::string& birth_date,
                       const std::string& phone) {
  return R"({"cccd":")" + cccd + R"(","birth_date":")" + birth_date + R"(","phone":")" + phone +
         R"("})";
}

class CitizenSignUpApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    SeedRegistryFixture(*runtime_, 1);
  }

  TestResponse SignUp(const std::string& cccd, const std::string& birth_date,
                      const std::string& phone) {
    return client_->Post("/api/v1/auth/signup", SignUpBody(cccd, birth_date, phone));
  }

  // Logs in with the newest code sent; the token, or "" with a failure.
  std::string LoginWithLastCode(const std::string& cccd) {
    auto login = client_->Post("/api/v1/auth/login", R"({"cccd":")" + cccd + R"(","code":")" +
                                                         notifier_.LastCode() + R"("})");
    EXPECT_EQ(login.status, 200) << login.body;
    return login.status == 200 ? std::string(login.Json().at("token").as_string()) : "";
  }

  std::string StoredPhone(const std::string& cccd) {
    auto conn = runtime_->db().Acquire();
    auto rows = (*conn)->Query("SELECT COALESCE(phone, '') FROM users WHERE username = $1", {cccd});
    return rows.ok() && !rows->empty() ? (*rows)[0].Text(0) : "<no account>";
  }

  int64_t AuditCount(const std::string& action) {
    auto conn = runtime_->db().Acquire();
    auto rows = (*conn)->Query("SELECT COUNT(*) FROM audit_log WHERE action = $1", {action});
    return rows.ok() ? (*rows)[0].Int(0) : -1;
  }

  static std::string ErrorField(const TestResponse& r) {
    const boost::json::value json = r.Json();
    const auto& e = json.at("error").as_object();
    return e.contains("field") ? std::string(e.at("field").as_string()) : "";
  }
};

TEST_F(CitizenSignUpApiTest, SignUpSendsACodeToThatPhoneAndLoginShowsTheRecord) {
  const auto t0 = Clock::now();
  auto r = SignUp(kCccd, "01/05/1990", "+84 98 765 4321");
  EXPECT_GE(Clock::now() - t0, std::chrono::milliseconds(100));
  ASSERT_EQ(r.status, 202) << r.body;
  // One message, to that phone in its stored form, in Vietnamese and English.
  const auto sent = notifier_.sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].recipient, "0987654321");
  EXPECT_NE(sent[0].body.find("Mã đăng nhập"), std::string::npos) << sent[0].body;
  EXPECT_NE(sent[0].body.find("login code"), std::string::npos) << sent[0].body;
  EXPECT_EQ(StoredPhone(kCccd), "0987654321");
  EXPECT_EQ(AuditCount("user.create"), 1);

  // Pending until the code comes back; logging in with it verifies the phone.
  const std::string token = LoginWithLastCode(kCccd);
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(AuditCount("user.phone_verify"), 1);
  auto conn = runtime_->db().Acquire();
  auto user = accounts::FindUserByUsername(**conn, kCccd);
  ASSERT_TRUE(user.ok() && user->has_value());
  EXPECT_GT((*user)->phone_verified_at, 0);
  EXPECT_FALSE((*user)->signup_pending);
  EXPECT_EQ((*user)->birth_date, "1990-05-01");

  auto record = client_->Get("/api/v1/me/record", token);
  ASSERT_EQ(record.status, 200) << record.body;
  EXPECT_EQ(record.Json().at("person").at("cccd").as_string(), kCccd);
  EXPECT_EQ(client_->Get("/api/v1/people/1", token).status, 200);
  EXPECT_EQ(client_->Get("/api/v1/people/1/record", token).status, 200);
  EXPECT_EQ(client_->Get("/api/v1/people/2", token).status, 404);
}

// A birth date that disagrees with the record (the CCCD's year still agrees) sees nothing: the
// same 404 as a citizen whose CCCD has no record at all, on every route acting on "their" person.
TEST_F(CitizenSignUpApiTest, WrongBirthDateSeesNoRecord) {
  ASSERT_EQ(SignUp(kCccd, "1990-06-01", "0987654321").status, 202);
  const std::string wrong = LoginWithLastCode(kCccd);
  ASSERT_EQ(SignUp("001090777777", "1990-05-01", "0987650000").status, 202);
  const std::string nobody = LoginWithLastCode("001090777777");
  const std::string day = registry::FormatDay(
      registry::DayOf(ToUnixSeconds(SystemClock::Get().Now())) + std::chrono::days(1));
  for (const char* target :
       {"/api/v1/me/record", "/api/v1/me/certificate", "/api/v1/me/certificate/qr.png",
        "/api/v1/people/1", "/api/v1/people/1/record"}) {
    auto mismatch = client_->Get(target, wrong);
    auto none = client_->Get(target, nobody);
    EXPECT_EQ(mismatch.status, 404) << target << ": " << mismatch.body;
    EXPECT_EQ(mismatch.body, none.body) << target;
  }
  const std::string booking = R"({"facility_code":"HN-BACHMAI","day":")" + day + R"("})";
  auto booked = client_->Post("/api/v1/registrations", booking, wrong);
  EXPECT_EQ(booked.status, 404) << booked.body;
  EXPECT_EQ(booked.body, client_->Post("/api/v1/registrations", booking, nobody).body);
}

// An account whose phone was verified cannot be signed up again: the same status, body and
// minimum time as a fresh sign-up, nothing sent, nothing changed.
TEST_F(CitizenSignUpApiTest, SignUpForAVerifiedAccountChangesNothing) {
  auto first = SignUp(kCccd, "1990-05-01", "0987654321");
  ASSERT_EQ(first.status, 202);
  const std::string owner = LoginWithLastCode(kCccd);
  ASSERT_FALSE(owner.empty());
  const size_t sent_before = notifier_.sent().size();
  const int64_t audit_before = AuditCount("user.signup") + AuditCount("user.create");

  const auto t0 = Clock::now();
  auto takeover = SignUp(kCccd, "1990-05-01", "0911111111");
  const auto t1 = Clock::now();
  auto fresh = SignUp("001090777777", "1990-05-01", "0922222222");
  EXPECT_EQ(takeover.status, 202) << takeover.body;
  EXPECT_EQ(takeover.status, fresh.status);
  EXPECT_EQ(takeover.body, fresh.body);
  EXPECT_GE(t1 - t0, std::chrono::milliseconds(100));

  // Only the fresh sign-up sent a code, to its own phone.
  const auto sent = notifier_.sent();
  ASSERT_EQ(sent.size(), sent_before + 1);
  EXPECT_EQ(sent.back().recipient, "0922222222");
  EXPECT_EQ(StoredPhone(kCccd), "0987654321");
  EXPECT_EQ(AuditCount("user.signup") + AuditCount("user.create"), audit_before + 1);
  // The owner's session and record are untouched.
  EXPECT_EQ(client_->Get("/api/v1/me/record", owner).status, 200);
}

// A pending account (no code used yet) may be signed up again: the new phone gets a code, the
// code sent to the earlier phone dies.
TEST_F(CitizenSignUpApiTest, PendingAccountMayBeSignedUpAgain) {
  ASSERT_EQ(SignUp(kCccd, "1990-06-01", "0987654321").status, 202);
  const std::string old_code = notifier_.LastCode();
  ASSERT_EQ(SignUp(kCccd, "1990-05-01", "0911111111").status, 202);
  ASSERT_EQ(notifier_.sent().size(), 2u);
  EXPECT_EQ(notifier_.sent().back().recipient, "0911111111");
  EXPECT_EQ(StoredPhone(kCccd), "0911111111");
  EXPECT_EQ(AuditCount("user.signup"), 1);
  if (old_code != notifier_.LastCode()) {
    auto dead = client_->Post("/api/v1/auth/login", R"({"cccd":")" + std::string(kCccd) +
                                                        R"(","code":")" + old_code + R"("})");
    EXPECT_EQ(dead.status, 401) << dead.body;
  }
  const std::string token = LoginWithLastCode(kCccd);
  EXPECT_EQ(client_->Get("/api/v1/me/record", token).status, 200);
}

TEST_F(CitizenSignUpApiTest, InvalidFieldsAre400NamingTheField) {
  struct Case {
    std::string body, field;
  };
  const std::vector<Case> cases = {
      {SignUpBody("12345", "1990-05-01", "0987654321"), "cccd"},
      {SignUpBody("00109001234a", "1990-05-01", "0987654321"), "cccd"},
      {SignUpBody("999090012345", "1990-05-01", "0987654321"), "cccd"},  // no such province
      {SignUpBody(kCccd, "1990-02-30", "0987654321"), "birth_date"},
      {SignUpBody(kCccd, "30/02/1990", "0987654321"), "birth_date"},
      {SignUpBody(kCccd, "1990", "0987654321"), "birth_date"},
      {SignUpBody(kCccd, "May 1 1990", "0987654321"), "birth_date"},
      {SignUpBody("001290012345", "01/05/2090", "0987654321"), "birth_date"},  // in the future
      // Digits 4-6 say 1990: another year, or the 2000s (century digit 2), disagree.
      {SignUpBody(kCccd, "1991-05-01", "0987654321"), "birth_date"},
      {SignUpBody("001290012345", "1990-05-01", "0987654321"), "birth_date"},
      {SignUpBody(kCccd, "1990-05-01", "0243123456"), "phone"},  // a landline
      {SignUpBody(kCccd, "1990-05-01", "098765432"), "phone"},
      {SignUpBody(kCccd, "1990-05-01", "+1 202 555 0100"), "phone"},
      {SignUpBody(kCccd, "1990-05-01", "call me"), "phone"},
      {R"({"cccd":"001090012345","birth_date":"1990-05-01"})", "phone"},
      {R"({"cccd":"001090012345","phone":"0987654321"})", "birth_date"},
      {R"({"birth_date":"1990-05-01","phone":"0987654321"})", "cccd"},
  };
  for (const Case& c : cases) {
    auto r = client_->Post("/api/v1/auth/signup", c.body);
    EXPECT_EQ(r.status, 400) << c.body << ": " << r.body;
    const boost::json::value json = r.Json();
    const auto& e = json.at("error").as_object();
    EXPECT_EQ(e.at("code").as_string(), "INVALID_ARGUMENT") << c.body;
    EXPECT_FALSE(e.at("message").as_string().empty()) << c.body;
    EXPECT_EQ(ErrorField(r), c.field) << c.body << ": " << r.body;
  }
  EXPECT_TRUE(notifier_.sent().empty());
  EXPECT_EQ(StoredPhone(kCccd), "<no account>");
}

// The forms of a mobile number are one stored number (and one limit).
TEST_F(CitizenSignUpApiTest, PhoneFormsAreStoredAlike) {
  ASSERT_EQ(SignUp("001090777001", "1990-01-01", "84987654321").status, 202);
  ASSERT_EQ(SignUp("001090777002", "1990-01-01", "0987.654.321").status, 202);
  ASSERT_EQ(SignUp("001090777003", "1990-01-01", "+84 (0) 987 654 321").status, 202);
  for (const auto& m : notifier_.sent()) EXPECT_EQ(m.recipient, "0987654321");
  EXPECT_EQ(notifier_.sent().size(), 3u);
  // A fourth sign-up to that phone within 15 minutes is refused, whatever the CCCD.
  auto limited = SignUp("001090777004", "1990-01-01", "0987 654 321");
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_EQ(notifier_.sent().size(), 3u);
}

// No phone, no code: an account without one gets nothing (never a message to its CCCD), and the
// answer is the one an unknown CCCD gets. Signing up gives it a phone.
TEST_F(CitizenSignUpApiTest, AccountWithoutPhoneGetsNoCode) {
  accounts::NewUser nu;
  nu.username = kCccd;
  nu.role = auth::Role::kCitizen;
  ASSERT_TRUE(runtime_->writer()
                  .SubmitAndWait([&](storage::Connection& c) {
                    return accounts::CreateUser(c, SystemClock::Get(), nu, {"test", ""}).status();
                  })
                  .ok());
  auto known = client_->Post("/api/v1/auth/otp", R"({"cccd":"001090012345"})");
  auto unknown = client_->Post("/api/v1/auth/otp", R"({"cccd":"001090099999"})");
  EXPECT_EQ(known.status, 202) << known.body;
  EXPECT_EQ(known.body, unknown.body);
  EXPECT_TRUE(notifier_.sent().empty());

  ASSERT_EQ(SignUp(kCccd, "1990-05-01", "0987654321").status, 202);
  ASSERT_EQ(notifier_.sent().size(), 1u);
  EXPECT_EQ(notifier_.sent()[0].recipient, "0987654321");
  const std::string token = LoginWithLastCode(kCccd);
  EXPECT_EQ(client_->Get("/api/v1/me/record", token).status, 200);
}

// An account from before sign-up (no birth date) sees no record, even with the right CCCD.
TEST_F(CitizenSignUpApiTest, AccountWithoutBirthDateSeesNoRecord) {
  accounts::NewUser nu;
  nu.username = kCccd;
  nu.role = auth::Role::kCitizen;
  nu.phone = "0912345678";
  ASSERT_TRUE(runtime_->writer()
                  .SubmitAndWait([&](storage::Connection& c) {
                    return accounts::CreateUser(c, SystemClock::Get(), nu, {"test", ""}).status();
                  })
                  .ok());
  const std::string token = Login(kCccd, auth::Role::kCitizen);
  auto r = client_->Get("/api/v1/me/record", token);
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(client_->Get("/api/v1/people/1", token).status, 404);
}

// An administrator may give a citizen account its birth date, checked like a sign-up's.
TEST_F(CitizenSignUpApiTest, AdminCreatesACitizenWithABirthDate) {
  CreateAccount("root.admin", auth::Role::kAdmin);
  const std::string admin = Login("root.admin", auth::Role::kAdmin);
  auto bad = client_->Post(
      "/api/v1/users",
      R"({"username":"001090012345","role":"citizen","phone":"0987654321","birth_date":"01/05/1991"})",
      admin);
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(ErrorField(bad), "birth_date");
  auto staff = client_->Post(
      "/api/v1/users",
      R"({"username":"lan.staff","role":"signer","password":"long enough pw","birth_date":"1990-05-01"})",
      admin);
  EXPECT_EQ(staff.status, 400) << staff.body;
  EXPECT_EQ(ErrorField(staff), "birth_date");
  auto created = client_->Post(
      "/api/v1/users",
      R"({"username":"001090012345","role":"citizen","phone":"0987654321","birth_date":"01/05/1990"})",
      admin);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.Json().at("birth_date").as_string(), "1990-05-01");
  // An administrator's phone is left alone by sign-up, as a verified one is.
  ASSERT_EQ(SignUp(kCccd, "1990-05-01", "0911111111").status, 202);
  EXPECT_TRUE(notifier_.sent().empty());
  EXPECT_EQ(StoredPhone(kCccd), "0987654321");
}

}  // namespace
}  // namespace vaxreg::testing
