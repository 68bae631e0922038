#pragma once
// Field-by-field comparison of two persons (identity/person.h) into discrete agreement levels,
// the comparison vector of Fellegi-Sunter record linkage. Level 0 is full agreement, higher
// levels agree less; kNull means the field is missing on either side (no evidence either way).
// Pure functions; thread-safe; no allocation.

#include <array>
#include <cstdint>
#include <string_view>

#include "identity/person.h"
#include "text/name_key.h"

namespace vaxreg::identity {

enum Field : int { kFieldId = 0, kFieldName, kFieldDob, kFieldSex, kFieldAddress, kNumFields };
inline constexpr int8_t kNull = -1;
inline constexpr int kMaxLevels = 7;

// Levels per field:
//   id       0 same CCCD (or same CMND), 1 one digit differs, 2 two adjacent digits swapped,
//            3 different; null when the two do not carry the same kind of number
//   name     0 same key, 1 same syllables in another order or other spacing, 2 same family and
//            given name (middle differs or is dropped, or family/given swapped), 3 one edit
//            (typo) apart, 4 Jaro-Winkler >= 0.90, 5 Jaro-Winkler >= 0.80, 6 different
//   dob      0 same date, 1 day and month swapped, 2 one side has the year only and it agrees,
//            3 one digit of YYYYMMDD differs, 4 same day and month in another year, 5 same year,
//            6 different
//   sex      0 same, 1 different
//   address  0 same commune, 1 same district, 2 same province, 3 different
inline constexpr std::array<int, kNumFields> kLevelCount = {4, 7, 7, 2, 4};
std::string_view FieldName(Field f);  // "id", "name", "dob", "sex", "address"

struct Comparison {
  std::array<int8_t, kNumFields> level{kNull, kNull, kNull, kNull, kNull};
  bool operator==(const Comparison&) const = default;
};

Comparison Compare(const Person& a, const Person& b);

int8_t CompareId(const Person& a, const Person& b);
int8_t CompareNames(std::string_view a, std::string_view b);
// Whether the given names (the last syllable of a Vietnamese name key, or the first when family
// and given name were written the other way round) are the same. Exactly, not within one edit: one
// letter turns a given name into another ("tuyen", "quyen"; "lan", "lam"). Family and middle names
// are shared by millions ("Nguyễn Thị"): a Jaro-Winkler score over the whole name rewards them,
// so a name level of 4 or 5 alone says little about the person.
bool GivenNamesAgree(std::string_view a, std::string_view b);
int8_t CompareBirthDates(const BirthDate& a, const BirthDate& b);
int8_t CompareSex(SexCode a, SexCode b);
int8_t CompareAddresses(const Person& a, const Person& b);

// Whether two identity numbers of `digits` digits differ in exactly one digit / are equal but
// for one pair of adjacent digits swapped.
bool DifferInOneDigit(uint64_t a, uint64_t b, int digits);
bool DifferByAdjacentSwap(uint64_t a, uint64_t b, int digits);

// text::WithinOneEdit, where record linkage has always found it.
using text::WithinOneEdit;

}  // namespace vaxreg::identity
