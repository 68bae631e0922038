#include "http/error_language.h"

#include <algorithm>
#include <optional>

#include "http/header_value.h"

namespace vaxreg::http {
namespace {

// ---- Accept-Language --------------------------------------------------------------------------

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// RFC 9110 qvalue in thousandths: "0", "0.5", "1", "1.000"; nullopt when malformed.
std::optional<int> ParseQ(std::string_view v) {
  if (v.empty() || (v[0] != '0' && v[0] != '1')) return std::nullopt;
  int q = v[0] == '1' ? 1000 : 0;
  if (v.size() == 1) return q;
  if (v[1] != '.' || v.size() > 5) return std::nullopt;
  int scale = 100;
  for (char c : v.substr(2)) {
    if (c < '0' || c > '9') return std::nullopt;
    q += (c - '0') * scale;
    scale /= 10;
  }
  return q <= 1000 ? std::optional<int>(q) : std::nullopt;
}

// A language range: "*" or alphanumeric subtags joined by '-', the first alphabetic.
bool IsLanguageRange(std::string_view r) {
  if (r == "*") return true;
  if (r.empty() || r.size() > 64) return false;
  size_t subtag = 0;
  for (size_t i = 0; i < r.size(); ++i) {
    const char c = Lower(r[i]);
    if (c == '-') {
      if (subtag == 0) return false;
      subtag = 0;
      continue;
    }
    const bool alpha = c >= 'a' && c <= 'z';
    const bool digit = c >= '0' && c <= '9';
    if (!alpha && !(digit && i > r.find('-'))) return false;
    if (++subtag > 8) return false;
  }
  return subtag > 0;
}

// ---- Templates --------------------------------------------------------------------------------

struct Piece {
  bool placeholder = false;
  std::string_view text;  // the literal, or the placeholder's name
};

bool IsNameChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

bool Parse(std::string_view tmpl, std::vector<Piece>* out) {
  out->clear();
  size_t i = 0;
  while (i < tmpl.size()) {
    const size_t open = tmpl.find('{', i);
    if (open != i) {
      const size_t end = open == std::string_view::npos ? tmpl.size() : open;
      if (tmpl.substr(i, end - i).find('}') != std::string_view::npos) return false;
      out->push_back({false, tmpl.substr(i, end - i)});
      i = end;
      continue;
    }
    const size_t close = tmpl.find('}', open);
    if (close == std::string_view::npos || close == open + 1) return false;
    const std::string_view name = tmpl.substr(open + 1, close - open - 1);
    if (!std::all_of(name.begin(), name.end(), IsNameChar)) return false;
    if (!out->empty() && out->back().placeholder) return false;
    out->push_back({true, name});
    i = close + 1;
  }
  return true;
}

struct Compiled {
  const ErrorText* entry;
  std::vector<Piece> en;
  std::vector<Piece> vi;
};

const std::vector<Compiled>& CompiledCatalogue() {
  static const std::vector<Compiled> kCompiled = [] {
    std::vector<Compiled> out;
    for (const ErrorText& e : ErrorCatalogue()) {
      Compiled c{&e, {}, {}};
      // A malformed entry matches nothing (the catalogue test fails for it).
      if (Parse(e.en, &c.en) && Parse(e.vi, &c.vi)) out.push_back(std::move(c));
    }
    return out;
  }();
  return kCompiled;
}

// Matches pieces[i..] against message[pos..]; each placeholder takes at least one character and
// the shortest text after which the rest still matches.
bool MatchFrom(const std::vector<Piece>& pieces, size_t i, std::string_view message, size_t pos,
               ErrorParams* params) {
  if (i == pieces.size()) return pos == message.size();
  const Piece& p = pieces[i];
  if (!p.placeholder) {
    if (message.size() - pos < p.text.size() || message.compare(pos, p.text.size(), p.text) != 0) {
      return false;
    }
    return MatchFrom(pieces, i + 1, message, pos + p.text.size(), params);
  }
  if (pos >= message.size()) return false;
  if (i + 1 == pieces.size()) {
    params->emplace_back(std::string(p.text), std::string(message.substr(pos)));
    return true;
  }
  const std::string_view next = pieces[i + 1].text;  // a literal: placeholders never touch
  for (size_t end = message.find(next, pos + 1); end != std::string_view::npos;
       end = message.find(next, end + 1)) {
    params->emplace_back(std::string(p.text), std::string(message.substr(pos, end - pos)));
    if (MatchFrom(pieces, i + 1, message, end, params)) return true;
    params->pop_back();
  }
  return false;
}

// ---- Vietnamese values ------------------------------------------------------------------------

// Request fields and claim keys as a Vietnamese reader names them. Every label starts with an
// ASCII letter, so the first byte of a sentence that starts with one can be capitalised.
constexpr std::pair<std::string_view, std::string_view> kFieldLabels[] = {
    {"cccd", "số CCCD"},
    {"cmnd", "số CMND"},
    {"passport", "số hộ chiếu"},
    {"birth_date", "ngày sinh"},
    {"dob", "ngày sinh"},
    {"phone", "số điện thoại"},
    {"code", "mã"},
    {"username", "tên đăng nhập"},
    {"password", "mật khẩu"},
    {"full_name", "họ và tên"},
    {"sex", "giới tính"},
    {"day", "ngày hẹn"},
    {"facility_code", "mã cơ sở tiêm chủng"},
    {"person_id", "mã người được tiêm"},
    {"province_code", "mã tỉnh/thành phố"},
    {"district_code", "mã quận/huyện"},
    {"commune_code", "mã xã/phường"},
    {"kind", "loại đề nghị"},
    {"claim", "nội dung đề nghị"},
    {"note", "ghi chú"},
    {"photos", "hình ảnh"},
    {"photo", "hình ảnh"},
    {"dose_id", "mũi tiêm"},
    {"dose_number", "số thứ tự mũi tiêm"},
    {"date", "ngày tiêm"},
    {"vaccine", "vắc xin"},
    {"lot", "số lô"},
    {"expires_on", "hạn dùng"},
    {"quantity", "số liều"},
    {"country", "quốc gia"},
    {"recorded_to_cccd", "số CCCD của hồ sơ ghi nhận mũi tiêm"},
    {"owner_cccd", "số CCCD của người được tiêm"},
    {"hc1", "nội dung chứng nhận (HC1)"},
    {"qr", "mã QR"},
    {"body", "nội dung yêu cầu"},
    {"from", "ngày bắt đầu (from)"},
    {"to", "ngày kết thúc (to)"},
    {"limit", "số kết quả (limit)"},
    {"id", "mã số"},
    {"reason", "lý do"},
};

std::string FieldLabel(std::string_view field) {
  for (const auto& [name, label] : kFieldLabels) {
    if (name == field) return std::string(label);
  }
  return "trường \xe2\x80\x9c" + std::string(field) + "\xe2\x80\x9d";  // trường “name”
}

// JSON kinds as ParseJsonObject and the field getters name them.
std::string KindLabel(std::string_view kind) {
  constexpr std::pair<std::string_view, std::string_view> kKinds[] = {
      {"null", "null"},           {"boolean", "giá trị đúng/sai"}, {"integer", "số nguyên"},
      {"number", "số thập phân"}, {"string", "chuỗi ký tự"},       {"array", "danh sách"},
      {"object", "đối tượng"}};
  for (const auto& [en, vi] : kKinds) {
    if (en == kind) return std::string(vi);
  }
  return std::string(kind);
}

// Status values (of a facility, a request, a row kept for cleaning, a proposal, a booking, a
// dose) and correction levels as words; a value not listed stays as it is.
std::string StatusLabel(std::string_view status) {
  constexpr std::pair<std::string_view, std::string_view> kStatuses[] = {
      {"applied", "chờ duyệt"},          {"active", "đang hoạt động"},
      {"suspended", "tạm ngừng"},        {"open", "đang chờ xử lý"},
      {"info_needed", "chờ bổ sung"},    {"approved", "đã chấp thuận"},
      {"rejected", "đã từ chối"},        {"released", "đã đưa vào hồ sơ"},
      {"proposed", "đang đề xuất"},      {"merged", "đã gộp"},
      {"undone", "đã hoàn tác"},         {"voided", "đã hủy"},
      {"cancelled", "đã hủy"},           {"booked", "đã đặt lịch"},
      {"checked_in", "đã đến tiêm"},     {"missed", "vắng mặt"},
      {"facility", "cơ sở"},             {"commune", "xã"},
      {"district", "huyện"},             {"province", "tỉnh"}};
  for (const auto& [en, vi] : kStatuses) {
    if (en == status) return std::string(vi);
  }
  return std::string(status);
}

bool IsDayName(std::string_view name) {
  return name == "day" || name == "date" || name == "dob" || name == "birth_date" ||
         name.ends_with("_day") || name.ends_with("_date");
}

// "2021-08-01" -> "01/08/2021"; anything else unchanged.
std::string DayMonthYear(std::string_view v) {
  const auto digits = [&](size_t from, size_t n) {
    for (size_t k = from; k < from + n; ++k) {
      if (v[k] < '0' || v[k] > '9') return false;
    }
    return true;
  };
  if (v.size() != 10 || v[4] != '-' || v[7] != '-' || !digits(0, 4) || !digits(5, 2) ||
      !digits(8, 2)) {
    return std::string(v);
  }
  return std::string(v.substr(8, 2)) + "/" + std::string(v.substr(5, 2)) + "/" +
         std::string(v.substr(0, 4));
}

// A wait in seconds as a person reads it: "45 giây", "15 phút", "24 giờ" (rounded up).
std::string Wait(std::string_view v) {
  if (v.empty() || v.size() > 12 ||
      !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::string(v) + " giây";
  }
  const int64_t s = std::stoll(std::string(v));
  if (s < 60) return std::to_string(s) + " giây";
  if (s < 3600) return std::to_string((s + 59) / 60) + " phút";
  return std::to_string((s + 3599) / 3600) + " giờ";
}

std::string VietnameseValue(std::string_view name, std::string_view value) {
  if (name == "field") return FieldLabel(value);
  if (name == "kind") return KindLabel(value);
  if (name == "seconds") return Wait(value);
  if (name == "status" || name == "wanted" || name == "level") return StatusLabel(value);
  if (IsDayName(name)) return DayMonthYear(value);
  return std::string(value);
}

std::string Render(const std::vector<Piece>& pieces, const ErrorParams& params) {
  std::string out;
  for (const Piece& p : pieces) {
    if (!p.placeholder) {
      out += p.text;
      continue;
    }
    auto it = std::find_if(params.begin(), params.end(),
                           [&](const auto& kv) { return kv.first == p.text; });
    if (it != params.end()) out += VietnameseValue(p.text, it->second);
  }
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 32);
  return out;
}

// Server-side failures without an entry of their own: a generic reason and sentence by code.
struct Generic {
  std::string_view reason;
  std::string_view vi;
};

std::optional<Generic> GenericFor(StatusCode code) {
  switch (code) {
    case StatusCode::kUnavailable:
    case StatusCode::kAborted:
      return Generic{"server.unavailable",
                     "Hệ thống tạm thời không phục vụ được; vui lòng thử lại sau ít phút"};
    case StatusCode::kInternal:
      return Generic{"server.internal", "Đã xảy ra lỗi hệ thống; vui lòng thử lại sau"};
    case StatusCode::kDeadlineExceeded:
      return Generic{"server.timeout", "Hệ thống phản hồi quá chậm; vui lòng thử lại sau"};
    default:
      return std::nullopt;
  }
}

}  // namespace

std::string_view LanguageTag(Language language) {
  return language == Language::kVietnamese ? "vi" : "en";
}

Language PreferredLanguage(std::string_view header) {
  // For each language: the q of the first range naming it, else of "*", and where that range was.
  struct Best {
    int q = -1;
    size_t position = 0;
  };
  Best vi, en, any;
  size_t position = 0;
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view item = TrimOws(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    if (item.empty()) continue;
    ++position;
    const size_t semi = item.find(';');
    const std::string_view range = TrimOws(item.substr(0, semi));
    int q = 1000;
    bool valid = IsLanguageRange(range);
    for (std::string_view rest = semi == std::string_view::npos ? "" : item.substr(semi + 1);
         valid && !rest.empty();) {
      const size_t next = rest.find(';');
      const std::string_view param = TrimOws(rest.substr(0, next));
      rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
      if (param.size() >= 2 && Lower(param[0]) == 'q' && param[1] == '=') {
        std::optional<int> parsed = ParseQ(TrimOws(param.substr(2)));
        if (!parsed)
          valid = false;
        else
          q = *parsed;
      }
    }
    if (!valid) continue;
    std::string primary;
    for (char c : range.substr(0, range.find('-'))) primary += Lower(c);
    Best* best = primary == "vi" ? &vi : primary == "en" ? &en : primary == "*" ? &any : nullptr;
    if (best != nullptr && best->q < 0) *best = {q, position};
  }
  if (vi.q < 0) vi = any;
  if (en.q < 0) en = any;
  const bool prefers_vi = vi.q > 0 && (vi.q > en.q || (vi.q == en.q && vi.position < en.position));
  return prefers_vi ? Language::kVietnamese : Language::kEnglish;
}

bool TemplatePlaceholders(std::string_view tmpl, std::vector<std::string>* names) {
  std::vector<Piece> pieces;
  names->clear();
  if (!Parse(tmpl, &pieces)) return false;
  for (const Piece& p : pieces) {
    if (p.placeholder) names->emplace_back(p.text);
  }
  return true;
}

const ErrorText* MatchErrorText(std::string_view message, ErrorParams* params) {
  for (const Compiled& c : CompiledCatalogue()) {
    // Most entries start with text: compare it before anything else.
    if (!c.en.empty() && !c.en[0].placeholder && !message.starts_with(c.en[0].text)) continue;
    params->clear();
    if (MatchFrom(c.en, 0, message, 0, params)) return c.entry;
  }
  params->clear();
  return nullptr;
}

std::string RenderVietnamese(const ErrorText& entry, const ErrorParams& params) {
  std::vector<Piece> pieces;
  if (!Parse(entry.vi, &pieces)) return std::string(entry.en);
  return Render(pieces, params);
}

LocalizedError LocalizeError(const Status& status, Language wanted) {
  LocalizedError out;
  out.message = status.message();
  if (const ErrorText* entry = MatchErrorText(status.message(), &out.params)) {
    out.reason = entry->reason;
    if (wanted == Language::kVietnamese) {
      out.message = RenderVietnamese(*entry, out.params);
      out.language = Language::kVietnamese;
    }
    return out;
  }
  if (std::optional<Generic> generic = GenericFor(status.code())) {
    out.reason = generic->reason;
    if (wanted == Language::kVietnamese) {
      out.message = std::string(generic->vi);
      out.language = Language::kVietnamese;
    }
  }
  return out;
}

}  // namespace vaxreg::http
