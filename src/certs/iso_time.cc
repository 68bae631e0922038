#include "certs/iso_time.h"

#include <chrono>
#include <cstdint>
#include <cstdio>

namespace vaxreg::certs {
namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

std::optional<SystemTime> Parse(std::string_view s, bool allow_date_only) {
  using namespace std::chrono;
  int y, mo, d;
  if (!Digits(s, 0, 4, &y) || s.size() < 10 || s[4] != '-' || !Digits(s, 5, 2, &mo) ||
      s[7] != '-' || !Digits(s, 8, 2, &d)) {
    return std::nullopt;
  }
  const year_month_day ymd{year(y), month(static_cast<unsigned>(mo)),
                           day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return std::nullopt;
  SystemTime t = sys_days(ymd);
  if (s.size() == 10) {
    if (!allow_date_only) return std::nullopt;
    return t;
  }
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return std::nullopt;
  int h, mi, sec = 0;
  size_t pos = 11;
  if (!Digits(s, pos, 2, &h) || s.size() < pos + 5 || s[pos + 2] != ':' ||
      !Digits(s, pos + 3, 2, &mi)) {
    return std::nullopt;
  }
  pos += 5;
  int64_t nanos = 0;
  if (pos < s.size() && s[pos] == ':') {
    if (!Digits(s, pos + 1, 2, &sec)) return std::nullopt;
    pos += 3;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      ++pos;
      int digits = 0;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (digits == 9) return std::nullopt;
        nanos = nanos * 10 + (s[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0) return std::nullopt;
      for (int i = digits; i < 9; ++i) nanos *= 10;
    }
  }
  // A leap second (":60") is accepted and folds into the next second.
  if (h > 23 || mi > 59 || sec > 60) return std::nullopt;
  int offset_minutes = 0;
  if (pos < s.size()) {
    const char c = s[pos];
    if (c == 'Z' || c == 'z') {
      ++pos;
    } else if (c == '+' || c == '-') {
      int oh, om = 0;
      if (!Digits(s, pos + 1, 2, &oh)) return std::nullopt;
      pos += 3;
      if (pos < s.size()) {
        if (s[pos] == ':') ++pos;
        if (!Digits(s, pos, 2, &om)) return std::nullopt;
        pos += 2;
      }
      if (oh > 23 || om > 59) return std::nullopt;
      offset_minutes = (oh * 60 + om) * (c == '+' ? 1 : -1);
    } else {
      return std::nullopt;
    }
  }
  if (pos != s.size()) return std::nullopt;
  t += hours(h) + minutes(mi) + seconds(sec) - minutes(offset_minutes);
  return t + duration_cast<SystemTime::duration>(nanoseconds(nanos));
}

}  // namespace

std::optional<SystemTime> ParseIsoDateTime(std::string_view text) { return Parse(text, false); }

std::optional<SystemTime> ParseIsoDateOrDateTime(std::string_view text) {
  return Parse(text, true);
}

std::string FormatIsoInstant(SystemTime t) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(t);
  const auto frac = duration_cast<nanoseconds>(t - secs).count();
  const auto days = floor<std::chrono::days>(secs);
  const year_month_day ymd{days};
  const hh_mm_ss hms{secs - days};
  char buf[48];
  int n =
      std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(ymd.year()),
                    static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                    static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                    static_cast<int>(hms.seconds().count()));
  std::string out(buf, static_cast<size_t>(n));
  if (frac != 0) {
    std::snprintf(buf, sizeof buf, ".%09lld", static_cast<long long>(frac));
    std::string f(buf);
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  out += 'Z';
  return out;
}

}  // namespace vaxreg::certs
