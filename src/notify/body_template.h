#pragma once
// The JSON document POSTed to the gateway for one message (notify.body_template). Placeholders
// {{id}}, {{channel}}, {{recipient}}, {{subject}} and {{body}} are replaced by the message's
// values JSON-escaped without quotes, so they belong inside JSON strings ({{id}}, digits only,
// may also stand alone as a number). Anything else between {{ and }} is refused when the
// template is parsed, and so is a template that is not JSON once filled in, so a mistake shows
// at start-up rather than as a gateway's 400 for every message.
//
// Thread-safety: immutable after Parse.

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"
#include "notify/delivery_channel.h"

namespace vaxreg::notify {

inline constexpr std::string_view kDefaultBodyTemplate =
    R"({"channel":"{{channel}}","to":"{{recipient}}","subject":"{{subject}}","text":"{{body}}",)"
    R"("reference":"{{id}}"})";

// `utf8` as the inside of a JSON string: " and \ escaped, control characters (and DEL, U+2028,
// U+2029) as \uXXXX or their short forms, every other character as it is (UTF-8, so Vietnamese
// text stays readable); a byte sequence that is not UTF-8 becomes U+FFFD.
std::string JsonEscape(std::string_view utf8);

class BodyTemplate final {
 public:
  // kInvalidArgument (field "notify.body_template") naming the problem.
  static Result<BodyTemplate> Parse(std::string_view text);
  std::string Render(const OutgoingMessage& m) const;

 private:
  enum class Field { kId, kChannel, kRecipient, kSubject, kBody };
  using Part = std::variant<std::string, Field>;
  std::vector<Part> parts_;
};

}  // namespace vaxreg::notify
