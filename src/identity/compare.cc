#include "identity/compare.h"

#include <algorithm>
#include <cstdlib>

#include "identity/jaro_winkler.h"

namespace vaxreg::identity {
namespace {

constexpr size_t kMaxTokens = 8;

struct Tokens {
  std::array<std::string_view, kMaxTokens> t;
  size_t n = 0;
  std::string_view first() const { return t[0]; }
  std::string_view last() const { return t[n - 1]; }
};

Tokens Split(std::string_view s) {
  Tokens out;
  size_t start = 0;
  while (start < s.size() && out.n < kMaxTokens) {
    size_t sp = s.find(' ', start);
    if (sp == std::string_view::npos) sp = s.size();
    if (sp > start) out.t[out.n++] = s.substr(start, sp - start);
    start = sp + 1;
  }
  return out;
}

bool SameWithoutSpaces(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  for (;;) {
    while (i < a.size() && a[i] == ' ') ++i;
    while (j < b.size() && b[j] == ' ') ++j;
    if (i == a.size() || j == b.size()) return i == a.size() && j == b.size();
    if (a[i] != b[j]) return false;
    ++i;
    ++j;
  }
}

bool SameTokenMultiset(Tokens a, Tokens b) {
  if (a.n != b.n) return false;
  std::sort(a.t.begin(), a.t.begin() + static_cast<long>(a.n));
  std::sort(b.t.begin(), b.t.begin() + static_cast<long>(b.n));
  return std::equal(a.t.begin(), a.t.begin() + static_cast<long>(a.n), b.t.begin());
}

std::array<int, 12> Digits(uint64_t v, int digits) {
  std::array<int, 12> d{};
  for (int i = digits - 1; i >= 0; --i) {
    d[static_cast<size_t>(i)] = static_cast<int>(v % 10);
    v /= 10;
  }
  return d;
}

int Ymd(const BirthDate& d) { return d.year * 10000 + d.month * 100 + d.day; }

}  // namespace

std::string_view FieldName(Field f) {
  static constexpr std::string_view kNames[] = {"id", "name", "dob", "sex", "address"};
  return kNames[f];
}

bool DifferInOneDigit(uint64_t a, uint64_t b, int digits) {
  auto da = Digits(a, digits), db = Digits(b, digits);
  int diff = 0;
  for (int i = 0; i < digits; ++i) diff += da[static_cast<size_t>(i)] != db[static_cast<size_t>(i)];
  return diff == 1;
}

bool DifferByAdjacentSwap(uint64_t a, uint64_t b, int digits) {
  if (a == b) return false;
  auto da = Digits(a, digits), db = Digits(b, digits);
  int first = -1;
  for (int i = 0; i < digits; ++i) {
    if (da[static_cast<size_t>(i)] != db[static_cast<size_t>(i)]) {
      first = i;
      break;
    }
  }
  if (first < 0 || first + 1 >= digits) return false;
  const auto f = static_cast<size_t>(first);
  if (da[f] != db[f + 1] || da[f + 1] != db[f]) return false;
  for (size_t i = f + 2; i < static_cast<size_t>(digits); ++i) {
    if (da[i] != db[i]) return false;
  }
  return true;
}

int8_t CompareId(const Person& a, const Person& b) {
  uint64_t x = 0, y = 0;
  int digits = 0;
  if (a.cccd != 0 && b.cccd != 0) {
    x = a.cccd, y = b.cccd, digits = 12;
  } else if (a.cmnd != 0 && b.cmnd != 0) {
    x = a.cmnd, y = b.cmnd, digits = 9;
  } else {
    return kNull;
  }
  if (x == y) return 0;
  if (DifferInOneDigit(x, y, digits)) return 1;
  if (DifferByAdjacentSwap(x, y, digits)) return 2;
  return 3;
}

int8_t CompareNames(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return kNull;
  if (a == b) return 0;
  const Tokens ta = Split(a), tb = Split(b);
  if (SameWithoutSpaces(a, b) || SameTokenMultiset(ta, tb)) return 1;
  const bool ends_agree = (ta.first() == tb.first() && ta.last() == tb.last()) ||
                          (ta.first() == tb.last() && ta.last() == tb.first());
  if (ends_agree && ta.n >= 2 && tb.n >= 2) return 2;
  if (WithinOneEdit(a, b)) return 3;
  const double jw = JaroWinkler(a, b);
  if (jw >= 0.90) return 4;
  if (jw >= 0.80) return 5;
  return 6;
}

bool GivenNamesAgree(std::string_view a, std::string_view b) {
  const Tokens ta = Split(a), tb = Split(b);
  if (ta.n == 0 || tb.n == 0) return false;
  // Swapped means both ends swapped, or the given name written first and followed by the family
  // name ("Tuyền Nguyễn Thị"): a family name may also be someone's given name ("Nguyễn", "Nguyên"
  // fold alike), so one end alone proves nothing.
  const auto given_first = [](const Tokens& x, const Tokens& y) {
    return y.n >= 2 && x.last() == y.first() && x.first() == y.t[1];
  };
  return ta.last() == tb.last() || (ta.last() == tb.first() && ta.first() == tb.last()) ||
         given_first(ta, tb) || given_first(tb, ta);
}

int8_t CompareBirthDates(const BirthDate& a, const BirthDate& b) {
  if (!a.known() || !b.known()) return kNull;
  if (!a.full() || !b.full()) return a.year == b.year ? 2 : 6;
  if (a == b) return 0;
  if (a.year == b.year && a.month == b.day && a.day == b.month) return 1;
  int x = Ymd(a), y = Ymd(b), diff = 0;
  for (int i = 0; i < 8; ++i, x /= 10, y /= 10) diff += (x % 10) != (y % 10);
  if (diff == 1) return 3;
  if (a.month == b.month && a.day == b.day) return 4;
  if (a.year == b.year) return 5;
  return 6;
}

int8_t CompareSex(SexCode a, SexCode b) {
  if (a == SexCode::kUnknown || b == SexCode::kUnknown) return kNull;
  return a == b ? 0 : 1;
}

int8_t CompareAddresses(const Person& a, const Person& b) {
  if (a.province == 0 || b.province == 0) return kNull;
  if (a.province != b.province) return 3;
  if (a.district == 0 || b.district == 0 || a.district != b.district) return 2;
  if (a.commune == 0 || b.commune == 0 || a.commune != b.commune) return 1;
  return 0;
}

Comparison Compare(const Person& a, const Person& b) {
  Comparison c;
  c.level[kFieldId] = CompareId(a, b);
  c.level[kFieldName] = CompareNames(a.name, b.name);
  c.level[kFieldDob] = CompareBirthDates(a.dob, b.dob);
  c.level[kFieldSex] = CompareSex(a.sex, b.sex);
  c.level[kFieldAddress] = CompareAddresses(a, b);
  return c;
}

}  // namespace vaxreg::identity
