#pragma once
// A one-line progress bar on a terminal stream (stderr): "label [#####     ] 52% 520000/1000000
// 85000/s". Redraws at most every 200 ms; Finish() prints the final state and a newline. When
// the stream is null nothing is printed. Thread-compatible (call from one thread).
//
// Reading a file, the share done is known from its bytes but people count records: a bar made
// with Measure::kBytes takes bytes for the share and shows the records given with them
// ("register [###   ] 31% 310422 records 98000 records/s").

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

namespace vaxreg::identity {

class ProgressBar {
 public:
  enum class Measure { kRecords, kBytes };
  ProgressBar(std::ostream* out, std::string label, uint64_t total,
              Measure measure = Measure::kRecords);
  // `done` in the bar's measure; `records` so far when it measures bytes (ignored otherwise).
  void Update(uint64_t done, uint64_t records = 0);
  // Draws the end state; `records`, when the bar measures bytes, is the final count.
  void Finish(uint64_t records = 0);

 private:
  void Draw(uint64_t done);
  std::ostream* out_;
  std::string label_;
  uint64_t total_;
  Measure measure_;
  std::chrono::steady_clock::time_point start_, last_draw_;
  bool finished_ = false;
  uint64_t last_done_ = 0;
  uint64_t records_ = 0;
};

// Prints "label: text" on its own line at once (a phase of a long run with no bar of its own,
// such as loading or training), with the seconds since `since`. Nothing when `out` is null.
void ProgressNote(std::ostream* out, std::string_view label, std::string_view text,
                  std::chrono::steady_clock::time_point since);

}  // namespace vaxreg::identity
