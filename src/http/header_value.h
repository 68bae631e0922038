#pragma once
// Small parsers of HTTP header values (RFC 9110), shared by the modules that read headers.

#include <string_view>

namespace vaxreg::http {

// `s` without optional whitespace (spaces and tabs) at either end.
inline std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The value of cookie `name` in one Cookie header ("a=1; b=2"), or "" when it is absent.
inline std::string_view CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const size_t semi = header.find(';');
    std::string_view pair = TrimOws(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && TrimOws(pair.substr(0, eq)) == name) {
      return TrimOws(pair.substr(eq + 1));
    }
  }
  return {};
}

}  // namespace vaxreg::http
