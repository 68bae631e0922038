#pragma once
// The identifying data of one person, normalised for record linkage: identity numbers as
// integers, the name as its folded key (text/name_key.h), birth date with its precision, sex and
// address as numeric GSO codes. Used for population-register entries and for person records
// alike. Parsing is lenient: a value that cannot be read is treated as missing, never as an error,
// because records come from many sources and a missing field only lowers the evidence.
// Pure functions; thread-safe.

#include <cstdint>
#include <string>
#include <string_view>

namespace vaxreg::identity {

// A birth date; year 0 = unknown, month 0 = year only.
struct BirthDate {
  int16_t year = 0;
  int8_t month = 0;
  int8_t day = 0;
  bool known() const { return year != 0; }
  bool full() const { return year != 0 && month != 0; }
  bool operator==(const BirthDate&) const = default;
};

enum class SexCode : uint8_t { kUnknown = 0, kMale = 1, kFemale = 2 };

struct Person {
  uint64_t cccd = 0;   // 12-digit CCCD as a number (leading zeros implied); 0 = none
  uint32_t cmnd = 0;   // 9-digit legacy CMND; 0 = none
  std::string name;    // name key: "nguyen van duc"
  BirthDate dob;
  SexCode sex = SexCode::kUnknown;
  uint8_t province = 0;   // GSO codes as numbers; 0 = unknown
  uint16_t district = 0;
  uint32_t commune = 0;
};

// "YYYY-MM-DD", "YYYY", also "DD/MM/YYYY" and "YYYYMMDD". Impossible dates (month 13, 31 Feb) and
// years outside 1850..2200 give an unknown date.
BirthDate ParseBirthDate(std::string_view s);

// "M"/"F", also "Nam"/"Nữ", "male"/"female", "1"/"0" is not accepted (ambiguous).
SexCode ParseSex(std::string_view s);

struct IdNumbers {
  uint64_t cccd = 0;
  uint32_t cmnd = 0;
};
// Reads an identity number, ignoring spaces, dots and dashes: 12 digits is a CCCD (10 or 11 too:
// a CCCD whose leading zeros a spreadsheet dropped), 9 a CMND, anything else nothing.
IdNumbers ParseIdNumber(std::string_view s);

// The 12-digit text of a CCCD number ("001085012345"); "" for 0.
std::string FormatCccd(uint64_t cccd);
// The 9-digit text of a CMND number; "" for 0.
std::string FormatCmnd(uint32_t cmnd);

struct Address {
  uint8_t province = 0;
  uint16_t district = 0;
  uint32_t commune = 0;
};
// Reads an address given as GSO codes (leading zeros optional: "1" = "01") or as unit names,
// with or without diacritics and type words or their abbreviations ("TP HCM", "Q. 1",
// "P. Tân Định", "Huyen Gia Lam"). A name is looked up below its parent, so a district name
// needs a province and a commune name a district. Unknown parts are left 0; a code that does not
// belong under its parent is kept (a record may be inconsistent; the comparison decides).
Address ParseAddress(std::string_view province, std::string_view district,
                     std::string_view commune);

// Reads the units of a free-text address as printed on the chip ID card or written on a form
// ("Số 1 Tràng Tiền, Phường Tràng Tiền, Quận Hoàn Kiếm, Thành phố Hà Nội"): the last three
// comma-separated parts, by name, as commune, district and province (two parts: district and
// province; one: province). A part that is only digits is not read as a code (a house number is
// not a unit). Unknown parts are left 0, and so is every unit below an unknown one.
Address ParseAddressText(std::string_view text);

// The GSO code texts of `a` ("01", "001", "00001"); "" for each unit that is 0.
struct AddressCodes {
  std::string province, district, commune;
};
AddressCodes FormatAddressCodes(const Address& a);

}  // namespace vaxreg::identity
