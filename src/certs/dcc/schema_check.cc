#include "certs/dcc/schema_check.h"

#include <array>
#include <boost/json.hpp>
#include <cmath>
#include <initializer_list>
#include <string_view>

namespace vaxreg::certs {
namespace {

namespace json = boost::json;

struct Version {
  int major = 1, minor = 3, patch = 3;
  bool AtLeast(int ma, int mi, int pa) const {
    if (major != ma) return major > ma;
    if (minor != mi) return minor > mi;
    return patch >= pa;
  }
};

constexpr std::array<Version, 9> kReleased = {{{1, 0, 0},
                                               {1, 0, 1},
                                               {1, 1, 0},
                                               {1, 2, 0},
                                               {1, 2, 1},
                                               {1, 3, 0},
                                               {1, 3, 1},
                                               {1, 3, 2},
                                               {1, 3, 3}}};

enum class DobRule { kSearchFullDate, kAnchored, kAnchoredOrEmpty };

// The rules of one schema release.
struct Rules {
  size_t text_max;  // fn, fnt, gn, gnt, is, ci, tc
  std::optional<size_t> nm_max;
  std::optional<int64_t> dose_max;
  bool fnt_required;  // else one of fnt/gnt
  DobRule dob;
  bool tc_required;
  bool single_entry;  // maxItems 1 on v/t/r
};

Rules RulesFor(const Version& v) {
  Rules r{};
  const bool v13 = v.AtLeast(1, 3, 0);
  r.text_max = v13 ? 80 : 50;
  if (v13) r.nm_max = 80;
  if (!v13) r.dose_max = 9;
  r.fnt_required = !v.AtLeast(1, 3, 2);
  r.dob = v13 ? DobRule::kAnchoredOrEmpty
              : (v.AtLeast(1, 1, 0) ? DobRule::kAnchored : DobRule::kSearchFullDate);
  r.tc_required = !v13;
  r.single_entry = v13;
  return r;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

bool IsLineTerminator(char c) { return c == '\n' || c == '\r'; }

// ECMA-262 ^\d+.\d+.\d+$ ('.' is any character but a line terminator; "$" is end of input).
bool MatchesVerPattern(std::string_view s) {
  if (s.size() > 64) return false;
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    if (IsLineTerminator(s[i]) || !AllDigits(s.substr(0, i))) continue;
    for (size_t j = i + 2; j + 1 < s.size(); ++j) {
      if (IsLineTerminator(s[j])) continue;
      if (AllDigits(s.substr(i + 1, j - i - 1)) && AllDigits(s.substr(j + 1))) return true;
    }
  }
  return false;
}

// (19|20)\d\d(-\d\d){0,2} anchored at both ends.
bool MatchesAnchoredDob(std::string_view s) {
  if (s.size() != 4 && s.size() != 7 && s.size() != 10) return false;
  if (!(s.substr(0, 2) == "19" || s.substr(0, 2) == "20") || !IsDigit(s[2]) || !IsDigit(s[3])) {
    return false;
  }
  for (size_t i = 4; i < s.size(); i += 3) {
    if (s[i] != '-' || !IsDigit(s[i + 1]) || !IsDigit(s[i + 2])) return false;
  }
  return true;
}

// (19|20)\d{2}-\d{2}-\d{2} anywhere in the string.
bool ContainsFullDob(std::string_view s) {
  for (size_t i = 0; i + 10 <= s.size(); ++i) {
    std::string_view w = s.substr(i, 10);
    if ((w.substr(0, 2) == "19" || w.substr(0, 2) == "20") && IsDigit(w[2]) && IsDigit(w[3]) &&
        w[4] == '-' && IsDigit(w[5]) && IsDigit(w[6]) && w[7] == '-' && IsDigit(w[8]) &&
        IsDigit(w[9])) {
      return true;
    }
  }
  return false;
}

// Code points in UTF-8 text (what JSON Schema's maxLength counts).
size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xc0) != 0x80) ++n;
  }
  return n;
}

std::optional<Version> ParseVer(std::string_view s) {
  Version v{0, 0, 0};
  int* parts[] = {&v.major, &v.minor, &v.patch};
  size_t pos = 0;
  for (int k = 0; k < 3; ++k) {
    size_t start = pos;
    long long value = 0;
    while (pos < s.size() && IsDigit(s[pos]) && pos - start < 6) {
      value = value * 10 + (s[pos] - '0');
      ++pos;
    }
    if (pos == start) return std::nullopt;
    *parts[k] = static_cast<int>(value);
    if (k < 2) {
      if (pos >= s.size() || s[pos] != '.') return std::nullopt;
      ++pos;
    }
  }
  if (pos != s.size()) return std::nullopt;
  return v;
}

Version SchemaVersionFor(const json::value& dcc) {
  const json::object* obj = dcc.if_object();
  if (obj == nullptr) return kReleased.back();
  const json::value* ver = obj->if_contains("ver");
  if (ver == nullptr || !ver->is_string()) return kReleased.back();
  std::optional<Version> v = ParseVer(std::string_view(ver->get_string()));
  if (!v) return kReleased.back();
  for (const Version& r : kReleased) {
    if (r.major == v->major && r.minor == v->minor && r.patch == v->patch) return r;
  }
  return kReleased.back();
}

class Checker {
 public:
  explicit Checker(const Rules& rules) : rules_(rules) {}

  void Fail(std::string path, std::string message) {
    out_.push_back({std::move(path), std::move(message)});
  }

  // A string with an optional maxLength; returns the string or nullptr.
  const json::string* String(const json::object& obj, std::string_view key, const std::string& path,
                             std::optional<size_t> max_len) {
    const json::value* v = obj.if_contains(key);
    if (v == nullptr) return nullptr;
    // Paths are only built for violations: valid payloads are the hot path.
    if (!v->is_string()) {
      Fail(path + "." + std::string(key), "must be a string");
      return nullptr;
    }
    if (max_len && CodePoints(std::string_view(v->get_string())) > *max_len) {
      Fail(path + "." + std::string(key),
           "must be at most " + std::to_string(*max_len) + " characters");
    }
    return &v->get_string();
  }

  void Required(const json::object& obj, std::initializer_list<std::string_view> keys,
                const std::string& path) {
    for (std::string_view k : keys) {
      if (!obj.contains(k)) Fail(path, "missing required property \"" + std::string(k) + "\"");
    }
  }

  void DosePosInt(const json::object& obj, std::string_view key, const std::string& path) {
    const json::value* v = obj.if_contains(key);
    if (v == nullptr) return;
    auto p = [&] { return path + "." + std::string(key); };
    // JSON Schema integers include numbers with a zero fraction, such as 1.0.
    double d;
    if (v->is_int64()) {
      d = static_cast<double>(v->get_int64());
    } else if (v->is_uint64()) {
      d = static_cast<double>(v->get_uint64());
    } else if (v->is_double() && std::isfinite(v->get_double()) &&
               std::floor(v->get_double()) == v->get_double()) {
      d = v->get_double();
    } else {
      Fail(p(), "must be an integer");
      return;
    }
    if (d < 1) Fail(p(), "must be >= 1");
    if (rules_.dose_max && d > static_cast<double>(*rules_.dose_max)) {
      Fail(p(), "must be <= " + std::to_string(*rules_.dose_max));
    }
  }

  void Country(const json::object& obj, const std::string& path) {
    if (const json::string* co = String(obj, "co", path, std::nullopt)) {
      // Pattern [A-Z]{1,10}, unanchored: one upper-case letter anywhere satisfies it.
      bool any = false;
      for (char c : *co) any = any || (c >= 'A' && c <= 'Z');
      if (!any) Fail(path + ".co", "must match [A-Z]{1,10}");
    }
  }

  void Name(const json::value& nam) {
    const std::string path = "$.nam";
    const json::object* obj = nam.if_object();
    if (obj == nullptr) {
      Fail(path, "must be an object");
      return;
    }
    if (rules_.fnt_required) {
      Required(*obj, {"fnt"}, path);
    } else if (!obj->contains("fnt") && !obj->contains("gnt")) {
      Fail(path, "must have \"fnt\" or \"gnt\"");
    }
    String(*obj, "fn", path, rules_.text_max);
    String(*obj, "gn", path, rules_.text_max);
    for (std::string_view key : {"fnt", "gnt"}) {
      if (const json::string* s = String(*obj, key, path, rules_.text_max)) {
        for (char c : *s) {
          if (!((c >= 'A' && c <= 'Z') || c == '<')) {
            Fail(path + "." + std::string(key), "must match ^[A-Z<]*$");
            break;
          }
        }
      }
    }
  }

  void Dob(const json::object& root) {
    const json::string* dob = String(root, "dob", "$", std::nullopt);
    if (dob == nullptr) return;
    const std::string_view s(*dob);
    bool ok = false;
    switch (rules_.dob) {
      case DobRule::kSearchFullDate:
        ok = ContainsFullDob(s);
        break;
      case DobRule::kAnchored:
        ok = MatchesAnchoredDob(s);
        break;
      case DobRule::kAnchoredOrEmpty:
        ok = s.empty() || MatchesAnchoredDob(s);
        break;
    }
    if (!ok) Fail("$.dob", "does not match the date-of-birth pattern");
  }

  void Entry(DccType type, const json::object& e, const std::string& path) {
    const size_t max = rules_.text_max;
    String(e, "tg", path, std::nullopt);
    Country(e, path);
    String(e, "is", path, max);
    String(e, "ci", path, max);
    switch (type) {
      case DccType::kVaccination:
        Required(e, {"tg", "vp", "mp", "ma", "dn", "sd", "dt", "co", "is", "ci"}, path);
        for (std::string_view k : {"vp", "mp", "ma", "dt"}) String(e, k, path, std::nullopt);
        DosePosInt(e, "dn", path);
        DosePosInt(e, "sd", path);
        break;
      case DccType::kTest:
        if (rules_.tc_required) {
          Required(e, {"tg", "tt", "sc", "tr", "tc", "co", "is", "ci"}, path);
        } else {
          Required(e, {"tg", "tt", "sc", "tr", "co", "is", "ci"}, path);
        }
        for (std::string_view k : {"tt", "ma", "sc", "tr"}) String(e, k, path, std::nullopt);
        String(e, "nm", path, rules_.nm_max);
        String(e, "tc", path, max);
        break;
      case DccType::kRecovery:
        Required(e, {"tg", "fr", "co", "is", "df", "du", "ci"}, path);
        for (std::string_view k : {"fr", "df", "du"}) String(e, k, path, std::nullopt);
        break;
    }
  }

  void Group(DccType type, const json::value& group) {
    const std::string path = "$." + std::string(DccTypeKey(type));
    const json::array* arr = group.if_array();
    if (arr == nullptr) {
      Fail(path, "must be an array");
      return;
    }
    if (arr->empty()) Fail(path, "must hold at least 1 entry");
    if (rules_.single_entry && arr->size() > 1) Fail(path, "must hold at most 1 entry");
    for (size_t i = 0; i < arr->size(); ++i) {
      const std::string p = path + "[" + std::to_string(i) + "]";
      const json::object* e = (*arr)[i].if_object();
      if (e == nullptr) {
        Fail(p, "must be an object");
        continue;
      }
      Entry(type, *e, p);
    }
  }

  std::vector<SchemaViolation> Take() { return std::move(out_); }

 private:
  const Rules& rules_;
  std::vector<SchemaViolation> out_;
};

}  // namespace

std::vector<DccType> DccTypesPresent(const json::value& dcc) {
  std::vector<DccType> out;
  if (const json::object* obj = dcc.if_object()) {
    for (DccType t : {DccType::kVaccination, DccType::kTest, DccType::kRecovery}) {
      if (obj->contains(DccTypeKey(t))) out.push_back(t);
    }
  }
  return out;
}

std::vector<SchemaViolation> CheckDccSchema(const json::value& dcc) {
  const Rules rules = RulesFor(SchemaVersionFor(dcc));
  Checker c(rules);
  const json::object* root = dcc.if_object();
  if (root == nullptr) {
    c.Fail("$", "must be an object");
    return c.Take();
  }
  c.Required(*root, {"ver", "nam", "dob"}, "$");
  if (const json::string* ver = c.String(*root, "ver", "$", std::nullopt)) {
    if (!MatchesVerPattern(std::string_view(*ver))) c.Fail("$.ver", "must match ^\\d+.\\d+.\\d+$");
  }
  if (const json::value* nam = root->if_contains("nam")) c.Name(*nam);
  c.Dob(*root);
  const std::vector<DccType> types = DccTypesPresent(dcc);
  if (types.size() != 1) c.Fail("$", "must hold exactly one of \"v\", \"t\", \"r\"");
  for (DccType t : types) c.Group(t, root->at(DccTypeKey(t)));
  return c.Take();
}

std::vector<SchemaViolation> CheckDccValueSets(const json::value& dcc, const ValueSets& sets) {
  std::vector<SchemaViolation> out;
  const json::object* root = dcc.if_object();
  if (root == nullptr) return out;
  auto check = [&](const json::object& e, std::string_view key, std::string_view set,
                   const std::string& path) {
    const json::value* v = e.if_contains(key);
    if (v == nullptr || !v->is_string()) return;
    const std::string_view code(v->get_string());
    // Schema 1.3.x's own valid samples use "UNHCR" as a country of vaccination/test: the UN
    // refugee agency issues DCCs although it has no ISO 3166 code.
    if (set == kValueSetCountry && code == "UNHCR") return;
    if (!sets.Contains(set, code)) {
      out.push_back({path + "." + std::string(key),
                     "\"" + std::string(code) + "\" is not in value set " + std::string(set)});
    }
  };
  for (DccType type : DccTypesPresent(dcc)) {
    const json::array* arr = root->at(DccTypeKey(type)).if_array();
    if (arr == nullptr) continue;
    for (size_t i = 0; i < arr->size(); ++i) {
      const json::object* e = (*arr)[i].if_object();
      if (e == nullptr) continue;
      const std::string p = "$." + std::string(DccTypeKey(type)) + "[" + std::to_string(i) + "]";
      check(*e, "tg", kValueSetDisease, p);
      check(*e, "co", kValueSetCountry, p);
      switch (type) {
        case DccType::kVaccination:
          check(*e, "vp", kValueSetVaccineProphylaxis, p);
          check(*e, "mp", kValueSetVaccineProduct, p);
          check(*e, "ma", kValueSetVaccineManufacturer, p);
          break;
        case DccType::kTest:
          check(*e, "tt", kValueSetTestType, p);
          check(*e, "tr", kValueSetTestResult, p);
          break;
        case DccType::kRecovery:
          break;
      }
    }
  }
  return out;
}

std::string JoinViolations(const std::vector<SchemaViolation>& violations) {
  std::string out;
  for (const SchemaViolation& v : violations) {
    if (!out.empty()) out += "; ";
    out += v.path + ": " + v.message;
  }
  return out;
}

}  // namespace vaxreg::certs
