#include "http/error_mapping.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "http/json.h"

namespace vaxreg::http {
namespace {

using beast::http::status;

TEST(ErrorMappingTest, MapsEveryCode) {
  const std::pair<StatusCode, status> cases[] = {
      {StatusCode::kOk, status::ok},
      {StatusCode::kInvalidArgument, status::bad_request},
      {StatusCode::kNotFound, status::not_found},
      {StatusCode::kAlreadyExists, status::conflict},
      {StatusCode::kFailedPrecondition, status::conflict},
      {StatusCode::kUnauthenticated, status::unauthorized},
      {StatusCode::kPermissionDenied, status::forbidden},
      {StatusCode::kResourceExhausted, status::too_many_requests},
      {StatusCode::kUnavailable, status::service_unavailable},
      {StatusCode::kDeadlineExceeded, status::gateway_timeout},
      {StatusCode::kInternal, status::internal_server_error},
  };
  for (const auto& [code, http_status] : cases) {
    EXPECT_EQ(HttpStatusFor(code), http_status) << StatusCodeName(code);
  }
}

Request MakeRequest(unsigned version = 11, bool keep_alive = true) {
  Request req{beast::http::verb::get, "/x", version};
  req.keep_alive(keep_alive);
  return req;
}

TEST(ErrorResponseTest, HasTheOneErrorShape) {
  Response res = ErrorResponse(
      InvalidArgumentError("field 'age' must be an integer, got string", "age"), MakeRequest());
  EXPECT_EQ(res.result(), status::bad_request);
  EXPECT_EQ(res[beast::http::field::content_type], "application/json; charset=utf-8");
  EXPECT_EQ(res[beast::http::field::content_length], std::to_string(res.body().size()));
  EXPECT_TRUE(res.keep_alive());
  EXPECT_EQ(boost::json::parse(res.body()),
            boost::json::parse(R"({"error":{"code":"INVALID_ARGUMENT",
                "message":"field 'age' must be an integer, got string","field":"age",
                "reason":"field.not_integer","params":{"field":"age","kind":"string"}}})"));
}

TEST(ErrorResponseTest, OmitsEmptyFieldAndFollowsTheRequest) {
  // A message outside the catalogue: no reason, no params.
  Response res = ErrorResponse(NotFoundError("no widget 7"), MakeRequest(10, false));
  EXPECT_EQ(res.result(), status::not_found);
  EXPECT_EQ(res.version(), 10u);
  EXPECT_FALSE(res.keep_alive());
  EXPECT_EQ(boost::json::parse(res.body()),
            boost::json::parse(R"({"error":{"code":"NOT_FOUND","message":"no widget 7"}})"));
}

TEST(ErrorResponseTest, UnauthenticatedAsksForBearer) {
  Response res = ErrorResponse(UnauthenticatedError("token expired"), MakeRequest());
  EXPECT_EQ(res.result(), status::unauthorized);
  EXPECT_EQ(res[beast::http::field::www_authenticate], "Bearer");
}

TEST(ErrorResponseTest, ExplicitStatusAndOkStatusBug) {
  Response res =
      ErrorResponse(status::payload_too_large, ResourceExhaustedError("too big"), MakeRequest());
  EXPECT_EQ(res.result(), status::payload_too_large);
  EXPECT_EQ(boost::json::parse(res.body()).at("error").at("code"), "RESOURCE_EXHAUSTED");
  Response bug = ErrorResponse(Status::Ok(), MakeRequest());
  EXPECT_EQ(bug.result(), status::internal_server_error);
  EXPECT_EQ(boost::json::parse(bug.body()).at("error").at("code"), "INTERNAL");
}

TEST(JsonResponseTest, SerialisesWithHeaders) {
  Response res = JsonResponse(status::created, boost::json::object{{"id", 5}}, MakeRequest());
  EXPECT_EQ(res.result(), status::created);
  EXPECT_EQ(res.body(), R"({"id":5})");
  EXPECT_EQ(res[beast::http::field::cache_control], "no-store");
  EXPECT_EQ(res[beast::http::field::content_length], "8");
}

}  // namespace
}  // namespace vaxreg::http
