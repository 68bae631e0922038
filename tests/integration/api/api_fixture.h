#pragma once
// A real vaxreg server (app::Runtime: real wiring, a temp-file SQLite database, HTTP on port 0)
// with one logged-in account per role, for API tests. Run with VAXREG_TEST_BACKEND=postgres (the
// NAME_pg tests of a vaxreg_backend_test binary) it serves a fresh PostgreSQL database instead
// (support/backend.h).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "accounts/user_store.h"
#include "app/runtime.h"
#include "certs/keys/key_store.h"
#include "fakes/fake_notifier.h"
#include "identity/population_store.h"
#include "support/backend.h"
#include "support/test_db.h"
#include "support/test_http_client.h"

namespace vaxreg::testing {

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    VAXREG_REQUIRE_BACKEND(test_db_);
    web_root_ = std::filesystem::temp_directory_path() /
                ("vaxreg_web_" + std::to_string(::getpid()) + "_" +
                 std::to_string(reinterpret_cast<uintptr_t>(this)));
    std::filesystem::create_directories(web_root_);
    std::ofstream(web_root_ / "index.html") << "<!doctype html><title>vaxreg</title>";
    app::Config config;
    config.db_url = test_db_.url();
    config.port = 0;
    config.threads = 2;
    config.password_cost = "min";
    config.web_root = web_root_.string();
    config.header_timeout_ms = 2000;
    config.max_body_bytes = 64 * 1024;
    config.login_attempts_per_minute = login_attempts_per_minute_;
    config.corrections_photo_dir = web_root_.string() + "_photos";
    config.stats_cache_seconds = 0;  // statistics read fresh after each write in a test
    Configure(config);
    // Certificate keys (the passphrase, as in production, only in the environment).
    key_dir_ = web_root_.string() + "_keys";
    ::setenv("VAXREG_KEY_PASSPHRASE", kKeyPassphrase, 1);
    ASSERT_TRUE(
        certs::KeyStore::Init(key_dir_, kKeyPassphrase, SystemClock::Get().Now(), KeyOptions())
            .ok());
    config.key_dir = key_dir_.string();
    config_ = config;
    auto rt = app::Runtime::Start(config, {.clock = nullptr, .notifier = &notifier_});
    ASSERT_TRUE(rt.ok()) << rt.status().ToString();
    runtime_ = std::move(rt).value();
    client_ = std::make_unique<TestHttpClient>(runtime_->port());
  }

  void TearDown() override {
    client_.reset();
    if (runtime_) runtime_->Shutdown();
    runtime_.reset();
    std::error_code ec;
    std::filesystem::remove_all(web_root_, ec);
    std::filesystem::remove_all(key_dir_, ec);
    std::filesystem::remove_all(web_root_.string() + "_photos", ec);
  }

  // Adjusts the server's configuration before it starts.
  virtual void Configure(app::Config&) {}
  // How the test's key folder is made (validity of the first DSC, ...).
  virtual certs::KeyStoreOptions KeyOptions() { return {}; }

  // Another server on the same database and configuration (a second vaxreg process, as far as
  // the database can tell: its own writer, pool, caches and port). Shut down by the caller.
  std::unique_ptr<app::Runtime> StartAnotherServer() {
    auto rt = app::Runtime::Start(config_, {.clock = nullptr, .notifier = &notifier_});
    EXPECT_TRUE(rt.ok()) << rt.status().ToString();
    return rt.ok() ? std::move(rt).value() : nullptr;
  }

  static constexpr const char* kPassword = "a test password";
  static constexpr const char* kKeyPassphrase = "an api test key passphrase";

  // Creates an account directly through the writer. A citizen gets phone 0912345678 and
  // `birth_date` (by default the fixture citizen's, registry_fixture.h).
  accounts::User CreateAccount(const std::string& username, auth::Role role,
                               const std::string& birth_date = "1990-05-01") {
    accounts::NewUser nu;
    nu.username = username;
    nu.role = role;
    if (role != auth::Role::kCitizen) {
      nu.password_hash =
          accounts::HashPassword(kPassword, accounts::PasswordCost::MinimumForTest()).value();
    }
    if (role == auth::Role::kFacilityStaff) nu.facility_code = "HN-BACHMAI";
    if (role == auth::Role::kHealthAuthority) nu.admin_unit_code = "01";
    if (role == auth::Role::kCitizen) {
      nu.phone = "0912345678";
      nu.birth_date = birth_date;
    }
    Result<accounts::User> created = InternalError("not run");
    EXPECT_TRUE(runtime_->writer()
                    .SubmitAndWait([&](storage::Connection& c) {
                      created = accounts::CreateUser(c, SystemClock::Get(), nu, {"test", ""});
                      return created.status();
                    })
                    .ok());
    return created.value();
  }

  // Logs in over HTTP and returns the bearer token.
  std::string Login(const std::string& username, auth::Role role) {
    if (role == auth::Role::kCitizen) {
      auto r = client_->Post("/api/v1/auth/otp", "{\"cccd\":\"" + username + "\"}");
      EXPECT_EQ(r.status, 202) << r.body;
      auto login = client_->Post("/api/v1/auth/login", "{\"cccd\":\"" + username +
                                                           "\",\"code\":\"" +
                                                           notifier_.LastCode() + "\"}");
      EXPECT_EQ(login.status, 200) << login.body;
      return std::string(login.Json().at("token").as_string());
    }
    auto login = client_->Post("/api/v1/auth/login", "{\"username\":\"" + username +
                                                         "\",\"password\":\"" + kPassword + "\"}");
    EXPECT_EQ(login.status, 200) << login.body;
    return std::string(login.Json().at("token").as_string());
  }

  // Imports a small population register (three men: two in Hà Nội, one in Hồ Chí Minh City)
  // into the server's database, as `vaxreg import population` would.
  void ImportSmallRegister() {
    const std::string path = (std::filesystem::temp_directory_path() /
                              ("vaxreg_register_" + std::to_string(::getpid()) + ".csv"))
                                 .string();
    std::ofstream(path) << "cccd,cmnd,full_name,dob,sex,province_code,district_code,commune_code\n"
                           "001085012345,,Nguyễn Văn An,1985-03-07,M,01,001,00001\n"
                           "001090054321,,Trần Văn Bình,1990-11-02,M,01,001,00004\n"
                           "079088000111,,Lê Văn Cường,1988-05-20,M,79,760,26734\n";
    auto imported = identity::ImportPopulationCsv(runtime_->db(), runtime_->writer(),
                                                  SystemClock::Get(), path, {}, nullptr);
    std::remove(path.c_str());
    ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  }

  int login_attempts_per_minute_ = 10000;
  app::Config config_;
  TestDatabase test_db_{kTestBackend};
  FakeNotifier notifier_;
  std::filesystem::path web_root_;
  std::filesystem::path key_dir_;
  std::unique_ptr<app::Runtime> runtime_;
  std::unique_ptr<TestHttpClient> client_;
};

}  // namespace vaxreg::testing
