// GCC 12 at -O2 reports -Wnull-dereference false positives inside Asio's inlined executor code;
// diagnostic pragmas apply by source location, so this silences only the Boost headers.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include "http/static_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <fstream>
#pragma GCC diagnostic pop

namespace vaxreg::http {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("vaxreg_static_test_" + std::to_string(::getpid()));
    fs::remove_all(base_);
    root_ = base_ / "web";
    fs::create_directories(root_ / "assets");
    fs::create_directories(root_ / "docs");
    fs::create_directories(base_ / "web-private");
    Write(root_ / "index.html", "<h1>home</h1>");
    Write(root_ / "assets" / "app.js", "console.log(1)");
    Write(root_ / "assets" / "logo.SVG", "<svg/>");
    Write(root_ / "docs" / "index.html", "<h1>docs</h1>");
    Write(root_ / "data.bin", "xyz");
    Write(root_ / ".env", "SECRET=1");
    Write(base_ / "secret.txt", "top-secret-content");
    Write(base_ / "web-private" / "x.txt", "sibling");
    fs::create_directory_symlink(base_, root_ / "escape");
    route_ = StaticFilesRoute(root_);
  }
  void TearDown() override { fs::remove_all(base_); }

  static void Write(const fs::path& p, const std::string& s) { std::ofstream(p) << s; }

  Response Get(const std::string& path) {
    Request req{beast::http::verb::get, "/" + path, 11};
    RequestContext ctx{req, "rid", "127.0.0.1", {{"path", path}}, std::nullopt, route_.pattern};
    asio::io_context ioc;
    auto fut = asio::co_spawn(ioc, route_.handler(ctx), asio::use_future);
    ioc.run();
    return fut.get();
  }

  fs::path base_;
  fs::path root_;
  Route route_{beast::http::verb::get, "", auth::AccessRule::Public(), nullptr};
};

TEST_F(StaticFilesTest, IsAPublicGetCatchAll) {
  EXPECT_EQ(route_.method, beast::http::verb::get);
  EXPECT_EQ(route_.pattern, "/{path...}");
  EXPECT_TRUE(route_.access.is_public());
}

TEST_F(StaticFilesTest, ServesFilesWithContentTypes) {
  struct Case {
    std::string path;
    std::string body;
    std::string type;
  };
  const Case cases[] = {
      {"", "<h1>home</h1>", "text/html; charset=utf-8"},
      {"index.html", "<h1>home</h1>", "text/html; charset=utf-8"},
      {"docs", "<h1>docs</h1>", "text/html; charset=utf-8"},
      {"docs/", "<h1>docs</h1>", "text/html; charset=utf-8"},
      {"assets/app.js", "console.log(1)", "text/javascript; charset=utf-8"},
      {"assets/logo.SVG", "<svg/>", "image/svg+xml"},
      {"data.bin", "xyz", "application/octet-stream"},
  };
  for (const Case& c : cases) {
    Response res = Get(c.path);
    EXPECT_EQ(res.result(), beast::http::status::ok) << c.path;
    EXPECT_EQ(res.body(), c.body) << c.path;
    EXPECT_EQ(res[beast::http::field::content_type], c.type) << c.path;
  }
}

TEST_F(StaticFilesTest, RefusesToLeaveTheRoot) {
  const std::pair<std::string, beast::http::status> cases[] = {
      {"missing.txt", beast::http::status::not_found},
      {"assets", beast::http::status::not_found},  // directory without index.html
      {".env", beast::http::status::not_found},
      {"assets/.hidden", beast::http::status::not_found},
      {"../secret.txt", beast::http::status::bad_request},
      {"assets/../../secret.txt", beast::http::status::bad_request},
      {"/etc/passwd", beast::http::status::bad_request},
      {"escape/secret.txt", beast::http::status::bad_request},  // symlink out of the root
      {"../web-private/x.txt", beast::http::status::bad_request},
  };
  for (const auto& [path, status] : cases) {
    Response res = Get(path);
    EXPECT_EQ(res.result(), status) << path;
    EXPECT_EQ(res.body().find("top-secret"), std::string::npos) << path;
    EXPECT_EQ(res.body().find("SECRET"), std::string::npos) << path;
    EXPECT_TRUE(boost::json::parse(res.body()).as_object().contains("error")) << path;
  }
}

}  // namespace
}  // namespace vaxreg::http
