#include "corrections/request.h"

#include <algorithm>
#include <array>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

namespace vaxreg::corrections {
namespace {

constexpr std::array<std::string_view, 4> kKindNames = {"missing_dose", "identity", "dose_fact",
                                                        "wrong_person"};
constexpr std::array<std::string_view, 4> kLevelNames = {"facility", "commune", "district",
                                                         "province"};

}  // namespace

std::string_view KindName(Kind k) { return kKindNames[static_cast<size_t>(k)]; }

Result<Kind> ParseKind(std::string_view name) {
  for (size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == name) return static_cast<Kind>(i);
  }
  return InvalidArgumentError(
      "kind must be missing_dose, identity, dose_fact or wrong_person", "kind");
}

std::string_view LevelName(Level l) { return kLevelNames[static_cast<size_t>(l)]; }

Result<Level> ParseLevel(std::string_view name) {
  for (size_t i = 0; i < kLevelNames.size(); ++i) {
    if (kLevelNames[i] == name) return static_cast<Level>(i);
  }
  return InternalError("unknown correction level '" + std::string(name) + "'");
}

int64_t CorrectionRequest::SecondsLeft(int64_t now) const {
  if (!IsOpen()) return 0;
  const int64_t at = paused_at != 0 ? paused_at : now;
  return due_at - at;
}

boost::json::object RequestToJson(const CorrectionRequest& r, int64_t now) {
  boost::json::object o;
  o["id"] = r.id;
  o["tracking"] = r.tracking;
  o["kind"] = KindName(r.kind);
  o["person_id"] = r.person_id;
  if (r.dose_id != 0) o["dose_id"] = r.dose_id;
  boost::system::error_code ec;
  boost::json::value claim = boost::json::parse(r.claim, ec);
  o["claim"] = ec ? boost::json::value(boost::json::object{}) : claim;
  o["note"] = r.note;
  o["status"] = r.status;
  o["level"] = LevelName(r.level);
  o["assigned_unit"] = r.assigned_unit;
  o["facility_code"] = r.facility_code;
  o["province_code"] = r.province_code;
  o["district_code"] = r.district_code;
  o["commune_code"] = r.commune_code;
  o["received_at"] = r.received_at;
  o["due_at"] = r.due_at;
  o["clock_stopped"] = r.paused_at != 0;
  o["seconds_left"] = r.SecondsLeft(now);
  o["overdue"] = r.IsOpen() && r.paused_at == 0 && r.due_at < now;
  o["escalations"] = r.escalations;
  if (!r.info_question.empty()) o["info_question"] = r.info_question;
  if (r.decided_at != 0) {
    o["decided_at"] = r.decided_at;
    o["decided_by"] = r.decided_by;
    o["decided_in_time"] = r.decided_in_time == 1;
  }
  if (!r.reject_reason.empty()) {
    boost::json::object reason{{"code", r.reject_reason}};
    if (auto found = FindRejectReason(r.reject_reason); found.ok()) {
      reason["vi"] = (*found)->vi;
      reason["en"] = (*found)->en;
    }
    o["reject_reason"] = std::move(reason);
  }
  if (!r.decision_note.empty()) o["decision_note"] = r.decision_note;
  o["version"] = r.version;
  o["photos"] = static_cast<int64_t>(r.photos.size());
  return o;
}

const std::vector<RejectReason>& RejectReasons() {
  static const std::vector<RejectReason> kReasons = {
      {"screening_slip",
       "Ảnh là phiếu sàng lọc, không phải giấy chứng nhận tiêm (không có ngày tiêm, mũi tiêm hoặc "
       "loại vắc xin)",
       "A screening slip, not a vaccination certificate (no date, dose or vaccine)"},
      {"name_differs", "Họ tên không khớp", "The name differs"},
      {"unrelated_photo", "Ảnh chân dung hoặc ảnh không liên quan",
       "A selfie or an unrelated photo"},
      {"dose_number_differs", "Số mũi tiêm không khớp", "The dose number differs"},
      {"birth_date_differs", "Ngày sinh không khớp", "The birth date differs"},
      {"certificate_incomplete",
       "Giấy chứng nhận thiếu họ tên, giới tính, thời gian tiêm hoặc loại vắc xin",
       "The certificate lacks the name, sex, time or vaccine"},
      {"information_masked", "Thông tin bị che", "Information is masked"},
      {"photo_blurred", "Ảnh bị mờ, không đọc được", "The photo is blurred"},
      {"date_differs", "Ngày tiêm không khớp", "The vaccination date differs"},
      {"nothing_matches", "Không thông tin nào khớp với hồ sơ", "Nothing matches the record"},
      {"name_incomplete", "Họ tên không đầy đủ hoặc không có dấu",
       "The name is incomplete or without diacritics"},
      {"vaccine_differs", "Loại vắc xin không khớp", "The vaccine type differs"},
      {"altered_by_hand", "Giấy chứng nhận bị sửa bằng tay", "The certificate was altered by hand"},
  };
  return kReasons;
}

Result<const RejectReason*> FindRejectReason(std::string_view code) {
  const auto& all = RejectReasons();
  auto it = std::find_if(all.begin(), all.end(), [&](const RejectReason& r) { return r.code == code; });
  if (it != all.end()) return &*it;
  std::string codes;
  for (const RejectReason& r : all) {
    if (!codes.empty()) codes += ", ";
    codes += r.code;
  }
  return InvalidArgumentError("reason must be one of: " + codes, "reason");
}

}  // namespace vaxreg::corrections
