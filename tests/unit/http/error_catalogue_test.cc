// The error catalogue (http/error_language.h): every entry well formed and in both languages
// with the same placeholders, each reachable (no earlier entry takes its messages), and the
// language a request prefers; then the error body and headers ErrorResponse builds from them.

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <set>

#include "http/error_language.h"
#include "http/json.h"

namespace vaxreg::http {
namespace {

// The template with each placeholder replaced by a sample value ("Xname").
std::string Sample(std::string_view tmpl) {
  std::string out;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] != '{') {
      out += tmpl[i];
      continue;
    }
    const size_t close = tmpl.find('}', i);
    out += "X" + std::string(tmpl.substr(i + 1, close - i - 1));
    i = close;
  }
  return out;
}

bool HasNonAscii(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

TEST(ErrorCatalogueTest, EveryEntryHasBothLanguagesWithTheSamePlaceholders) {
  ASSERT_GT(ErrorCatalogue().size(), 100u);
  std::set<std::string_view> reasons;
  for (const ErrorText& e : ErrorCatalogue()) {
    SCOPED_TRACE(std::string(e.reason));
    EXPECT_TRUE(reasons.insert(e.reason).second) << "reason used twice";
    EXPECT_FALSE(e.reason.empty());
    EXPECT_TRUE(std::all_of(e.reason.begin(), e.reason.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
    })) << "reasons are lower_case.dotted";
    EXPECT_FALSE(e.en.empty());
    EXPECT_FALSE(e.vi.empty());
    EXPECT_NE(e.en, e.vi);
    // Vietnamese, with its diacritics (every sentence has at least one marked letter).
    EXPECT_TRUE(HasNonAscii(e.vi)) << e.vi;
    std::vector<std::string> en, vi;
    ASSERT_TRUE(TemplatePlaceholders(e.en, &en)) << e.en;
    ASSERT_TRUE(TemplatePlaceholders(e.vi, &vi)) << e.vi;
    EXPECT_EQ(std::set<std::string>(en.begin(), en.end()).size(), en.size())
        << "a placeholder twice in the English template";
    EXPECT_EQ(std::set<std::string>(en.begin(), en.end()),
              std::set<std::string>(vi.begin(), vi.end()))
        << e.en << " | " << e.vi;
  }
}

TEST(ErrorCatalogueTest, EveryEntryMatchesItsOwnMessages) {
  for (const ErrorText& e : ErrorCatalogue()) {
    const std::string message = Sample(e.en);
    ErrorParams params;
    const ErrorText* found = MatchErrorText(message, &params);
    ASSERT_NE(found, nullptr) << message;
    EXPECT_EQ(found->reason, e.reason) << "'" << message << "' is taken by an earlier entry";
    std::vector<std::string> names;
    ASSERT_TRUE(TemplatePlaceholders(e.en, &names));
    ASSERT_EQ(params.size(), names.size()) << message;
    for (size_t i = 0; i < names.size(); ++i) {
      EXPECT_EQ(params[i].first, names[i]);
      EXPECT_EQ(params[i].second, "X" + names[i]);
    }
    const std::string vi = RenderVietnamese(*found, params);
    EXPECT_EQ(vi.find('{'), std::string::npos) << vi;
  }
}

TEST(ErrorCatalogueTest, MalformedTemplatesAreRefused) {
  std::vector<std::string> names;
  EXPECT_TRUE(TemplatePlaceholders("a {b} c {d_2}", &names));
  EXPECT_EQ(names, (std::vector<std::string>{"b", "d_2"}));
  EXPECT_FALSE(TemplatePlaceholders("a {b", &names));
  EXPECT_FALSE(TemplatePlaceholders("a {} b", &names));
  EXPECT_FALSE(TemplatePlaceholders("a {B} b", &names));
  EXPECT_FALSE(TemplatePlaceholders("a {b}{c}", &names)) << "placeholders must not touch";
  EXPECT_FALSE(TemplatePlaceholders("a } b", &names));
}

TEST(ErrorCatalogueTest, ValuesWithTheSeparatorInsideStillMatch) {
  ErrorParams params;
  const ErrorText* e =
      MatchErrorText("facility A on B is fully booked on 2025-06-01 (3 places)", &params);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->reason, "booking.fully_booked");
  EXPECT_EQ(params, (ErrorParams{{"facility", "A on B"}, {"day", "2025-06-01"}, {"places", "3"}}));
  EXPECT_EQ(MatchErrorText("facility X is fully booked", &params), nullptr);
  EXPECT_TRUE(params.empty());
}

TEST(ErrorCatalogueTest, VietnameseReadsFieldsDaysAndWaitsAsWords) {
  const auto vi = [](std::string message, StatusCode code = StatusCode::kInvalidArgument) {
    return LocalizeError(Status(code, std::move(message)), Language::kVietnamese).message;
  };
  EXPECT_EQ(vi("cccd must be 12 digits"), "Số CCCD phải có 12 chữ số");
  EXPECT_EQ(vi("invalid or expired one-time code", StatusCode::kUnauthenticated),
            "Mã xác thực không đúng hoặc đã hết hạn");
  EXPECT_EQ(vi("field 'birth_date' is required"), "Vui lòng nhập ngày sinh");
  EXPECT_EQ(vi("field 'nickname' is required"), "Vui lòng nhập trường “nickname”");
  EXPECT_EQ(vi("field 'day' must be a string, got integer"),
            "Ngày hẹn phải là chuỗi ký tự (đã gửi: số nguyên)");
  EXPECT_EQ(vi("from must be YYYY-MM-DD"), "Ngày bắt đầu (from) phải viết theo dạng YYYY-MM-DD");
  EXPECT_EQ(vi("facility HN-BACHMAI is fully booked on 2025-06-01 (300 places)",
               StatusCode::kFailedPrecondition),
            "Cơ sở tiêm chủng HN-BACHMAI đã hết chỗ ngày 01/06/2025 (300 chỗ)");
  EXPECT_EQ(vi("too many login codes requested for this CCCD; try again in 45 s",
               StatusCode::kResourceExhausted),
            "Số CCCD này đã yêu cầu quá nhiều mã đăng nhập; vui lòng thử lại sau 45 giây");
  EXPECT_EQ(vi("too many codes requested for this CCCD or phone number; try again in 601 s",
               StatusCode::kResourceExhausted),
            "Số CCCD hoặc số điện thoại này đã yêu cầu quá nhiều mã; vui lòng thử lại sau 11 phút");
  EXPECT_EQ(vi("too many failed logins for this account; try again in 86400 s",
               StatusCode::kResourceExhausted),
            "Tài khoản này đã đăng nhập sai quá nhiều lần; vui lòng thử lại sau 24 giờ");
}

TEST(ErrorCatalogueTest, StatusesAndLevelsReadAsWords) {
  const auto vi = [](std::string message, StatusCode code = StatusCode::kFailedPrecondition) {
    return LocalizeError(Status(code, std::move(message)), Language::kVietnamese).message;
  };
  EXPECT_EQ(vi("facility HN-A is suspended, not active; it cannot record doses"),
            "Cơ sở tiêm chủng HN-A đang ở trạng thái tạm ngừng, không thể ghi nhận mũi tiêm");
  EXPECT_EQ(vi("this request is assigned to 01 (province level); you may not decide it",
               StatusCode::kPermissionDenied),
            "Đề nghị này được giao cho 01 (cấp tỉnh); bạn không có quyền quyết định");
  EXPECT_EQ(vi("duplicate proposal 7 is merged, not proposed"),
            "Đề xuất gộp hồ sơ số 7 đang ở trạng thái đã gộp, không phải đang đề xuất");
  // A value the list does not know is shown as it is.
  EXPECT_EQ(vi("the request was already decided (someday)"),
            "Đề nghị đã được quyết định trước đó (someday)");
}

TEST(ErrorCatalogueTest, UnknownMessagesStayEnglishExceptServerFailures) {
  LocalizedError bad = LocalizeError(InvalidArgumentError("something new"), Language::kVietnamese);
  EXPECT_EQ(bad.message, "something new");
  EXPECT_EQ(bad.language, Language::kEnglish);
  EXPECT_EQ(bad.reason, "");
  LocalizedError down =
      LocalizeError(UnavailableError("cannot connect to PostgreSQL at x"), Language::kVietnamese);
  EXPECT_EQ(down.language, Language::kVietnamese);
  EXPECT_EQ(down.reason, "server.unavailable");
  EXPECT_TRUE(HasNonAscii(down.message));
  LocalizedError down_en =
      LocalizeError(UnavailableError("cannot connect to PostgreSQL at x"), Language::kEnglish);
  EXPECT_EQ(down_en.message, "cannot connect to PostgreSQL at x");
  EXPECT_EQ(down_en.reason, "server.unavailable");
  EXPECT_EQ(LocalizeError(InternalError("boom"), Language::kEnglish).reason, "server.internal");
}

TEST(AcceptLanguageTest, PrefersWhatTheReaderAsksFor) {
  EXPECT_EQ(PreferredLanguage(""), Language::kEnglish);
  EXPECT_EQ(PreferredLanguage("vi"), Language::kVietnamese);
  EXPECT_EQ(PreferredLanguage("VI"), Language::kVietnamese);
  EXPECT_EQ(PreferredLanguage("vi-VN,vi;q=0.9,en-US;q=0.8,en;q=0.7"), Language::kVietnamese);
  EXPECT_EQ(PreferredLanguage("en-US,en;q=0.9,vi;q=0.8"), Language::kEnglish);
  EXPECT_EQ(PreferredLanguage("en;q=0.5, vi;q=0.8"), Language::kVietnamese);
  EXPECT_EQ(PreferredLanguage("vi;q=0.5, en;q=0.8"), Language::kEnglish);
  EXPECT_EQ(PreferredLanguage("vi;q=0"), Language::kEnglish);
  EXPECT_EQ(PreferredLanguage("fr, de"), Language::kEnglish);
  EXPECT_EQ(PreferredLanguage("fr, vi;q=0.1"), Language::kVietnamese);
  EXPECT_EQ(PreferredLanguage("*"), Language::kEnglish) << "equal q: English, the default";
  EXPECT_EQ(PreferredLanguage("vi, en"), Language::kVietnamese) << "equal q: the first listed";
  EXPECT_EQ(PreferredLanguage("en, vi"), Language::kEnglish);
  EXPECT_EQ(PreferredLanguage("en;q=0, *"), Language::kVietnamese);
  EXPECT_EQ(PreferredLanguage("vi;q=2"), Language::kEnglish) << "a malformed q drops the range";
  EXPECT_EQ(PreferredLanguage("vi;q=abc, en;q=0.1"), Language::kEnglish);
  EXPECT_EQ(PreferredLanguage(" ,, vi ; q=0.7 ,"), Language::kVietnamese);
  EXPECT_EQ(PreferredLanguage("vietnamese"), Language::kEnglish);
  EXPECT_EQ(PreferredLanguage("vi_VN"), Language::kEnglish);
}

TEST(LocalizedErrorResponseTest, CarriesReasonParamsAndLanguageHeaders) {
  Request req{beast::http::verb::post, "/api/v1/registrations", 11};
  const Status st = FailedPreconditionError(
      "facility HN-BACHMAI is fully booked on 2025-06-01 (300 places)", "day");
  Response en = ErrorResponse(st, req);
  EXPECT_EQ(en[beast::http::field::content_language], "en");
  EXPECT_EQ(en[beast::http::field::vary], "Accept-Language");
  auto body = boost::json::parse(en.body()).at("error");
  EXPECT_EQ(body.at("code").as_string(), "FAILED_PRECONDITION");
  EXPECT_EQ(body.at("message").as_string(), st.message());
  EXPECT_EQ(body.at("field").as_string(), "day");
  EXPECT_EQ(body.at("reason").as_string(), "booking.fully_booked");
  EXPECT_EQ(body.at("params").at("facility").as_string(), "HN-BACHMAI");
  EXPECT_EQ(body.at("params").at("day").as_string(), "2025-06-01");
  EXPECT_EQ(body.at("params").at("places").as_string(), "300");

  req.set(beast::http::field::accept_language, "vi-VN,vi;q=0.9,en;q=0.8");
  Response vi = ErrorResponse(st, req);
  EXPECT_EQ(vi[beast::http::field::content_language], "vi");
  EXPECT_EQ(vi[beast::http::field::vary], "Accept-Language");
  auto vbody = boost::json::parse(vi.body()).at("error");
  EXPECT_EQ(vbody.at("message").as_string(),
            "Cơ sở tiêm chủng HN-BACHMAI đã hết chỗ ngày 01/06/2025 (300 chỗ)");
  EXPECT_EQ(vbody.at("reason").as_string(), "booking.fully_booked");

  // A message outside the catalogue: English, said so, no reason.
  Response other = ErrorResponse(InvalidArgumentError("a staff-only detail"), req);
  EXPECT_EQ(other[beast::http::field::content_language], "en");
  auto obody = boost::json::parse(other.body()).at("error").as_object();
  EXPECT_EQ(obody.at("message").as_string(), "a staff-only detail");
  EXPECT_FALSE(obody.contains("reason"));
  EXPECT_FALSE(obody.contains("params"));
}

}  // namespace
}  // namespace vaxreg::http
