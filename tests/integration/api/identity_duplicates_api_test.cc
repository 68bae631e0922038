// Duplicate person records end to end over HTTP: detection writes merge proposals, health
// authorities list them and merge, reject or undo within their area (403 for other roles, 404
// outside the area); a merge whose combined dose history conflicts is refused with an explanation
// unless an override reason is given; the quality report counts it.

#include "api_fixture.h"
#include "identity/duplicates.h"
#include "registry_fixture.h"

namespace vaxreg::testing {
namespace {

class IdentityDuplicatesApiTest : public ApiTest {
 protected:
  int64_t AddPerson(const std::string& cccd, const std::string& name, const std::string& dob,
                    const std::string& phone, const std::string& province,
                    const std::string& district, const std::string& commune) {
    registry::NewPerson np;
    np.cccd = cccd;
    np.full_name = name;
    np.dob = dob;
    np.sex = "M";
    np.phone = phone;
    np.province_code = province;
    np.district_code = district;
    np.commune_code = commune;
    Result<registry::Person> p = InternalError("not run");
    Status st = runtime_->writer().SubmitAndWait([&](storage::Connection& c) {
      auto valid = registry::ValidateNewPerson(np, registry::DayOf(ToUnixSeconds(SystemClock::Get().Now())));
      if (!valid.ok()) return valid.status();
      p = registry::InsertPerson(c, SystemClock::Get(), *valid, {"test", ""});
      return p.status();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return p.ok() ? p->id : 0;
  }
  void AddDose(int64_t person, int number, int64_t at) {
    registry::NewDose d;
    d.person_id = person;
    d.vaccine_code = "COMIRNATY";
    d.dose_number = number;
    d.administered_at = at;
    d.facility_code = "HN-BACHMAI";
    Status st = runtime_->writer().SubmitAndWait([&](storage::Connection& c) {
      return registry::RecordDose(c, SystemClock::Get(), registry::BuiltInVaccines(), d,
                                  registry::DoseWriter::System("test"))
          .status();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  int64_t Scalar(const std::string& sql) {
    auto conn = runtime_->db().Acquire();
    EXPECT_TRUE(conn.ok());
    return (*conn)->Query(sql).value().at(0).Int(0);
  }
};

TEST_F(IdentityDuplicatesApiTest, AuthoritiesMergeRejectAndUndoInTheirArea) {
  SeedRegistryFixture(*runtime_, 0);
  const int64_t binh = AddPerson("001090054321", "Trần Văn Bình", "1990-11-02", "0912000111", "01",
                                 "001", "00001");
  const int64_t binh_phone =
      AddPerson("", "Tran Van Binh", "1990-11-02", "+84912000111", "01", "001", "00004");
  const int64_t cuong = AddPerson("079088000111", "Lê Văn Cường", "1988-05-20", "0909000222",
                                  "79", "760", "26734");
  const int64_t cuong_phone =
      AddPerson("", "Le Van Cuong", "1988-05-20", "0909000222", "79", "760", "26734");
  AddDose(binh, 1, 1627779600);                  // 2021-08-01
  AddDose(binh_phone, 1, 1627779600 + 20 * 86400);  // a second "dose 1" on another day
  auto detected = identity::DetectDuplicates(runtime_->db(), runtime_->writer(),
                                             SystemClock::Get(), {}, "test", nullptr);
  ASSERT_TRUE(detected.ok()) << detected.status().ToString();
  EXPECT_EQ(detected->proposed, 2u);

  CreateAccount("hanoi.authority", auth::Role::kHealthAuthority);  // bound to "01"
  CreateAccount("the.admin", auth::Role::kAdmin);
  CreateAccount("probe.staff", auth::Role::kFacilityStaff);
  const std::string hanoi = Login("hanoi.authority", auth::Role::kHealthAuthority);
  const std::string admin = Login("the.admin", auth::Role::kAdmin);
  const std::string staff = Login("probe.staff", auth::Role::kFacilityStaff);

  auto list = client_->Get("/api/v1/identity/duplicates", hanoi);
  ASSERT_EQ(list.status, 200) << list.body;
  auto items = list.Json().at("items").as_array();
  ASSERT_EQ(items.size(), 1u);  // the Hồ Chí Minh City pair is outside Hà Nội
  const int64_t hn_id = items[0].at("id").as_int64();
  EXPECT_EQ(items[0].at("survivor").at("id").as_int64(), binh);
  EXPECT_EQ(items[0].at("duplicate").at("id").as_int64(), binh_phone);
  EXPECT_EQ(items[0].at("details").at("reasons").as_array().at(0).as_string(), "same_phone");
  EXPECT_TRUE(client_->Get("/api/v1/identity/duplicates?after=" + std::to_string(hn_id), hanoi)
                  .Json().at("items").as_array().empty());
  EXPECT_EQ(client_->Get("/api/v1/identity/duplicates?limit=0", hanoi).status, 400);
  auto national = client_->Get("/api/v1/identity/duplicates?limit=1", admin);
  ASSERT_EQ(national.status, 200) << national.body;
  EXPECT_EQ(national.Json().at("items").as_array().size(), 1u);
  const int64_t hcm_id = hn_id == 1 ? 2 : 1;

  // Other roles: 403; another area: 404.
  EXPECT_EQ(client_->Get("/api/v1/identity/duplicates", staff).status, 403);
  EXPECT_EQ(client_->Post("/api/v1/identity/duplicates/" + std::to_string(hn_id) + "/merge", "",
                          staff).status, 403);
  EXPECT_EQ(client_->Post("/api/v1/identity/duplicates/" + std::to_string(hcm_id) + "/merge", "",
                          hanoi).status, 404);
  EXPECT_EQ(client_->Post("/api/v1/identity/duplicates/" + std::to_string(hcm_id) + "/reject", "",
                          hanoi).status, 404);

  // The combined history has two dose 1: refused with the explanation, then overridden.
  const std::string merge = "/api/v1/identity/duplicates/" + std::to_string(hn_id) + "/merge";
  auto refused = client_->Post(merge, "", hanoi);
  ASSERT_EQ(refused.status, 409) << refused.body;
  EXPECT_NE(refused.body.find("already has dose 1"), std::string::npos) << refused.body;
  auto merged = client_->Post(merge, R"({"override_reason":"dose 2 entered as dose 1"})", hanoi);
  ASSERT_EQ(merged.status, 200) << merged.body;
  EXPECT_EQ(merged.Json().at("status").as_string(), "merged");
  EXPECT_EQ(merged.Json().at("duplicate").at("merged_into").as_int64(), binh);
  EXPECT_EQ(merged.Json().at("survivor").at("active_doses").as_int64(), 2);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM doses WHERE person_id = " + std::to_string(binh)), 2);
  EXPECT_EQ(client_->Post(merge, "", hanoi).status, 409);
  EXPECT_TRUE(client_->Get("/api/v1/identity/duplicates", hanoi).Json().at("items").as_array().empty());

  auto quality = client_->Get("/api/v1/identity/quality", hanoi);
  ASSERT_EQ(quality.status, 200) << quality.body;
  EXPECT_EQ(quality.Json().at("continuity_conflicts").as_int64(), 1);
  EXPECT_EQ(quality.Json().at("suspected_duplicates").as_int64(), 0);
  auto hcm_quality = client_->Get("/api/v1/identity/quality?unit=79", admin);
  EXPECT_EQ(hcm_quality.Json().at("suspected_duplicates").as_int64(), 2);
  EXPECT_EQ(hcm_quality.Json().at("open_merge_proposals").as_int64(), 1);

  const std::string undo = "/api/v1/identity/duplicates/" + std::to_string(hn_id) + "/undo";
  auto undone = client_->Post(undo, "", hanoi);
  ASSERT_EQ(undone.status, 200) << undone.body;
  EXPECT_EQ(undone.Json().at("status").as_string(), "undone");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM doses WHERE person_id = " + std::to_string(binh_phone)), 1);
  EXPECT_EQ(client_->Post(undo, "", hanoi).status, 409);
  EXPECT_EQ(client_->Get("/api/v1/identity/quality", hanoi).Json().at("continuity_conflicts").as_int64(), 0);

  auto rejected =
      client_->Post("/api/v1/identity/duplicates/" + std::to_string(hcm_id) + "/reject", "", admin);
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  EXPECT_EQ(rejected.Json().at("status").as_string(), "rejected");
  EXPECT_EQ(rejected.Json().at("survivor").at("id").as_int64(), cuong);
  EXPECT_EQ(rejected.Json().at("duplicate").at("id").as_int64(), cuong_phone);

  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action IN ('identity.duplicate.merge_override', "
                   "'identity.duplicate.undo', 'identity.duplicate.reject')"),
            3);
}

}  // namespace
}  // namespace vaxreg::testing
