#include "identity/progress.h"

#include <algorithm>
#include <cstdio>

namespace vaxreg::identity {

ProgressBar::ProgressBar(std::ostream* out, std::string label, uint64_t total, Measure measure)
    : out_(out), label_(std::move(label)), total_(total), measure_(measure),
      start_(std::chrono::steady_clock::now()), last_draw_(start_ - std::chrono::seconds(1)) {}

void ProgressBar::Update(uint64_t done, uint64_t records) {
  last_done_ = done;
  records_ = records;
  if (out_ == nullptr) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  Draw(done);
}

void ProgressBar::Finish(uint64_t records) {
  if (finished_) return;
  finished_ = true;
  if (records > 0) records_ = records;
  if (out_ == nullptr) return;
  Draw(total_ == 0 ? last_done_ : total_);
  *out_ << "\n" << std::flush;
}

void ProgressBar::Draw(uint64_t done) {
  constexpr int kWidth = 30;
  const double share = total_ == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total_);
  const int filled = static_cast<int>(share * kWidth + 0.5);
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const std::string bar(static_cast<size_t>(std::min(filled, kWidth)), '#');
  const int percent = static_cast<int>(share * 100 + 0.5);
  char line[256];
  if (measure_ == Measure::kBytes) {
    std::snprintf(line, sizeof line, "\r%s [%-*s] %3d%% %llu records %.0f records/s",
                  label_.c_str(), kWidth, bar.c_str(), percent,
                  static_cast<unsigned long long>(records_),
                  secs > 0 ? static_cast<double>(records_) / secs : 0.0);
  } else {
    std::snprintf(line, sizeof line, "\r%s [%-*s] %3d%% %llu/%llu %.0f/s", label_.c_str(), kWidth,
                  bar.c_str(), percent, static_cast<unsigned long long>(done),
                  static_cast<unsigned long long>(total_),
                  secs > 0 ? static_cast<double>(done) / secs : 0.0);
  }
  *out_ << line << std::flush;
}

void ProgressNote(std::ostream* out, std::string_view label, std::string_view text,
                  std::chrono::steady_clock::time_point since) {
  if (out == nullptr) return;
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
  char at[32];
  std::snprintf(at, sizeof at, " (%.1f s)", secs);
  *out << label << ": " << text << at << "\n" << std::flush;
}

}  // namespace vaxreg::identity
