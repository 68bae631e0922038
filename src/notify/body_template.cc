#include "notify/body_template.h"

#include <boost/json/parse.hpp>
#include <cstdio>

namespace vaxreg::notify {
namespace {

constexpr std::string_view kField = "notify.body_template";

// The code point of the UTF-8 sequence at s[i] and its length, or length 0 when it is not
// well-formed (overlong forms, surrogates and values past U+10FFFF included).
std::pair<uint32_t, size_t> DecodeUtf8(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return {b0, 1};
  size_t len = 0;
  uint32_t cp = 0;
  uint32_t min = 0;
  if ((b0 & 0xe0) == 0xc0) {
    len = 2;
    cp = b0 & 0x1f;
    min = 0x80;
  } else if ((b0 & 0xf0) == 0xe0) {
    len = 3;
    cp = b0 & 0x0f;
    min = 0x800;
  } else if ((b0 & 0xf8) == 0xf0) {
    len = 4;
    cp = b0 & 0x07;
    min = 0x10000;
  } else {
    return {0, 0};
  }
  if (i + len > s.size()) return {0, 0};
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return {0, 0};
    cp = (cp << 6) | (byte(i + k) & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return {0, 0};
  return {cp, len};
}

}  // namespace

std::string JsonEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (size_t i = 0; i < s.size();) {
    auto [cp, len] = DecodeUtf8(s, i);
    if (len == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    switch (cp) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (cp < 0x20 || cp == 0x7f || cp == 0x2028 || cp == 0x2029) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
          out += buf;
        } else {
          out.append(s.substr(i, len));
        }
    }
    i += len;
  }
  return out;
}

Result<BodyTemplate> BodyTemplate::Parse(std::string_view text) {
  static constexpr std::pair<std::string_view, Field> kNames[] = {{"id", Field::kId},
                                                                  {"channel", Field::kChannel},
                                                                  {"recipient", Field::kRecipient},
                                                                  {"subject", Field::kSubject},
                                                                  {"body", Field::kBody}};
  BodyTemplate t;
  std::string literal;
  size_t i = 0;
  while (i < text.size()) {
    const size_t open = text.find("{{", i);
    if (open == std::string_view::npos) {
      literal.append(text.substr(i));
      break;
    }
    literal.append(text.substr(i, open - i));
    const size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return InvalidArgumentError(std::string(kField) + ": '{{' without a closing '}}'",
                                  std::string(kField));
    }
    std::string_view name = text.substr(open + 2, close - open - 2);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    const Field* field = nullptr;
    for (const auto& [n, f] : kNames) {
      if (n == name) field = &f;
    }
    if (field == nullptr) {
      return InvalidArgumentError(std::string(kField) + ": unknown placeholder {{" +
                                      std::string(name) +
                                      "}} (known: id, channel, recipient, subject, body)",
                                  std::string(kField));
    }
    if (!literal.empty()) t.parts_.emplace_back(std::move(literal));
    literal.clear();
    t.parts_.emplace_back(*field);
    i = close + 2;
  }
  if (!literal.empty()) t.parts_.emplace_back(std::move(literal));

  // Filled with values that need escaping, the result must be JSON.
  const OutgoingMessage sample{12345, "sms\"", "+84 912 345 678\n", "Chủ đề \\ \"x\"",
                               "Nội dung\t\"trích dẫn\"\n"};
  boost::system::error_code ec;
  boost::json::parse(t.Render(sample), ec);
  if (ec) {
    return InvalidArgumentError(std::string(kField) +
                                    " is not JSON once filled in (placeholders other than {{id}} "
                                    "belong inside JSON strings): " +
                                    ec.message(),
                                std::string(kField));
  }
  return t;
}

std::string BodyTemplate::Render(const OutgoingMessage& m) const {
  std::string out;
  for (const Part& p : parts_) {
    if (const auto* lit = std::get_if<std::string>(&p)) {
      out += *lit;
      continue;
    }
    switch (std::get<Field>(p)) {
      case Field::kId:
        out += std::to_string(m.id);
        break;
      case Field::kChannel:
        out += JsonEscape(m.channel);
        break;
      case Field::kRecipient:
        out += JsonEscape(m.recipient);
        break;
      case Field::kSubject:
        out += JsonEscape(m.subject);
        break;
      case Field::kBody:
        out += JsonEscape(m.body);
        break;
    }
  }
  return out;
}

}  // namespace vaxreg::notify
