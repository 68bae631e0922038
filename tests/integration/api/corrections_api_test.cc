// Correction requests end to end over HTTP on a real server (SQLite; the _pg build runs the same
// on PostgreSQL): a citizen uploads a photo and self-declares a dose, the facility approves it,
// the certificate is re-issued at once in every format (EU DCC, SMART Health Card, PDF) and the
// old DCC and SHC verify as revoked; deadlines escalate
// with a moved clock; the clock stops while the citizen is asked for information; bad input,
// strangers' records, other areas and floods are refused; two handlers deciding at once give
// exactly one winner.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <unistd.h>
#include <zlib.h>

#include "api_fixture.h"
#include "certs/qr/qr_render.h"
#include "corrections/deadlines.h"
#include "fakes/fake_clock.h"
#include "registry_fixture.h"

namespace vaxreg::testing {
namespace {

namespace http_ = boost::beast::http;
namespace json = boost::json;

constexpr const char* kCitizen = "001090012345";  // person 1 of the registry fixture

// The first bytes of a PNG whose header declares width x height pixels (a decompression bomb
// once its few bytes of compressed data inflate): signature, a valid IHDR chunk, a tiny IDAT.
std::string PngDeclaring(uint32_t width, uint32_t height) {
  auto be32 = [](uint32_t v) {
    return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                       static_cast<char>(v >> 8), static_cast<char>(v)};
  };
  auto chunk = [&](const std::string& type, const std::string& data) {
    std::string body = type + data;
    const uLong crc = crc32(0, reinterpret_cast<const Bytef*>(body.data()),
                            static_cast<uInt>(body.size()));
    return be32(static_cast<uint32_t>(data.size())) + body + be32(static_cast<uint32_t>(crc));
  };
  std::string ihdr = be32(width) + be32(height) + std::string("\x08\x02\x00\x00\x00", 5);
  return std::string("\x89PNG\r\n\x1a\n", 8) + chunk("IHDR", ihdr) +
         chunk("IDAT", std::string("\x78\x9c\x03\x00\x00\x00\x00\x01", 8)) + chunk("IEND", "");
}

class CorrectionsApiTest : public ApiTest {
 protected:
  void Configure(app::Config& config) override {
    config.corrections_sweep_interval_seconds = 3600;  // sweeps run by the tests
  }

  void SetUp() override {
    ApiTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    SeedRegistryFixture(*runtime_, 2);
    CreateAccount(kCitizen, auth::Role::kCitizen);
    citizen_ = Login(kCitizen, auth::Role::kCitizen);
    CreateAccount("staff.bachmai", auth::Role::kFacilityStaff);  // bound to HN-BACHMAI
    staff_ = Login("staff.bachmai", auth::Role::kFacilityStaff);
    CreateAccount("signer", auth::Role::kSigner);
    signer_ = Login("signer", auth::Role::kSigner);
    province_ = AuthorityAt("auth.province", "01");
    district_ = AuthorityAt("auth.district", "006");
    commune_ = AuthorityAt("auth.commune", "00199");
    other_province_ = AuthorityAt("auth.saigon", "79");
  }

  std::string AuthorityAt(const std::string& name, const std::string& unit) {
    accounts::NewUser nu;
    nu.username = name;
    nu.role = auth::Role::kHealthAuthority;
    nu.admin_unit_code = unit;
    nu.phone = "0987000" + unit.substr(0, 3);
    nu.password_hash =
        accounts::HashPassword(kPassword, accounts::PasswordCost::MinimumForTest()).value();
    EXPECT_TRUE(Write([&](storage::Connection& c) {
      return accounts::CreateUser(c, SystemClock::Get(), nu, {"test", ""}).status();
    }).ok());
    return Login(name, auth::Role::kHealthAuthority);
  }

  Status Write(const storage::WriteFn& fn) { return runtime_->writer().SubmitAndWait(fn); }

  // A real PNG (a QR code image) uploaded as the citizen's photo; its id.
  std::string UploadPhoto(const std::string& token, const std::string& text = "paper card") {
    auto png = certs::RenderQrPng(text);
    EXPECT_TRUE(png.ok());
    auto r = client_->Send(http_::verb::post, "/api/v1/photos", *png,
                           {{"Content-Type", "image/png"}, {"Authorization", "Bearer " + token}});
    EXPECT_EQ(r.status, 201) << r.body;
    return std::string(r.Json().at("photo").as_string());
  }

  TestResponse Submit(const std::string& body, const std::string& token = "") {
    return client_->Post("/api/v1/me/corrections", body, token.empty() ? citizen_ : token);
  }

  // Self-declares dose 2 (Pfizer, at HN-BACHMAI on 15/09/2021); the request JSON.
  json::object DeclareDose2() {
    const std::string photo = UploadPhoto(citizen_);
    auto r = Submit(R"({"kind":"missing_dose","claim":{"date":"15/09/2021","vaccine":"Pfizer",
                    "lot":"","dose_number":2,"facility_code":"HN-BACHMAI"},
                    "note":"dose 2 is missing","photos":[")" + photo + "\"]}");
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().as_object();
  }

  json::object Approve(int64_t id, const std::string& token, int expected = 200,
                       const std::string& body = "{}") {
    auto r = client_->Post("/api/v1/corrections/" + std::to_string(id) + "/approve", body, token);
    EXPECT_EQ(r.status, expected) << r.body;
    return r.Json().as_object();
  }

  json::object Verify(const std::string& hc1) {
    auto r = client_->Send(http_::verb::post, "/api/v1/verify", hc1,
                           {{"Content-Type", "text/plain"}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json().as_object();
  }

  // The text of a PDF as poppler's pdftotext reads it (poppler-utils, from install-deps).
  static std::string PdfText(const std::string& pdf) {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() /
                         ("vaxreg-pdf-" + std::to_string(::getpid()) + "-" +
                          std::to_string(reinterpret_cast<uintptr_t>(&pdf)));
    fs::create_directories(dir);
    std::ofstream(dir / "c.pdf", std::ios::binary) << pdf;
    const int rc = std::system(("pdftotext -enc UTF-8 '" + (dir / "c.pdf").string() + "' '" +
                                (dir / "c.txt").string() + "'")
                                   .c_str());
    EXPECT_EQ(rc, 0) << "pdftotext failed (is poppler-utils installed?)";
    std::stringstream text;
    text << std::ifstream(dir / "c.txt").rdbuf();
    fs::remove_all(dir);
    return text.str();
  }

  corrections::SweepReport SweepAt(int64_t unix_seconds) {
    FakeClock clock(FromUnixSeconds(unix_seconds));
    Result<corrections::SweepReport> report = corrections::SweepReport{};
    EXPECT_TRUE(Write([&](storage::Connection& c) {
      report = corrections::SweepDeadlines(c, clock, std::chrono::hours(48));
      return report.status();
    }).ok());
    return *report;
  }

  std::string citizen_, staff_, signer_, province_, district_, commune_, other_province_;
};

TEST_F(CorrectionsApiTest, SelfDeclaredDoseApprovedReissuesCertificateAndRevokesTheOld) {
  // A certificate for dose 1, signed by the facility and then centrally.
  ASSERT_EQ(client_->Post("/api/v1/facilities/HN-BACHMAI/sign-doses", "{}", staff_).status, 200);
  auto issued = client_->Post("/api/v1/certificates", "{\"person_id\":1}", signer_);
  ASSERT_EQ(issued.status, 201) << issued.body;
  const std::string old_hc1(issued.Json().at("hc1").as_string());
  const std::string old_uvci(issued.Json().at("uvci").as_string());
  ASSERT_TRUE(Verify(old_hc1).at("valid").as_bool());
  // The same certificate as a SMART Health Card.
  ASSERT_TRUE(issued.Json().at("shc").is_object()) << issued.body;
  const std::string old_shc(issued.Json().at("shc").at("qr").as_string());
  ASSERT_TRUE(Verify(old_shc).at("valid").as_bool());

  json::object req = DeclareDose2();
  const std::string tracking(req.at("tracking").as_string());
  EXPECT_EQ(tracking.rfind("VR", 0), 0u);
  EXPECT_EQ(req.at("status").as_string(), "open");
  EXPECT_EQ(req.at("level").as_string(), "facility");
  EXPECT_EQ(req.at("assigned_unit").as_string(), "HN-BACHMAI");
  EXPECT_EQ(req.at("claim").at("vaccine").as_string(), "COMIRNATY");  // "Pfizer", resolved
  EXPECT_NEAR(req.at("seconds_left").as_int64(), 48 * 3600, 60);
  // The citizen was told, in both languages, with the tracking number.
  const auto sent = notifier_.sent();
  ASSERT_FALSE(sent.empty());
  EXPECT_EQ(sent.back().recipient, "0912345678");
  EXPECT_NE(sent.back().body.find(tracking), std::string::npos);
  EXPECT_NE(sent.back().body.find("Đã nhận yêu cầu"), std::string::npos);

  // Pending: shown, not counted.
  auto record = client_->Get("/api/v1/me/record", citizen_);
  ASSERT_EQ(record.status, 200) << record.body;
  EXPECT_NE(record.body.find("pending"), std::string::npos) << record.body;
  EXPECT_EQ(record.Json().at("status").at("status").as_string(), "partly") << record.body;

  // In the facility's queue; approving signs the dose and re-issues the certificate at once.
  auto queue = client_->Get("/api/v1/corrections", staff_);
  ASSERT_EQ(queue.status, 200) << queue.body;
  ASSERT_EQ(queue.Json().at("items").as_array().size(), 1u);
  const int64_t id = req.at("id").as_int64();
  json::object approved = Approve(id, staff_);
  EXPECT_EQ(approved.at("status").as_string(), "approved");
  EXPECT_TRUE(approved.at("decided_in_time").as_bool());
  ASSERT_EQ(approved.at("reissued_certificates").as_array().size(), 1u) << json::serialize(approved);

  // The old QR verifies as revoked; the citizen's download is the new one, with dose 2.
  json::object old_check = Verify(old_hc1);
  EXPECT_FALSE(old_check.at("valid").as_bool());
  EXPECT_EQ(old_check.at("failures").as_array()[0].at("code").as_string(), "revoked");
  auto mine = client_->Get("/api/v1/me/certificate", citizen_);
  ASSERT_EQ(mine.status, 200) << mine.body;
  const std::string new_hc1(mine.Json().at("hc1").as_string());
  EXPECT_NE(new_hc1, old_hc1);
  json::object new_check = Verify(new_hc1);
  EXPECT_TRUE(new_check.at("valid").as_bool()) << json::serialize(new_check);
  EXPECT_NE(json::serialize(new_check).find("\"doses\":\"2/2\""), std::string::npos)
      << json::serialize(new_check);
  record = client_->Get("/api/v1/me/record", citizen_);
  EXPECT_EQ(record.Json().at("status").at("status").as_string(), "fully") << record.body;

  // Every format changed with it: the old SHC is revoked by its rid, the new one (as the QR
  // text and as the .smart-health-card download) carries both doses, and the printable PDF
  // names the new certificate and dose 2.
  json::object old_shc_check = Verify(old_shc);
  EXPECT_FALSE(old_shc_check.at("valid").as_bool());
  EXPECT_EQ(old_shc_check.at("failures").as_array()[0].at("code").as_string(), "revoked");
  const std::string new_shc(mine.Json().at("shc").at("qr").as_string());
  json::object new_shc_check = Verify(new_shc);
  EXPECT_TRUE(new_shc_check.at("valid").as_bool()) << json::serialize(new_shc_check);
  EXPECT_EQ(new_shc_check.at("certificate").at("doses").as_int64(), 2);
  auto card = client_->Get("/api/v1/me/certificate.smart-health-card", citizen_);
  ASSERT_EQ(card.status, 200) << card.body;
  auto card_check = client_->Send(http_::verb::post, "/api/v1/verify", card.body,
                                  {{"Content-Type", "application/smart-health-card"}});
  ASSERT_EQ(card_check.status, 200) << card_check.body;
  EXPECT_TRUE(card_check.Json().at("valid").as_bool()) << card_check.body;
  EXPECT_EQ(card_check.Json().at("certificate").at("doses").as_int64(), 2);
  auto pdf = client_->Get("/api/v1/me/certificate.pdf", citizen_);
  ASSERT_EQ(pdf.status, 200) << pdf.body;
  const std::string page = PdfText(pdf.body);
  const std::string new_uvci(mine.Json().at("uvci").as_string());
  EXPECT_NE(page.find(new_uvci), std::string::npos) << page;
  EXPECT_EQ(page.find(old_uvci), std::string::npos) << page;
  EXPECT_NE(page.find("15/09/2021"), std::string::npos) << page;

  // Decided once: a second decision is a conflict; the citizen heard of the approval.
  Approve(id, staff_, 409);
  auto mine_req = client_->Get("/api/v1/me/corrections/" + tracking, citizen_);
  ASSERT_EQ(mine_req.status, 200);
  EXPECT_EQ(mine_req.Json().at("status").as_string(), "approved");
  EXPECT_NE(notifier_.sent().back().body.find("chấp thuận"), std::string::npos);
}

TEST_F(CorrectionsApiTest, DeadlinesEscalateFacilityCommuneDistrictProvince) {
  json::object req = DeclareDose2();
  const int64_t id = req.at("id").as_int64();
  const int64_t received = req.at("received_at").as_int64();
  const std::string path = "/api/v1/corrections/" + std::to_string(id);

  EXPECT_EQ(SweepAt(received + 47 * 3600).escalated, 0);
  EXPECT_EQ(SweepAt(received + 49 * 3600).to_commune, 1);
  auto now_at = client_->Get(path, commune_);
  ASSERT_EQ(now_at.status, 200) << now_at.body;
  EXPECT_EQ(now_at.Json().at("level").as_string(), "commune");
  EXPECT_EQ(now_at.Json().at("assigned_unit").as_string(), "00199");
  // The facility no longer decides it; the commune sees it in its queue.
  Approve(id, staff_, 403);
  auto commune_queue = client_->Get("/api/v1/corrections", commune_);
  EXPECT_EQ(commune_queue.Json().at("items").as_array().size(), 1u) << commune_queue.body;

  EXPECT_EQ(SweepAt(received + 49 * 3600 + 49 * 3600).to_district, 1);
  Approve(id, commune_, 403);  // below the request's level now
  EXPECT_EQ(SweepAt(received + 3 * 49 * 3600).to_province, 1);
  EXPECT_EQ(SweepAt(received + 10 * 49 * 3600).escalated, 0);  // province is the top
  auto at_province = client_->Get(path, province_);
  EXPECT_EQ(at_province.Json().at("level").as_string(), "province");
  EXPECT_EQ(at_province.Json().at("escalations").as_int64(), 3);
  size_t escalations = 0;
  const json::value province_view = at_province.Json();
  for (const auto& e : province_view.at("events").as_array()) {
    if (e.at("event").as_string() == "escalated") ++escalations;
  }
  EXPECT_EQ(escalations, 3u);
  // Another province never sees it.
  EXPECT_EQ(client_->Get(path, other_province_).status, 403);
  Approve(id, other_province_, 403);
  // The province decides.
  json::object decided = Approve(id, province_);
  EXPECT_EQ(decided.at("status").as_string(), "approved");
  auto report = client_->Get("/api/v1/corrections/report?by=district", province_);
  ASSERT_EQ(report.status, 200) << report.body;
  EXPECT_EQ(report.Json().at("total").at("escalated").as_int64(), 1);
  auto pub = client_->Get("/api/v1/stats/corrections");
  ASSERT_EQ(pub.status, 200) << pub.body;
  EXPECT_NE(pub.body.find("\"province_code\":\"01\""), std::string::npos);
}

TEST_F(CorrectionsApiTest, RequestForInformationStopsTheClockAndRejectionGivesAStandardReason) {
  const std::string photo = UploadPhoto(citizen_);
  auto r = Submit(R"({"kind":"identity","claim":{"full_name":"Nguyễn Văn Anh"},
                  "note":"my name lacks a diacritic","photos":[")" + photo + "\"]}");
  ASSERT_EQ(r.status, 201) << r.body;
  json::object req = r.Json().as_object();
  EXPECT_EQ(req.at("level").as_string(), "province");  // the fixture person has no commune
  const int64_t id = req.at("id").as_int64();
  const int64_t due = req.at("due_at").as_int64();
  const std::string tracking(req.at("tracking").as_string());

  auto asked = client_->Post("/api/v1/corrections/" + std::to_string(id) + "/request-info",
                             R"({"question":"Please send the other side of the card"})", province_);
  ASSERT_EQ(asked.status, 200) << asked.body;
  EXPECT_TRUE(asked.Json().at("clock_stopped").as_bool());
  // While waiting, no escalation whatever the time.
  EXPECT_EQ(SweepAt(due + 100 * 3600).escalated, 0);
  EXPECT_NE(notifier_.sent().back().body.find("other side"), std::string::npos);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  const std::string photo2 = UploadPhoto(citizen_, "back of card");
  auto answered = client_->Post("/api/v1/me/corrections/" + tracking + "/answer",
                                R"({"note":"here it is","photos":[")" + photo2 + "\"]}", citizen_);
  ASSERT_EQ(answered.status, 200) << answered.body;
  EXPECT_GT(answered.Json().at("due_at").as_int64(), due);  // pushed back by the wait
  EXPECT_EQ(answered.Json().at("photos").as_int64(), 2);

  auto bad_reason = client_->Post("/api/v1/corrections/" + std::to_string(id) + "/reject",
                                  R"({"reason":"because"})", province_);
  EXPECT_EQ(bad_reason.status, 400);
  EXPECT_EQ(bad_reason.Json().at("error").at("field").as_string(), "reason");
  auto rejected = client_->Post("/api/v1/corrections/" + std::to_string(id) + "/reject",
                                R"({"reason":"photo_blurred","note":"unreadable"})", province_);
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  auto mine = client_->Get("/api/v1/me/corrections/" + tracking, citizen_);
  EXPECT_EQ(mine.Json().at("reject_reason").at("vi").as_string(), "Ảnh bị mờ, không đọc được");
  EXPECT_EQ(mine.Json().at("reject_reason").at("en").as_string(), "The photo is blurred");
  EXPECT_NE(notifier_.sent().back().body.find("bị từ chối"), std::string::npos);
  // The photos are the citizen's and the handlers' only.
  EXPECT_EQ(client_->Get("/api/v1/me/corrections/" + tracking + "/photos/0", citizen_).status, 200);
  auto thumb = client_->Get("/api/v1/corrections/" + std::to_string(id) + "/photos/1?size=thumb",
                            province_);
  EXPECT_EQ(thumb.status, 200);
  EXPECT_EQ(client_->Get("/api/v1/corrections/" + std::to_string(id) + "/photos/0", other_province_)
                .status,
            403);
}

TEST_F(CorrectionsApiTest, BadInputIsRefusedWithTheFieldAtFault) {
  // Not an image; a PNG declared as JPEG; too large for the route.
  auto text = client_->Send(http_::verb::post, "/api/v1/photos", "just some text",
                            {{"Content-Type", "image/png"}, {"Authorization", "Bearer " + citizen_}});
  EXPECT_EQ(text.status, 400) << text.body;
  auto png = certs::RenderQrPng("x");
  auto mislabelled = client_->Send(http_::verb::post, "/api/v1/photos", *png,
                                   {{"Content-Type", "image/jpeg"},
                                    {"Authorization", "Bearer " + citizen_}});
  EXPECT_EQ(mislabelled.status, 400) << mislabelled.body;
  auto huge = client_->Send(http_::verb::post, "/api/v1/photos", std::string(50u << 20, 'x'),
                            {{"Content-Type", "image/jpeg"},
                             {"Authorization", "Bearer " + citizen_}});
  EXPECT_EQ(huge.status, 413);
  auto bomb = client_->Send(http_::verb::post, "/api/v1/photos", PngDeclaring(100000, 100000),
                            {{"Content-Type", "image/png"}, {"Authorization", "Bearer " + citizen_}});
  EXPECT_EQ(bomb.status, 413) << bomb.body;

  const std::string photo = UploadPhoto(citizen_);
  auto declare = [&](const std::string& date, int dose_number = 2) {
    return Submit(R"({"kind":"missing_dose","claim":{"date":")" + date +
                  R"(","vaccine":"EU/1/20/1528","dose_number":)" + std::to_string(dose_number) +
                  R"(,"country":"DE"},"photos":[")" + photo + "\"]}");
  };
  auto future = declare("01/01/2099");
  EXPECT_EQ(future.status, 400) << future.body;
  auto before_birth = declare("01/01/1980");
  EXPECT_EQ(before_birth.status, 400) << before_birth.body;
  auto unknown_vaccine = Submit(R"({"kind":"missing_dose","claim":{"date":"2021-09-15",
      "vaccine":"Miracle","dose_number":2,"country":"DE"},"photos":[")" + photo + "\"]}");
  EXPECT_EQ(unknown_vaccine.status, 400);
  EXPECT_EQ(unknown_vaccine.Json().at("error").at("field").as_string(), "vaccine");
  auto no_photo = Submit(R"({"kind":"identity","claim":{"sex":"F"},"photos":[]})");
  EXPECT_EQ(no_photo.status, 400);
  EXPECT_EQ(no_photo.Json().at("error").at("field").as_string(), "photos");
  // Someone else's dose: the same answer as for none.
  auto stranger = Submit(R"({"kind":"dose_fact","dose_id":999,"claim":{"lot":"X1"},"photos":[")" +
                         photo + "\"]}");
  EXPECT_EQ(stranger.status, 404);
  // One open request per subject.
  ASSERT_EQ(declare("2021-09-15").status, 201);
  auto again = declare("2021-09-16");
  EXPECT_EQ(again.status, 409) << again.body;
}

TEST_F(CorrectionsApiTest, AfterFiveAcceptedCorrectionsOnlyTheProvinceAcceptsMore) {
  for (int i = 0; i < 5; ++i) {
    const std::string photo = UploadPhoto(citizen_, "name " + std::to_string(i));
    auto r = Submit(R"({"kind":"identity","claim":{"full_name":"Nguyễn Văn An )" +
                    std::string(1, static_cast<char>('A' + i)) + R"("},"photos":[")" + photo +
                    "\"]}");
    ASSERT_EQ(r.status, 201) << r.body;
    Approve(r.Json().at("id").as_int64(), province_);
  }
  const int64_t sixth = DeclareDose2().at("id").as_int64();
  json::object refused = Approve(sixth, staff_, 403);
  EXPECT_NE(json::serialize(refused).find("only the province"), std::string::npos);
  EXPECT_EQ(Approve(sixth, province_).at("status").as_string(), "approved");
}

TEST_F(CorrectionsApiTest, HandlersGetOneDailyDigestOfDueAndOverdueRequests) {
  const std::string photo = UploadPhoto(citizen_);
  auto r = Submit(R"({"kind":"identity","claim":{"sex":"M","full_name":"Nguyễn Văn Ăn"},
                  "photos":[")" + photo + "\"]}");
  ASSERT_EQ(r.status, 201) << r.body;
  ASSERT_EQ(r.Json().at("assigned_unit").as_string(), "01");
  // A day and a half later the request is due within 24 hours at province 01.
  FakeClock clock(FromUnixSeconds(r.Json().at("received_at").as_int64() + 36 * 3600));
  auto digest = [&] {
    Result<int64_t> sent = int64_t{0};
    EXPECT_TRUE(Write([&](storage::Connection& c) {
      sent = corrections::SendDailyDigest(c, clock, notifier_);
      return sent.status();
    }).ok());
    return *sent;
  };
  EXPECT_EQ(digest(), 1);  // the province authority has a phone; others have no request
  const auto message = notifier_.sent().back();
  EXPECT_EQ(message.recipient, "0987000" + std::string("01"));
  EXPECT_NE(message.body.find("1 yêu cầu đến hạn trong 24 giờ"), std::string::npos) << message.body;
  EXPECT_EQ(digest(), 0);  // once a day, whichever server asks
}

TEST_F(CorrectionsApiTest, ACitizenWithoutARecordSelfDeclaresAndGetsAPendingRecord) {
  const std::string cccd = "001090099999";  // born 1990, male: no record in the registry
  CreateAccount(cccd, auth::Role::kCitizen);
  const std::string token = Login(cccd, auth::Role::kCitizen);
  EXPECT_EQ(client_->Get("/api/v1/me/record", token).status, 404);
  const std::string photo = UploadPhoto(token);
  auto missing_name = Submit(R"({"kind":"missing_dose","claim":{"date":"2021-10-01",
      "vaccine":"AstraZeneca","dose_number":1,"facility_code":"HN-OTHER"},"photos":[")" + photo +
                                 "\"]}", token);
  EXPECT_EQ(missing_name.status, 400) << missing_name.body;
  EXPECT_EQ(missing_name.Json().at("error").at("field").as_string(), "full_name");
  auto r = Submit(R"({"kind":"missing_dose","claim":{"date":"2021-10-01","vaccine":"AstraZeneca",
      "dose_number":1,"facility_code":"HN-OTHER","full_name":"Phạm Văn Mới",
      "commune_code":"00199"},"photos":[")" + photo + "\"]}", token);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Json().at("claim").at("vaccine").as_string(), "VAXZEVRIA");
  auto record = client_->Get("/api/v1/me/record", token);
  ASSERT_EQ(record.status, 200) << record.body;
  EXPECT_NE(record.body.find("Phạm Văn Mới"), std::string::npos);
  EXPECT_NE(record.body.find("pending"), std::string::npos);
  EXPECT_EQ(record.Json().at("status").at("status").as_string(), "none");  // pending never counts
}

TEST_F(CorrectionsApiTest, AFloodFromOneCitizenIsRateLimited) {
  const std::string photo = UploadPhoto(citizen_);
  int accepted = 0, limited = 0;
  // Doses 2 to 13, 100 days apart from 2021-09-01 (each a valid claim of its own).
  std::chrono::sys_days day = std::chrono::sys_days(std::chrono::year(2021) / 9 / 1);
  for (int n = 2; n <= 13; ++n, day += std::chrono::days(100)) {
    auto r = Submit(R"({"kind":"missing_dose","claim":{"date":")" + registry::FormatDay(day) +
                    R"(","vaccine":"Pfizer","dose_number":)" + std::to_string(n) +
                    R"(,"country":"JP"},"photos":[")" + photo + "\"]}");
    if (r.status == 201) ++accepted;
    if (r.status == 429) ++limited;
  }
  EXPECT_EQ(limited, 2);
  EXPECT_EQ(accepted, 10);
}

TEST_F(CorrectionsApiTest, TwoHandlersDecidingAtOnceHaveExactlyOneWinner) {
  // The two handlers work on two servers sharing the database.
  std::unique_ptr<app::Runtime> other = StartAnotherServer();
  ASSERT_NE(other, nullptr);
  for (int round = 0; round < 3; ++round) {
    json::object req;
    {
      const std::string photo = UploadPhoto(citizen_, "round " + std::to_string(round));
      auto r = Submit(R"({"kind":"identity","claim":{"full_name":"Nguyễn Văn Án )" +
                      std::to_string(round) + R"("},"photos":[")" + photo + "\"]}");
      ASSERT_EQ(r.status, 201) << r.body;
      req = r.Json().as_object();
    }
    const std::string path =
        "/api/v1/corrections/" + std::to_string(req.at("id").as_int64()) + "/";
    auto approve = std::async(std::launch::async, [&] {
      TestHttpClient c(runtime_->port());
      return c.Post(path + "approve", "{}", province_).status;
    });
    auto reject = std::async(std::launch::async, [&] {
      TestHttpClient c(other->port());
      return c.Post(path + "reject", R"({"reason":"name_differs"})", province_).status;
    });
    const int a = approve.get(), b = reject.get();
    EXPECT_TRUE((a == 200 && b == 409) || (a == 409 && b == 200)) << a << " " << b;
  }
  other->Shutdown();
}

TEST_F(CorrectionsApiTest, ConcurrentDeadlineSweepsOnTwoServersEscalateEachRequestOnce) {
  std::unique_ptr<app::Runtime> other = StartAnotherServer();
  ASSERT_NE(other, nullptr);
  const std::vector<int64_t> ids = {DeclareDose2().at("id").as_int64()};
  ASSERT_FALSE(ids.empty());
  const int64_t late = ToUnixSeconds(SystemClock::Get().Now()) + 49 * 3600;
  // Both servers sweep at the same moment, several times over.
  auto sweep_on = [&](app::Runtime& rt) {
    int64_t escalated = 0;
    for (int k = 0; k < 5; ++k) {
      FakeClock clock(FromUnixSeconds(late));
      Result<corrections::SweepReport> report = corrections::SweepReport{};
      EXPECT_TRUE(rt.writer()
                      .SubmitAndWait([&](storage::Connection& c) {
                        report = corrections::SweepDeadlines(c, clock, std::chrono::hours(48));
                        return report.status();
                      })
                      .ok());
      escalated += report->escalated;
    }
    return escalated;
  };
  auto a = std::async(std::launch::async, [&] { return sweep_on(*runtime_); });
  auto b = std::async(std::launch::async, [&] { return sweep_on(*other); });
  EXPECT_EQ(a.get() + b.get(), static_cast<int64_t>(ids.size()));
  auto view = client_->Get("/api/v1/corrections/" + std::to_string(ids[0]), province_);
  ASSERT_EQ(view.status, 200) << view.body;
  const json::value v = view.Json();
  EXPECT_EQ(v.at("escalations").as_int64(), 1);
  int events = 0;
  for (const auto& e : v.at("events").as_array()) events += e.at("event").as_string() == "escalated";
  EXPECT_EQ(events, 1);
  other->Shutdown();
}

}  // namespace
}  // namespace vaxreg::testing
