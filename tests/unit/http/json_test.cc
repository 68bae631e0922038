#include "http/json.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace vaxreg::http {
namespace {

Request JsonRequest(std::string body, std::string content_type = "application/json") {
  Request req{beast::http::verb::post, "/x", 11};
  if (!content_type.empty()) req.set(beast::http::field::content_type, content_type);
  req.body() = std::move(body);
  req.prepare_payload();
  return req;
}

std::string Nested(int depth) {
  return std::string(static_cast<size_t>(depth), '[') +
         std::string(static_cast<size_t>(depth), ']');
}

TEST(ParseJsonObjectTest, AcceptsObjects) {
  const std::pair<std::string, std::string> cases[] = {
      {R"({})", "application/json"},
      {R"({"a":1,"b":[true,null,"x"],"c":{"d":1.5}})", "application/json"},
      {R"(  {"name":"Nguyễn Văn A"}  )", "application/json; charset=utf-8"},
      {R"({"a":1})", "Application/JSON"},
      {R"({"a":1})", "application/merge-patch+json"},
      {R"({"a":1})", ""},  // no Content-Type: accepted
      {"{\"deep\":" + Nested(31) + "}", "application/json"},
  };
  for (const auto& [body, type] : cases) {
    Result<boost::json::object> r = ParseJsonObject(JsonRequest(body, type));
    EXPECT_TRUE(r.ok()) << body << " / " << type << ": " << r.status().ToString();
  }
}

TEST(ParseJsonObjectTest, RejectsBadBodies) {
  struct Case {
    std::string body;
    std::string content_type;
    std::string message_part;
    std::string field;
  };
  const Case cases[] = {
      {"", "application/json", "empty", "body"},
      {"{\"username\": ", "application/json", "malformed JSON at offset", "body"},
      {"{\"a\":1,}", "application/json", "malformed JSON at offset", "body"},
      {"{\"a\":1} x", "application/json", "malformed JSON at offset", "body"},
      {"{'a':1}", "application/json", "malformed JSON at offset 1", "body"},
      {"{\"a\":1 /* c */}", "application/json", "malformed JSON", "body"},
      {"{\"a\":\"\\ud800\"}", "application/json", "malformed JSON", "body"},  // lone surrogate
      {"{\"username\":\"\xff\xfe\"}", "application/json", "UTF-8 at offset 13", "body"},
      {"{\"a\":\"\xc0\xaf\"}", "application/json", "UTF-8", "body"},          // overlong '/'
      {"{\"a\":\"\xed\xa0\x80\"}", "application/json", "UTF-8", "body"},      // surrogate
      {"{\"a\":\"\xf4\x90\x80\x80\"}", "application/json", "UTF-8", "body"},  // > U+10FFFF
      {"{\"a\":\"\xe2\x82\"}", "application/json", "UTF-8", "body"},          // truncated
      {"[1,2,3]", "application/json", "must be a JSON object, got array", "body"},
      {"\"text\"", "application/json", "must be a JSON object, got string", "body"},
      {"null", "application/json", "got null", "body"},
      {"42", "application/json", "got integer", "body"},
      {"{\"deep\":" + Nested(32) + "}", "application/json", "deeper than 32", "body"},
      {Nested(10000), "application/json", "deeper than 32", "body"},
      {R"({"a":1})", "text/plain", "content-type must be application/json", "content-type"},
      {R"({"a":1})", "application/x-www-form-urlencoded", "content-type", "content-type"},
      {R"({"a":1})", "application/jsonp", "content-type", "content-type"},
  };
  for (const Case& c : cases) {
    Result<boost::json::object> r = ParseJsonObject(JsonRequest(c.body, c.content_type));
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.body;
    EXPECT_NE(r.status().message().find(c.message_part), std::string::npos)
        << c.body << ": " << r.status().message();
    EXPECT_EQ(r.status().field(), c.field) << c.body;
  }
}

TEST(ParseJsonObjectTest, LastDuplicateKeyWins) {
  Result<boost::json::object> r = ParseJsonObjectBody(R"({"a":1,"a":2})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at("a"), 2);
}

class FieldGetterTest : public ::testing::Test {
 protected:
  boost::json::object obj_ = boost::json::parse(R"({
      "name": "alice", "age": 42, "big": 18446744073709551615, "ratio": 1.5, "whole": 2.0,
      "flag": true, "nothing": null, "list": [1, 2], "obj": {}, "neg": -7})")
                                 .as_object();
};

TEST_F(FieldGetterTest, Strings) {
  EXPECT_EQ(RequireString(obj_, "name").value(), "alice");
  EXPECT_EQ(OptionalString(obj_, "name").value(), std::optional<std::string>("alice"));
  EXPECT_EQ(OptionalString(obj_, "missing").value(), std::nullopt);
  EXPECT_EQ(OptionalString(obj_, "nothing").value(), std::nullopt);

  Status missing = RequireString(obj_, "username").status();
  EXPECT_EQ(missing.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(missing.message(), "field 'username' is required");
  EXPECT_EQ(missing.field(), "username");
  EXPECT_EQ(RequireString(obj_, "nothing").status().message(), "field 'nothing' is required");

  Status wrong = RequireString(obj_, "age").status();
  EXPECT_EQ(wrong.message(), "field 'age' must be a string, got integer");
  EXPECT_EQ(wrong.field(), "age");
  EXPECT_EQ(OptionalString(obj_, "list").status().message(),
            "field 'list' must be a string, got array");
}

TEST_F(FieldGetterTest, Integers) {
  EXPECT_EQ(RequireInt(obj_, "age").value(), 42);
  EXPECT_EQ(RequireInt(obj_, "neg").value(), -7);
  EXPECT_EQ(OptionalInt(obj_, "age").value(), std::optional<int64_t>(42));
  EXPECT_EQ(OptionalInt(obj_, "missing").value(), std::nullopt);
  EXPECT_EQ(RequireInt(obj_, "name").status().message(),
            "field 'name' must be an integer, got string");
  EXPECT_EQ(RequireInt(obj_, "ratio").status().message(),
            "field 'ratio' must be an integer, got number");
  EXPECT_EQ(RequireInt(obj_, "whole").status().message(),
            "field 'whole' must be an integer, got number");
  EXPECT_EQ(RequireInt(obj_, "big").status().message(), "field 'big' is out of range");
  EXPECT_EQ(RequireInt(obj_, "missing").status().message(), "field 'missing' is required");
  EXPECT_EQ(OptionalInt(obj_, "flag").status().field(), "flag");
}

TEST_F(FieldGetterTest, BoolsAndArrays) {
  EXPECT_TRUE(OptionalBool(obj_, "flag", false).value());
  EXPECT_FALSE(OptionalBool(obj_, "missing", false).value());
  EXPECT_TRUE(OptionalBool(obj_, "nothing", true).value());
  EXPECT_EQ(OptionalBool(obj_, "age", false).status().message(),
            "field 'age' must be a boolean, got integer");

  Result<const boost::json::array*> list = RequireArray(obj_, "list");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ((*list)->size(), 2u);
  EXPECT_EQ(RequireArray(obj_, "obj").status().message(),
            "field 'obj' must be an array, got object");
  EXPECT_EQ(RequireArray(obj_, "missing").status().field(), "missing");
}

Request WithTarget(std::string target) { return Request{beast::http::verb::get, target, 11}; }

TEST(QueryParamTest, DecodesAndValidates) {
  const Request req = WithTarget("/x?limit=5&name=Nguy%E1%BB%85n+V%C4%83n&empty=&flag");
  EXPECT_EQ(QueryParam(req, "limit").value(), "5");
  EXPECT_EQ(QueryParam(req, "name").value(), "Nguyễn Văn");
  EXPECT_EQ(QueryParam(req, "empty").value(), "");
  EXPECT_EQ(QueryParam(req, "flag").value(), "");
  EXPECT_EQ(OptionalQueryParam(req, "absent").value(), std::nullopt);

  Status missing = QueryParam(req, "after").status();
  EXPECT_EQ(missing.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(missing.message(), "query parameter 'after' is required");
  EXPECT_EQ(missing.field(), "after");

  Status twice = OptionalQueryParam(WithTarget("/x?a=1&a=2"), "a").status();
  EXPECT_EQ(twice.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(twice.field(), "a");
  EXPECT_EQ(OptionalQueryParam(WithTarget("/x"), "a").value(), std::nullopt);
  EXPECT_FALSE(OptionalQueryParam(WithTarget("/x?a=%zz"), "a").ok());
}

}  // namespace
}  // namespace vaxreg::http
