// Public verification of QR images cannot starve logins or the server: images decode on their
// own threads behind a bounded queue (503 + Retry-After when full), logins hash on theirs, and
// an image declaring an absurd size is refused from its header (413), not rate-limited (429).

#include <png.h>
#include <zlib.h>

#include <chrono>
#include <random>
#include <thread>

#include "api_fixture.h"
#include "certs/qr/qr_render.h"

namespace vaxreg::testing {
namespace {

using Clock = std::chrono::steady_clock;

// A grey noise PNG: expensive to search for a QR code, and it holds none.
std::string NoisePng(int side, uint32_t seed) {
  std::vector<uint8_t> pixels(static_cast<size_t>(side) * side);
  std::mt19937 rng(seed);
  for (auto& p : pixels) p = static_cast<uint8_t>(rng());
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(side);
  image.height = static_cast<png_uint_32>(side);
  image.format = PNG_FORMAT_GRAY;
  png_alloc_size_t size = 0;
  EXPECT_NE(png_image_write_to_memory(&image, nullptr, &size, 0, pixels.data(), 0, nullptr), 0);
  std::string out(size, '\0');
  EXPECT_NE(png_image_write_to_memory(&image, out.data(), &size, 0, pixels.data(), 0, nullptr), 0);
  out.resize(size);
  return out;
}

class VerifyCapacityTest : public ApiTest {
 protected:
  void Configure(app::Config& config) override {
    config.image_decode_threads = 1;
    config.image_decode_queue = queue_;
    config.max_body_bytes = 8 << 20;
  }

  TestResponse PostImage(const std::string& png) {
    TestHttpClient client(runtime_->port());
    return client.Send(boost::beast::http::verb::post, "/api/v1/verify", png,
                       {{"Content-Type", "image/png"}});
  }

  int queue_ = 1;
};

TEST_F(VerifyCapacityTest, AnAbsurdDeclaredSizeIs413) {
  Result<std::string> png = certs::RenderQrPng("HC1:TEST", {4, 4});
  ASSERT_TRUE(png.ok());
  std::string absurd = *png;
  auto put = [&absurd](size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) absurd[at + i] = static_cast<char>((v >> (24 - 8 * i)) & 0xff);
  };
  put(16, 100000);
  put(20, 100000);
  put(29, static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(absurd.data() + 12), 17)));
  auto res = PostImage(absurd);
  EXPECT_EQ(res.status, 413) << res.body;
  EXPECT_NE(res.body.find("100000x100000"), std::string::npos) << res.body;
}

TEST_F(VerifyCapacityTest, AFullImageQueueAnswers503WithRetryAfter) {
  const std::string noise = NoisePng(1400, 7);
  constexpr int kClients = 6;
  std::vector<TestResponse> answers(kClients);
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] { answers[i] = PostImage(noise); });
  }
  for (auto& t : threads) t.join();
  int busy = 0, decoded = 0;
  for (const auto& a : answers) {
    if (a.status == 503) {
      ++busy;
      EXPECT_EQ(a.headers.at("Retry-After"), "2") << a.body;
      EXPECT_NE(a.body.find("UNAVAILABLE"), std::string::npos) << a.body;
    } else {
      ++decoded;
      EXPECT_EQ(a.status, 400) << a.body;  // noise holds no QR code
    }
  }
  EXPECT_GE(decoded, 1);
  EXPECT_GE(busy, 1) << "six simultaneous images through a queue of one all went through";
  // The queue frees its places: a later image is decoded again.
  EXPECT_EQ(PostImage(noise).status, 400);
}

class LoginDuringImageFloodTest : public VerifyCapacityTest {
 protected:
  void SetUp() override {
    queue_ = 4;
    VerifyCapacityTest::SetUp();
  }
};

TEST_F(LoginDuringImageFloodTest, LoginsDoNotWaitBehindImageDecoding) {
  CreateAccount("flood.admin", auth::Role::kAdmin);
  const std::string noise = NoisePng(1400, 11);
  // Four images fill the queue of the one decoding thread: they finish one after another.
  std::vector<Clock::time_point> image_done(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      auto r = PostImage(noise);
      EXPECT_TRUE(r.status == 400 || r.status == 503) << r.status << " " << r.body;
      image_done[i] = Clock::now();
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  // A login sent while they decode completes before the last of them: it never queues behind
  // image work (before, both shared one pool of two threads).
  Login("flood.admin", auth::Role::kAdmin);
  const Clock::time_point login_done = Clock::now();
  for (auto& t : threads) t.join();
  const Clock::time_point last_image = *std::max_element(image_done.begin(), image_done.end());
  EXPECT_LT(login_done, last_image);
}

}  // namespace
}  // namespace vaxreg::testing
