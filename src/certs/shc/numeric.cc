#include "certs/shc/numeric.h"

#include <algorithm>

namespace vaxreg::certs::shc {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A chunk index or count: 1..999 without leading zeros.
bool ParseSmall(std::string_view s, int* out) {
  if (!AllDigits(s) || s.size() > 3 || s[0] == '0') return false;
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  *out = v;
  return true;
}

}  // namespace

Result<std::string> EncodeShcNumeric(std::string_view jws) {
  std::string out;
  out.reserve(kShcPrefix.size() + 2 * jws.size());
  out += kShcPrefix;
  for (char c : jws) {
    if (c < '-' || c > 'z') return InvalidArgumentError("a JWS character is outside '-'..'z'");
    const int v = c - '-';
    out.push_back(static_cast<char>('0' + v / 10));
    out.push_back(static_cast<char>('0' + v % 10));
  }
  return out;
}

Result<std::string> DecodeShcNumeric(std::string_view text) {
  if (!text.starts_with(kShcPrefix)) return InvalidArgumentError("not a numeric SHC QR (shc:/...)");
  std::string_view digits = text.substr(kShcPrefix.size());
  if (const size_t slash = digits.find('/'); slash != std::string_view::npos) {
    // "C/N/<digits>": a chunk of a multi-part card.
    const size_t second = digits.find('/', slash + 1);
    int index = 0;
    int count = 0;
    if (second == std::string_view::npos || !ParseSmall(digits.substr(0, slash), &index) ||
        !ParseSmall(digits.substr(slash + 1, second - slash - 1), &count)) {
      return InvalidArgumentError("a numeric SHC QR must be shc:/ followed by digits only");
    }
    if (index > count) {
      return InvalidArgumentError("QR chunk " + std::to_string(index) + " of " +
                                  std::to_string(count) + " is out of range");
    }
    if (count > 1) {
      return InvalidArgumentError("QR chunk " + std::to_string(index) + " of " +
                                  std::to_string(count) +
                                  ": multi-part SMART Health Cards are deprecated and not accepted");
    }
    digits = digits.substr(second + 1);
  }
  if (!AllDigits(digits)) {
    return InvalidArgumentError("a numeric SHC QR must be shc:/ followed by digits only");
  }
  if (digits.size() % 2 != 0) {
    return InvalidArgumentError("a numeric SHC QR needs an even number of digits, got " +
                                std::to_string(digits.size()));
  }
  std::string jws;
  jws.reserve(digits.size() / 2);
  for (size_t i = 0; i < digits.size(); i += 2) {
    const int v = (digits[i] - '0') * 10 + (digits[i + 1] - '0');
    if (v > 77) {
      return InvalidArgumentError("digit pair " + std::to_string(v) + " at offset " +
                                  std::to_string(kShcPrefix.size() + i) +
                                  " is above 77 (the code of 'z')");
    }
    jws.push_back(static_cast<char>('-' + v));
  }
  return jws;
}

}  // namespace vaxreg::certs::shc
