#include "corrections/messages.h"

#include <chrono>

#include <fmt/format.h>

#include "corrections/service.h"

namespace vaxreg::corrections {

std::string VietnamTime(int64_t unix_seconds) {
  using namespace std::chrono;
  const sys_seconds t{seconds(unix_seconds + 7 * 3600)};
  const sys_days day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  return fmt::format("{:02}/{:02}/{:04} {:02}:{:02}", static_cast<unsigned>(ymd.day()),
                     static_cast<unsigned>(ymd.month()), static_cast<int>(ymd.year()),
                     hms.hours().count(), hms.minutes().count());
}

std::string CitizenMessage(const CorrectionRequest& r, std::string_view what) {
  if (what == "received") {
    return fmt::format(
        "vaxreg: Đã nhận yêu cầu {} lúc {}; hạn xử lý {}. / Request {} received {}; due by {}.",
        r.tracking, VietnamTime(r.received_at), VietnamTime(r.due_at), r.tracking,
        VietnamTime(r.received_at), VietnamTime(r.due_at));
  }
  if (what == "info_needed") {
    return fmt::format(
        "vaxreg: Yêu cầu {} cần bổ sung thông tin: {} / Request {} needs more information: {}",
        r.tracking, r.info_question, r.tracking, r.info_question);
  }
  if (what == "approved") {
    return fmt::format(
        "vaxreg: Yêu cầu {} đã được chấp thuận; hồ sơ và chứng nhận đã được cập nhật. / Request {} "
        "was approved; your record and certificate are updated.",
        r.tracking, r.tracking);
  }
  std::string vi = r.reject_reason, en = r.reject_reason;
  if (auto reason = FindRejectReason(r.reject_reason); reason.ok()) {
    vi = std::string((*reason)->vi);
    en = std::string((*reason)->en);
  }
  return fmt::format("vaxreg: Yêu cầu {} bị từ chối: {}. / Request {} was rejected: {}.",
                     r.tracking, vi, r.tracking, en);
}

std::string DigestMessage(std::string_view unit, int64_t due_soon, int64_t overdue) {
  return fmt::format(
      "vaxreg: Đơn vị {}: {} yêu cầu đến hạn trong 24 giờ, {} yêu cầu quá hạn. / Unit {}: {} "
      "requests due within 24 hours, {} overdue.",
      unit, due_soon, overdue, unit, due_soon, overdue);
}

}  // namespace vaxreg::corrections
