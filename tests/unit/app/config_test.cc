// Configuration precedence (defaults < TOML < environment < flags) and clear errors.

#include "app/config.h"

#include <gtest/gtest.h>

#include <map>

namespace vaxreg::app {
namespace {

TEST(ConfigTest, DefaultsAreTheEmbeddedSqliteOnLoopback) {
  Config c;
  EXPECT_EQ(c.address, "127.0.0.1");
  EXPECT_EQ(c.port, 8080);
  EXPECT_EQ(c.db_url.rfind("sqlite:", 0), 0u);
  EXPECT_TRUE(ValidateConfig(c).ok());
}

TEST(ConfigTest, LaterSourcesWin) {
  Config c;
  ASSERT_TRUE(ApplyToml(c, R"(
[server]
port = 9000
threads = 3
[database]
url = "sqlite:from-file.db"
[log]
level = "debug"
)", "test.toml").ok());
  EXPECT_EQ(c.port, 9000);
  EXPECT_EQ(c.threads, 3);
  std::map<std::string, std::string> env = {{"VAXREG_PORT", "9100"},
                                            {"VAXREG_DB", "postgresql://db/vaxreg"}};
  ASSERT_TRUE(ApplyEnvironment(c, [&](const char* name) -> const char* {
                auto it = env.find(name);
                return it == env.end() ? nullptr : it->second.c_str();
              }).ok());
  EXPECT_EQ(c.port, 9100);
  EXPECT_EQ(c.db_url, "postgresql://db/vaxreg");
  EXPECT_EQ(c.threads, 3);  // the file's value stays where nothing overrides it
  ASSERT_TRUE(ApplyOverrides(c, {{"server.port", "9200"}}).ok());
  EXPECT_EQ(c.port, 9200);
  EXPECT_EQ(c.log_level, "debug");
}

TEST(ConfigTest, VerifyOnCreateIsABooleanFromTomlOrEnvironment) {
  Config c;
  EXPECT_TRUE(c.verify_on_create);
  ASSERT_TRUE(ApplyToml(c, "[identity]\nverify_on_create = false\n", "test.toml").ok());
  EXPECT_FALSE(c.verify_on_create);
  ASSERT_TRUE(ApplyEnvironment(c, [](const char* n) -> const char* {
                return std::string(n) == "VAXREG_VERIFY_ON_CREATE" ? "1" : nullptr;
              }).ok());
  EXPECT_TRUE(c.verify_on_create);
  Status st = ApplyToml(c, "[identity]\nverify_on_create = \"maybe\"\n", "test.toml");
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.field(), "identity.verify_on_create");
}

TEST(ConfigTest, ErrorsNameTheKey) {
  Config c;
  Status st = ApplyToml(c, "[server]\nport = 70000\n", "x.toml");
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.field(), "server.port");
  st = ApplyToml(c, "[server]\nprot = 1\n", "x.toml");
  EXPECT_NE(st.message().find("unknown config key 'server.prot'"), std::string::npos)
      << st.message();
  st = ApplyToml(c, "[server\nport = 1\n", "x.toml");
  EXPECT_NE(st.message().find("x.toml:1"), std::string::npos) << st.message();
  st = ApplyEnvironment(c, [](const char* n) -> const char* {
    return std::string(n) == "VAXREG_THREADS" ? "many" : nullptr;
  });
  EXPECT_NE(st.message().find("VAXREG_THREADS"), std::string::npos) << st.message();
  EXPECT_FALSE(ApplyOverrides(c, {{"log.level", "loud"}}).ok());
}

TEST(ConfigTest, TlsNeedsBothFiles) {
  Config c;
  c.tls_cert_file = "cert.pem";
  EXPECT_EQ(ValidateConfig(c).field(), "server.tls_cert");
  c.tls_key_file = "key.pem";
  EXPECT_TRUE(ValidateConfig(c).ok());
}

TEST(ConfigTest, EveryKeyHasAnEnvironmentVariable) {
  for (const ConfigKey& k : ConfigKeys()) {
    EXPECT_EQ(k.env.rfind("VAXREG_", 0), 0u) << k.key;
    EXPECT_FALSE(k.help.empty()) << k.key;
  }
}

}  // namespace
}  // namespace vaxreg::app
