#include "http/router.h"

#include <gtest/gtest.h>

#include <boost/asio/use_awaitable.hpp>

namespace vaxreg::http {
namespace {

using beast::http::verb;

Handler Noop() {
  return [](RequestContext& ctx) -> asio::awaitable<Response> {
    co_return Response{beast::http::status::ok, ctx.request.version()};
  };
}

Route MakeRoute(verb method, std::string pattern,
                auth::AccessRule access = auth::AccessRule::Public()) {
  return Route{method, std::move(pattern), std::move(access), Noop()};
}

Router TestRouter() {
  Router r;
  r.Add(MakeRoute(verb::get, "/"));
  r.Add(MakeRoute(verb::get, "/api/v1/users"));
  r.Add(MakeRoute(verb::post, "/api/v1/users"));
  r.Add(MakeRoute(verb::get, "/api/v1/users/{id}"));
  r.Add(MakeRoute(verb::delete_, "/api/v1/users/{id}"));
  r.Add(MakeRoute(verb::get, "/api/v1/users/me"));
  r.Add(MakeRoute(verb::get, "/api/v1/users/{id}/doses/{dose}"));
  r.Add(MakeRoute(verb::get, "/files/{path...}"));
  r.Add(MakeRoute(verb::get, "/files/special"));
  r.Add(MakeRoute(verb::put, "/a/{x}/c"));
  r.Add(MakeRoute(verb::put, "/a/b/{y}"));
  return r;
}

TEST(RouterTest, MatchesTable) {
  const Router router = TestRouter();
  struct Case {
    verb method;
    std::string path;
    MatchKind kind;
    std::string pattern;  // when found
    PathParams params;    // when found
    std::string allow;    // when 405
  };
  const Case cases[] = {
      {verb::get, "/", MatchKind::kFound, "/", {}, ""},
      {verb::get, "/api/v1/users", MatchKind::kFound, "/api/v1/users", {}, ""},
      {verb::post, "/api/v1/users", MatchKind::kFound, "/api/v1/users", {}, ""},
      {verb::get, "/api/v1/users/42", MatchKind::kFound, "/api/v1/users/{id}", {{"id", "42"}}, ""},
      // A literal segment beats a parameter.
      {verb::get, "/api/v1/users/me", MatchKind::kFound, "/api/v1/users/me", {}, ""},
      // ...but only for its own method: DELETE /users/me falls back to the parameter route.
      {verb::delete_,
       "/api/v1/users/me",
       MatchKind::kFound,
       "/api/v1/users/{id}",
       {{"id", "me"}},
       ""},
      {verb::get,
       "/api/v1/users/7/doses/2",
       MatchKind::kFound,
       "/api/v1/users/{id}/doses/{dose}",
       {{"id", "7"}, {"dose", "2"}},
       ""},
      // Parameters hold decoded text, including characters that were escaped.
      {verb::get,
       "/api/v1/users/a b",
       MatchKind::kFound,
       "/api/v1/users/{id}",
       {{"id", "a b"}},
       ""},
      {verb::get, "/files/", MatchKind::kFound, "/files/{path...}", {{"path", ""}}, ""},
      {verb::get, "/files", MatchKind::kFound, "/files/{path...}", {{"path", ""}}, ""},
      {verb::get,
       "/files/a/b/c.js",
       MatchKind::kFound,
       "/files/{path...}",
       {{"path", "a/b/c.js"}},
       ""},
      {verb::get, "/files/special", MatchKind::kFound, "/files/special", {}, ""},
      {verb::get,
       "/files/special/x",
       MatchKind::kFound,
       "/files/{path...}",
       {{"path", "special/x"}},
       ""},
      // Leftmost literal wins between two half-literal patterns.
      {verb::put, "/a/b/c", MatchKind::kFound, "/a/b/{y}", {{"y", "c"}}, ""},
      {verb::put, "/a/z/c", MatchKind::kFound, "/a/{x}/c", {{"x", "z"}}, ""},
      // Not found: no pattern matches the path at all.
      {verb::get, "/api/v1", MatchKind::kNotFound, "", {}, ""},
      {verb::get, "/api/v1/users/", MatchKind::kNotFound, "", {}, ""},  // empty {id}
      {verb::get, "/api/v1/users/1/doses", MatchKind::kNotFound, "", {}, ""},
      {verb::get, "/API/v1/users", MatchKind::kNotFound, "", {}, ""},
      // Method not allowed: the path matches, the method does not.
      {verb::put, "/api/v1/users", MatchKind::kMethodNotAllowed, "", {}, "GET, POST"},
      {verb::post, "/api/v1/users/1", MatchKind::kMethodNotAllowed, "", {}, "DELETE, GET"},
      {verb::post, "/api/v1/users/me", MatchKind::kMethodNotAllowed, "", {}, "DELETE, GET"},
      {verb::delete_, "/files/x", MatchKind::kMethodNotAllowed, "", {}, "GET"},
      {verb::head, "/", MatchKind::kMethodNotAllowed, "", {}, "GET"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(beast::http::to_string(c.method)) + " " + c.path);
    MatchResult m = router.Match(c.method, c.path);
    EXPECT_EQ(m.kind, c.kind);
    if (c.kind == MatchKind::kFound) {
      ASSERT_NE(m.route, nullptr);
      EXPECT_EQ(m.route->pattern, c.pattern);
      EXPECT_EQ(m.route->method, c.method);
      EXPECT_EQ(m.params, c.params);
      EXPECT_TRUE(m.allowed.empty());
    } else {
      EXPECT_EQ(m.route, nullptr);
      EXPECT_EQ(m.AllowHeader(), c.allow);
    }
  }
}

TEST(RouterTest, RootCatchAllMatchesEverything) {
  Router router;
  router.Add(MakeRoute(verb::get, "/{path...}"));
  router.Add(MakeRoute(verb::get, "/healthz"));
  EXPECT_EQ(router.Match(verb::get, "/").params.at("path"), "");
  EXPECT_EQ(router.Match(verb::get, "/index.html").params.at("path"), "index.html");
  EXPECT_EQ(router.Match(verb::get, "/healthz").route->pattern, "/healthz");
  EXPECT_EQ(router.Match(verb::get, "/healthz/x").route->pattern, "/{path...}");
  EXPECT_EQ(router.Match(verb::post, "/x").kind, MatchKind::kMethodNotAllowed);
}

TEST(RouterTest, ExactPatternBeatsEmptyCatchAll) {
  Router router;
  router.Add(MakeRoute(verb::get, "/docs/{rest...}"));
  router.Add(MakeRoute(verb::get, "/docs"));
  EXPECT_EQ(router.Match(verb::get, "/docs").route->pattern, "/docs");
  EXPECT_EQ(router.Match(verb::get, "/docs/").route->pattern, "/docs/{rest...}");
}

TEST(RouterTest, KeepsRoutesInOrder) {
  const Router router = TestRouter();
  ASSERT_EQ(router.routes().size(), 11u);
  EXPECT_EQ(router.routes()[0].pattern, "/");
  EXPECT_EQ(router.routes()[3].pattern, "/api/v1/users/{id}");
}

using RouterDeathTest = ::testing::Test;

TEST(RouterDeathTest, RejectsDuplicatesAndMalformedPatterns) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto add = [](std::vector<Route> routes) {
    Router r;
    for (Route& route : routes) r.Add(std::move(route));
  };
  EXPECT_DEATH(add({MakeRoute(verb::get, "/a"), MakeRoute(verb::get, "/a")}), "CHECK");
  // Parameter names do not make two shapes different.
  EXPECT_DEATH(add({MakeRoute(verb::get, "/u/{id}"), MakeRoute(verb::get, "/u/{name}")}), "CHECK");
  EXPECT_DEATH(add({MakeRoute(verb::get, "/f/{a...}"), MakeRoute(verb::get, "/f/{b...}")}),
               "CHECK");
  EXPECT_DEATH(add({MakeRoute(verb::get, "no-slash")}), "CHECK");
  EXPECT_DEATH(add({MakeRoute(verb::get, "")}), "CHECK");
  EXPECT_DEATH(add({MakeRoute(verb::get, "/a//b")}), "CHECK");
  EXPECT_DEATH(add({MakeRoute(verb::get, "/a/")}), "CHECK");
  EXPECT_DEATH(add({MakeRoute(verb::get, "/{}")}), "CHECK");
  EXPECT_DEATH(add({MakeRoute(verb::get, "/{id")}), "CHECK");
  EXPECT_DEATH(add({MakeRoute(verb::get, "/x{id}")}), "CHECK");
  EXPECT_DEATH(add({MakeRoute(verb::get, "/{a-b}")}), "CHECK");
  EXPECT_DEATH(add({MakeRoute(verb::get, "/{rest...}/x")}), "CHECK");
  EXPECT_DEATH(add({MakeRoute(verb::get, "/{id}/{id}")}), "CHECK");
  EXPECT_DEATH(add({MakeRoute(verb::get, "/a/../b")}), "CHECK");
  EXPECT_DEATH(add({MakeRoute(verb::get, "/a", auth::AccessRule::Roles({}))}), "CHECK");
  EXPECT_DEATH(add({Route{verb::get, "/a", auth::AccessRule::Public(), nullptr}}), "CHECK");
}

TEST(RouterTest, SameShapeWithAnotherMethodIsFine) {
  Router r;
  r.Add(MakeRoute(verb::get, "/u/{id}"));
  r.Add(MakeRoute(verb::put, "/u/{id}"));
  EXPECT_EQ(r.routes().size(), 2u);
}

TEST(DecodeTargetPathTest, AcceptsAndDecodes) {
  const std::pair<std::string, std::string> cases[] = {
      {"/", "/"},
      {"/api/v1/users?limit=5&after=2", "/api/v1/users"},
      {"/a%20b/c", "/a b/c"},
      {"/files/a%2Fb", "/files/a/b"},
      {"/x/", "/x/"},
      {"/caf%C3%A9", "/caf\xc3\xa9"},
      {"/a.b/..c/...", "/a.b/..c/..."},  // dots inside names are fine
  };
  for (const auto& [target, path] : cases) {
    Result<std::string> r = DecodeTargetPath(target);
    ASSERT_TRUE(r.ok()) << target << ": " << r.status().ToString();
    EXPECT_EQ(*r, path) << target;
  }
}

TEST(DecodeTargetPathTest, RejectsBadTargets) {
  const std::string cases[] = {
      "",
      "*",
      "http://example.com/",
      "example.com:443",
      "relative/path",
      "/../etc/passwd",
      "/a/../b",
      "/./a",
      "/a/.",
      "/%2e%2e/etc/passwd",
      "/%2E%2E/etc/passwd",
      "/static/..%2f..%2fetc/passwd",
      "/static/%2e%2e%2f%2e%2e%2fetc/passwd",
      "/a/%2e/b",
      "/a%00b",
      std::string("/a\0b", 4),
      "/a%0d%0aSet-Cookie:x",
      "/a%zz",
      "/a%",
      "/a#frag",
      "//etc/passwd",
      "/a//b",
  };
  for (const std::string& target : cases) {
    Result<std::string> r = DecodeTargetPath(target);
    EXPECT_FALSE(r.ok()) << "accepted: " << target;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << target;
      EXPECT_EQ(r.status().field(), "target");
    }
  }
}

}  // namespace
}  // namespace vaxreg::http
