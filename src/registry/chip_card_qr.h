#pragma once
// The QR code on the chip citizen identity card: pipe-separated text
//   CCCD|CMND|full name|ddmmyyyy birth|sex|address|ddmmyyyy issue
// e.g. "001090012345|012345678|Nguyễn Văn An|01011990|Nam|Số 1, Phường X, Quận Y, Hà Nội|01072021".
// CMND may be empty. Sex is "Nam" (male) or "Nữ" (female). Pure; thread-safe.

#include <string>

#include "common/status.h"

namespace vaxreg::registry {

struct ChipCardQr {
  std::string cccd;
  std::string cmnd;       // "" when absent
  std::string full_name;  // as printed (not yet normalised)
  std::string dob;        // "YYYY-MM-DD"
  std::string sex;        // "M" / "F"
  std::string address;    // free text
  std::string issued;     // "YYYY-MM-DD"
};

// Whether the text looks like a chip-card QR (7 pipe-separated fields) rather than a
// registration token.
bool LooksLikeChipCardQr(std::string_view text);

// kInvalidArgument (field "qr") naming the part that is malformed.
Result<ChipCardQr> ParseChipCardQr(std::string_view text);

}  // namespace vaxreg::registry
