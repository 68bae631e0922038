#pragma once
// Whether a record that names a stored person by identity number describes that person. A
// facility's file may carry a wrong CCCD (a relative's, a typing slip that lands on a real
// number): its dose must not be added to the stranger that number belongs to.

#include <string_view>

#include "common/status.h"
#include "registry/person.h"

namespace vaxreg::registry {

// OK unless the record clearly describes someone else than `stored` (found by its CCCD `cccd`):
//   - the given names (the last syllable, once folded by NameKeyTokens: diacritics, case,
//     Telex slips) are more than one edit apart and neither appears anywhere in the other name,
//     e.g. "Trần Thị Khác" against "Nguyễn Thị Kim Trang"; or they are one edit apart and the
//     family names (first syllables) differ likewise ("Nguyễn Bích Hạnh" against "Đặng Thị Thu
//     Hằng"); or
//   - the birth dates differ beyond a slip: two full dates that are not equal, not day and
//     month swapped, and differ in more than one digit of YYYYMMDD other than by two adjacent
//     digits swapped (1970-01-04 against 1970-10-15: a household member's CCCD); with a year
//     only on either side, the years differ so (1970 against 1943; 1985 against 1958 or 1986 is
//     a slip, not a conflict).
// Anything closer (a typo, a dropped middle name, a day and month swapped) is left to identity
// verification. kFailedPrecondition with field "cccd" when the record conflicts; the message
// does not repeat the stored person's name or birth date.
// `stored` needs name_folded and dob only (FindPeopleForDoseWrites reads them).
Status CheckSamePerson(std::string_view cccd, std::string_view full_name, std::string_view dob,
                       const Person& stored);

}  // namespace vaxreg::registry
