// Every route, for every role and for an anonymous caller: the answer must be exactly what the
// route's declared AccessRule says (401 without a token on a protected route, 403 for a role it
// does not list, the route's success status otherwise). A route that this table does not know
// fails the test, so no route can ship without being checked here.

#include <functional>
#include <map>
#include <set>

#include "api_fixture.h"
#include "registry_fixture.h"

namespace vaxreg::testing {
namespace {

namespace http_ = boost::beast::http;

// How to call a route successfully as an allowed caller.
struct Probe {
  std::string target;
  std::function<std::string(int n)> body;  // n makes each call unique where that matters
  int success_status = 200;
  bool consumes_token = false;  // logout: use a fresh token per call
};

std::map<std::string, Probe> Probes() {
  auto none = [](int) { return std::string(); };
  return {
      {"GET /healthz", {"/healthz", none}},
      {"GET /readyz", {"/readyz", none}},
      {"GET /metrics", {"/metrics", none}},
      {"POST /api/v1/auth/login",
       {"/api/v1/auth/login",
        [](int) { return std::string(R"({"username":"probe.admin","password":"a test password"})"); }}},
      // A new CCCD per call: codes are limited per CCCD (3 per 15 minutes).
      {"POST /api/v1/auth/otp",
       {"/api/v1/auth/otp",
        [](int n) { return R"({"cccd":"001091)" + std::to_string(700000 + n) + R"("})"; }, 202}},
      // A new CCCD and phone per call: codes are limited per CCCD and per phone.
      {"POST /api/v1/auth/signup",
       {"/api/v1/auth/signup",
        [](int n) {
          return R"({"cccd":"001091)" + std::to_string(800000 + n) +
                 R"(","birth_date":"1991-01-02","phone":"09)" + std::to_string(10000000 + n) +
                 R"("})";
        },
        202}},
      {"POST /api/v1/auth/logout", {"/api/v1/auth/logout", none, 200, true}},
      {"GET /api/v1/me", {"/api/v1/me", none}},
      {"POST /api/v1/users",
       {"/api/v1/users",
        [](int n) {
          return R"({"username":"new.user)" + std::to_string(n) +
                 R"(","role":"signer","password":"another password"})";
        },
        201}},
      {"GET /api/v1/users", {"/api/v1/users", none}},
      // User 6 is probe.managed, staff of HN-BACHMAI (Hà Nội): the admin and the authority of
      // province 01 manage it (account_lifecycle_test covers accounts outside an area).
      {"GET /api/v1/users/{id}", {"/api/v1/users/6", none}},
      {"POST /api/v1/users/{id}/disable",
       {"/api/v1/users/6/disable", [](int) { return std::string(R"({"reason":"probe"})"); }}},
      {"POST /api/v1/users/{id}/enable",
       {"/api/v1/users/6/enable", [](int) { return std::string("{}"); }}},
      {"POST /api/v1/users/{id}/password",
       {"/api/v1/users/6/password",
        [](int) { return std::string(R"({"password":"another password"})"); }}},
      {"POST /api/v1/users/{id}/role",
       {"/api/v1/users/6/role",
        [](int) {
          return std::string(R"({"role":"facility_staff","facility_code":"HN-OTHER"})");
        }}},
      {"GET /api/v1/users/{id}/sessions", {"/api/v1/users/6/sessions", none}},
      {"POST /api/v1/users/{id}/sessions/revoke",
       {"/api/v1/users/6/sessions/revoke", [](int) { return std::string("{}"); }}},
      {"GET /api/v1/outbox", {"/api/v1/outbox", none}},
      // Correction requests. The body of a photo upload is JSON, not an image (400 once access
      // is granted); ids and tracking numbers name nothing (404 once access is granted).
      {"POST /api/v1/photos", {"/api/v1/photos", [](int) { return std::string("{}"); }, 400}},
      {"POST /api/v1/me/corrections",
       {"/api/v1/me/corrections", [](int) { return std::string(R"({"claim":{}})"); }, 400}},
      {"GET /api/v1/me/corrections", {"/api/v1/me/corrections", none}},
      {"GET /api/v1/me/corrections/{tracking}", {"/api/v1/me/corrections/VRNONE", none, 404}},
      {"POST /api/v1/me/corrections/{tracking}/answer",
       {"/api/v1/me/corrections/VRNONE/answer",
        [](int) { return std::string(R"({"note":"x","photos":"none"})"); }, 400}},
      {"GET /api/v1/me/corrections/{tracking}/photos/{n}",
       {"/api/v1/me/corrections/VRNONE/photos/0", none, 404}},
      {"GET /api/v1/corrections", {"/api/v1/corrections", none}},
      {"GET /api/v1/corrections/report", {"/api/v1/corrections/report", none}},
      {"GET /api/v1/corrections/reasons", {"/api/v1/corrections/reasons", none}},
      {"GET /api/v1/corrections/{id}", {"/api/v1/corrections/999999", none, 404}},
      {"GET /api/v1/corrections/{id}/photos/{n}",
       {"/api/v1/corrections/999999/photos/0", none, 404}},
      {"POST /api/v1/corrections/{id}/approve",
       {"/api/v1/corrections/999999/approve", [](int) { return std::string("{}"); }, 404}},
      {"POST /api/v1/corrections/{id}/reject",
       {"/api/v1/corrections/999999/reject",
        [](int) { return std::string(R"({"reason":"photo_blurred"})"); }, 404}},
      {"POST /api/v1/corrections/{id}/request-info",
       {"/api/v1/corrections/999999/request-info",
        [](int) { return std::string(R"({"question":"q"})"); }, 404}},
      {"POST /api/v1/corrections/{id}/reassign",
       {"/api/v1/corrections/999999/reassign",
        [](int) { return std::string(R"({"to":"01","reason":"r"})"); }, 404}},
      {"GET /api/v1/stats/corrections", {"/api/v1/stats/corrections", none}},
      {"GET /api/v1/audit", {"/api/v1/audit", none}},
      {"GET /api/v1/audit/verify", {"/api/v1/audit/verify", none}},
      {"GET /api/v1/admin/status", {"/api/v1/admin/status", none}},
      // No checkpoint has been published in this database: 404 for everyone (public route).
      {"GET /api/v1/audit/checkpoint", {"/api/v1/audit/checkpoint", none, 404}},
      // Certificates: with no person and no certificate in this database, an allowed caller
      // gets 404 (the access rule is what is probed; certificates_api_test covers success).
      {"POST /api/v1/certificates",
       {"/api/v1/certificates", [](int) { return std::string(R"({"person_id":999999})"); }, 404}},
      {"GET /api/v1/certificates/{id}", {"/api/v1/certificates/999999", none, 404}},
      // The signer's desk (certificates_api_test covers issuing and revoking for real).
      {"GET /api/v1/certificates", {"/api/v1/certificates?status=active", none}},
      {"GET /api/v1/certificates/awaiting", {"/api/v1/certificates/awaiting", none}},
      {"POST /api/v1/certificates/issue-awaiting",
       {"/api/v1/certificates/issue-awaiting", [](int) { return std::string(R"({"limit":1})"); }}},
      {"POST /api/v1/certificates/{id}/revoke",
       {"/api/v1/certificates/999999/revoke",
        [](int) { return std::string(R"({"reason":"probe"})"); }, 404}},
      {"GET /api/v1/signing/status", {"/api/v1/signing/status", none}},
      {"GET /api/v1/certificates/{id}/qr.svg", {"/api/v1/certificates/999999/qr.svg", none, 404}},
      {"GET /api/v1/certificates/{id}/qr.png", {"/api/v1/certificates/999999/qr.png", none, 404}},
      {"GET /api/v1/certificates/{id}/certificate.pdf",
       {"/api/v1/certificates/999999/certificate.pdf", none, 404}},
      // The fixture citizen has no certificate: 404 for the citizen, 403 for everyone else.
      {"GET /api/v1/me/certificate", {"/api/v1/me/certificate", none, 404}},
      {"GET /api/v1/me/certificate/qr.svg", {"/api/v1/me/certificate/qr.svg", none, 404}},
      {"GET /api/v1/me/certificate/qr.png", {"/api/v1/me/certificate/qr.png", none, 404}},
      {"GET /api/v1/me/certificate.pdf", {"/api/v1/me/certificate.pdf", none, 404}},
      // Staff of HN-BACHMAI sign its doses (certificates_api_test: other facilities get 403).
      {"POST /api/v1/facilities/{code}/sign-doses",
       {"/api/v1/facilities/HN-BACHMAI/sign-doses", [](int) { return std::string("{}"); }}},
      // SMART Health Cards: the key set is public (the fixture's key folder has an SHC key), a
      // kid without a list is 404 for everyone; the fixture citizen has no certificate (404) and
      // person 999999 does not exist (404 for every allowed caller; shc_api_test covers success).
      {"GET /.well-known/jwks.json", {"/.well-known/jwks.json", none}},
      {"GET /.well-known/crl/{file}", {"/.well-known/crl/no-such-kid.json", none, 404}},
      {"GET /api/v1/me/certificate.smart-health-card",
       {"/api/v1/me/certificate.smart-health-card", none, 404}},
      {"GET /api/v1/me/certificate/shc-qr.svg", {"/api/v1/me/certificate/shc-qr.svg", none, 404}},
      {"GET /api/v1/me/certificate/shc-qr.png", {"/api/v1/me/certificate/shc-qr.png", none, 404}},
      {"POST /fhir/Patient/{id}/$health-cards-issue",
       {"/fhir/Patient/999999/$health-cards-issue",
        [](int) {
          return std::string(R"({"resourceType":"Parameters","parameter":[{"name":"credentialType",)"
                             R"("valueUri":"https://smarthealth.cards#immunization"}]})");
        },
        404}},
      // FHIR: person 1 (the fixture citizen) and their dose 1 exist; person 999999 does not
      // (404 for every allowed caller; fhir_api_test covers the DDCC document).
      {"GET /fhir/metadata", {"/fhir/metadata", none}},
      {"GET /fhir/Patient", {"/fhir/Patient?identifier=001090012345", none}},
      {"GET /fhir/Patient/{id}", {"/fhir/Patient/1", none}},
      {"GET /fhir/Immunization", {"/fhir/Immunization?patient=1&_count=5", none}},
      {"GET /fhir/Immunization/{id}", {"/fhir/Immunization/1", none}},
      // The cleaning queue: the list answers every handler; a row that does not exist is a 404
      // once the role is allowed (quarantine_api_test covers real rows).
      {"GET /api/v1/quarantine", {"/api/v1/quarantine?status=open", none}},
      {"GET /api/v1/quarantine/{id}", {"/api/v1/quarantine/999999", none, 404}},
      {"GET /api/v1/quarantine/quality", {"/api/v1/quarantine/quality", none}},
      {"POST /api/v1/quarantine/{id}/release",
       {"/api/v1/quarantine/999999/release", [](int) { return std::string("{}"); }, 404}},
      {"POST /api/v1/quarantine/{id}/reject",
       {"/api/v1/quarantine/999999/reject",
        [](int) { return std::string(R"({"reason":"a duplicate line"})"); }, 404}},
      {"POST /fhir/Patient/{id}/$generateHealthCertificate",
       {"/fhir/Patient/999999/$generateHealthCertificate", none, 404}},
      {"GET /api/v1/trust-list", {"/api/v1/trust-list", none}},
      {"GET /api/v1/revocation-list", {"/api/v1/revocation-list", none}},
      {"POST /api/v1/verify",
       {"/api/v1/verify", [](int) { return std::string(R"({"hc1":"HC1:XYZ"})"); }}},
      {"GET /{path...}", {"/", none}},
      // Registry (data from registry_fixture.h; person n+1 is a fresh person for call n).
      {"POST /api/v1/facilities",
       {"/api/v1/facilities",
        [](int n) {
          return R"({"code":"PROBE-)" + std::to_string(n) +
                 R"(","name":"Trạm y tế","province_code":"01","district_code":"006",)"
                 R"("commune_code":"00199","daily_capacity":100})";
        },
        201}},
      {"GET /api/v1/facilities", {"/api/v1/facilities?province=01", none}},
      {"GET /api/v1/facilities/{code}", {"/api/v1/facilities/HN-BACHMAI", none}},
      {"POST /api/v1/facilities/{code}/approve",
       {"/api/v1/facilities/HN-BACHMAI/approve", [](int) { return std::string("{}"); }}},
      {"POST /api/v1/facilities/{code}/suspend",
       {"/api/v1/facilities/HN-SUSPEND/suspend",
        [](int) { return std::string(R"({"reason":"probe"})"); }}},
      {"GET /api/v1/vaccines", {"/api/v1/vaccines", none}},
      {"POST /api/v1/vaccines",
       {"/api/v1/vaccines",
        [](int n) {
          return R"({"code":"PROBE)" + std::to_string(n) +
                 R"(","name":"Probe","mp":"EU/1/20/1528","ma":"ORG-100030215","vp":"1119349007",)"
                 R"("primary_doses":2,"min_interval_days":21,"booster_min_days":90})";
        },
        201}},
      {"POST /api/v1/people",
       {"/api/v1/people",
        [](int n) {
          return R"({"cccd":"001090)" + std::to_string(500000 + n) +
                 R"(","full_name":"Lê Văn Cường","dob":"1990-01-02","sex":"M","province_code":"01"})";
        },
        201}},
      {"GET /api/v1/people", {"/api/v1/people?number=001090012345", none}},
      {"GET /api/v1/people/by-status", {"/api/v1/people/by-status?status=unvaccinated", none}},
      {"GET /api/v1/people/{id}", {"/api/v1/people/1", none}},
      {"GET /api/v1/people/{id}/record", {"/api/v1/people/1/record", none}},
      {"GET /api/v1/me/record", {"/api/v1/me/record", none}},
      {"POST /api/v1/doses",
       {"/api/v1/doses",
        [](int n) {
          return R"({"person_id":)" + std::to_string(n + 1) +
                 R"(,"vaccine":"COMIRNATY","dose_number":1,"administered_at":"2021-09-01T09:00:00+07:00",)"
                 R"("facility_code":"HN-BACHMAI"})";
        },
        201}},
      {"POST /api/v1/doses/batch",
       {"/api/v1/doses/batch",
        [](int n) {
          return R"({"items":[{"person_id":)" + std::to_string(n + 1) +
                 R"(,"vaccine":"SPIKEVAX","dose_number":1,"administered_at":"2021-09-01T09:00:00+07:00",)"
                 R"("facility_code":"HN-BACHMAI"}]})";
        }}},
      {"POST /api/v1/doses/csv",
       {"/api/v1/doses/csv",
        [](int n) {
          return "record_id,cccd,full_name,dob,sex,phone,province_code,district_code,commune_code,"
                 "vaccine,lot,dose_number,date,facility_code\nr1,001090" +
                 std::to_string(600000 + n) +
                 ",Phạm Thị Dung,1990,M,,01,006,00199,VAXZEVRIA,L1,1,2021-07-01,HN-BACHMAI\n";
        }}},
      {"POST /api/v1/doses/{id}/void",
       {"/api/v1/doses/1/void", [](int) { return std::string(R"({"reason":"probe"})"); }}},
      {"POST /api/v1/registrations",
       {"/api/v1/registrations",
        [](int n) {
          const auto day = registry::FormatDay(
              registry::DayOf(ToUnixSeconds(SystemClock::Get().Now())) + std::chrono::days(1));
          return R"({"facility_code":"HN-BACHMAI","day":")" + day + R"(","person_id":)" +
                 std::to_string(n + 1) + "}";
        },
        201}},
      // Bookings: no booking 999999 (404 once access is granted); the fixture citizen is person
      // 1, whose bookings every allowed role may list.
      {"POST /api/v1/registrations/{id}/cancel",
       {"/api/v1/registrations/999999/cancel", [](int) { return std::string("{}"); }, 404}},
      {"POST /api/v1/registrations/{id}/move",
       {"/api/v1/registrations/999999/move",
        [](int) { return std::string(R"({"facility_code":"HN-BACHMAI","day":"2030-01-01"})"); },
        404}},
      // A facility's day: HN-BACHMAI is the probe staff's facility and lies in the probe
      // authority's area (facility_day_api_test covers contents and refusals).
      {"GET /api/v1/facilities/{code}/bookings",
       {"/api/v1/facilities/HN-BACHMAI/bookings?q=nguyen", none}},
      {"GET /api/v1/facilities/{code}/doses", {"/api/v1/facilities/HN-BACHMAI/doses", none}},
      {"GET /api/v1/facilities/{code}/day", {"/api/v1/facilities/HN-BACHMAI/day", none}},
      {"GET /api/v1/me/bookings", {"/api/v1/me/bookings", none}},
      {"GET /api/v1/people/{id}/bookings", {"/api/v1/people/1/bookings", none}},
      {"POST /api/v1/checkin",
       {"/api/v1/checkin",
        [](int) {
          return std::string(
              R"({"qr":"001090012345||Nguyễn Văn An|01051990|Nam|Hà Nội|01072021"})");
        }}},
      {"GET /api/v1/stats/doses", {"/api/v1/stats/doses?from=2021-01-01", none}},
      {"GET /api/v1/stats/coverage", {"/api/v1/stats/coverage", none}},
      {"GET /api/v1/ops/overview", {"/api/v1/ops/overview", none}},
      {"GET /api/v1/areas", {"/api/v1/areas?parent=01", none}},
      {"GET /api/v1/stats/registrations", {"/api/v1/stats/registrations", none}},
      {"GET /api/v1/stats/stock", {"/api/v1/stats/stock", none}},
      {"GET /api/v1/stats/supply", {"/api/v1/stats/supply", none}},
      {"POST /api/v1/shipments",
       {"/api/v1/shipments",
        [](int) {
          return std::string(
              R"({"vaccine":"COMIRNATY","quantity":1000,"received_day":"2021-07-01","reference":"COVAX"})");
        },
        201}},
      {"POST /api/v1/allocations",
       {"/api/v1/allocations",
        [](int) {
          return std::string(R"({"vaccine":"COMIRNATY","from":"01","to":"HN-BACHMAI","quantity":1})");
        },
        201}},
      // Identity review: no verification has run in this database, so deciding on a person
      // answers 404 to an allowed caller (identity_review_api_test covers success).
      {"GET /api/v1/identity/review", {"/api/v1/identity/review", none}},
      {"POST /api/v1/identity/review/{id}/accept", {"/api/v1/identity/review/999999/accept", none, 404}},
      {"POST /api/v1/identity/review/{id}/reject", {"/api/v1/identity/review/999999/reject", none, 404}},
      {"GET /api/v1/identity/quality", {"/api/v1/identity/quality", none}},
      // Duplicate merge proposals: none exist here, so deciding answers 404 to an allowed caller
      // (identity_duplicates_api_test covers success).
      {"GET /api/v1/identity/duplicates", {"/api/v1/identity/duplicates", none}},
      {"POST /api/v1/identity/duplicates/{id}/merge",
       {"/api/v1/identity/duplicates/999999/merge", none, 404}},
      {"POST /api/v1/identity/duplicates/{id}/reject",
       {"/api/v1/identity/duplicates/999999/reject", none, 404}},
      {"POST /api/v1/identity/duplicates/{id}/undo",
       {"/api/v1/identity/duplicates/999999/undo", none, 404}},
  };
}

class RouteAccessTest : public ApiTest {};

TEST_F(RouteAccessTest, EveryRouteAnswersEveryRoleAsDeclared) {
  const std::map<auth::Role, std::string> usernames = {
      {auth::Role::kCitizen, "001090012345"},
      {auth::Role::kFacilityStaff, "probe.staff"},
      {auth::Role::kHealthAuthority, "probe.authority"},
      {auth::Role::kSigner, "probe.signer"},
      {auth::Role::kAdmin, "probe.admin"},
  };
  SeedRegistryFixture(*runtime_, 600);  // enough people for a new one per probe call
  std::map<auth::Role, std::string> tokens;
  for (const auto& [role, name] : usernames) {
    CreateAccount(name, role);
    tokens[role] = Login(name, role);
  }
  // The target of the account-lifecycle probes (their paths name user 6).
  ASSERT_EQ(CreateAccount("probe.managed", auth::Role::kFacilityStaff).id, 6);
  const auto probes = Probes();
  int counter = 0;
  std::set<std::string> seen;
  ASSERT_FALSE(runtime_->router().routes().empty());
  for (const http::Route& route : runtime_->router().routes()) {
    const std::string key = std::string(http_::to_string(route.method)) + " " + route.pattern;
    seen.insert(key);
    auto it = probes.find(key);
    if (it == probes.end()) {
      ADD_FAILURE() << "route " << key << " (" << route.access.ToString()
                    << ") has no probe in route_access_test.cc: add one";
      continue;
    }
    const Probe& probe = it->second;
    auto call = [&](const std::string& token) {
      std::vector<std::pair<std::string, std::string>> headers;
      if (!token.empty()) headers.push_back({"Authorization", "Bearer " + token});
      std::string body = probe.body(++counter);
      if (!body.empty()) headers.push_back({"Content-Type", "application/json"});
      return client_->Send(route.method, probe.target, body, headers);
    };

    auto anonymous = call("");
    if (route.access.is_public()) {
      EXPECT_EQ(anonymous.status, probe.success_status) << key << " anonymous: " << anonymous.body;
    } else {
      EXPECT_EQ(anonymous.status, 401) << key << " anonymous";
      EXPECT_EQ(std::string(anonymous.Json().at("error").at("code").as_string()),
                "UNAUTHENTICATED") << key;
    }
    for (const auto& [role, name] : usernames) {
      std::string token = probe.consumes_token ? Login(name, role) : tokens[role];
      auto res = call(token);
      const int expected = route.access.Allows(role) ? probe.success_status : 403;
      EXPECT_EQ(res.status, expected)
          << key << " as " << auth::RoleName(role) << " (rule " << route.access.ToString()
          << "): " << res.body;
    }
  }
  for (const auto& [key, probe] : probes) {
    EXPECT_TRUE(seen.count(key)) << "probe for a route that does not exist: " << key;
  }
}

TEST_F(RouteAccessTest, BadTokenIsRejectedOnProtectedRoutes) {
  auto res = client_->Get("/api/v1/me", "not-a-real-token");
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(std::string(res.Json().at("error").at("code").as_string()), "UNAUTHENTICATED");
}

}  // namespace
}  // namespace vaxreg::testing
