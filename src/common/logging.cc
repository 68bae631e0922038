#include "common/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace vaxreg {

void InitLogging(std::string_view level) {
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  spdlog::set_level(spdlog::level::from_str(std::string(level)));
}

spdlog::logger& AccessLog() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = spdlog::get("access");
    if (!l) l = spdlog::stderr_color_mt("access");
    l->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ access %v", spdlog::pattern_time_type::utc);
    return l;
  }();
  return *logger;
}

}  // namespace vaxreg
