// The area rule of health authorities, route by route: an authority bound to Hà Nội (01) gets
// its answer for people and facilities of Hà Nội and 403 for those of Hồ Chí Minh City (79),
// and a refused call changes nothing. Every route a health authority may call is either probed
// here in and outside its area or listed as not area-bound with the reason, so a new route
// cannot skip the rule unnoticed.

#include <map>
#include <set>

#include "api_fixture.h"
#include "corrections/store.h"
#include "registry/quarantine.h"
#include "registry/registration.h"
#include "registry_fixture.h"

namespace vaxreg::testing {
namespace {

namespace http_ = boost::beast::http;

class AreaScopeTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    SeedRegistryFixture(*runtime_, 3);
    CreateAccount("area.authority", auth::Role::kHealthAuthority);  // bound to 01
    CreateAccount("area.admin", auth::Role::kAdmin);
    // Facility staff accounts in the area (HN-BACHMAI) and outside it (SG-ONE).
    near_staff_id_ = CreateAccount("near.staff", auth::Role::kFacilityStaff).id;
    accounts::NewUser far_staff;
    far_staff.username = "far.staff";
    far_staff.role = auth::Role::kFacilityStaff;
    far_staff.facility_code = "SG-ONE";
    far_staff.password_hash =
        accounts::HashPassword(kPassword, accounts::PasswordCost::MinimumForTest()).value();
    ASSERT_TRUE(runtime_->writer()
                    .SubmitAndWait([&](storage::Connection& c) {
                      auto u = accounts::CreateUser(c, SystemClock::Get(), far_staff, {"test", ""});
                      if (u.ok()) far_staff_id_ = u->id;
                      return u.status();
                    })
                    .ok());
    authority_ = Login("area.authority", auth::Role::kHealthAuthority);
    admin_ = Login("area.admin", auth::Role::kAdmin);
    // A person of Hồ Chí Minh City with a dose at SG-ONE, and bookings at both facilities.
    Status st = runtime_->writer().SubmitAndWait([&](storage::Connection& c) {
      const registry::Actor sys{"test", ""};
      registry::NewPerson np;
      np.cccd = "079190000777";
      np.full_name = "Võ Thị Hồng";
      np.dob = "1990-02-03";
      np.sex = "F";
      np.province_code = "79";
      np.district_code = "760";
      np.commune_code = "26734";
      auto valid =
          registry::ValidateNewPerson(np, registry::DayOf(ToUnixSeconds(SystemClock::Get().Now())));
      RETURN_IF_ERROR(valid.status());
      ASSIGN_OR_RETURN(registry::Person far,
                       registry::InsertPerson(c, SystemClock::Get(), *valid, sys));
      far_id_ = far.id;
      registry::NewDose d;
      d.person_id = far.id;
      d.vaccine_code = "COMIRNATY";
      d.dose_number = 1;
      d.administered_at = 1627779600;
      d.facility_code = "SG-ONE";
      ASSIGN_OR_RETURN(auto dose,
                       registry::RecordDose(c, SystemClock::Get(), registry::BuiltInVaccines(), d,
                                            registry::DoseWriter::System("test")));
      far_dose_id_ = dose.dose.id;
      const std::string day = registry::FormatDay(
          registry::DayOf(ToUnixSeconds(SystemClock::Get().Now())) + std::chrono::days(1));
      ASSIGN_OR_RETURN(auto far_booking, registry::BookRegistration(c, SystemClock::Get(), far.id,
                                                                    "SG-ONE", day, sys));
      far_booking_ = far_booking.token;
      far_booking_id_ = far_booking.id;
      // Person 2 (Hà Nội) booked at SG-ONE: the facility, not the person, is outside.
      ASSIGN_OR_RETURN(auto near_far,
                       registry::BookRegistration(c, SystemClock::Get(), 2, "SG-ONE", day, sys));
      near_at_far_facility_ = near_far.token;
      ASSIGN_OR_RETURN(
          auto near, registry::BookRegistration(c, SystemClock::Get(), 3, "HN-BACHMAI", day, sys));
      near_booking_ = near.token;
      near_booking_id_ = near.id;
      ASSIGN_OR_RETURN(
          auto near2, registry::BookRegistration(c, SystemClock::Get(), 4, "HN-BACHMAI", day, sys));
      near_second_booking_id_ = near2.id;
      // Correction requests: one per decision route about person 1 (Hà Nội), one about the far
      // person (Hồ Chí Minh City), each waiting at its province.
      auto request = [&](int64_t person, const std::string& province,
                         const std::string& subject) -> Result<int64_t> {
        corrections::CorrectionRequest r;
        r.tracking = "VRAREA" + subject;
        r.kind = corrections::Kind::kIdentity;
        r.subject = "probe:" + subject;
        r.person_id = person;
        r.claim = R"({"full_name":"Nguyễn Văn Ân"})";
        r.level = corrections::Level::kProvince;
        r.assigned_unit = province;
        r.province_code = province;
        r.submitted_by = 1;
        r.received_at = ToUnixSeconds(SystemClock::Get().Now());
        r.due_at = r.received_at + 48 * 3600;
        ASSIGN_OR_RETURN(r, corrections::InsertRequest(c, r));
        return r.id;
      };
      for (const char* route : {"approve", "reject", "request-info", "reassign", "read"}) {
        ASSIGN_OR_RETURN(near_requests_[route], request(1, "01", route));
      }
      ASSIGN_OR_RETURN(far_request_, request(far.id, "79", "far"));
      return Status::Ok();
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  TestResponse Call(http_::verb method, const std::string& target, const std::string& body,
                    const std::string& token) {
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Authorization", "Bearer " + token}};
    if (!body.empty()) headers.push_back({"Content-Type", "application/json"});
    return client_->Send(method, target, body, headers);
  }

  std::string RegistrationStatus(const std::string& token) {
    auto conn = runtime_->db().Acquire();
    EXPECT_TRUE(conn.ok());
    auto r = registry::FindRegistrationByToken(**conn, token);
    EXPECT_TRUE(r.ok() && r->has_value());
    return r.ok() && r->has_value() ? (*r)->status : "";
  }

  std::string authority_, admin_;
  int64_t far_id_ = 0, far_dose_id_ = 0;
  int64_t near_staff_id_ = 0, far_staff_id_ = 0;
  std::string far_booking_, near_at_far_facility_, near_booking_;
  int64_t far_booking_id_ = 0, near_booking_id_ = 0, near_second_booking_id_ = 0;
  std::map<std::string, int64_t> near_requests_;
  int64_t far_request_ = 0;
};

std::string Day(int ahead) {
  return registry::FormatDay(registry::DayOf(ToUnixSeconds(SystemClock::Get().Now())) +
                             std::chrono::days(ahead));
}

// One call inside the area and one outside, for a route.
struct AreaCase {
  std::string target_in, body_in;
  int status_in;
  std::string target_out, body_out;
};

TEST_F(AreaScopeTest, EveryAuthorityRouteAppliesTheAreaRule) {
  const std::string far = std::to_string(far_id_);
  const std::string dose_json_tail =
      R"(,"vaccine":"COMIRNATY","dose_number":2,"administered_at":"2021-09-01T09:00:00+07:00",)";
  const std::string csv_head =
      "record_id,cccd,full_name,dob,sex,phone,province_code,district_code,commune_code,"
      "vaccine,lot,dose_number,date,facility_code\n";
  std::map<std::string, AreaCase> cases = {
      {"POST /api/v1/checkin",
       {"/api/v1/checkin", R"({"qr":"001090012345||Nguyễn Văn An|01051990|Nam|Hà Nội|01072021"})",
        200, "/api/v1/checkin",
        R"({"qr":"079190000777||Võ Thị Hồng|03021990|Nữ|Thành phố Hồ Chí Minh|01072021"})"}},
      {"GET /api/v1/facilities/{code}/bookings",
       {"/api/v1/facilities/HN-BACHMAI/bookings", "", 200,
        "/api/v1/facilities/SG-ONE/bookings", ""}},
      {"GET /api/v1/facilities/{code}/doses",
       {"/api/v1/facilities/HN-BACHMAI/doses", "", 200, "/api/v1/facilities/SG-ONE/doses", ""}},
      {"GET /api/v1/facilities/{code}/day",
       {"/api/v1/facilities/HN-BACHMAI/day", "", 200, "/api/v1/facilities/SG-ONE/day", ""}},
      {"GET /api/v1/users",
       {"/api/v1/users?area=01", "", 200, "/api/v1/users?area=79", ""}},
      {"GET /api/v1/ops/overview",
       {"/api/v1/ops/overview?province=01", "", 200, "/api/v1/ops/overview?province=79", ""}},
      {"GET /api/v1/people/by-status",
       {"/api/v1/people/by-status?status=unvaccinated&area=01", "", 200,
        "/api/v1/people/by-status?status=unvaccinated&area=79", ""}},
      {"GET /api/v1/people/{id}", {"/api/v1/people/1", "", 200, "/api/v1/people/" + far, ""}},
      {"GET /api/v1/people/{id}/record",
       {"/api/v1/people/1/record", "", 200, "/api/v1/people/" + far + "/record", ""}},
      {"GET /api/v1/people",
       {"/api/v1/people?number=001090012345", "", 200, "/api/v1/people?number=079190000777", ""}},
      {"POST /api/v1/people",
       {"/api/v1/people",
        R"({"cccd":"001090777001","full_name":"Lê Văn Cường","dob":"1990-01-02","sex":"M","province_code":"01"})",
        201, "/api/v1/people",
        R"({"cccd":"079090777002","full_name":"Lê Văn Cường","dob":"1990-01-02","sex":"M","province_code":"79"})"}},
      {"POST /api/v1/registrations",
       {"/api/v1/registrations",
        R"({"facility_code":"HN-BACHMAI","day":")" + Day(2) + R"(","person_id":1})", 201,
        "/api/v1/registrations",
        R"({"facility_code":"HN-BACHMAI","day":")" + Day(2) + R"(","person_id":)" + far + "}"}},
      {"POST /api/v1/doses",
       {"/api/v1/doses", R"({"person_id":1)" + dose_json_tail + R"("facility_code":"HN-BACHMAI"})",
        201, "/api/v1/doses",
        R"({"person_id":)" + far + dose_json_tail + R"("facility_code":"SG-ONE"})"}},
      {"POST /api/v1/doses/{id}/void",
       {"/api/v1/doses/1/void", R"({"reason":"entered twice"})", 200,
        "/api/v1/doses/" + std::to_string(far_dose_id_) + "/void",
        R"({"reason":"entered twice"})"}},
      {"GET /api/v1/identity/review",
       {"/api/v1/identity/review?unit=01", "", 200, "/api/v1/identity/review?unit=79", ""}},
      {"GET /api/v1/identity/duplicates",
       {"/api/v1/identity/duplicates?unit=01", "", 200, "/api/v1/identity/duplicates?unit=79", ""}},
      {"GET /api/v1/identity/quality",
       {"/api/v1/identity/quality?unit=01", "", 200, "/api/v1/identity/quality?unit=79", ""}},
      {"POST /api/v1/identity/review/{id}/accept",
       {"/api/v1/identity/review/999999/accept?unit=01", "", 404,
        "/api/v1/identity/review/999999/accept?unit=79", ""}},
      {"POST /api/v1/identity/review/{id}/reject",
       {"/api/v1/identity/review/999999/reject?unit=01", "", 404,
        "/api/v1/identity/review/999999/reject?unit=79", ""}},
      {"POST /api/v1/identity/duplicates/{id}/merge",
       {"/api/v1/identity/duplicates/999999/merge?unit=01", "", 404,
        "/api/v1/identity/duplicates/999999/merge?unit=79", ""}},
      {"POST /api/v1/identity/duplicates/{id}/reject",
       {"/api/v1/identity/duplicates/999999/reject?unit=01", "", 404,
        "/api/v1/identity/duplicates/999999/reject?unit=79", ""}},
      {"POST /api/v1/identity/duplicates/{id}/undo",
       {"/api/v1/identity/duplicates/999999/undo?unit=01", "", 404,
        "/api/v1/identity/duplicates/999999/undo?unit=79", ""}},
      {"POST /api/v1/facilities/{code}/approve",
       {"/api/v1/facilities/HN-APPLIED/approve", "{}", 200, "/api/v1/facilities/SG-ONE/approve",
        "{}"}},
      {"POST /api/v1/facilities/{code}/suspend",
       {"/api/v1/facilities/HN-SUSPEND/suspend", R"({"reason":"probe"})", 200,
        "/api/v1/facilities/SG-ONE/suspend", R"({"reason":"probe"})"}},
      {"POST /api/v1/allocations",
       {"/api/v1/allocations",
        R"({"vaccine":"COMIRNATY","from":"01","to":"HN-BACHMAI","quantity":1})", 201,
        "/api/v1/allocations",
        R"({"vaccine":"COMIRNATY","from":"79","to":"SG-ONE","quantity":1})"}},
  };
  // Bookings: a booking of the area is cancelled, another moved; the far person's is refused.
  const std::string far_booking = "/api/v1/registrations/" + std::to_string(far_booking_id_);
  const std::string move_body = R"({"facility_code":"HN-OTHER","day":")" + Day(3) + R"("})";
  cases["POST /api/v1/registrations/{id}/cancel"] = {
      "/api/v1/registrations/" + std::to_string(near_booking_id_) + "/cancel", "{}", 200,
      far_booking + "/cancel", "{}"};
  cases["POST /api/v1/registrations/{id}/move"] = {
      "/api/v1/registrations/" + std::to_string(near_second_booking_id_) + "/move", move_body, 200,
      far_booking + "/move", move_body};
  cases["GET /api/v1/people/{id}/bookings"] = {"/api/v1/people/1/bookings", "", 200,
                                               "/api/v1/people/" + far + "/bookings", ""};
  // Correction requests: the queue, the report and each request of the area only.
  const std::string far_req = "/api/v1/corrections/" + std::to_string(far_request_);
  auto near_req = [&](const char* route) {
    return "/api/v1/corrections/" + std::to_string(near_requests_.at(route));
  };
  cases["GET /api/v1/corrections"] = {"/api/v1/corrections?unit=01", "", 200,
                                      "/api/v1/corrections?unit=79", ""};
  cases["GET /api/v1/corrections/report"] = {"/api/v1/corrections/report?area=01", "", 200,
                                             "/api/v1/corrections/report?area=79", ""};
  cases["GET /api/v1/corrections/{id}"] = {near_req("read"), "", 200, far_req, ""};
  // The request has no photo: 404 inside, 403 outside before any photo is looked for.
  cases["GET /api/v1/corrections/{id}/photos/{n}"] = {near_req("read") + "/photos/0", "", 404,
                                                      far_req + "/photos/0", ""};
  cases["POST /api/v1/corrections/{id}/approve"] = {near_req("approve") + "/approve", "{}", 200,
                                                    far_req + "/approve", "{}"};
  cases["POST /api/v1/corrections/{id}/reject"] = {
      near_req("reject") + "/reject", R"({"reason":"photo_blurred"})", 200, far_req + "/reject",
      R"({"reason":"photo_blurred"})"};
  cases["POST /api/v1/corrections/{id}/request-info"] = {
      near_req("request-info") + "/request-info", R"({"question":"the other side?"})", 200,
      far_req + "/request-info", R"({"question":"the other side?"})"};
  cases["POST /api/v1/corrections/{id}/reassign"] = {
      near_req("reassign") + "/reassign", R"({"to":"001","reason":"the district knows him"})", 200,
      far_req + "/reassign", R"({"to":"760","reason":"probe"})"};
  // Account management: authorities manage facility staff of their area only.
  const std::string near_user = "/api/v1/users/" + std::to_string(near_staff_id_);
  const std::string far_user = "/api/v1/users/" + std::to_string(far_staff_id_);
  const std::map<std::string, std::pair<std::string, std::string>> user_routes = {
      {"GET /api/v1/users/{id}", {"", ""}},
      {"POST /api/v1/users/{id}/disable", {"/disable", R"({"reason":"left the facility"})"}},
      {"POST /api/v1/users/{id}/enable", {"/enable", "{}"}},
      {"POST /api/v1/users/{id}/password", {"/password", R"({"password":"a new long password"})"}},
      {"POST /api/v1/users/{id}/role",
       {"/role", R"({"role":"facility_staff","facility_code":"HN-OTHER"})"}},
      {"GET /api/v1/users/{id}/sessions", {"/sessions", ""}},
      {"POST /api/v1/users/{id}/sessions/revoke", {"/sessions/revoke", "{}"}},
  };
  for (const auto& [key, route] : user_routes) {
    cases[key] = {near_user + route.first, route.second, 200, far_user + route.first, route.second};
  }
  // The cleaning queue: a row routed to Hà Nội (HN-BACHMAI) and one to Hồ Chí Minh City (SG-ONE).
  std::vector<int64_t> kept;
  ASSERT_TRUE(runtime_->writer()
                  .SubmitAndWait([&](storage::Connection& c) -> Status {
                    std::vector<registry::QuarantineEntry> entries(2);
                    for (size_t i = 0; i < 2; ++i) {
                      entries[i].channel = "csv";
                      entries[i].facility_code = i == 0 ? "HN-BACHMAI" : "SG-ONE";
                      entries[i].line = i + 2;
                      entries[i].row_text = "r1,not a whole line";
                      entries[i].reason = InvalidArgumentError("expected 14 columns", "line");
                    }
                    ASSIGN_OR_RETURN(kept, registry::QuarantineRows(c, SystemClock::Get(),
                                                                    entries, {"test", ""}));
                    return Status::Ok();
                  })
                  .ok());
  const std::string near_kept = "/api/v1/quarantine/" + std::to_string(kept.at(0));
  const std::string far_kept = "/api/v1/quarantine/" + std::to_string(kept.at(1));
  cases["GET /api/v1/quarantine"] = {"/api/v1/quarantine?area=01", "", 200,
                                     "/api/v1/quarantine?area=79", ""};
  cases["GET /api/v1/quarantine/{id}"] = {near_kept, "", 200, far_kept, ""};
  cases["GET /api/v1/quarantine/quality"] = {"/api/v1/quarantine/quality?area=01", "", 200,
                                             "/api/v1/quarantine/quality?area=79", ""};
  // Inside the area the release is tried, and the line still does not parse: 400.
  cases["POST /api/v1/quarantine/{id}/release"] = {near_kept + "/release", "{}", 400,
                                                   far_kept + "/release", "{}"};
  cases["POST /api/v1/quarantine/{id}/reject"] = {
      near_kept + "/reject", R"({"reason":"sent twice"})", 200, far_kept + "/reject",
      R"({"reason":"sent twice"})"};
  // Routes whose answers are item by item: the outside item is refused with 403 inside a
  // 200 answer (checked below).
  const std::set<std::string> per_item = {"POST /api/v1/doses/batch", "POST /api/v1/doses/csv"};
  // FHIR searches filter: a person outside the area is left out of a 200 searchset (checked
  // below); FHIR reads refuse with 403 like the rest of the API.
  const std::map<std::string, AreaCase> filtered = {
      {"GET /fhir/Patient",
       {"/fhir/Patient?identifier=001090012345", "", 200, "/fhir/Patient?identifier=079190000777",
        ""}},
      {"GET /fhir/Immunization",
       {"/fhir/Immunization?patient=1", "", 200, "/fhir/Immunization?patient=" + far, ""}},
  };
  cases["GET /fhir/Patient/{id}"] = {"/fhir/Patient/1", "", 200, "/fhir/Patient/" + far, ""};
  cases["GET /fhir/Immunization/{id}"] = {"/fhir/Immunization/1", "", 200,
                                          "/fhir/Immunization/" + std::to_string(far_dose_id_), ""};
  // Routes an authority may call that touch no person and no facility of an area.
  const std::map<std::string, std::string> not_area_bound = {
      {"POST /api/v1/auth/logout", "the caller's own session"},
      {"GET /api/v1/me", "the caller's own account"},
      {"POST /api/v1/facilities", "an application, decided by an authority of its area"},
  };

  std::set<std::string> checked;
  for (const http::Route& route : runtime_->router().routes()) {
    if (route.access.is_public() || !route.access.Allows(auth::Role::kHealthAuthority)) continue;
    const std::string key = std::string(http_::to_string(route.method)) + " " + route.pattern;
    if (not_area_bound.contains(key) || per_item.contains(key)) {
      checked.insert(key);
      continue;
    }
    if (auto f = filtered.find(key); f != filtered.end()) {
      checked.insert(key);
      auto out = Call(route.method, f->second.target_out, "", authority_);
      EXPECT_EQ(out.status, 200) << key << " outside the area: " << out.body;
      EXPECT_NE(out.body.find(R"("total":0)"), std::string::npos) << key << ": " << out.body;
      auto in = Call(route.method, f->second.target_in, "", authority_);
      EXPECT_EQ(in.status, 200) << key << " inside the area: " << in.body;
      EXPECT_EQ(in.body.find(R"("total":0)"), std::string::npos) << key << ": " << in.body;
      continue;
    }
    auto it = cases.find(key);
    if (it == cases.end()) {
      ADD_FAILURE() << key << " is open to health authorities but has no area case here";
      continue;
    }
    checked.insert(key);
    const AreaCase& c = it->second;
    auto out = Call(route.method, c.target_out, c.body_out, authority_);
    EXPECT_EQ(out.status, 403) << key << " outside the area: " << out.body;
    auto in = Call(route.method, c.target_in, c.body_in, authority_);
    EXPECT_EQ(in.status, c.status_in) << key << " inside the area: " << in.body;
  }
  for (const auto& [key, c] : cases) EXPECT_TRUE(checked.contains(key)) << "no route " << key;
  for (const auto& key : per_item) EXPECT_TRUE(checked.contains(key)) << "no route " << key;
  for (const auto& [key, c] : filtered) EXPECT_TRUE(checked.contains(key)) << "no route " << key;

  // The accounts an authority lists are the facility staff of its area, nobody else.
  auto accounts = Call(http_::verb::get, "/api/v1/users", "", authority_);
  ASSERT_EQ(accounts.status, 200) << accounts.body;
  EXPECT_NE(accounts.body.find("near.staff"), std::string::npos) << accounts.body;
  EXPECT_EQ(accounts.body.find("far.staff"), std::string::npos) << accounts.body;
  EXPECT_EQ(accounts.body.find("area.admin"), std::string::npos) << accounts.body;

  // Per-item routes: the outside item is refused, the inside one recorded.
  auto batch = Call(
      http_::verb::post, "/api/v1/doses/batch",
      R"({"items":[{"person_id":2,"vaccine":"SPIKEVAX","dose_number":1,"administered_at":"2021-09-01T09:00:00+07:00","facility_code":"HN-BACHMAI"},)"
      R"({"person_id":)" +
          far +
          R"(,"vaccine":"SPIKEVAX","dose_number":2,"administered_at":"2021-10-01T09:00:00+07:00","facility_code":"SG-ONE"}]})",
      authority_);
  ASSERT_EQ(batch.status, 200) << batch.body;
  EXPECT_EQ(batch.body.find("PERMISSION_DENIED") != std::string::npos, true) << batch.body;
  auto csv = Call(http_::verb::post, "/api/v1/doses/csv",
                  csv_head +
                      "r1,001090100001,Trần Văn Bình,1990-05-01,M,,01,,,COMIRNATY,L1,1,"
                      "2021-07-01,HN-BACHMAI\n"
                      "r2,079190000777,Võ Thị Hồng,1990-02-03,F,,79,760,26734,COMIRNATY,L1,2,"
                      "2021-09-01,SG-ONE\n",
                  authority_);
  EXPECT_NE(csv.body.find("outside your area"), std::string::npos) << csv.status << csv.body;
}

TEST_F(AreaScopeTest, CheckInOutsideTheAreaRevealsAndChangesNothing) {
  // The chip card of a person of province 79: no name, no birth date, no doses in the answer.
  auto card =
      Call(http_::verb::post, "/api/v1/checkin",
           R"({"qr":"079190000777||Võ Thị Hồng|03021990|Nữ|Thành phố Hồ Chí Minh|01072021"})",
           authority_);
  EXPECT_EQ(card.status, 403);
  EXPECT_EQ(card.body.find("Hồng"), std::string::npos) << card.body;
  EXPECT_EQ(card.body.find("1990"), std::string::npos) << card.body;

  // Bookings at a facility of another province, or of a person living there, stay booked.
  for (const std::string& token : {far_booking_, near_at_far_facility_}) {
    auto res =
        Call(http_::verb::post, "/api/v1/checkin", R"({"qr":")" + token + R"("})", authority_);
    EXPECT_EQ(res.status, 403) << res.body;
    EXPECT_EQ(RegistrationStatus(token), "booked");
  }
  auto near = Call(http_::verb::post, "/api/v1/checkin", R"({"qr":")" + near_booking_ + R"("})",
                   authority_);
  EXPECT_EQ(near.status, 200) << near.body;
  EXPECT_EQ(RegistrationStatus(near_booking_), "checked_in");

  // A new chip card whose address lies in another province creates no one.
  auto created =
      Call(http_::verb::post, "/api/v1/checkin",
           R"({"qr":"079091000888||Đỗ Văn Hải|04041991|Nam|Thành phố Hồ Chí Minh|01072021"})",
           authority_);
  EXPECT_EQ(created.status, 403) << created.body;
  auto lookup = Call(http_::verb::get, "/api/v1/people?number=079091000888", "", admin_);
  EXPECT_EQ(lookup.status, 404) << lookup.body;

  // An admin is not area-bound.
  auto by_admin =
      Call(http_::verb::post, "/api/v1/checkin", R"({"qr":")" + far_booking_ + R"("})", admin_);
  EXPECT_EQ(by_admin.status, 200) << by_admin.body;
}

// A citizen asking for someone else's record gets exactly what a missing record gets, so ids
// cannot be probed for whether they belong to a person.
TEST_F(AreaScopeTest, CitizensCannotTellSomeoneElsesRecordFromNone) {
  CreateAccount("001090012345", auth::Role::kCitizen);
  const std::string citizen = Login("001090012345", auth::Role::kCitizen);
  for (const std::string suffix : {"", "/record"}) {
    auto own = Call(http_::verb::get, "/api/v1/people/1" + suffix, "", citizen);
    EXPECT_EQ(own.status, 200) << own.body;
    auto other =
        Call(http_::verb::get, "/api/v1/people/" + std::to_string(far_id_) + suffix, "", citizen);
    auto none = Call(http_::verb::get, "/api/v1/people/999999" + suffix, "", citizen);
    EXPECT_EQ(other.status, 404) << other.body;
    EXPECT_EQ(none.status, 404) << none.body;
    EXPECT_EQ(other.Json().at("error"), none.Json().at("error")) << other.body << none.body;
  }
}

}  // namespace
}  // namespace vaxreg::testing
