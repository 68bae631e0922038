#pragma once
// The one mapping from Status codes to HTTP statuses (see docs/error-handling.md).

// clang-format off
#include <ostream>  // Boost 1.81's string_view.hpp uses std::ostream without including it
#include <boost/beast/http/status.hpp>
// clang-format on

#include "common/status.h"

namespace vaxreg::http {

// kOk 200, kInvalidArgument 400, kUnauthenticated 401, kPermissionDenied 403, kNotFound 404,
// kAlreadyExists and kFailedPrecondition 409, kResourceExhausted 429, kInternal 500,
// kUnavailable and kAborted 503, kDeadlineExceeded 504. (The server answers an oversized body with 413 and
// RESOURCE_EXHAUSTED itself; that is a transport limit, not a Status from a handler.)
boost::beast::http::status HttpStatusFor(StatusCode code);

}  // namespace vaxreg::http
