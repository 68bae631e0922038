// API errors in the reader's language, over real HTTP: errors a citizen or the public can cause
// come back in Vietnamese with "Accept-Language: vi" and in English without it, with a stable
// reason, Content-Language and Vary. Then the messages the domain code really produces for
// citizens' mistakes are checked to be in the catalogue, so that a changed message cannot fall
// back to English unnoticed.

#include "http/error_language.h"

#include <functional>

#include "accounts/citizen_signup.h"
#include "api/citizen_fields.h"
#include "api_fixture.h"
#include "certs/qr_image.h"
#include "http/json.h"
#include "media/photo.h"
#include "registry/identity_number.h"
#include "registry_fixture.h"

namespace vaxreg::testing {
namespace {

namespace http_ = boost::beast::http;

class ErrorLanguageTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    SeedRegistryFixture(*runtime_, 2);
    AddFacilityWithCapacity(*runtime_, "HN-SMALL", 0);
    CreateAccount("001090012345", auth::Role::kCitizen);
    citizen_ = Login("001090012345", auth::Role::kCitizen);
  }

  // The same call with and without Accept-Language: vi.
  struct Both {
    TestResponse en, vi;
  };
  Both Call(http_::verb method, const std::string& target, const std::string& body,
            const std::string& token = "", const std::string& content_type = "application/json") {
    Both out;
    for (bool vi : {false, true}) {
      std::vector<std::pair<std::string, std::string>> headers;
      if (!token.empty()) headers.push_back({"Authorization", "Bearer " + token});
      if (!body.empty()) headers.push_back({"Content-Type", content_type});
      if (vi) headers.push_back({"Accept-Language", "vi-VN,vi;q=0.9,en;q=0.5"});
      (vi ? out.vi : out.en) = client_->Send(method, target, body, headers);
    }
    return out;
  }

  // Checks both answers: the status, the English and Vietnamese messages, one reason, and the
  // language headers.
  void Expect(const Both& got, int status, const std::string& en, const std::string& vi,
              const std::string& reason) {
    for (const TestResponse* r : {&got.en, &got.vi}) {
      ASSERT_EQ(r->status, status) << r->body;
      EXPECT_EQ(r->headers.at("Vary"), "Accept-Language");
      EXPECT_EQ(r->Json().at("error").at("reason").as_string(), reason) << r->body;
    }
    EXPECT_EQ(got.en.Json().at("error").at("message").as_string(), en);
    EXPECT_EQ(got.en.headers.at("Content-Language"), "en");
    EXPECT_EQ(got.vi.Json().at("error").at("message").as_string(), vi);
    EXPECT_EQ(got.vi.headers.at("Content-Language"), "vi");
    EXPECT_EQ(got.vi.Json().at("error").at("code"), got.en.Json().at("error").at("code"));
  }

  static std::string Tomorrow() {
    return registry::FormatDay(registry::DayOf(ToUnixSeconds(SystemClock::Get().Now())) +
                               std::chrono::days(1));
  }

  std::string citizen_;
};

TEST_F(ErrorLanguageTest, CitizensErrorsInVietnameseWhenAskedAndEnglishOtherwise) {
  Expect(Call(http_::verb::post, "/api/v1/auth/otp", R"({"cccd":"12345"})"), 400,
         "cccd must be 12 digits", "Số CCCD phải có 12 chữ số", "auth.cccd_digits");
  Expect(
      Call(http_::verb::post, "/api/v1/auth/login", R"({"cccd":"001090012345","code":"000000"})"),
      401, "invalid or expired one-time code", "Mã xác thực không đúng hoặc đã hết hạn",
      "auth.bad_code");
  Expect(Call(http_::verb::post, "/api/v1/auth/signup",
              R"({"cccd":"001090012399","birth_date":"01/05/1990","phone":"12345"})"),
         400,
         "phone must be a Vietnamese mobile number: 10 digits starting 03, 05, 07, 08 or 09, or "
         "the same with +84 instead of the leading 0",
         "Số điện thoại phải là số di động Việt Nam gồm 10 chữ số, bắt đầu bằng 03, 05, 07, 08 "
         "hoặc 09 (có thể viết +84 thay cho số 0 đầu)",
         "signup.phone");
  Expect(Call(http_::verb::post, "/api/v1/auth/signup",
              R"({"cccd":"001090012399","phone":"0912345678"})"),
         400, "field 'birth_date' is required", "Vui lòng nhập ngày sinh", "field.required");
  Expect(Call(http_::verb::get, "/api/v1/me/record", ""), 401, "this route requires a bearer token",
         "Vui lòng đăng nhập để dùng chức năng này", "auth.token_required");
  Expect(Call(http_::verb::post, "/api/v1/registrations", "{\"facility_code\":", citizen_), 400,
         "malformed JSON at offset 17: incomplete JSON",
         "Dữ liệu JSON bị lỗi tại vị trí 17: incomplete JSON", "request.json_malformed");
  const std::string day = Tomorrow();
  const std::string dmy = day.substr(8, 2) + "/" + day.substr(5, 2) + "/" + day.substr(0, 4);
  Expect(Call(http_::verb::post, "/api/v1/registrations",
              R"({"facility_code":"HN-SMALL","day":")" + day + "\"}", citizen_),
         409, "facility HN-SMALL is fully booked on " + day + " (0 places)",
         "Cơ sở tiêm chủng HN-SMALL đã hết chỗ ngày " + dmy + " (0 chỗ)", "booking.fully_booked");
  Expect(Call(http_::verb::post, "/api/v1/registrations/999999/cancel", "", citizen_), 404,
         "no such booking", "Không tìm thấy lịch hẹn", "booking.not_found");
  Expect(Call(http_::verb::post, "/api/v1/photos", "not an image", citizen_, "text/plain"), 400,
         "unsupported_type: send the photo as a JPEG, PNG or WebP image",
         "Vui lòng gửi ảnh dạng JPEG, PNG hoặc WebP", "photo.unsupported_type");
  Expect(Call(http_::verb::post, "/api/v1/verify", "", "", "text/plain"), 400, "nothing to verify",
         "Không có gì để kiểm tra; vui lòng gửi ảnh mã QR hoặc nội dung chứng nhận",
         "verify.nothing");
  Expect(Call(http_::verb::get, "/api/v1/stats/doses?from=yesterday", ""), 400,
         "from must be YYYY-MM-DD", "Ngày bắt đầu (from) phải viết theo dạng YYYY-MM-DD",
         "field.day_format");
}

// The officials' screens send Accept-Language as the citizens' do: their errors come back in
// Vietnamese too (error_catalogue_staff.cc).
TEST_F(ErrorLanguageTest, OfficialsErrorsInVietnameseWhenAskedToo) {
  CreateAccount("staff.bachmai", auth::Role::kFacilityStaff);
  const std::string staff = Login("staff.bachmai", auth::Role::kFacilityStaff);
  CreateAccount("admin.one", auth::Role::kAdmin);
  const std::string admin = Login("admin.one", auth::Role::kAdmin);
  Expect(Call(http_::verb::post, "/api/v1/checkin",
              R"({"qr":"001090012345||Nguyễn Văn An|01051990|X|Hà Nội|01072021"})", staff),
         400, "the card QR's sex must be Nam or Nữ",
         "Giới tính trong mã QR trên thẻ phải là Nam hoặc Nữ", "checkin.card_sex");
  Expect(Call(http_::verb::post, "/api/v1/doses/999999/void", R"({"reason":""})", staff), 400,
         "a reason (1-500 bytes) is required to void a dose",
         "Cần ghi lý do (1-500 byte) để hủy mũi tiêm", "dose.void_reason");
  Expect(Call(http_::verb::get, "/api/v1/quarantine/999999", "", staff), 404,
         "no quarantined row 999999", "Không có dòng bị giữ lại số 999999",
         "quarantine.not_found");
  Expect(Call(http_::verb::get, "/api/v1/users/999999", "", admin), 404,
         "no user with id 999999", "Không có tài khoản nào mang mã 999999", "users.not_found");
}

TEST_F(ErrorLanguageTest, ParamsCarryTheValuesForClientsThatTranslateThemselves) {
  auto r = Call(http_::verb::post, "/api/v1/registrations",
                R"({"facility_code":"HN-SMALL","day":")" + Tomorrow() + "\"}", citizen_);
  const boost::json::value error = r.vi.Json().at("error");
  const auto& params = error.at("params");
  EXPECT_EQ(params.at("facility").as_string(), "HN-SMALL");
  EXPECT_EQ(params.at("day").as_string(), Tomorrow());
  EXPECT_EQ(params.at("places").as_string(), "0");
  EXPECT_EQ(error.at("field").as_string(), "day");
}

// Messages the code really produces for a citizen's mistakes, each in the catalogue.
TEST(ErrorCatalogueCoverageTest, CitizensMistakesAreAllInTheCatalogue) {
  const auto today = registry::DayOf(ToUnixSeconds(SystemClock::Get().Now()));
  std::vector<Status> mistakes;
  const auto add = [&](const Status& st) {
    ASSERT_FALSE(st.ok());
    mistakes.push_back(st);
  };
  for (const char* text : {"", "1990-13-01", "31/02/1990", "1870-01-01", "2999-01-01", "abc"}) {
    add(api::ParseCitizenBirthDate(text, today).status());
  }
  for (const char* cccd : {"123", "101090012345", "099090012345"}) {
    add(api::CheckCccdAgreesWithBirthDate(cccd, "1990-05-01"));
  }
  add(api::CheckCccdAgreesWithBirthDate("001090012345", "1985-05-01"));
  add(accounts::NormaliseMobilePhone("0212345678").status());
  registry::NewPerson good;
  good.cccd = "001090012345";
  good.full_name = "Nguyễn Văn An";
  good.dob = "1990-05-01";
  good.sex = "M";
  good.province_code = "01";
  ASSERT_TRUE(registry::ValidateNewPerson(good, today).ok());
  const std::vector<std::function<void(registry::NewPerson&)>> changes = {
      [](auto& p) { p.full_name = ""; },
      [](auto& p) { p.full_name = std::string(201, 'a'); },
      [](auto& p) { p.full_name = "An\x01"; },
      [](auto& p) { p.sex = "X"; },
      [](auto& p) { p.sex = "F"; },
      [](auto& p) { p.dob = "1985-05-01"; },
      [](auto& p) { p.dob = "05/01/1990"; },
      [](auto& p) { p.cmnd = "12"; },
      [](auto& p) { p.passport = "ab"; },
      [](auto& p) { p.phone = "09x"; },
      [](auto& p) { p.province_code = "99"; },
      [](auto& p) { p.district_code = "760"; },
      [](auto& p) {
        p.province_code = "";
        p.district_code = "006";
      },
  };
  for (const auto& change : changes) {
    registry::NewPerson p = good;
    change(p);
    add(registry::ValidateNewPerson(p, today).status());
  }
  boost::json::object body{{"day", 3}};
  add(http::RequireString(body, "facility_code").status());
  add(http::RequireString(body, "day").status());
  add(http::ParseJsonObjectBody("[]").status());
  add(http::ParseJsonObjectBody("").status());
  add(media::ProcessPhoto("plain text", "image/jpeg", {}).status());
  add(media::ProcessPhoto("x", "application/pdf", {}).status());
  add(certs::DecodeQrFromImage("not an image").status());
  for (const Status& st : mistakes) {
    const http::LocalizedError vi = http::LocalizeError(st, http::Language::kVietnamese);
    EXPECT_EQ(vi.language, http::Language::kVietnamese) << "not in the catalogue: " << st.message();
    EXPECT_FALSE(vi.reason.empty()) << st.message();
  }
}

}  // namespace
}  // namespace vaxreg::testing
