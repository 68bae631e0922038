#pragma once
// Tests with two vaxreg servers on one database, as a ministry runs them behind a load balancer
// (ApiTest::StartAnotherServer): the second server, reads that see every server's commits, and
// waiting for what background workers do within seconds.

#include <chrono>
#include <string>
#include <thread>

#include "api_fixture.h"

namespace vaxreg::testing {

// Polls `done` every 50 ms for up to 20 s: generous, since the workers poll every 100 ms in
// these tests but the machine may be slow and busy.
template <typename Fn>
bool Eventually(Fn done) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

// What the server on `port` says of `hc1` (POST /api/v1/verify): "valid", or the first failure
// code.
inline std::string VerifyVerdict(uint16_t port, const std::string& hc1) {
  TestHttpClient client(port);
  auto r = client.Send(boost::beast::http::verb::post, "/api/v1/verify", hc1,
                       {{"Content-Type", "text/plain"}});
  if (r.status != 200) return "http " + std::to_string(r.status);
  const auto v = r.Json().as_object();
  if (v.at("valid").as_bool()) return "valid";
  return std::string(v.at("failures").as_array().at(0).at("code").as_string());
}

class TwoServerTest : public ApiTest {
 protected:
  void StartSecondServer() {
    second_ = StartAnotherServer();
    ASSERT_NE(second_, nullptr);
  }

  void TearDown() override {
    if (second_) second_->Shutdown();
    second_.reset();
    ApiTest::TearDown();
  }

  // The first column of the first row of `sql`, read on the writer's connection: it sees every
  // commit of both servers, where a pooled SQLite reader may still hold a snapshot taken a few
  // milliseconds earlier (database.sqlite_read_snapshot_ms).
  int64_t Count(const std::string& sql) {
    int64_t n = -1;
    Status st = runtime_->writer().SubmitAndWait([&](storage::Connection& c) -> Status {
      ASSIGN_OR_RETURN(storage::Rows rows, c.Query(sql));
      if (!rows.empty()) n = rows[0].Int(0);
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return n;
  }

  std::unique_ptr<app::Runtime> second_;
};

}  // namespace vaxreg::testing
