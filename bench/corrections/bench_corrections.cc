// Citizens' correction requests (flow 4), each figure beside its raw limit measured in the same
// run on the same machine and disk:
//   1. photo intake, durable, on --threads threads (2):
//      (a) raw: libvips alone decoding a ~200 KB 1600x1200 photo-like JPEG and re-encoding it as
//          media::ProcessPhoto does (the photo, at most 2,000 px, and its 320 px thumbnail, JPEG
//          Q85 stripped, baseline), photos/s;
//      (b) the vaxreg path of POST /api/v1/photos followed by POST /api/v1/me/corrections without
//          HTTP: media::ProcessPhoto, PhotoStore::Put of both files (fsync), then
//          corrections::RecordUpload and CorrectionService::Submit (an identity request), each
//          through GroupCommitWriter::SubmitAndWait on SQLite (a temp file), requests/s;
//      (c) the disk's raw fsync rate (4 KiB write + fsync, one at a time).
//      Every request has its own photo (squares coding its number drawn into the same image),
//      citizen account and person, so every Put writes new files and every subject is new. (a)
//      and (b) run in alternating rounds over the same photos, so outside load hits both alike.
//   2. a handler's queue page: --requests open requests (1,000,000; 5% info_needed) over ~9,800
//      units (facilities, communes, districts, provinces) with due times spread over 48 hours,
//      bulk-loaded on the C API; p50/p99 of corrections::ListQueue (50 rows) for random units,
//      and of their second page through the keyset. Raw: the same 50 rows read by primary key on
//      the C API, and a plain indexed SELECT of 50 rows (one status, in index order).
//   3. the deadline sweep over them (10% past their deadline): corrections::SweepDeadlines
//      through the writer, called until it escalates nothing, total wall time. Raw: an UPDATE
//      of as many other rows by primary key in one transaction on the C API, changing the same
//      columns (level, unit, due time, counters), same durability (WAL, synchronous=FULL).
//
// Usage: bench_corrections [--dir DIR] [--threads N] [--photos N] [--requests N] [--samples N]
//                          [--fsync-seconds S] [--only photos|queue] [--keep]
// Prints a summary table last.

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>
#include <vips/vips.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "accounts/notifier.h"
#include "accounts/user_store.h"
#include "common/clock.h"
#include "common/logging.h"
#include "corrections/deadlines.h"
#include "corrections/service.h"
#include "corrections/store.h"
#include "geo/admin_units.h"
#include "media/photo.h"
#include "media/photo_store.h"
#include "registry/person.h"
#include "registry/person_store.h"
#include "registry/vaccine_catalogue.h"
#include "storage/database.h"
#include "storage/group_commit.h"
#include "storage/migrate.h"

namespace {

using namespace vaxreg;
namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;

constexpr int64_t kDeadline = 48 * 3600;  // CorrectionOptions::deadline
constexpr size_t kTargetPhotoBytes = 200 * 1000;

struct Options {
  std::string dir = fs::temp_directory_path().string();
  int threads = 2;
  int photos = 800;
  int64_t requests = 1'000'000;
  int samples = 3000;
  double fsync_seconds = 2.0;
  std::string only;  // "", "photos" or "queue"
  bool keep = false;
};

double Seconds(Steady::duration d) { return std::chrono::duration<double>(d).count(); }
double Millis(Steady::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_corrections: %s\n", what.c_str());
  std::exit(1);
}

void Check(const Status& st, const std::string& what) {
  if (!st.ok()) Die(what + ": " + st.ToString());
}

struct Percentiles {
  double p50 = 0, p99 = 0, max = 0;
  size_t n = 0;
};

Percentiles Of(std::vector<double> v) {
  Percentiles p;
  if (v.empty()) return p;
  std::sort(v.begin(), v.end());
  p.n = v.size();
  p.p50 = v[v.size() / 2];
  p.p99 = v[std::min(v.size() - 1, v.size() * 99 / 100)];
  p.max = v.back();
  return p;
}

void RemoveDatabase(const std::string& path) {
  for (const char* ext : {"", "-wal", "-shm"}) {
    std::error_code ec;
    fs::remove(path + ext, ec);
  }
}

// Write 4 KiB and fsync, one at a time (the durable-write floor of the disk).
double MeasureRawFsync(const std::string& dir, double seconds) {
  const std::string path = dir + "/vaxreg_bench_corr_fsync_" + std::to_string(getpid()) + ".tmp";
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) Die("cannot create " + path);
  const std::string block(4096, 'f');
  long count = 0;
  const auto start = Steady::now();
  const auto until = start + std::chrono::duration<double>(seconds);
  while (Steady::now() < until) {
    if (write(fd, block.data(), block.size()) != static_cast<ssize_t>(block.size()) ||
        fsync(fd) != 0) {
      Die("write/fsync failed on " + path);
    }
    ++count;
  }
  const double elapsed = Seconds(Steady::now() - start);
  close(fd);
  fs::remove(path);
  return static_cast<double>(count) / elapsed;
}

// Calls fn(i, thread) for every i in [begin, end) on `threads` threads; returns the wall time.
template <typename Fn>
double RunParallel(int threads, size_t begin, size_t end, const Fn& fn) {
  std::atomic<size_t> next{begin};
  std::vector<std::thread> pool;
  const auto start = Steady::now();
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (size_t i = next++; i < end; i = next++) fn(i, t);
    });
  }
  for (auto& th : pool) th.join();
  return Seconds(Steady::now() - start);
}

// ---------------------------------------------------------------------------------------------
// 1. Photo intake

struct ImageUnref {
  void operator()(VipsImage* image) const { g_object_unref(image); }
};
using Image = std::unique_ptr<VipsImage, ImageUnref>;

// `out` is read after the call that set it has run (argument order is unspecified).
Image Vips(int rc, VipsImage** out, const char* what) {
  if (rc != 0 || *out == nullptr) Die(std::string("libvips ") + what + ": " + vips_error_buffer());
  return Image(std::exchange(*out, nullptr));
}

Image DeepCopy(VipsImage* in) {
  VipsImage* out = vips_image_new_memory();
  if (vips_image_write(in, out) != 0) Die(std::string("libvips copy: ") + vips_error_buffer());
  return Image(out);
}

// A photo-like picture in memory: three colour gradients under gaussian noise, 8-bit sRGB.
Image MakePicture(int width, int height, double sigma) {
  VipsImage* out = nullptr;
  Image xyz = Vips(vips_xyz(&out, width, height, nullptr), &out, "xyz");
  Image x = Vips(vips_extract_band(xyz.get(), &out, 0, nullptr), &out, "extract_band");
  Image y = Vips(vips_extract_band(xyz.get(), &out, 1, nullptr), &out, "extract_band");
  Image xy = Vips(vips_add(x.get(), y.get(), &out, nullptr), &out, "add");
  Image r = Vips(vips_linear1(x.get(), &out, 200.0 / width, 30.0, nullptr), &out, "linear");
  Image g = Vips(vips_linear1(y.get(), &out, 180.0 / height, 50.0, nullptr), &out, "linear");
  Image b = Vips(vips_linear1(xy.get(), &out, -160.0 / (width + height), 210.0, nullptr), &out,
                 "linear");
  VipsImage* bands[3] = {r.get(), g.get(), b.get()};
  Image rgb = Vips(vips_bandjoin(bands, &out, 3, nullptr), &out, "bandjoin");
  Image noise = Vips(vips_gaussnoise(&out, width, height, "sigma", sigma, "mean", 0.0, nullptr),
                     &out, "gaussnoise");
  Image noisy = Vips(vips_add(rgb.get(), noise.get(), &out, nullptr), &out, "add");
  Image bytes = Vips(vips_cast_uchar(noisy.get(), &out, nullptr), &out, "cast");
  Image srgb = Vips(vips_copy(bytes.get(), &out, "interpretation", VIPS_INTERPRETATION_sRGB,
                              nullptr),
                    &out, "copy");
  return DeepCopy(srgb.get());
}

// As a phone or scanner saves it: plain JPEG at `quality`, chroma subsampled.
std::string SaveJpeg(VipsImage* image, int quality) {
  void* buffer = nullptr;
  size_t length = 0;
  if (vips_jpegsave_buffer(image, &buffer, &length, "Q", quality, nullptr) != 0) {
    Die(std::string("libvips jpegsave: ") + vips_error_buffer());
  }
  std::string out(static_cast<const char*>(buffer), length);
  g_free(buffer);
  return out;
}

// Draws `n` as 20 black or white 16x16 squares into the top-left corner (in place).
void MarkPicture(VipsImage* image, uint32_t n) {
  for (int bit = 0; bit < 20; ++bit) {
    const double v = ((n >> bit) & 1u) != 0 ? 255.0 : 0.0;
    double ink[3] = {v, v, v};
    if (vips_draw_rect(image, ink, 3, 16 + 16 * bit, 16, 16, 16, "fill", TRUE, nullptr) != 0) {
      Die(std::string("libvips draw_rect: ") + vips_error_buffer());
    }
  }
}

// The lowest quality whose JPEG reaches the target size, or the one below when that is closer.
int QualityNear(VipsImage* picture, size_t target) {
  int lo = 10, hi = 98;
  while (lo < hi) {
    const int mid = (lo + hi) / 2;
    if (SaveJpeg(picture, mid).size() >= target) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  if (lo > 10) {
    const size_t above = SaveJpeg(picture, lo).size();
    const size_t below = SaveJpeg(picture, lo - 1).size();
    if (target - below < above - target) return lo - 1;
  }
  return lo;
}

// What media::ProcessPhoto does to a JPEG that needs no colour conversion, with libvips alone
// (src/media/photo.cc): decode (shrunk on load only when over the kept size, never enlarged)
// into memory and encode it (Q85, stripped, baseline); then the thumbnail of the decoded pixels,
// a box average over whole blocks and a resize by less than 2x to the exact size, encoded the
// same way. No type sniffing, header checks, hashing or copies.
size_t RawReencode(const std::string& jpeg, const media::PhotoLimits& limits) {
  void* data = const_cast<char*>(jpeg.data());
  const int side = limits.out_max_side;
  VipsImage* out = nullptr;
  Image full = Vips(vips_thumbnail_buffer(data, jpeg.size(), &out, side, "height", side, "size",
                                          VIPS_SIZE_DOWN, "option_string", "fail_on=error",
                                          nullptr),
                    &out, "thumbnail_buffer");
  full.reset(vips_image_copy_memory(full.get()));
  if (!full) Die(std::string("libvips decode: ") + vips_error_buffer());
  size_t bytes = 0;
  const auto encode = [&](VipsImage* image) {
    void* buffer = nullptr;
    size_t length = 0;
    if (vips_jpegsave_buffer(image, &buffer, &length, "Q", limits.jpeg_quality, "strip", TRUE,
                             "interlace", FALSE, nullptr) != 0) {
      Die(std::string("libvips jpegsave: ") + vips_error_buffer());
    }
    g_free(buffer);
    bytes += length;
  };
  encode(full.get());
  const int width = full->Xsize, height = full->Ysize;
  const double factor =
      static_cast<double>(std::max(width, height)) / static_cast<double>(limits.thumb_max_side);
  Image thumb(full.release());
  if (factor > 1) {
    const int target_w = std::max(1, static_cast<int>(std::lround(width / factor)));
    const int target_h = std::max(1, static_cast<int>(std::lround(height / factor)));
    const int box = std::min(static_cast<int>(factor), std::min(width, height));
    if (box >= 2) {
      thumb = Vips(vips_shrink(thumb.get(), &out, box, box, nullptr), &out, "shrink");
    }
    if (thumb->Xsize != target_w || thumb->Ysize != target_h) {
      thumb = Vips(vips_resize(thumb.get(), &out, static_cast<double>(target_w) / thumb->Xsize,
                               "vscale", static_cast<double>(target_h) / thumb->Ysize, nullptr),
                   &out, "resize");
    }
  }
  encode(thumb.get());
  return bytes;
}

struct Area {
  std::string province, district, commune;
};

// Communes with their district and province, in code order.
std::vector<Area> AllCommunes() {
  const geo::AdminUnits& units = geo::AdminUnits::Get();
  std::vector<Area> out;
  for (const geo::AdminUnit* p : units.Provinces()) {
    for (const geo::AdminUnit* d : units.Children(p->code)) {
      for (const geo::AdminUnit* c : units.Children(d->code)) {
        out.push_back({p->code, d->code, c->code});
      }
    }
  }
  return out;
}

// 12 digits: registered in Hà Nội (001), a man born in 1990 (0, 90), then `serial`.
std::string Cccd(int64_t serial) {
  char text[16];
  std::snprintf(text, sizeof text, "001090%06lld", static_cast<long long>(serial % 1000000));
  return text;
}

// People with citizen accounts (CCCD, birth date and phone), one per request, in writer
// transactions of 500.
std::vector<corrections::Citizen> CreateCitizens(storage::GroupCommitWriter& writer, int count,
                                                 const std::vector<Area>& communes) {
  std::vector<corrections::Citizen> out(static_cast<size_t>(count));
  const Clock& clock = SystemClock::Get();
  const auto today = registry::DayOf(ToUnixSeconds(clock.Now()));
  for (int first = 0; first < count; first += 500) {
    const int last = std::min(count, first + 500);
    Check(writer.SubmitAndWait([&](storage::Connection& c) -> Status {
      for (int i = first; i < last; ++i) {
        const Area& area = communes[static_cast<size_t>(i * 7919) % communes.size()];
        registry::NewPerson np;
        np.cccd = Cccd(i);
        np.full_name = "Trần Văn Bình";
        np.dob = "1990-05-01";
        np.sex = "M";
        np.phone = "0912" + np.cccd.substr(6);
        np.province_code = area.province;
        np.district_code = area.district;
        np.commune_code = area.commune;
        ASSIGN_OR_RETURN(registry::Person valid, registry::ValidateNewPerson(np, today));
        ASSIGN_OR_RETURN(registry::Person person,
                         registry::InsertPerson(c, clock, valid, {"bench", ""}));
        accounts::NewUser nu;
        nu.username = np.cccd;
        nu.role = auth::Role::kCitizen;
        nu.phone = np.phone;
        nu.birth_date = np.dob;
        ASSIGN_OR_RETURN(accounts::User user, accounts::CreateUser(c, clock, nu, {"bench", ""}));
        corrections::Citizen& who = out[static_cast<size_t>(i)];
        who.user_id = user.id;
        who.actor_id = "citizen:" + np.cccd;
        who.cccd = np.cccd;
        who.birth_date = np.dob;
        who.phone = np.phone;
        who.person_id = person.id;
      }
      return Status::Ok();
    }),
          "create citizens");
  }
  return out;
}

struct PhotoResult {
  size_t photo_bytes = 0;  // mean size of the generated JPEGs
  int quality = 0;
  double fsync_per_s = 0;
  double raw_per_s = 0;
  double vaxreg_per_s = 0;
  Percentiles latency_ms;
  double process_ms = 0, put_ms = 0, upload_ms = 0, submit_ms = 0;  // per request, mean
  size_t stored_bytes = 0;                                          // per request, mean
  uint64_t writes = 0, batches = 0, errors = 0;
};

PhotoResult MeasurePhotoIntake(const Options& o) {
  PhotoResult result;
  const auto setup_start = Steady::now();

  // The picture, the JPEG quality that lands near 200 KB, and one distinct photo per request.
  Image picture = MakePicture(1600, 1200, 4.0);
  result.quality = QualityNear(picture.get(), kTargetPhotoBytes);
  {
    // Starts libvips the way the server does (one worker per call, no operation cache, only the
    // JPEG, PNG and WebP loaders) before anything is timed.
    auto first = media::ProcessPhoto(SaveJpeg(picture.get(), result.quality), "image/jpeg");
    Check(first.status(), "ProcessPhoto of the generated photo");
  }
  const size_t n = static_cast<size_t>(o.photos);
  std::vector<std::string> photos(n);
  RunParallel(o.threads, 0, static_cast<size_t>(o.threads), [&](size_t t, int) {
    Image mine = DeepCopy(picture.get());
    for (size_t i = t; i < n; i += static_cast<size_t>(o.threads)) {
      MarkPicture(mine.get(), static_cast<uint32_t>(i + 1));
      photos[i] = SaveJpeg(mine.get(), result.quality);
    }
  });
  size_t total = 0;
  for (const auto& p : photos) total += p.size();
  result.photo_bytes = total / n;
  std::printf("photo: 1600x1200, gaussian noise (sigma 4) over gradients, JPEG Q%d: %zu bytes "
              "(mean of %zu distinct photos, %zu..%zu)\n",
              result.quality, result.photo_bytes, n,
              std::min_element(photos.begin(), photos.end(),
                               [](auto& a, auto& b) { return a.size() < b.size(); })->size(),
              std::max_element(photos.begin(), photos.end(),
                               [](auto& a, auto& b) { return a.size() < b.size(); })->size());

  // A real database and photo folder on the disk under test.
  const std::string tag = std::to_string(getpid());
  const std::string db_path = o.dir + "/vaxreg_bench_corr_photos_" + tag + ".db";
  const std::string photo_dir = o.dir + "/vaxreg_bench_corr_photos_" + tag;
  RemoveDatabase(db_path);
  auto db = storage::OpenDatabase("sqlite:" + db_path, {.pool_size = 2});
  Check(db.status(), "open " + db_path);
  Check(storage::Migrate(**db).status(), "migrate");
  auto writer = storage::GroupCommitWriter::Start(**db);
  Check(writer.status(), "start writer");
  auto store = media::PhotoStore::Open(photo_dir);
  Check(store.status(), "photo store");
  const std::vector<Area> communes = AllCommunes();
  const std::vector<corrections::Citizen> citizens =
      CreateCitizens(**writer, o.photos, communes);
  accounts::OutboxNotifier notifier(SystemClock::Get());
  corrections::CorrectionService service(SystemClock::Get(), notifier, {});
  const auto& catalogue = registry::BuiltInVaccines();
  const storage::GroupCommitStats before = (*writer)->stats();
  std::printf("photo setup: %.1f s (%zu photos, %d people with citizen accounts)\n",
              Seconds(Steady::now() - setup_start), n, o.photos);

  result.fsync_per_s = MeasureRawFsync(o.dir, o.fsync_seconds);
  const media::PhotoLimits limits;
  std::atomic<size_t> raw_bytes{0};
  const auto raw = [&](size_t i, int) { raw_bytes += RawReencode(photos[i], limits); };

  struct PerThread {
    std::vector<double> latency_ms;
    double process = 0, put = 0, upload = 0, submit = 0;
    size_t stored = 0;
    uint64_t errors = 0;
  };
  std::vector<PerThread> per(static_cast<size_t>(o.threads));
  const auto vaxreg_path = [&](size_t i, int t) {
    PerThread& me = per[static_cast<size_t>(t)];
    const corrections::Citizen& who = citizens[i];
    const auto t0 = Steady::now();
    auto processed = media::ProcessPhoto(photos[i], "image/jpeg", limits);
    const auto t1 = Steady::now();
    Status st = processed.status();
    if (st.ok()) st = (*store)->Put(processed->sha256, processed->full_jpeg);
    if (st.ok()) st = (*store)->Put(processed->thumb_sha256, processed->thumb_jpeg);
    const auto t2 = Steady::now();
    if (st.ok()) {
      const corrections::Upload upload{processed->sha256, processed->thumb_sha256,
                                       processed->width, processed->height,
                                       static_cast<int64_t>(processed->full_jpeg.size())};
      const int64_t now = ToUnixSeconds(SystemClock::Get().Now());
      st = (*writer)->SubmitAndWait([&](storage::Connection& c) {
        return corrections::RecordUpload(c, who.user_id, upload, now);
      });
    }
    const auto t3 = Steady::now();
    if (st.ok()) {
      corrections::Submission s;
      s.kind = corrections::Kind::kIdentity;
      s.claim = {{"full_name", "Trần Văn Bính"}};
      s.note = "my name lacks an accent on the paper card";
      s.photo_ids = {processed->sha256};
      Result<corrections::CorrectionRequest> out = InternalError("not run");
      st = (*writer)->SubmitAndWait([&](storage::Connection& c) {
        out = service.Submit(c, catalogue, who, s);
        return out.status();
      });
    }
    const auto t4 = Steady::now();
    if (!st.ok() && me.errors++ == 0) {
      std::fprintf(stderr, "request %zu failed: %s\n", i, st.ToString().c_str());
    }
    if (processed.ok()) me.stored += processed->full_jpeg.size() + processed->thumb_jpeg.size();
    me.process += Millis(t1 - t0);
    me.put += Millis(t2 - t1);
    me.upload += Millis(t3 - t2);
    me.submit += Millis(t4 - t3);
    me.latency_ms.push_back(Millis(t4 - t0));
  };

  // Alternating rounds over the same photos: raw, then the vaxreg path.
  constexpr int kRounds = 4;
  double raw_seconds = 0, vaxreg_seconds = 0;
  for (int r = 0; r < kRounds; ++r) {
    const size_t begin = n * static_cast<size_t>(r) / kRounds;
    const size_t end = n * static_cast<size_t>(r + 1) / kRounds;
    raw_seconds += RunParallel(o.threads, begin, end, raw);
    vaxreg_seconds += RunParallel(o.threads, begin, end, vaxreg_path);
  }
  (*writer)->Stop();
  result.raw_per_s = static_cast<double>(n) / raw_seconds;
  result.vaxreg_per_s = static_cast<double>(n) / vaxreg_seconds;
  std::vector<double> all;
  for (const PerThread& p : per) {
    all.insert(all.end(), p.latency_ms.begin(), p.latency_ms.end());
    result.process_ms += p.process / static_cast<double>(n);
    result.put_ms += p.put / static_cast<double>(n);
    result.upload_ms += p.upload / static_cast<double>(n);
    result.submit_ms += p.submit / static_cast<double>(n);
    result.stored_bytes += p.stored / n;
    result.errors += p.errors;
  }
  result.latency_ms = Of(all);
  const storage::GroupCommitStats after = (*writer)->stats();
  result.writes = after.writes - before.writes;
  result.batches = after.batches - before.batches;

  auto conn = (*db)->Acquire();
  Check(conn.status(), "acquire");
  auto counted = (*conn)->Query(
      "SELECT (SELECT COUNT(*) FROM correction_requests), (SELECT COUNT(*) FROM photo_uploads)",
      {});
  Check(counted.status(), "count requests");
  std::printf(
      "photo intake: raw libvips %.1f photos/s (%.1f KB out per photo), vaxreg %.1f requests/s "
      "(%lld requests, %lld uploads, %.1f KB stored each), ratio %.2f; per request: ProcessPhoto %.1f ms, "
      "Put x2 %.2f ms, RecordUpload %.2f ms, Submit %.2f ms; latency p50 %.1f ms p99 %.1f ms; "
      "%llu writes in %llu commits; %llu errors; fsync %.0f/s\n",
      result.raw_per_s, static_cast<double>(raw_bytes.load()) / static_cast<double>(n) / 1000.0,
      result.vaxreg_per_s, static_cast<long long>(counted->at(0).Int(0)),
      static_cast<long long>(counted->at(0).Int(1)),
      static_cast<double>(result.stored_bytes) / 1000.0, result.vaxreg_per_s / result.raw_per_s,
      result.process_ms, result.put_ms, result.upload_ms, result.submit_ms, result.latency_ms.p50,
      result.latency_ms.p99, static_cast<unsigned long long>(result.writes),
      static_cast<unsigned long long>(result.batches),
      static_cast<unsigned long long>(result.errors), result.fsync_per_s);
  if (!o.keep) {
    std::error_code ec;
    fs::remove_all(photo_dir, ec);
    RemoveDatabase(db_path);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// 2 and 3. Queue pages and the deadline sweep on --requests open requests

struct Unit {
  corrections::Level level;
  std::string code;
  Area area;
};

// ~9,800 units: 3,000 facilities (each in a commune), 6,000 communes, every district and
// province.
std::vector<Unit> MakeUnits(const std::vector<Area>& communes) {
  using corrections::Level;
  std::vector<Unit> out;
  const size_t n = communes.size();
  for (size_t i = 0; i < 3000; ++i) {
    const Area& a = communes[(i * 7919) % n];
    out.push_back({Level::kFacility, "CS-" + a.commune, a});
  }
  for (size_t i = 0; i < 6000; ++i) {
    const Area& a = communes[(i * 7919 + 5003) % n];
    out.push_back({Level::kCommune, a.commune, a});
  }
  std::string last_district, last_province;
  for (const Area& a : communes) {
    if (a.district != last_district) out.push_back({Level::kDistrict, a.district, a});
    if (a.province != last_province) {
      out.push_back({Level::kProvince, a.province, {a.province, "", ""}});
    }
    last_district = a.district;
    last_province = a.province;
  }
  return out;
}

// Where a sweep sends a request of `u` (deadlines.cc's CASE expressions): one level up.
std::pair<std::string, std::string> NextUnit(const Unit& u) {
  switch (u.level) {
    case corrections::Level::kFacility:
      return {"commune", u.area.commune};
    case corrections::Level::kCommune:
      return {"district", u.area.district};
    default:
      return {"province", u.area.province};
  }
}

// What the bench knows of each generated request.
struct Generated {
  std::vector<uint32_t> unit;
  std::vector<int64_t> due_at;
  std::vector<uint8_t> info_needed;
};

// "VR" and 10 Crockford base-32 characters, distinct for distinct i < 2^50 (an odd multiplier
// is a bijection modulo 2^50).
std::string Tracking(uint64_t i) {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  uint64_t v = (i * 0x5bd1e995ull + 0x2545F491ull) & ((uint64_t{1} << 50) - 1);
  std::string out = "VR";
  for (int k = 0; k < 10; ++k, v >>= 5) out.push_back(kAlphabet[v & 31]);
  return out;
}

void Exec(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string text = error != nullptr ? error : "?";
    sqlite3_free(error);
    Die("SQLite: " + sql.substr(0, 80) + ": " + text);
  }
}

sqlite3_stmt* Prepare(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) !=
      SQLITE_OK) {
    Die("SQLite prepare: " + sql.substr(0, 80) + ": " + sqlite3_errmsg(db));
  }
  return stmt;
}

void BindText(sqlite3_stmt* stmt, int i, const std::string& text) {
  sqlite3_bind_text(stmt, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

void StepDone(sqlite3* db, sqlite3_stmt* stmt) {
  if (sqlite3_step(stmt) != SQLITE_DONE) Die(std::string("SQLite step: ") + sqlite3_errmsg(db));
  sqlite3_reset(stmt);
}

sqlite3* OpenRaw(const std::string& path, int flags) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    Die("cannot open " + path);
  }
  sqlite3_busy_timeout(db, 5000);
  return db;
}

// The schema through migrations, people through registry::InsertPerson (one per ten requests),
// then the requests on the C API and one photo and one "received" event each in SQL: no journal,
// the indexes of correction_requests dropped during the load and created again from their SQL.
Generated LoadRequests(const std::string& path, int64_t count, const std::vector<Unit>& units,
                       const std::vector<Area>& communes, int64_t now) {
  const auto start = Steady::now();
  const int64_t people = (count + 9) / 10;
  std::vector<int64_t> person_ids;
  person_ids.reserve(static_cast<size_t>(people));
  {
    auto db = storage::OpenDatabase("sqlite:" + path, {.pool_size = 1});
    Check(db.status(), "open " + path);
    Check(storage::Migrate(**db).status(), "migrate");
    auto writer = storage::GroupCommitWriter::Start(**db);
    Check(writer.status(), "start writer");
    const Clock& clock = SystemClock::Get();
    const auto today = registry::DayOf(now);
    for (int64_t first = 0; first < people; first += 10000) {
      const int64_t last = std::min(people, first + 10000);
      Check((*writer)->SubmitAndWait([&](storage::Connection& c) -> Status {
        for (int64_t i = first; i < last; ++i) {
          const Area& a = communes[static_cast<size_t>(i) % communes.size()];
          registry::NewPerson np;
          np.cccd = Cccd(i);
          np.full_name = i % 2 == 0 ? "Nguyễn Văn An" : "Lê Văn Cường";
          np.dob = "1990-05-01";
          np.sex = "M";
          np.province_code = a.province;
          np.district_code = a.district;
          np.commune_code = a.commune;
          ASSIGN_OR_RETURN(registry::Person valid, registry::ValidateNewPerson(np, today));
          ASSIGN_OR_RETURN(registry::Person p,
                           registry::InsertPerson(c, clock, valid, {"bench", ""}));
          person_ids.push_back(p.id);
        }
        return Status::Ok();
      }),
            "insert people");
    }
    (*writer)->Stop();
  }
  const double people_seconds = Seconds(Steady::now() - start);

  sqlite3* db = OpenRaw(path, SQLITE_OPEN_READWRITE);
  Exec(db, "PRAGMA journal_mode=OFF");
  Exec(db, "PRAGMA synchronous=OFF");
  Exec(db, "PRAGMA cache_size=-1048576");
  Exec(db, "PRAGMA temp_store=MEMORY");
  std::vector<std::pair<std::string, std::string>> indexes;
  {
    sqlite3_stmt* list = Prepare(db,
                                 "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                                 "tbl_name = 'correction_requests' AND sql IS NOT NULL");
    while (sqlite3_step(list) == SQLITE_ROW) {
      indexes.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(list, 0)),
                           reinterpret_cast<const char*>(sqlite3_column_text(list, 1)));
    }
    sqlite3_finalize(list);
  }
  for (const auto& [name, sql] : indexes) Exec(db, "DROP INDEX " + name);

  sqlite3_stmt* request = Prepare(
      db,
      "INSERT INTO correction_requests (id, tracking, kind, subject, person_id, claim, note, "
      "status, level, assigned_unit, facility_code, province_code, district_code, commune_code, "
      "submitted_by, received_at, due_at, paused_at, paused_seconds, escalations, info_question, "
      "version, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
      "?15, ?16, ?17, ?18, 0, ?19, ?20, 1, ?16)");
  Generated gen;
  gen.unit.resize(static_cast<size_t>(count));
  gen.due_at.resize(static_cast<size_t>(count));
  gen.info_needed.resize(static_cast<size_t>(count));
  std::mt19937_64 rng(20211001);
  std::uniform_real_distribution<double> spread(-0.1, 0.9);  // 10% past their deadline
  Exec(db, "BEGIN");
  for (int64_t i = 0; i < count; ++i) {
    const size_t k = static_cast<size_t>(i);
    const int64_t id = i + 1;
    const int64_t person = person_ids[static_cast<size_t>(i / 10)];
    const int j = static_cast<int>(i % 10);
    const uint32_t u = static_cast<uint32_t>(rng() % units.size());
    const Unit& unit = units[u];
    const bool info = rng() % 20 == 0;
    const int64_t due =
        now + static_cast<int64_t>(spread(rng) * static_cast<double>(kDeadline));
    const int escalations = unit.level == corrections::Level::kDistrict   ? 1
                            : unit.level == corrections::Level::kProvince ? 2
                                                                          : 0;
    gen.unit[k] = u;
    gen.due_at[k] = due;
    gen.info_needed[k] = info ? 1 : 0;
    std::string subject, claim, kind;
    if (j == 0) {
      kind = "identity";
      subject = "person:" + std::to_string(person) + ":identity";
      claim = R"({"full_name":"Nguyễn Văn Án","birth_date":"1990-05-01"})";
    } else {
      kind = "wrong_person";
      const std::string other = Cccd(500000 + i);
      subject = "person:" + std::to_string(person) + ":from:" + other + ":" + std::to_string(j);
      claim = R"({"recorded_to_cccd":")" + other +
              R"(","date":"2021-09-15","dose_number":)" + std::to_string(j % 4 + 1) + "}";
    }
    sqlite3_bind_int64(request, 1, id);
    BindText(request, 2, Tracking(static_cast<uint64_t>(i)));
    BindText(request, 3, kind);
    BindText(request, 4, subject);
    sqlite3_bind_int64(request, 5, person);
    BindText(request, 6, claim);
    BindText(request, 7, j % 3 == 0 ? std::string("the record does not match my paper card") : "");
    BindText(request, 8, info ? "info_needed" : "open");
    BindText(request, 9, std::string(corrections::LevelName(unit.level)));
    BindText(request, 10, unit.code);
    BindText(request, 11, unit.level == corrections::Level::kFacility ? unit.code : "");
    BindText(request, 12, unit.area.province);
    BindText(request, 13, unit.area.district);
    BindText(request, 14, unit.area.commune);
    sqlite3_bind_int64(request, 15, person);
    sqlite3_bind_int64(request, 16, due - kDeadline * (1 + escalations));
    sqlite3_bind_int64(request, 17, due);
    if (info) {
      sqlite3_bind_int64(request, 18, now - static_cast<int64_t>(rng() % 86400));
    } else {
      sqlite3_bind_null(request, 18);
    }
    sqlite3_bind_int(request, 19, escalations);
    BindText(request, 20, info ? "Please send a photo of the other side of the card" : "");
    StepDone(db, request);
    if ((i + 1) % 250000 == 0) Exec(db, "COMMIT; BEGIN");
  }
  Exec(db, "COMMIT");
  sqlite3_finalize(request);
  const double rows_seconds = Seconds(Steady::now() - start) - people_seconds;
  // One photo and the "received" event per request, inside SQLite.
  Exec(db,
       "INSERT INTO correction_photos (request_id, position, sha256, thumb_sha256) "
       "SELECT id, 0, lower(hex(randomblob(32))), lower(hex(randomblob(32))) "
       "FROM correction_requests ORDER BY id");
  Exec(db,
       "INSERT INTO correction_events (request_id, at, actor, event, detail) "
       "SELECT r.id, r.received_at, 'citizen:' || p.cccd, 'received', "
       "'{\"photos\":[\"' || f.sha256 || '\"]}' FROM correction_requests r "
       "JOIN people p ON p.id = r.person_id "
       "JOIN correction_photos f ON f.request_id = r.id AND f.position = 0 ORDER BY r.id");
  const double extra_seconds = Seconds(Steady::now() - start) - people_seconds - rows_seconds;
  for (const auto& [name, sql] : indexes) Exec(db, sql);
  Exec(db, "PRAGMA journal_mode=WAL");
  sqlite3_close(db);
  std::printf(
      "queue setup: %lld people through InsertPerson %.1f s; %lld requests on the C API %.1f s; "
      "a photo and an event each in SQL %.1f s; %zu indexes built %.1f s; file %.0f MB\n",
      static_cast<long long>(people), people_seconds, static_cast<long long>(count), rows_seconds,
      extra_seconds, indexes.size(),
      Seconds(Steady::now() - start) - people_seconds - rows_seconds - extra_seconds,
      static_cast<double>(fs::file_size(path)) / 1e6);
  return gen;
}

// The columns ListQueue reads (corrections/store.cc).
constexpr const char* kRequestColumns =
    "id, tracking, kind, subject, person_id, COALESCE(dose_id, 0), claim, note, status, level, "
    "assigned_unit, facility_code, province_code, district_code, commune_code, submitted_by, "
    "received_at, due_at, COALESCE(paused_at, 0), paused_seconds, escalations, info_question, "
    "COALESCE(decided_at, 0), COALESCE(decided_by, ''), COALESCE(decided_in_time, -1), "
    "COALESCE(reject_reason, ''), COALESCE(decision_note, ''), version, updated_at";

// Steps `stmt` to the end touching every column of every row; the number of rows.
size_t ReadAll(sqlite3_stmt* stmt, size_t& bytes) {
  size_t rows = 0;
  const int columns = sqlite3_column_count(stmt);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    ++rows;
    for (int c = 0; c < columns; ++c) {
      if (sqlite3_column_type(stmt, c) == SQLITE_TEXT) {
        bytes += static_cast<size_t>(sqlite3_column_bytes(stmt, c));
      } else {
        bytes += static_cast<size_t>(sqlite3_column_int64(stmt, c) & 1);
      }
    }
  }
  sqlite3_reset(stmt);
  return rows;
}

struct QueueResult {
  Percentiles page1, page2, raw_by_id, raw_indexed;
  double mean_rows = 0;
};

QueueResult MeasureQueue(const std::string& path, const std::vector<Unit>& units, int samples) {
  QueueResult result;
  auto db = storage::OpenDatabase("sqlite:" + path, {.pool_size = 2});
  Check(db.status(), "open " + path);
  auto conn = (*db)->Acquire();
  Check(conn.status(), "acquire");

  sqlite3* raw = OpenRaw(path, SQLITE_OPEN_READONLY);
  Exec(raw, "PRAGMA mmap_size=2147483648");  // as the product's readers
  std::string in_list;
  for (int k = 1; k <= 50; ++k) in_list += (k == 1 ? "?" : ", ?") + std::to_string(k);
  sqlite3_stmt* by_id = Prepare(raw, std::string("SELECT ") + kRequestColumns +
                                         " FROM correction_requests WHERE id IN (" + in_list + ")");
  sqlite3_stmt* indexed =
      Prepare(raw, std::string("SELECT ") + kRequestColumns +
                       " FROM correction_requests WHERE assigned_unit = ?1 AND status = 'open' "
                       "ORDER BY due_at, id LIMIT 50");

  std::mt19937_64 rng(99);
  std::vector<double> page1, page2, raw_by_id, raw_indexed;
  size_t rows = 0, raw_rows = 0, raw_bytes = 0;
  const auto product_round = [&](const std::vector<uint32_t>& picks, bool record,
                                 std::vector<std::vector<int64_t>>& ids) {
    for (uint32_t u : picks) {
      const auto t0 = Steady::now();
      auto first = corrections::ListQueue(**conn, units[u].code, "", {0, 0}, 50);
      const auto t1 = Steady::now();
      Check(first.status(), "ListQueue");
      std::vector<int64_t> page_ids;
      for (const auto& r : *first) page_ids.push_back(r.id);
      ids.push_back(std::move(page_ids));
      if (record) {
        page1.push_back(Millis(t1 - t0));
        rows += first->size();
      }
      if (first->size() == 50) {
        const corrections::QueueKey after{first->back().due_at, first->back().id};
        const auto t2 = Steady::now();
        auto second = corrections::ListQueue(**conn, units[u].code, "", after, 50);
        const auto t3 = Steady::now();
        Check(second.status(), "ListQueue (second page)");
        if (record) page2.push_back(Millis(t3 - t2));
      }
    }
  };
  const auto raw_round = [&](const std::vector<uint32_t>& picks, bool record,
                             const std::vector<std::vector<int64_t>>& ids) {
    Exec(raw, "BEGIN");  // one read snapshot, as the product's pooled readers keep theirs
    for (size_t k = 0; k < picks.size(); ++k) {
      const auto t0 = Steady::now();
      for (int b = 0; b < 50; ++b) {
        if (static_cast<size_t>(b) < ids[k].size()) {
          sqlite3_bind_int64(by_id, b + 1, ids[k][static_cast<size_t>(b)]);
        } else {
          sqlite3_bind_null(by_id, b + 1);
        }
      }
      raw_rows += ReadAll(by_id, raw_bytes);
      const auto t1 = Steady::now();
      BindText(indexed, 1, units[picks[k]].code);
      raw_rows += ReadAll(indexed, raw_bytes);
      const auto t2 = Steady::now();
      if (record) {
        raw_by_id.push_back(Millis(t1 - t0));
        raw_indexed.push_back(Millis(t2 - t1));
      }
    }
    Exec(raw, "COMMIT");
  };
  const auto pick = [&](int count) {
    std::vector<uint32_t> out;
    for (int k = 0; k < count; ++k) out.push_back(static_cast<uint32_t>(rng() % units.size()));
    return out;
  };
  {
    // Warm-up of both (the mapped pages of the file are faulted in by use).
    std::vector<std::vector<int64_t>> ids;
    const auto picks = pick(std::min(samples, 1000));
    product_round(picks, false, ids);
    raw_round(picks, false, ids);
  }
  constexpr int kRounds = 5;
  for (int r = 0; r < kRounds; ++r) {
    std::vector<std::vector<int64_t>> ids;
    const auto picks = pick(samples / kRounds);
    product_round(picks, true, ids);
    raw_round(picks, true, ids);
  }
  sqlite3_finalize(by_id);
  sqlite3_finalize(indexed);
  sqlite3_close(raw);
  result.page1 = Of(page1);
  result.page2 = Of(page2);
  result.raw_by_id = Of(raw_by_id);
  result.raw_indexed = Of(raw_indexed);
  result.mean_rows = page1.empty() ? 0 : static_cast<double>(rows) / static_cast<double>(page1.size());
  std::printf(
      "queue: %zu units sampled (%.1f rows on a first page), ListQueue page 1 p50 %.3f p99 %.3f "
      "max %.3f ms; page 2 (%zu) p50 %.3f p99 %.3f ms; raw same rows by id p50 %.3f p99 %.3f "
      "ms; raw indexed 50 rows p50 %.3f p99 %.3f ms (raw bytes %zu)\n",
      result.page1.n, result.mean_rows, result.page1.p50, result.page1.p99, result.page1.max,
      result.page2.n, result.page2.p50, result.page2.p99, result.raw_by_id.p50,
      result.raw_by_id.p99, result.raw_indexed.p50, result.raw_indexed.p99, raw_bytes);
  return result;
}

struct SweepResult {
  int64_t overdue = 0;           // open, past due, below province level, before the sweep
  double raw_seconds = 0;        // UPDATE of `overdue` other rows by primary key
  double sweep_seconds = 0;      // SweepDeadlines until it escalates nothing
  int64_t escalated = 0;
  int calls = 0;
  std::vector<double> call_seconds;
  int64_t to_commune = 0, to_district = 0, to_province = 0;
};

SweepResult MeasureSweep(const std::string& path, const std::vector<Unit>& units,
                         const Generated& gen) {
  SweepResult result;
  sqlite3* raw = OpenRaw(path, SQLITE_OPEN_READWRITE);
  // As the product's writer: WAL, synchronous=FULL, 256 MiB page cache, statement journals in
  // memory, mapped reads; no checkpoint inside the commit (the product's runs on another thread).
  for (const char* pragma :
       {"PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON", "PRAGMA cache_size=-262144",
        "PRAGMA temp_store=MEMORY", "PRAGMA mmap_size=2147483648", "PRAGMA wal_autocheckpoint=0"}) {
    Exec(raw, pragma);
  }
  Exec(raw, "PRAGMA wal_checkpoint(TRUNCATE)");
  const int64_t now = ToUnixSeconds(SystemClock::Get().Now());
  {
    sqlite3_stmt* count = Prepare(raw,
                                  "SELECT COUNT(*) FROM correction_requests WHERE status = 'open' "
                                  "AND due_at < ?1 AND level <> 'province'");
    sqlite3_bind_int64(count, 1, now);
    if (sqlite3_step(count) == SQLITE_ROW) result.overdue = sqlite3_column_int64(count, 0);
    sqlite3_finalize(count);
  }
  // As many other rows, open and not due for an hour at least, below province level, in id
  // order, each moved one level up with a new deadline: they stay out of the sweep.
  std::vector<int64_t> ids;
  for (size_t i = 0; i < gen.unit.size(); ++i) {
    if (gen.info_needed[i] == 0 && gen.due_at[i] > now + 3600 &&
        units[gen.unit[i]].level != corrections::Level::kProvince) {
      ids.push_back(static_cast<int64_t>(i + 1));
    }
  }
  std::mt19937_64 rng(5);
  std::shuffle(ids.begin(), ids.end(), rng);
  ids.resize(std::min(ids.size(), static_cast<size_t>(result.overdue)));
  std::sort(ids.begin(), ids.end());
  sqlite3_stmt* update = Prepare(
      raw,
      "UPDATE correction_requests SET level = ?1, assigned_unit = ?2, due_at = ?3, "
      "escalations = escalations + 1, version = version + 1, updated_at = ?4 WHERE id = ?5");
  const auto t0 = Steady::now();
  Exec(raw, "BEGIN IMMEDIATE");
  for (int64_t id : ids) {
    const auto [level, unit] = NextUnit(units[gen.unit[static_cast<size_t>(id - 1)]]);
    BindText(update, 1, level);
    BindText(update, 2, unit);
    sqlite3_bind_int64(update, 3, now + kDeadline);
    sqlite3_bind_int64(update, 4, now);
    sqlite3_bind_int64(update, 5, id);
    StepDone(raw, update);
  }
  Exec(raw, "COMMIT");
  result.raw_seconds = Seconds(Steady::now() - t0);
  sqlite3_finalize(update);
  Exec(raw, "PRAGMA wal_checkpoint(TRUNCATE)");
  sqlite3_close(raw);
  std::printf("sweep raw: UPDATE of %zu rows by primary key in one transaction: %.2f s\n",
              ids.size(), result.raw_seconds);

  auto db = storage::OpenDatabase("sqlite:" + path, {.pool_size = 1});
  Check(db.status(), "open " + path);
  auto writer = storage::GroupCommitWriter::Start(**db);
  Check(writer.status(), "start writer");
  const auto start = Steady::now();
  for (;;) {
    Result<corrections::SweepReport> report = corrections::SweepReport{};
    const auto c0 = Steady::now();
    Check((*writer)->SubmitAndWait([&](storage::Connection& c) {
      report = corrections::SweepDeadlines(c, SystemClock::Get(), std::chrono::seconds(kDeadline));
      return report.status();
    }),
          "SweepDeadlines");
    result.call_seconds.push_back(Seconds(Steady::now() - c0));
    ++result.calls;
    result.escalated += report->escalated;
    result.to_commune += report->to_commune;
    result.to_district += report->to_district;
    result.to_province += report->to_province;
    if (report->escalated == 0) break;
  }
  result.sweep_seconds = Seconds(Steady::now() - start);
  (*writer)->Stop();
  std::string calls;
  for (double s : result.call_seconds) {
    char text[32];
    std::snprintf(text, sizeof text, "%s%.2f", calls.empty() ? "" : " + ", s);
    calls += text;
  }
  std::printf(
      "sweep: %lld escalated (%lld to commune, %lld to district, %lld to province; %lld were "
      "overdue before the raw run) in %d calls, %.2f s (%s s)\n",
      static_cast<long long>(result.escalated), static_cast<long long>(result.to_commune),
      static_cast<long long>(result.to_district), static_cast<long long>(result.to_province),
      static_cast<long long>(result.overdue), result.calls, result.sweep_seconds, calls.c_str());
  return result;
}

bool ParseArgs(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (arg == "--dir" && (v = next())) {
      o.dir = v;
    } else if (arg == "--threads" && (v = next())) {
      o.threads = std::atoi(v);
    } else if (arg == "--photos" && (v = next())) {
      o.photos = std::atoi(v);
    } else if (arg == "--requests" && (v = next())) {
      o.requests = std::atoll(v);
    } else if (arg == "--samples" && (v = next())) {
      o.samples = std::atoi(v);
    } else if (arg == "--fsync-seconds" && (v = next())) {
      o.fsync_seconds = std::atof(v);
    } else if (arg == "--only" && (v = next())) {
      o.only = v;
    } else if (arg == "--keep") {
      o.keep = true;
    } else {
      std::fprintf(stderr,
                   "usage: %s [--dir DIR] [--threads N] [--photos N] [--requests N] "
                   "[--samples N] [--fsync-seconds S] [--only photos|queue] [--keep]\n",
                   argv[0]);
      return false;
    }
  }
  return o.threads > 0 && o.photos >= 8 && o.requests >= 1000 && o.samples >= 10 &&
         o.fsync_seconds > 0 && (o.only.empty() || o.only == "photos" || o.only == "queue");
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!ParseArgs(argc, argv, o)) return 2;
  spdlog::set_level(spdlog::level::warn);  // the outbox logs every message at info
  if (vips_init(argv[0]) != 0) Die("libvips did not start");
  const auto start = Steady::now();

  PhotoResult photos;
  if (o.only.empty() || o.only == "photos") photos = MeasurePhotoIntake(o);

  QueueResult queue;
  SweepResult sweep;
  if (o.only.empty() || o.only == "queue") {
    const std::string path =
        o.dir + "/vaxreg_bench_corr_queue_" + std::to_string(getpid()) + ".db";
    RemoveDatabase(path);
    const std::vector<Area> communes = AllCommunes();
    const std::vector<Unit> units = MakeUnits(communes);
    const Generated gen = LoadRequests(path, o.requests, units, communes,
                                       ToUnixSeconds(SystemClock::Get().Now()));
    std::printf("units: %zu\n", units.size());
    queue = MeasureQueue(path, units, o.samples);
    sweep = MeasureSweep(path, units, gen);
    if (!o.keep) RemoveDatabase(path);
  }

  std::printf("\nSummary (%s, %d threads, %.0f s in all):\n", o.dir.c_str(), o.threads,
              Seconds(Steady::now() - start));
  std::printf("| what | measured | raw limit, same run | ratio | target |\n");
  std::printf("|---|---|---|---|---|\n");
  if (o.only.empty() || o.only == "photos") {
    std::printf("| (1b) photo + request, durable (%zu B JPEG, Q%d) | %.1f req/s, p50 %.0f / p99 "
                "%.0f ms | (1a) libvips re-encode %.1f photos/s | %.2f | b/a >= 0.8, b >= 300/s |\n",
                photos.photo_bytes, photos.quality, photos.vaxreg_per_s, photos.latency_ms.p50,
                photos.latency_ms.p99, photos.raw_per_s, photos.vaxreg_per_s / photos.raw_per_s);
    std::printf("| (1c) raw fsync, 4 KiB | | %.0f fsync/s | | |\n", photos.fsync_per_s);
  }
  if (o.only.empty() || o.only == "queue") {
    std::printf("| (2) ListQueue page 1, %lld requests | p50 %.2f / p99 %.2f ms | same rows by id "
                "p99 %.2f ms; indexed 50 rows p99 %.2f ms | %.1fx / %.1fx | p99 <= 20 ms |\n",
                static_cast<long long>(o.requests), queue.page1.p50, queue.page1.p99,
                queue.raw_by_id.p99, queue.raw_indexed.p99,
                queue.page1.p99 / std::max(queue.raw_by_id.p99, 1e-9),
                queue.page1.p99 / std::max(queue.raw_indexed.p99, 1e-9));
    std::printf("| (2) ListQueue page 2 (keyset) | p50 %.2f / p99 %.2f ms | | | p99 <= 20 ms |\n",
                queue.page2.p50, queue.page2.p99);
    std::printf("| (3) deadline sweep, %lld escalated in %d calls | %.2f s | UPDATE %lld rows by id "
                "%.2f s | %.1fx | <= 10 s |\n",
                static_cast<long long>(sweep.escalated), sweep.calls, sweep.sweep_seconds,
                static_cast<long long>(sweep.overdue), sweep.raw_seconds,
                sweep.sweep_seconds / std::max(sweep.raw_seconds, 1e-9));
  }
  return photos.errors == 0 ? 0 : 1;
}
