#include "common/logging.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <mutex>
#include <string>

namespace vaxreg {
namespace {

// Appends formatted lines to a buffer and writes it to a file descriptor when it passes
// kFlushBytes or on flush(). base_sink serialises every call with its mutex.
class BufferedFdSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit BufferedFdSink(int fd) : fd_(fd) { buffer_.reserve(kFlushBytes + 1024); }
  ~BufferedFdSink() override { WriteOut(); }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    buffer_.append(formatted.data(), formatted.size());
    if (buffer_.size() >= kFlushBytes) WriteOut();
  }
  void flush_() override { WriteOut(); }

 private:
  static constexpr size_t kFlushBytes = 64 * 1024;

  void WriteOut() {
    size_t done = 0;
    while (done < buffer_.size()) {
      const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
      if (n <= 0) break;  // a closed or full stderr must not stop the server; drop the rest
      done += static_cast<size_t>(n);
    }
    buffer_.clear();
  }

  const int fd_;
  std::string buffer_;
};

}  // namespace

void InitLogging(std::string_view level) {
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  spdlog::set_level(spdlog::level::from_str(std::string(level)));
}

spdlog::logger& AccessLog() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = spdlog::get("access");
    if (!l) {
      l = std::make_shared<spdlog::logger>("access", std::make_shared<BufferedFdSink>(STDERR_FILENO));
      spdlog::register_logger(l);
      // A background thread flushes every registered logger each second.
      spdlog::flush_every(std::chrono::seconds(1));
      std::atexit([] { spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& g) { g->flush(); }); });
    }
    l->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ access %v", spdlog::pattern_time_type::utc);
    return l;
  }();
  return *logger;
}

void FlushLogs() {
  spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) { l->flush(); });
}

}  // namespace vaxreg
