#include "registry/same_person.h"

#include <algorithm>
#include <string>
#include <vector>

#include "text/name_key.h"

namespace vaxreg::registry {
namespace {

// Whether two names clearly belong to different people. A Vietnamese name ends with the given
// name, the syllable people are called by ("Thị", "Văn" in the middle are shared by half the
// country, and a few family names by most of it): the names differ when their given names are
// more than one slip apart and neither given name appears anywhere in the other name (which
// allows for family and given name written the other way round).
// Given names one letter apart are often two names ("Hạnh", "Hằng"): then the family names
// decide, and they differ when neither appears anywhere in the other name.
bool NamesClearlyDiffer(std::string_view a, std::string_view b) {
  const std::vector<std::string> x = text::NameKeyTokens(a);
  const std::vector<std::string> y = text::NameKeyTokens(b);
  if (x.empty() || y.empty()) return false;  // nothing to compare: no evidence of a conflict
  const auto contains = [](const std::vector<std::string>& tokens, const std::string& t) {
    return std::find(tokens.begin(), tokens.end(), t) != tokens.end();
  };
  if (x.back() == y.back()) return false;
  if (text::WithinOneEdit(x.back(), y.back())) {
    return x.size() >= 2 && y.size() >= 2 && !text::WithinOneEdit(x.front(), y.front()) &&
           !contains(y, x.front()) && !contains(x, y.front());
  }
  return !contains(y, x.back()) && !contains(x, y.back());
}

// Whether two "YYYY..." birth dates have years no single slip explains.
bool YearsClearlyDiffer(std::string_view a, std::string_view b) {
  if (a.size() < 4 || b.size() < 4) return false;
  a = a.substr(0, 4);
  b = b.substr(0, 4);
  int differing = 0;
  for (size_t i = 0; i < 4; ++i) differing += a[i] != b[i] ? 1 : 0;
  if (differing <= 1) return false;
  for (size_t i = 0; i + 1 < 4; ++i) {  // two adjacent digits swapped: a slip
    if (differing == 2 && a[i] != b[i] && a[i] == b[i + 1] && a[i + 1] == b[i]) return false;
  }
  return true;
}

// Whether two birth dates differ beyond a slip. Full dates ("YYYY-MM-DD" both) agree when equal,
// with day and month swapped, with one digit of YYYYMMDD different or two adjacent digits
// swapped; otherwise (a year on either side) the years decide.
bool DatesClearlyDiffer(std::string_view a, std::string_view b) {
  if (a.size() != 10 || b.size() != 10) return YearsClearlyDiffer(a, b);
  const std::string x = std::string(a.substr(0, 4)) + std::string(a.substr(5, 2)) +
                        std::string(a.substr(8, 2));
  const std::string y = std::string(b.substr(0, 4)) + std::string(b.substr(5, 2)) +
                        std::string(b.substr(8, 2));
  if (x == y) return false;
  if (x.substr(0, 4) == y.substr(0, 4) && x.substr(4, 2) == y.substr(6, 2) &&
      x.substr(6, 2) == y.substr(4, 2)) {
    return false;  // day and month swapped
  }
  int differing = 0;
  size_t first = x.size();
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i] != y[i]) {
      ++differing;
      first = std::min(first, i);
    }
  }
  if (differing <= 1) return false;
  return !(differing == 2 && first + 1 < x.size() && x[first] == y[first + 1] &&
           x[first + 1] == y[first]);
}

}  // namespace

Status CheckSamePerson(std::string_view cccd, std::string_view full_name, std::string_view dob,
                       const Person& stored) {
  const bool names_conflict = NamesClearlyDiffer(full_name, stored.name_folded);
  const bool dates_conflict = DatesClearlyDiffer(dob, stored.dob);
  if (!names_conflict && !dates_conflict) return Status::Ok();
  return FailedPreconditionError(
      "identity conflict: CCCD " + std::string(cccd) + " belongs to a person with a different " +
          (names_conflict && dates_conflict ? "name and birth date"
           : names_conflict                 ? "name"
                                            : "birth date") +
          "; the dose was not added to them. Check the number on the card",
      "cccd");
}

}  // namespace vaxreg::registry
