#include "text/name_key.h"

#include "text/vietnamese.h"

namespace vaxreg::text {
namespace {

bool IsAsciiOnly(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

}  // namespace

std::string StripTelexLeftovers(std::string_view syl) {
  std::string kept;
  kept.reserve(syl.size());
  for (size_t i = 0; i < syl.size(); ++i) {
    const char c = syl[i];
    if (c == 'f' || c == 'j' || c == 'z') continue;
    if (c == 'w') {  // aw ow uw mark ă ơ ư; a lone w is the ư key
      const char prev = kept.empty() ? '\0' : kept.back();
      if (prev != 'a' && prev != 'o' && prev != 'u') kept.push_back('u');
      continue;
    }
    if (i > 0 && (c == 's' || c == 'x')) continue;
    if (i > 0 && c == 'r' && !(i == 1 && syl[0] == 't')) continue;
    kept.push_back(c);
  }
  std::string out;
  out.reserve(kept.size());
  for (char c : kept) {
    if (!out.empty() && out.back() == c && (c == 'a' || c == 'e' || c == 'o' || c == 'd')) continue;
    out.push_back(c);
  }
  // A syllable made only of Telex keys (a stray "w") is dropped rather than kept empty.
  return out;
}

std::vector<std::string> NameKeyTokens(std::string_view utf8) {
  std::string folded;
  if (IsAsciiOnly(utf8)) {
    folded.reserve(utf8.size());
    for (char c : utf8) folded.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  } else {
    folded = FoldToAscii(utf8);
  }
  std::vector<std::string> tokens;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) {
      std::string clean = StripTelexLeftovers(cur);
      if (!clean.empty()) tokens.push_back(std::move(clean));
      cur.clear();
    }
  };
  for (char c : folded) {
    if (c >= 'a' && c <= 'z') {
      cur.push_back(c);
    } else if (c >= '0' && c <= '9') {
      continue;
    } else {
      flush();
    }
  }
  flush();
  return tokens;
}

std::string NameKey(std::string_view utf8) {
  std::string out;
  for (const std::string& t : NameKeyTokens(utf8)) {
    if (!out.empty()) out.push_back(' ');
    out += t;
  }
  return out;
}

bool WithinOneEdit(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > 1) return false;
  size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (i == a.size()) return true;  // equal, or one trailing insertion
  if (a.size() == b.size()) {
    if (a.substr(i + 1) == b.substr(i + 1)) return true;  // substitution
    return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] &&
           a.substr(i + 2) == b.substr(i + 2);  // transposition
  }
  return a.substr(i) == b.substr(i + 1);  // insertion into a
}

}  // namespace vaxreg::text
