#include "http/error_mapping.h"

namespace vaxreg::http {

boost::beast::http::status HttpStatusFor(StatusCode code) {
  using boost::beast::http::status;
  switch (code) {
    case StatusCode::kOk:
      return status::ok;
    case StatusCode::kInvalidArgument:
      return status::bad_request;
    case StatusCode::kNotFound:
      return status::not_found;
    case StatusCode::kAlreadyExists:
      return status::conflict;
    case StatusCode::kFailedPrecondition:
      return status::conflict;
    case StatusCode::kUnauthenticated:
      return status::unauthorized;
    case StatusCode::kPermissionDenied:
      return status::forbidden;
    case StatusCode::kResourceExhausted:
      return status::too_many_requests;
    case StatusCode::kUnavailable:
    case StatusCode::kAborted:  // the writer already retried; the client may too
      return status::service_unavailable;
    case StatusCode::kDeadlineExceeded:
      return status::gateway_timeout;
    case StatusCode::kInternal:
      return status::internal_server_error;
  }
  return status::internal_server_error;
}

}  // namespace vaxreg::http
