// Measures, in one run on the same threads and the same disk:
//   raw:   libvips alone on a ~200 KB phone-like JPEG (1600x1200): decode with the same resize
//          rule (long side at most 2,000 px, never enlarged) and re-encode as JPEG Q85 stripped;
//   full:  media::ProcessPhoto (header checks, decode, orientation, sRGB, the 2,000 px photo and
//          the 320 px thumbnail, both encoded and hashed) + PhotoStore::Put of both files with
//          fsync (file, rename, folder), as a photo upload does;
// and prints full/raw. Also the disk's raw fsync rate (append 100 bytes + fdatasync) on the
// same threads, and the raw I/O of one Put (write 200 KB, fsync, rename, fsync the folder).
//
// Each thread stores into its own folder and unlinks the two files after each call, so that
// every Put really writes and syncs (content addressing would otherwise make repeats free).
// Usage: bench_photos [threads=2] [seconds per workload=12] [dir=$TMPDIR or /tmp]

#include <fcntl.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <vips/vips.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/crypto_util.h"
#include "media/photo.h"
#include "media/photo_store.h"

namespace {

using namespace vaxreg;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_photos: %s %s\n", what.c_str(), vips_error_buffer());
  std::exit(1);
}

// Calls of `run(thread_index)` per second on `threads` threads for `seconds` of wall time. The
// stop flag is checked after every call and the rate divides by the time until the last thread
// finished, so calls of tens of milliseconds are counted fairly.
template <typename Run>
double Rate(int threads, double seconds, const Run& run) {
  std::atomic<bool> stop{false};
  std::atomic<long> calls{0};
  std::vector<std::thread> pool;
  const auto start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      long n = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        run(t);
        ++n;
      }
      calls += n;
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : pool) th.join();
  return static_cast<double>(calls.load()) /
         std::chrono::duration<double>(Clock::now() - start).count();
}

// Alternating rounds of `a` and `b`, so that load from other processes hits both alike.
template <typename A, typename B>
std::pair<double, double> Alternating(int threads, double seconds, const A& a, const B& b,
                                      int rounds = 4) {
  double a_sum = 0, b_sum = 0;
  for (int r = 0; r < rounds; ++r) {
    a_sum += Rate(threads, seconds / rounds, a);
    b_sum += Rate(threads, seconds / rounds, b);
  }
  return {a_sum / rounds, b_sum / rounds};
}

struct ImageUnref {
  void operator()(VipsImage* image) const { g_object_unref(image); }
};
using ImagePtr = std::unique_ptr<VipsImage, ImageUnref>;

// 1600x1200: colour ramps, a sine pattern and gaussian grain, like a phone photo of paper.
ImagePtr PhotoLike() {
  const int w = 1600, h = 1200;
  VipsImage *ramp = nullptr, *sines = nullptr, *sines8 = nullptr, *rgb = nullptr;
  if (vips_grey(&ramp, w, h, "uchar", TRUE, nullptr) != 0 ||
      vips_sines(&sines, w, h, "hfreq", 7.0, "vfreq", 5.0, nullptr) != 0 ||
      vips_linear1(sines, &sines8, 90.0, 128.0, "uchar", TRUE, nullptr) != 0) {
    Die("making the picture");
  }
  VipsImage* bands[3] = {ramp, sines8, ramp};
  if (vips_bandjoin(bands, &rgb, 3, nullptr) != 0) Die("bandjoin");
  VipsImage *noise = nullptr, *grainy = nullptr, *out = nullptr;
  if (vips_gaussnoise(&noise, w, h, "mean", 0.0, "sigma", 9.0, nullptr) != 0 ||
      vips_add(rgb, noise, &grainy, nullptr) != 0 || vips_cast_uchar(grainy, &out, nullptr) != 0) {
    Die("adding grain");
  }
  for (VipsImage* i : {ramp, sines, sines8, rgb, noise, grainy}) g_object_unref(i);
  out->Type = VIPS_INTERPRETATION_sRGB;
  VipsImage* memory = vips_image_copy_memory(out);  // the noise is random per evaluation
  g_object_unref(out);
  return ImagePtr(memory);
}

std::string EncodeJpeg(VipsImage* image, int quality) {
  void* buffer = nullptr;
  size_t length = 0;
  if (vips_jpegsave_buffer(image, &buffer, &length, "Q", quality, "strip", TRUE, nullptr) != 0) {
    Die("jpegsave");
  }
  std::string out(static_cast<const char*>(buffer), length);
  g_free(buffer);
  return out;
}

// The quality whose encoding lands closest to `target` bytes.
std::string JpegNear(VipsImage* image, size_t target) {
  std::string best;
  for (int q = 40; q <= 98; q += 2) {
    std::string jpeg = EncodeJpeg(image, q);
    const auto distance = [target](const std::string& s) {
      return s.size() > target ? s.size() - target : target - s.size();
    };
    if (best.empty() || distance(jpeg) < distance(best)) best = std::move(jpeg);
  }
  return best;
}

// What libvips alone does for the same result: the kept photo only, no thumbnail or hashing.
void RawReencode(const std::string& jpeg) {
  VipsImage* thumb = nullptr;
  if (vips_thumbnail_buffer(const_cast<char*>(jpeg.data()), jpeg.size(), &thumb, 2000, "height",
                            2000, "size", VIPS_SIZE_DOWN, nullptr) != 0) {
    Die("raw thumbnail");
  }
  void* buffer = nullptr;
  size_t length = 0;
  const int rc = vips_jpegsave_buffer(thumb, &buffer, &length, "Q", 85, "strip", TRUE, nullptr);
  g_object_unref(thumb);
  if (rc != 0) Die("raw jpegsave");
  g_free(buffer);
}

void ProcessAndStore(const std::string& jpeg, const media::PhotoStore& store) {
  Result<media::ProcessedPhoto> p = media::ProcessPhoto(jpeg, "image/jpeg");
  if (!p.ok()) Die("ProcessPhoto: " + p.status().ToString());
  if (!store.Put(p->sha256, p->full_jpeg).ok() || !store.Put(p->thumb_sha256, p->thumb_jpeg).ok()) {
    Die("Put");
  }
  // Unlinked again so that the next call writes and syncs too (< 1 % of a call).
  ::unlink(store.PathOf(p->sha256)->c_str());
  ::unlink(store.PathOf(p->thumb_sha256)->c_str());
}

double RawFsyncRate(const fs::path& dir, int threads, double seconds) {
  std::vector<int> fds;
  for (int t = 0; t < threads; ++t) {
    const fs::path path = dir / ("fsync-" + std::to_string(t));
    fds.push_back(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (fds.back() < 0) Die("open " + path.string());
  }
  const std::string record(100, 'r');
  const double rate = Rate(threads, seconds, [&](int t) {
    if (::write(fds[t], record.data(), record.size()) != 100 || ::fdatasync(fds[t]) != 0) {
      Die("write/fdatasync");
    }
  });
  for (int fd : fds) ::close(fd);
  return rate;
}

// The I/O of one Put without the library: a new 200 KB file, fsync, rename, fsync the folder.
double RawPutIoRate(const fs::path& dir, int threads, double seconds, const std::string& bytes) {
  std::atomic<long> serial{0};
  return Rate(threads, seconds, [&](int t) {
    const fs::path sub = dir / ("raw-put-" + std::to_string(t));
    fs::create_directories(sub);
    const std::string n = std::to_string(serial++);
    const fs::path tmp = sub / (n + ".tmp"), path = sub / (n + ".jpg");
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0 || ::write(fd, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size()) ||
        ::fsync(fd) != 0 || ::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
      Die("raw put");
    }
    const int dfd = ::open(sub.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || ::fsync(dfd) != 0) Die("fsync dir");
    ::close(dfd);
    ::unlink(path.c_str());
  });
}

long RssKib() {
  std::ifstream status("/proc/self/status");
  std::string key;
  long value = 0;
  while (status >> key) {
    if (key == "VmRSS:") {
      status >> value;
      return value;
    }
  }
  return 0;
}

double ProcessCpuMillis() {
  timespec ts;
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

// Cost of `f` called from one thread: "wall/cpu" milliseconds per call. The CPU time is the
// process's (libvips evaluates on a worker thread of its own while the caller waits); on a
// loaded machine it is the steadier figure, and wall time also includes waiting for fsync.
template <typename F>
std::string MillisPerCall(F f, int n) {
  const auto start = Clock::now();
  const double cpu_start = ProcessCpuMillis();
  for (int i = 0; i < n; ++i) f();
  const double cpu = (ProcessCpuMillis() - cpu_start) / n;
  const double wall = std::chrono::duration<double, std::milli>(Clock::now() - start).count() / n;
  char text[64];
  std::snprintf(text, sizeof text, "%.1f/%.1f", wall, cpu);
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 2;
  const double seconds = argc > 2 ? std::atof(argv[2]) : 12.0;
  const char* tmpdir = std::getenv("TMPDIR");
  const fs::path base = argc > 3 ? fs::path(argv[3]) : fs::path(tmpdir ? tmpdir : "/tmp");
  if (threads < 1 || seconds <= 0) Die("usage: bench_photos [threads] [seconds] [dir]");
  InitCrypto();
  const fs::path dir = base / ("bench-photos-" + HexEncode(RandomBytes(6)));
  fs::create_directories(dir);
  struct statfs sfs;
  if (::statfs(dir.c_str(), &sfs) != 0) Die("statfs");
  const bool tmpfs = sfs.f_type == 0x01021994;

  // The first call starts libvips with the module's settings (one worker thread per call, no
  // operation cache): raw libvips runs under the same settings.
  ImagePtr picture = PhotoLike();
  (void)media::ProcessPhoto(EncodeJpeg(picture.get(), 50), "image/jpeg");
  const std::string jpeg = JpegNear(picture.get(), 200 * 1024);
  Result<media::ProcessedPhoto> sample = media::ProcessPhoto(jpeg, "image/jpeg");
  if (!sample.ok()) Die(sample.status().ToString());
  std::printf("input: 1600x1200 JPEG, %zu bytes; kept %dx%d %zu bytes, thumbnail %dx%d %zu bytes\n",
              jpeg.size(), sample->width, sample->height, sample->full_jpeg.size(),
              sample->thumb_width, sample->thumb_height, sample->thumb_jpeg.size());
  std::printf("store dir: %s (%s)\n", dir.c_str(),
              tmpfs ? "tmpfs: fsync costs nothing here, figures are not a disk's"
                    : "fsync reaches the disk");

  std::vector<std::unique_ptr<media::PhotoStore>> stores;
  for (int t = 0; t < threads; ++t) {
    stores.push_back(std::make_unique<media::PhotoStore>(dir / ("store-" + std::to_string(t))));
  }
  const auto put_both = [&] {
    if (!stores[0]->Put(sample->sha256, sample->full_jpeg).ok() ||
        !stores[0]->Put(sample->thumb_sha256, sample->thumb_jpeg).ok()) {
      Die("Put");
    }
    ::unlink(stores[0]->PathOf(sample->sha256)->c_str());
    ::unlink(stores[0]->PathOf(sample->thumb_sha256)->c_str());
  };
  std::printf(
      "single thread, wall/cpu ms per call: raw %s | ProcessPhoto %s | 2 x Put %s | "
      "ProcessPhoto + 2 x Put %s\n",
      MillisPerCall([&] { RawReencode(jpeg); }, 20).c_str(),
      MillisPerCall([&] { (void)media::ProcessPhoto(jpeg, "image/jpeg"); }, 20).c_str(),
      MillisPerCall(put_both, 50).c_str(),
      MillisPerCall([&] { ProcessAndStore(jpeg, *stores[0]); }, 20).c_str());

  const long rss_before = RssKib();
  const auto raw = [&](int) { RawReencode(jpeg); };
  const auto full = [&](int t) { ProcessAndStore(jpeg, *stores[t]); };
  const auto [raw_rate, full_rate] = Alternating(threads, seconds, raw, full);
  const double fsync_rate = RawFsyncRate(dir, threads, 3.0);
  const double put_io_rate = RawPutIoRate(dir, threads, 3.0, sample->full_jpeg);
  const long rss_after = RssKib();
  fs::remove_all(dir);

  std::printf("threads: %d, %.1f s per workload in 4 alternating rounds\n", threads, seconds);
  std::printf("raw libvips decode+resize+encode:   %8.1f photos/s\n", raw_rate);
  std::printf("ProcessPhoto + 2 x Put (fsync):     %8.1f photos/s\n", full_rate);
  std::printf("ratio full/raw:                     %8.1f %%\n", 100.0 * full_rate / raw_rate);
  std::printf("raw fsync (100 B append+fdatasync): %8.0f /s\n", fsync_rate);
  std::printf("raw Put I/O (200 KB, 2 fsyncs):     %8.0f /s\n", put_io_rate);
  std::printf("RSS: %ld KiB before the timed runs, %ld KiB after\n", rss_before, rss_after);
  return 0;
}
