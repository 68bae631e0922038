#include "name_noise.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <vector>

namespace vaxreg::bench {
namespace {

using U32 = std::u32string;

const icu::Normalizer2& Norm(bool nfc) {
  UErrorCode st = U_ZERO_ERROR;
  return nfc ? *icu::Normalizer2::getNFCInstance(st) : *icu::Normalizer2::getNFDInstance(st);
}

U32 ToU32(const std::string& s, bool nfd) {
  UErrorCode st = U_ZERO_ERROR;
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(s);
  if (nfd) u = Norm(false).normalize(u, st);
  U32 out;
  for (int32_t i = 0; i < u.length();) {
    UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    out.push_back(static_cast<char32_t>(c));
  }
  return out;
}

std::string ToUtf8(const U32& s, bool nfc) {
  icu::UnicodeString u;
  for (char32_t c : s) u.append(static_cast<UChar32>(c));
  UErrorCode st = U_ZERO_ERROR;
  if (nfc) u = Norm(true).normalize(u, st);
  std::string out;
  u.toUTF8String(out);
  return out;
}

bool IsTone(char32_t c) { return c == 0x300 || c == 0x301 || c == 0x303 || c == 0x309 || c == 0x323; }
bool IsShape(char32_t c) { return c == 0x302 || c == 0x306 || c == 0x31B; }
bool IsMark(char32_t c) { return c >= 0x300 && c <= 0x36F; }
char32_t Lower(char32_t c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }
bool IsAsciiLetter(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

std::string Join(const std::vector<std::string>& t) {
  std::string out;
  for (const auto& s : t) out += (out.empty() ? "" : " ") + s;
  return out;
}

size_t Pick(Rng& rng, size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); }

}  // namespace

std::string RemoveAccents(const std::string& name) {
  U32 out;
  for (char32_t c : ToU32(name, true)) {
    if (IsMark(c)) continue;
    if (c == 0x111) c = 'd';
    if (c == 0x110) c = 'D';
    out.push_back(c);
  }
  return ToUtf8(out, true);
}

std::string OtherTonePlacementOrNfd(const std::string& name, Rng& rng) {
  U32 s = ToU32(name, true);
  // Nuclei oa, oe, uy: the tone sits on the first vowel (old style) or the second (new style).
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    const char32_t a = Lower(s[i]);
    size_t j = i + 1;
    bool tone_on_first = false;
    char32_t tone = 0;
    if (j < s.size() && IsTone(s[j])) {
      tone_on_first = true;
      tone = s[j];
      ++j;
    }
    if (j >= s.size()) break;
    const char32_t b = Lower(s[j]);
    if (!((a == 'o' && (b == 'a' || b == 'e')) || (a == 'u' && b == 'y'))) continue;
    if (tone_on_first) {
      s.erase(s.begin() + static_cast<long>(i) + 1);
      s.insert(s.begin() + static_cast<long>(j), tone);  // j shifted left by one: after b
      return ToUtf8(s, true);
    }
    if (j + 1 < s.size() && IsTone(s[j + 1])) {
      tone = s[j + 1];
      s.erase(s.begin() + static_cast<long>(j) + 1);
      s.insert(s.begin() + static_cast<long>(i) + 1, tone);
      return ToUtf8(s, true);
    }
  }
  (void)rng;
  return ToUtf8(ToU32(name, true), false);  // decomposed
}

std::string CaseOrSpacing(const std::string& name, Rng& rng) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(name);
  std::string out;
  switch (Pick(rng, 4)) {
    case 0:
      u.toUpper();
      u.toUTF8String(out);
      return out;
    case 1:
      u.toLower();
      u.toUTF8String(out);
      return out;
    case 2: {  // a missing space
      auto t = Split(name);
      if (t.size() < 2) return name + " ";
      const size_t k = Pick(rng, t.size() - 1);
      t[k] += t[k + 1];
      t.erase(t.begin() + static_cast<long>(k) + 1);
      return Join(t);
    }
    default: {  // doubled spaces and stray ones at the ends
      auto t = Split(name);
      std::string s = " ";
      for (const auto& x : t) s += x + "  ";
      return s;
    }
  }
}

std::string KeyboardTypo(const std::string& name, Rng& rng) {
  static const char* kRows[] = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};
  U32 s = ToU32(name, false);
  std::vector<size_t> letters;
  for (size_t i = 0; i < s.size(); ++i) {
    if (IsAsciiLetter(s[i])) letters.push_back(i);
  }
  if (letters.empty()) return name;
  const size_t i = letters[Pick(rng, letters.size())];
  switch (Pick(rng, 4)) {
    case 0: {  // neighbouring key
      const char c = static_cast<char>(Lower(s[i]));
      for (const char* row : kRows) {
        const std::string r(row);
        const size_t p = r.find(c);
        if (p == std::string::npos) continue;
        const size_t q = p == 0 ? 1 : (p + 1 == r.size() ? p - 1 : (Pick(rng, 2) ? p + 1 : p - 1));
        s[i] = static_cast<char32_t>(r[q]);
      }
      break;
    }
    case 1:
      s.erase(s.begin() + static_cast<long>(i));
      break;
    case 2:
      s.insert(s.begin() + static_cast<long>(i), s[i]);
      break;
    default:
      if (i + 1 < s.size() && s[i + 1] != ' ') std::swap(s[i], s[i + 1]);
      else s.erase(s.begin() + static_cast<long>(i));
      break;
  }
  return ToUtf8(s, true);
}

std::string ScanConfusion(const std::string& name, Rng& rng) {
  U32 s = ToU32(name, true);
  std::vector<size_t> spots;
  for (size_t i = 0; i < s.size(); ++i) {
    if (IsShape(s[i]) || s[i] == 0x111 || s[i] == 0x110) spots.push_back(i);
  }
  if (spots.empty()) return name;
  const size_t i = spots[Pick(rng, spots.size())];
  if (s[i] == 0x111) s[i] = 'd';
  else if (s[i] == 0x110) s[i] = 'D';
  else s.erase(s.begin() + static_cast<long>(i));
  return ToUtf8(s, true);
}

std::string TelexLeftover(const std::string& name, Rng& rng) {
  auto t = Split(name);
  if (t.empty()) return name;
  const size_t k = Pick(rng, t.size());
  U32 syl = ToU32(t[k], true);
  std::string typed;
  char tone_key = 0;
  for (size_t i = 0; i < syl.size(); ++i) {
    const char32_t c = syl[i];
    if (IsTone(c)) {
      tone_key = c == 0x301 ? 's' : c == 0x300 ? 'f' : c == 0x309 ? 'r' : c == 0x303 ? 'x' : 'j';
    } else if (c == 0x302) {
      typed.push_back(static_cast<char>(Lower(static_cast<char32_t>(typed.back()))));
    } else if (c == 0x306 || c == 0x31B) {
      typed.push_back('w');
    } else if (c == 0x111 || c == 0x110) {
      typed += c == 0x110 ? "Dd" : "dd";
    } else if (c < 0x80) {
      typed.push_back(static_cast<char>(c));
    }
  }
  if (tone_key != 0) typed.push_back(tone_key);
  t[k] = typed;
  return Join(t);
}

std::string SwapFamilyGiven(const std::string& name) {
  auto t = Split(name);
  if (t.size() >= 2) std::swap(t.front(), t.back());
  return Join(t);
}

std::string DropMiddle(const std::string& name) {
  auto t = Split(name);
  if (t.size() <= 2) return name;
  return t.front() + " " + t.back();
}

}  // namespace vaxreg::bench
