// The gateway request body: JSON escaping of message text and the template's placeholders.

#include "notify/body_template.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace vaxreg::notify {
namespace {

TEST(JsonEscapeTest, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(JsonEscape(R"(say "hi" \ bye)"), R"(say \"hi\" \\ bye)");
  EXPECT_EQ(JsonEscape("a\nb\tc\rd\be\ff"), R"(a\nb\tc\rd\be\ff)");
  EXPECT_EQ(JsonEscape(std::string("x\x01y\x7f", 4)), R"(x\u0001y\u007f)");
  EXPECT_EQ(JsonEscape(std::string("nul\0", 4)), R"(nul\u0000)");
}

TEST(JsonEscapeTest, KeepsVietnameseAsUtf8) {
  const std::string text = "Mã đăng nhập của bạn là 123456. Chúc sức khỏe!";
  EXPECT_EQ(JsonEscape(text), text);
  // Line and paragraph separators are valid JSON but break JavaScript string literals.
  EXPECT_EQ(JsonEscape("a\u2028b\u2029c"), R"(a\u2028b\u2029c)");
}

TEST(JsonEscapeTest, ReplacesInvalidUtf8) {
  EXPECT_EQ(JsonEscape("ok\xff"), R"(ok\ufffd)");
  EXPECT_EQ(JsonEscape("\xc3"), R"(\ufffd)");                      // cut short
  EXPECT_EQ(JsonEscape("\xc0\xaf"), R"(\ufffd\ufffd)");            // overlong '/'
  EXPECT_EQ(JsonEscape("\xed\xa0\x80"), R"(\ufffd\ufffd\ufffd)");  // a surrogate
  EXPECT_EQ(JsonEscape("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");   // U+1F600 is fine
}

TEST(BodyTemplateTest, FillsEveryPlaceholderEscaped) {
  auto t = BodyTemplate::Parse(
      R"({"ref":{{id}},"ch":"{{channel}}","to":"{{ recipient }}","s":"{{subject}}","b":"{{body}}"})");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  const OutgoingMessage m{42, "sms", "+84912345678", "Quyết định \"A\"",
                          "Dòng 1\nDòng 2 \\ \"trích\""};
  const std::string rendered = t->Render(m);
  const boost::json::value v = boost::json::parse(rendered);
  EXPECT_EQ(v.at("ref").as_int64(), 42);
  EXPECT_EQ(v.at("ch").as_string(), "sms");
  EXPECT_EQ(v.at("to").as_string(), "+84912345678");
  EXPECT_EQ(v.at("s").as_string(), m.subject);
  EXPECT_EQ(v.at("b").as_string(), m.body);
}

TEST(BodyTemplateTest, DefaultTemplateIsValid) {
  auto t = BodyTemplate::Parse(kDefaultBodyTemplate);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  const boost::json::value v = boost::json::parse(t->Render({7, "sms", "0912", "S", "B"}));
  EXPECT_EQ(v.at("text").as_string(), "B");
  EXPECT_EQ(v.at("reference").as_string(), "7");
}

TEST(BodyTemplateTest, RefusesMistakes) {
  for (const char* bad : {R"({"b":"{{bodi}}"})", R"({"b":"{{body"})",
                          R"({"b":{{body}}})",  // outside a string
                          R"({"b":"{{body}}")"}) {
    auto t = BodyTemplate::Parse(bad);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(t.status().field(), "notify.body_template");
  }
}

}  // namespace
}  // namespace vaxreg::notify
