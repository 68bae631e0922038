#pragma once
// Status and Result<T>: how vaxreg reports expected failures (bad input, not found, conflicts,
// an unreachable database, a bad signature). Broken invariants are not Statuses: they CHECK-fail.
// See docs/error-handling.md. Thread-compatible value types.

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace vaxreg {

// Canonical codes, a subset of absl/gRPC's. http/error_mapping.cc is the one place that maps
// them to HTTP statuses.
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller sent something malformed (400)
  kNotFound,            // the thing named does not exist (404)
  kAlreadyExists,       // a unique key is taken (409)
  kFailedPrecondition,  // the request conflicts with current state (409)
  kUnauthenticated,     // no or bad credentials (401)
  kPermissionDenied,    // authenticated but not allowed (403)
  kResourceExhausted,   // rate limit or size limit hit (429 / 413)
  kUnavailable,         // a dependency (database) is down; retry later (503)
  kAborted,             // a concurrent transaction won (deadlock, serialisation); retry (503)
  kDeadlineExceeded,    // timed out (504 / 408)
  kInternal,            // a bug or unexpected failure (500)
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message, std::string field = {})
      : code_(code), message_(std::move(message)), field_(std::move(field)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  // Human-readable; safe to show to the caller (never contains secrets).
  const std::string& message() const { return message_; }
  // The request field the error is about ("body.cccd"), or empty.
  const std::string& field() const { return field_; }

  // "INVALID_ARGUMENT: message [field]"
  std::string ToString() const;
  // Prefixes the message with context, keeping the code and field.
  Status WithContext(std::string_view context) const;
  // Used by tests and for cheap comparisons.
  bool operator==(const Status& o) const { return code_ == o.code_ && message_ == o.message_; }
  // Marks a status as deliberately ignored.
  void IgnoreError() const {}

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string field_;
};

inline Status InvalidArgumentError(std::string msg, std::string field = {}) {
  return {StatusCode::kInvalidArgument, std::move(msg), std::move(field)};
}
inline Status NotFoundError(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
inline Status AlreadyExistsError(std::string msg, std::string field = {}) {
  return {StatusCode::kAlreadyExists, std::move(msg), std::move(field)};
}
inline Status FailedPreconditionError(std::string msg, std::string field = {}) {
  return {StatusCode::kFailedPrecondition, std::move(msg), std::move(field)};
}
inline Status UnauthenticatedError(std::string msg) {
  return {StatusCode::kUnauthenticated, std::move(msg)};
}
inline Status PermissionDeniedError(std::string msg) {
  return {StatusCode::kPermissionDenied, std::move(msg)};
}
inline Status ResourceExhaustedError(std::string msg) {
  return {StatusCode::kResourceExhausted, std::move(msg)};
}
inline Status UnavailableError(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
inline Status AbortedError(std::string msg) { return {StatusCode::kAborted, std::move(msg)}; }
inline Status DeadlineExceededError(std::string msg) {
  return {StatusCode::kDeadlineExceeded, std::move(msg)};
}
inline Status InternalError(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

// Result<T> holds either a T or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok() && "Result constructed from an OK Status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  // OK when a value is present.
  Status status() const { return ok() ? Status() : std::get<Status>(v_); }

  // Precondition: ok(). Accessing the value of an error Result is a bug.
  T& value() & { return Checked(); }
  const T& value() const& { return const_cast<Result*>(this)->Checked(); }
  T&& value() && { return std::move(Checked()); }
  T& operator*() & { return Checked(); }
  const T& operator*() const& { return const_cast<Result*>(this)->Checked(); }
  T* operator->() { return &Checked(); }
  const T* operator->() const { return &const_cast<Result*>(this)->Checked(); }

  T value_or(T fallback) const& { return ok() ? std::get<T>(v_) : std::move(fallback); }

 private:
  T& Checked();
  std::variant<T, Status> v_;
};

[[noreturn]] void DieBadResultAccess(const Status& s);

template <typename T>
T& Result<T>::Checked() {
  if (!ok()) DieBadResultAccess(std::get<Status>(v_));
  return std::get<T>(v_);
}

}  // namespace vaxreg

#define VAXREG_CONCAT_INNER(a, b) a##b
#define VAXREG_CONCAT(a, b) VAXREG_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function if `expr` is not OK.
#define RETURN_IF_ERROR(expr)                     \
  do {                                            \
    ::vaxreg::Status vaxreg_status_ = (expr);     \
    if (!vaxreg_status_.ok()) return vaxreg_status_; \
  } while (0)

// ASSIGN_OR_RETURN(auto x, ComputeResult()); declares x or returns the error.
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  ASSIGN_OR_RETURN_IMPL(VAXREG_CONCAT(vaxreg_result_, __LINE__), lhs, rexpr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                          \
  if (!tmp.ok()) return tmp.status();          \
  lhs = std::move(tmp).value()

// Crashes loudly when an invariant is broken, in every build type.
#define CHECK(cond)                                                      \
  do {                                                                   \
    if (!(cond)) ::vaxreg::internal::CheckFailed(#cond, __FILE__, __LINE__); \
  } while (0)

namespace vaxreg::internal {
[[noreturn]] void CheckFailed(const char* cond, const char* file, int line);
}
