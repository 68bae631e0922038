#pragma once
// Small helpers shared by the storage tests.

#include <gtest/gtest.h>

#include "common/status.h"

namespace vaxreg::storage {

inline Status StatusOf(const Status& s) { return s; }
template <typename T>
Status StatusOf(const Result<T>& r) {
  return r.status();
}

}  // namespace vaxreg::storage

#define STORAGE_EXPECT_OK(expr)                                                  \
  do {                                                                           \
    const ::vaxreg::Status expect_ok_status = ::vaxreg::storage::StatusOf(expr); \
    EXPECT_TRUE(expect_ok_status.ok()) << expect_ok_status.ToString();           \
  } while (0)

#define STORAGE_ASSERT_OK(expr)                                                  \
  do {                                                                           \
    const ::vaxreg::Status assert_ok_status = ::vaxreg::storage::StatusOf(expr); \
    ASSERT_TRUE(assert_ok_status.ok()) << assert_ok_status.ToString();           \
  } while (0)

#define STORAGE_EXPECT_CODE(expr, expected_code)                                          \
  do {                                                                                    \
    const ::vaxreg::Status expect_code_status = ::vaxreg::storage::StatusOf(expr);        \
    EXPECT_EQ(expect_code_status.code(), expected_code) << expect_code_status.ToString(); \
  } while (0)
