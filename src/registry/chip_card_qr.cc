#include "registry/chip_card_qr.h"

#include <algorithm>
#include <vector>

#include "registry/person.h"

namespace vaxreg::registry {
namespace {

std::vector<std::string_view> Split(std::string_view text) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t bar = text.find('|', start);
    parts.push_back(text.substr(start, bar == std::string_view::npos ? bar : bar - start));
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  return parts;
}

// "ddmmyyyy" -> "yyyy-mm-dd", or "" when malformed.
std::string DdMmYyyy(std::string_view s) {
  if (s.size() != 8 || s.find_first_not_of("0123456789") != std::string_view::npos) return "";
  std::string iso = std::string(s.substr(4, 4)) + "-" + std::string(s.substr(2, 2)) + "-" +
                    std::string(s.substr(0, 2));
  std::chrono::sys_days day;
  return ParseDay(iso, &day) ? iso : "";
}

}  // namespace

bool LooksLikeChipCardQr(std::string_view text) {
  return std::count(text.begin(), text.end(), '|') == 6;
}

Result<ChipCardQr> ParseChipCardQr(std::string_view text) {
  const auto parts = Split(text);
  if (parts.size() != 7) {
    return InvalidArgumentError("a chip ID card QR has 7 fields separated by '|'", "qr");
  }
  ChipCardQr q;
  q.cccd = std::string(parts[0]);
  if (q.cccd.size() != 12 || q.cccd.find_first_not_of("0123456789") != std::string::npos) {
    return InvalidArgumentError("the card QR's first field must be a 12-digit CCCD", "qr");
  }
  q.cmnd = std::string(parts[1]);
  q.full_name = std::string(parts[2]);
  if (q.full_name.empty()) return InvalidArgumentError("the card QR has no name", "qr");
  q.dob = DdMmYyyy(parts[3]);
  if (q.dob.empty()) {
    return InvalidArgumentError("the card QR's date of birth must be ddmmyyyy", "qr");
  }
  auto sex = ParseSex(parts[4]);
  if (!sex.ok()) return InvalidArgumentError("the card QR's sex must be Nam or Nữ", "qr");
  q.sex = std::string(SexCode(*sex));
  q.address = std::string(parts[5]);
  q.issued = parts[6].empty() ? "" : DdMmYyyy(parts[6]);
  return q;
}

}  // namespace vaxreg::registry
