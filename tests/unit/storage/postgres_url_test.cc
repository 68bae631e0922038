// Passwords never reach logs: DisplayUrl() of a PostgreSQL database drops them.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/postgres/postgres_database.h"

namespace vaxreg::storage {
namespace {

TEST(RedactPostgresUrlTest, RemovesPasswords) {
  struct Case {
    std::string url;
    std::string redacted;
  };
  const std::vector<Case> cases = {
      {"postgresql://user:secret@db.example:5432/vaxreg",
       "postgresql://user@db.example:5432/vaxreg"},
      {"postgres://user:p%40ss@host/db?sslmode=require", "postgres://user@host/db?sslmode=require"},
      {"postgresql://user@host/db", "postgresql://user@host/db"},
      {"postgresql://host:5432/db", "postgresql://host:5432/db"},
      {"postgresql://user:secret@host", "postgresql://user@host"},
      {"postgresql:///db?host=/run/postgresql", "postgresql:///db?host=/run/postgresql"},
      {"postgresql://u@h/db?password=secret&sslmode=disable",
       "postgresql://u@h/db?sslmode=disable"},
      {"postgresql://u@h/db?sslmode=disable&password=secret",
       "postgresql://u@h/db?sslmode=disable"},
      {"postgresql://u@h/db?password=secret", "postgresql://u@h/db"},
      {"postgresql://u:pw@h/db?application_name=a@b", "postgresql://u@h/db?application_name=a@b"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(RedactPostgresUrl(c.url), c.redacted) << c.url;
  }
}

}  // namespace
}  // namespace vaxreg::storage
