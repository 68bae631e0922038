#include "identity/progress.h"

#include <algorithm>
#include <cstdio>

namespace vaxreg::identity {

ProgressBar::ProgressBar(std::ostream* out, std::string label, uint64_t total)
    : out_(out), label_(std::move(label)), total_(total), start_(std::chrono::steady_clock::now()),
      last_draw_(start_ - std::chrono::seconds(1)) {}

void ProgressBar::Update(uint64_t done) {
  last_done_ = done;
  if (out_ == nullptr) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  Draw(done);
}

void ProgressBar::Finish() {
  if (finished_) return;
  finished_ = true;
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
  char line[256];
  std::snprintf(line, sizeof line, "\r%s [%-*s] %3d%% %llu/%llu %.0f/s", label_.c_str(), kWidth,
                std::string(static_cast<size_t>(std::min(filled, kWidth)), '#').c_str(),
                static_cast<int>(share * 100 + 0.5), static_cast<unsigned long long>(done),
                static_cast<unsigned long long>(total_), secs > 0 ? static_cast<double>(done) / secs : 0.0);
  *out_ << line << std::flush;
}

}  // namespace vaxreg::identity
