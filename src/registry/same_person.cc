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
bool NamesClearlyDiffer(std::string_view a, std::string_view b) {
  const std::vector<std::string> x = text::NameKeyTokens(a);
  const std::vector<std::string> y = text::NameKeyTokens(b);
  if (x.empty() || y.empty()) return false;  // nothing to compare: no evidence of a conflict
  if (text::WithinOneEdit(x.back(), y.back())) return false;
  const auto contains = [](const std::vector<std::string>& tokens, const std::string& t) {
    return std::find(tokens.begin(), tokens.end(), t) != tokens.end();
  };
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

}  // namespace

Status CheckSamePerson(std::string_view cccd, std::string_view full_name, std::string_view dob,
                       const Person& stored) {
  const bool names_conflict = NamesClearlyDiffer(full_name, stored.name_folded);
  const bool years_conflict = YearsClearlyDiffer(dob, stored.dob);
  if (!names_conflict && !years_conflict) return Status::Ok();
  return FailedPreconditionError(
      "identity conflict: CCCD " + std::string(cccd) + " belongs to a person with a different " +
          (names_conflict && years_conflict ? "name and birth year"
           : names_conflict                 ? "name"
                                            : "birth year") +
          "; the dose was not added to them. Check the number on the card",
      "cccd");
}

}  // namespace vaxreg::registry
