// PostgreSQL only: sessions killed on the server (restart, failover, pg_terminate_backend) are
// re-established on next use, a transaction that lost its session fails instead of silently
// continuing in autocommit mode, and deferred (pipelined) savepoint commands fail safely.

#include <gtest/gtest.h>

#include <future>
#include <string>

#include "storage/database.h"
#include "storage/group_commit.h"
#include "storage/in_list.h"
#include "storage/read_routing.h"
#include "support/test_db.h"
#include "unit/storage/test_util.h"

namespace vaxreg::storage {
namespace {

using ::vaxreg::testing::Backend;

class PostgresConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    VAXREG_REQUIRE_BACKEND(test_db_);
    db_ = test_db_.Open({.pool_size = 2, .busy_timeout_ms = 5000});
    auto conn = db_->Acquire();
    STORAGE_ASSERT_OK(conn);
    STORAGE_ASSERT_OK((*conn)->ExecuteScript("CREATE TABLE t (name TEXT PRIMARY KEY)"));
  }

  static int64_t BackendPid(Connection& c) {
    auto rows = c.Query("SELECT pg_backend_pid()");
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() && !rows->empty() ? (*rows)[0].Int(0) : 0;
  }

  // Terminates a server session from a separate connection and waits until it is gone.
  void Terminate(int64_t pid) {
    auto killer = db_->OpenWriterConnection();
    STORAGE_ASSERT_OK(killer);
    auto rows = (*killer)->Query("SELECT pg_terminate_backend($1::integer, 5000)", {pid});
    STORAGE_ASSERT_OK(rows);
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ((*rows)[0].Int(0), 1);
  }

  int64_t Count() {
    auto conn = db_->Acquire();
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return -1;
    auto rows = (*conn)->Query("SELECT COUNT(*) FROM t");
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? (*rows)[0].Int(0) : -1;
  }

  ::vaxreg::testing::TestDatabase test_db_{Backend::kPostgres};
  std::unique_ptr<Database> db_;
};

TEST_F(PostgresConnectionTest, ConnectionIsReestablishedAfterTermination) {
  auto writer = db_->OpenWriterConnection();
  STORAGE_ASSERT_OK(writer);
  Connection& c = **writer;
  STORAGE_ASSERT_OK(c.Execute("INSERT INTO t (name) VALUES ($1)", {std::string("a")}));
  const int64_t pid = BackendPid(c);
  ASSERT_NE(pid, 0);
  Terminate(pid);

  // The first use may notice the dead session (kUnavailable); the one after must work.
  auto first = c.Query("SELECT COUNT(*) FROM t");
  if (!first.ok()) {
    EXPECT_EQ(first.status().code(), StatusCode::kUnavailable) << first.status().ToString();
  }
  auto second = c.Query("SELECT COUNT(*) FROM t");
  STORAGE_ASSERT_OK(second);
  EXPECT_EQ((*second)[0].Int(0), 1);
  EXPECT_NE(BackendPid(c), pid);
  // Prepared statements are re-created on the new session.
  STORAGE_EXPECT_OK(c.Execute("INSERT INTO t (name) VALUES ($1)", {std::string("b")}));
}

TEST_F(PostgresConnectionTest, PooledConnectionIsReestablishedAfterTermination) {
  int64_t pid = 0;
  {
    auto conn = db_->Acquire();
    STORAGE_ASSERT_OK(conn);
    pid = BackendPid(**conn);
  }
  Terminate(pid);
  // The pool hands the same (now dead) connection back out first.
  int failures = 0;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto conn = db_->Acquire();
    STORAGE_ASSERT_OK(conn);
    auto rows = (*conn)->Query("SELECT 1");
    if (!rows.ok()) {
      EXPECT_EQ(rows.status().code(), StatusCode::kUnavailable);
      ++failures;
    }
  }
  EXPECT_LE(failures, 1);
  STORAGE_EXPECT_OK(db_->Ping());
}

TEST_F(PostgresConnectionTest, TransactionThatLostItsSessionFails) {
  auto writer = db_->OpenWriterConnection();
  STORAGE_ASSERT_OK(writer);
  Connection& c = **writer;
  const int64_t pid = BackendPid(c);
  STORAGE_ASSERT_OK(c.Begin());
  STORAGE_ASSERT_OK(c.Execute("INSERT INTO t (name) VALUES ($1)", {std::string("lost")}));
  Terminate(pid);
  // Never reconnect mid-transaction: the rest would run outside the transaction.
  STORAGE_EXPECT_CODE(c.Execute("INSERT INTO t (name) VALUES ($1)", {std::string("x")}),
                      StatusCode::kUnavailable);
  STORAGE_EXPECT_CODE(c.Execute("INSERT INTO t (name) VALUES ($1)", {std::string("y")}),
                      StatusCode::kUnavailable);
  STORAGE_EXPECT_CODE(c.Commit(), StatusCode::kUnavailable);
  EXPECT_EQ(Count(), 0);
  // A new transaction on the same connection reconnects.
  STORAGE_ASSERT_OK(c.Begin());
  STORAGE_ASSERT_OK(c.Execute("INSERT INTO t (name) VALUES ($1)", {std::string("fresh")}));
  STORAGE_ASSERT_OK(c.Commit());
  EXPECT_EQ(Count(), 1);
}

TEST_F(PostgresConnectionTest, GroupCommitWriterSurvivesTermination) {
  auto writer = GroupCommitWriter::Start(*db_);
  STORAGE_ASSERT_OK(writer);
  int64_t pid = 0;
  STORAGE_ASSERT_OK((*writer)->SubmitAndWait([&](Connection& c) {
    pid = BackendPid(c);
    return c.Execute("INSERT INTO t (name) VALUES ($1)", {std::string("before")}).status();
  }));
  Terminate(pid);
  Status first = (*writer)->SubmitAndWait([](Connection& c) {
    return c.Execute("INSERT INTO t (name) VALUES ($1)", {std::string("during")}).status();
  });
  if (!first.ok()) {
    EXPECT_EQ(first.code(), StatusCode::kUnavailable) << first.ToString();
  }
  STORAGE_EXPECT_OK((*writer)->SubmitAndWait([](Connection& c) {
    return c.Execute("INSERT INTO t (name) VALUES ($1)", {std::string("after")}).status();
  }));
  EXPECT_EQ(Count(), first.ok() ? 3 : 2);
}

TEST_F(PostgresConnectionTest, LostSessionWithDeferredSavepointFailsTheTransaction) {
  auto writer = db_->OpenWriterConnection();
  STORAGE_ASSERT_OK(writer);
  Connection& c = **writer;
  const int64_t pid = BackendPid(c);
  STORAGE_ASSERT_OK(c.Begin());
  STORAGE_ASSERT_OK(c.Execute("INSERT INTO t (name) VALUES ($1)", {std::string("a")}));
  STORAGE_ASSERT_OK(c.Savepoint("w"));  // not sent yet
  Terminate(pid);
  STORAGE_EXPECT_CODE(c.Execute("INSERT INTO t (name) VALUES ($1)", {std::string("b")}),
                      StatusCode::kUnavailable);
  STORAGE_EXPECT_CODE(c.RollbackToSavepoint("w"), StatusCode::kUnavailable);
  STORAGE_EXPECT_CODE(c.Commit(), StatusCode::kUnavailable);
  STORAGE_EXPECT_OK(c.Rollback());
  EXPECT_EQ(Count(), 0);
  STORAGE_ASSERT_OK(c.Begin());
  STORAGE_ASSERT_OK(c.Savepoint("w"));
  STORAGE_ASSERT_OK(c.Execute("INSERT INTO t (name) VALUES ($1)", {std::string("c")}));
  STORAGE_ASSERT_OK(c.ReleaseSavepoint("w"));
  STORAGE_ASSERT_OK(c.Commit());
  EXPECT_EQ(Count(), 1);
}

TEST_F(PostgresConnectionTest, SavepointsAroundNoStatementsAreHarmless) {
  auto writer = db_->OpenWriterConnection();
  STORAGE_ASSERT_OK(writer);
  Connection& c = **writer;
  STORAGE_ASSERT_OK(c.Begin());
  STORAGE_ASSERT_OK(c.Savepoint("a"));
  STORAGE_ASSERT_OK(c.RollbackToSavepoint("a"));
  STORAGE_ASSERT_OK(c.ReleaseSavepoint("a"));
  STORAGE_ASSERT_OK(c.Savepoint("b"));
  STORAGE_ASSERT_OK(c.ReleaseSavepoint("b"));
  STORAGE_ASSERT_OK(c.Savepoint("c"));
  STORAGE_ASSERT_OK(c.Execute("INSERT INTO t (name) VALUES ($1)", {std::string("x")}));
  STORAGE_ASSERT_OK(c.ReleaseSavepoint("c"));
  STORAGE_ASSERT_OK(c.Commit());
  EXPECT_EQ(Count(), 1);
}

TEST_F(PostgresConnectionTest, WriteThatSwallowsAnErrorCannotCommitItsBatch) {
  // On PostgreSQL a failed statement aborts the transaction. A write that ignores the failure
  // and reports OK leaves its batch unable to commit: every write in it must fail, and none may
  // be kept (no silent loss of a write reported as durable).
  auto writer = GroupCommitWriter::Start(*db_);
  STORAGE_ASSERT_OK(writer);
  STORAGE_ASSERT_OK((*writer)->SubmitAndWait([](Connection& c) {
    return c.Execute("INSERT INTO t (name) VALUES ($1)", {std::string("taken")}).status();
  }));
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  (*writer)->Submit(
      [&](Connection&) {
        entered.set_value();
        released.wait();
        return Status::Ok();
      },
      [](Status) {});
  entered.get_future().wait();
  std::promise<Status> a_done;
  std::promise<Status> b_done;
  (*writer)->Submit(
      [](Connection& c) {
        c.Execute("INSERT INTO t (name) VALUES ($1)", {std::string("a")}).status().IgnoreError();
        c.Execute("INSERT INTO t (name) VALUES ($1)", {std::string("taken")})
            .status()
            .IgnoreError();
        return Status::Ok();  // swallowed
      },
      [&](Status st) { a_done.set_value(st); });
  (*writer)->Submit(
      [](Connection& c) {
        return c.Execute("INSERT INTO t (name) VALUES ($1)", {std::string("b")}).status();
      },
      [&](Status st) { b_done.set_value(st); });
  release.set_value();
  EXPECT_FALSE(a_done.get_future().get().ok());
  EXPECT_FALSE(b_done.get_future().get().ok());
  EXPECT_EQ(Count(), 1);
  STORAGE_EXPECT_OK((*writer)->SubmitAndWait([](Connection& c) {
    return c.Execute("INSERT INTO t (name) VALUES ($1)", {std::string("after")}).status();
  }));
  EXPECT_EQ(Count(), 2);
}

// A read_url that names a server not replaying WAL (a primary, say one promoted after a failover)
// cannot prove that it holds a caller's write: reads without a fence may use it, fenced reads go
// to the primary. The fence itself is the primary's WAL position and grows with writes.
TEST_F(PostgresConnectionTest, ReadRoutingSendsFencedReadsToThePrimaryUnlessTheReplicaReplays) {
  auto other = OpenDatabase(test_db_.url(), {.pool_size = 2, .busy_timeout_ms = 5000});
  STORAGE_ASSERT_OK(other);
  ReadRouting routing(*db_, std::move(*other));
  ASSERT_TRUE(routing.has_replica());
  auto before = routing.WriteFence();
  STORAGE_ASSERT_OK(before);
  ASSERT_TRUE(ParseLsn(*before).has_value()) << *before;
  {
    auto conn = db_->Acquire();
    STORAGE_ASSERT_OK(conn);
    STORAGE_ASSERT_OK((*conn)->Execute("INSERT INTO t (name) VALUES ('fenced')"));
  }
  auto after = routing.WriteFence();
  STORAGE_ASSERT_OK(after);
  ASSERT_TRUE(ParseLsn(*after).has_value()) << *after;
  EXPECT_GT(*ParseLsn(*after), *ParseLsn(*before));

  bool on_replica = false;
  {
    auto conn = routing.AcquireForRead("", &on_replica);
    STORAGE_ASSERT_OK(conn);
    EXPECT_TRUE(on_replica);
  }
  {
    auto conn = routing.AcquireForRead(*after, &on_replica);
    STORAGE_ASSERT_OK(conn);
    EXPECT_FALSE(on_replica);
    auto rows = (*conn)->Query("SELECT COUNT(*) FROM t WHERE name = 'fenced'");
    STORAGE_ASSERT_OK(rows);
    EXPECT_EQ((*rows)[0].Int(0), 1);
  }
  EXPECT_EQ(routing.reads_on_replica(), 1);
  EXPECT_EQ(routing.reads_on_primary(), 1);
}

// A pooled session the server dropped is reported, and the next statement reconnects it.
TEST_F(PostgresConnectionTest, ADroppedSessionIsBrokenUntilItsNextUse) {
  auto conn = db_->Acquire();
  STORAGE_ASSERT_OK(conn);
  EXPECT_FALSE((*conn)->Broken());
  Terminate(BackendPid(**conn));
  // The first statement may notice the dead session; then the connection says so.
  if (!(*conn)->Query("SELECT 1").ok()) {
    EXPECT_TRUE((*conn)->Broken());
  }
  STORAGE_EXPECT_OK((*conn)->Query("SELECT 1"));
  EXPECT_FALSE((*conn)->Broken());
}

// COPY carries every character a name or an address can hold, NULL apart from "", and reports a
// duplicate key like an INSERT would, leaving the transaction to be rolled back.
TEST_F(PostgresConnectionTest, CopyRowsRoundTripsAwkwardTextAndReportsDuplicates) {
  auto conn = db_->Acquire();
  STORAGE_ASSERT_OK(conn);
  STORAGE_ASSERT_OK((*conn)->ExecuteScript("CREATE TABLE c (id BIGINT PRIMARY KEY, v TEXT)"));
  const std::vector<std::string> texts = {"Nguyễn Văn An", "tab\there", "line\nbreak\r",
                                          "back\\slash \\N", "", "\\."};
  CopyBuffer rows;
  for (size_t i = 0; i < texts.size(); ++i) {
    rows.Int(static_cast<int64_t>(i));
    rows.Text(texts[i]);
    rows.EndRow();
  }
  rows.Int(100);
  rows.TextOrNull("");
  rows.EndRow();
  EXPECT_EQ(rows.rows(), texts.size() + 1);
  STORAGE_ASSERT_OK((*conn)->CopyRows("c", "id, v", rows));
  auto got = (*conn)->Query("SELECT id, v FROM c ORDER BY id");
  STORAGE_ASSERT_OK(got);
  ASSERT_EQ(got->size(), texts.size() + 1);
  for (size_t i = 0; i < texts.size(); ++i) EXPECT_EQ((*got)[i].Text(1), texts[i]) << i;
  EXPECT_TRUE((*got)[texts.size()].IsNull(1));

  STORAGE_ASSERT_OK((*conn)->Begin());
  CopyBuffer again;
  again.Int(100);
  again.Text("taken");
  again.EndRow();
  STORAGE_EXPECT_CODE((*conn)->CopyRows("c", "id, v", again), StatusCode::kAlreadyExists);
  STORAGE_EXPECT_OK((*conn)->Rollback());
  auto count = (*conn)->Query("SELECT COUNT(*) FROM c");
  STORAGE_ASSERT_OK(count);
  EXPECT_EQ((*count)[0].Int(0), static_cast<int64_t>(texts.size() + 1));
}

// Batched lookups are planned for their keys at every call: none of them is kept as a prepared
// statement whose generic plan was made while the table was empty (it would go on scanning the
// whole table as it grows), while an ordinary statement still is.
TEST_F(PostgresConnectionTest, BatchedLookupsArePlannedForTheirKeysAtEveryCall) {
  auto conn = db_->OpenWriterConnection();
  STORAGE_ASSERT_OK(conn);
  Connection& c = **conn;
  const std::vector<Value> keys = {std::string("a"), std::string("b"), std::string("c")};
  for (int i = 0; i < 8; ++i) {  // PostgreSQL turns to a generic plan after five executions
    auto rows = QueryIn(c, "SELECT name FROM t WHERE name", "", keys);
    STORAGE_ASSERT_OK(rows);
    EXPECT_TRUE(rows->empty());
  }
  STORAGE_ASSERT_OK(c.ExecuteScript(
      "INSERT INTO t SELECT 'n' || g FROM generate_series(1, 20000) AS g; ANALYZE t"));
  auto found = QueryIn(c, "SELECT name FROM t WHERE name", "",
                       std::vector<Value>{std::string("n7"), std::string("n19999"), std::string("x")});
  STORAGE_ASSERT_OK(found);
  EXPECT_EQ(found->size(), 2u);
  auto kept = c.Query("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE $1",
                      {std::string("SELECT name FROM t WHERE name IN (%")});
  STORAGE_ASSERT_OK(kept);
  EXPECT_EQ((*kept)[0].Int(0), 0);
  // The same text through Query is prepared and kept, as every ordinary statement is.
  STORAGE_ASSERT_OK(c.Query("SELECT name FROM t WHERE name IN ($1)", {std::string("n1")}));
  kept = c.Query("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE $1",
                 {std::string("SELECT name FROM t WHERE name IN (%")});
  STORAGE_ASSERT_OK(kept);
  EXPECT_EQ((*kept)[0].Int(0), 1);
}

}  // namespace
}  // namespace vaxreg::storage
