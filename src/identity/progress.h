#pragma once
// A one-line progress bar on a terminal stream (stderr): "label [#####     ] 52% 520000/1000000
// 85000/s". Redraws at most every 200 ms; Finish() prints the final state and a newline. When
// the stream is null nothing is printed. Thread-compatible (call from one thread).

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

namespace vaxreg::identity {

class ProgressBar {
 public:
  ProgressBar(std::ostream* out, std::string label, uint64_t total);
  void Update(uint64_t done);
  void Finish();

 private:
  void Draw(uint64_t done);
  std::ostream* out_;
  std::string label_;
  uint64_t total_;
  std::chrono::steady_clock::time_point start_, last_draw_;
  bool finished_ = false;
  uint64_t last_done_ = 0;
};

}  // namespace vaxreg::identity
