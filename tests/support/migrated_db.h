#pragma once
// The base of fixtures that work on a real database: a fresh one on the binary's backend
// (support/backend.h: SQLite, or PostgreSQL for the NAME_pg tests), migrated to the current
// schema, with its group-commit writer running. A derived SetUp starts with
//
//   MigratedDbTest::SetUp();
//   if (IsSkipped() || HasFatalFailure()) return;
//
// TearDown stops the writer before any member goes, since queued writes may refer to the
// derived fixture's members; a derived TearDown that does more calls it first.

#include <gtest/gtest.h>

#include <memory>
#include <utility>

#include "storage/database.h"
#include "storage/group_commit.h"
#include "storage/migrate.h"
#include "support/backend.h"

namespace vaxreg::testing {

class MigratedDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    VAXREG_REQUIRE_BACKEND(test_db_);
    db_ = test_db_.Open();
    const auto migrated = storage::Migrate(*db_);
    ASSERT_TRUE(migrated.ok()) << migrated.status().ToString();
    auto writer = storage::GroupCommitWriter::Start(*db_);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    writer_ = std::move(writer).value();
  }

  void TearDown() override {
    if (writer_) writer_->Stop();
  }

  // Runs `fn` as one durable write and returns its status.
  Status Write(const storage::WriteFn& fn) { return writer_->SubmitAndWait(fn); }

  TestDatabase test_db_{kTestBackend};
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<storage::GroupCommitWriter> writer_;
};

}  // namespace vaxreg::testing
