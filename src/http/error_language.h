#pragma once
// API errors in the reader's language. Every error message a citizen or the public can cause, and
// those officials meet in their daily work, is an entry of one catalogue (error_catalogue.cc,
// error_catalogue_staff.cc): a stable reason code, the English template the code produces
// ("facility {facility} is fully booked on {day} ({places} places)") and the same sentence in
// Vietnamese with the same {placeholders}. ErrorResponse (http/json.h) matches each
// error's English message against the templates, so the code that builds errors stays as it is
// and the catalogue is the one place that knows both languages:
//
//   - "reason" (the entry's code) and "params" (the placeholders' values, as in the English text)
//     are added to every error body whose message has an entry, whatever the language;
//   - when the request's Accept-Language prefers Vietnamese, "message" is the Vietnamese text
//     (field names read as words: "birth_date" -> "ngày sinh", days as dd/mm/yyyy, waits in
//     minutes or hours, statuses and levels as words: "suspended" -> "tạm ngừng"); English
//     stays the default, for API clients that send nothing.
//
// Server-side failures whose text has no entry (5xx: a database down, a bug) get a generic
// reason and, in Vietnamese, a generic sentence. Any other message without an entry stays in
// English (Content-Language says so). Pure functions; thread-safe.

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace vaxreg::http {

enum class Language { kEnglish, kVietnamese };

// "en" or "vi", for Content-Language.
std::string_view LanguageTag(Language language);

// The language an Accept-Language header value prefers among English and Vietnamese (RFC 9110
// 12.5.4): q-values respected ("vi;q=0.9, en;q=0.8" is Vietnamese, "en, vi;q=0.5" English), a
// range matches its language and its regional variants ("vi-VN"), "*" matches both, q=0 refuses;
// at equal q the range listed first wins. Absent, empty, malformed or naming neither: English.
Language PreferredLanguage(std::string_view accept_language);

// One error message in both languages. Placeholders are {lower_case_names}; both templates use
// the same set. Entries are tried in catalogue order, so a more specific template comes before
// a more general one that would also match its messages.
struct ErrorText {
  std::string_view reason;  // stable code, "area.name_of_error"
  std::string_view en;      // exactly the English message the server produces
  std::string_view vi;
};

// Every entry, in matching order.
std::span<const ErrorText> ErrorCatalogue();

using ErrorParams = std::vector<std::pair<std::string, std::string>>;

struct LocalizedError {
  std::string message;  // in `language`
  Language language = Language::kEnglish;
  std::string_view reason;  // "" when neither an entry nor a generic reason applies
  ErrorParams params;       // the placeholders' values as matched in the English message
};

// `status` (not OK) as shown to a reader who prefers `wanted`.
LocalizedError LocalizeError(const Status& status, Language wanted);

// The entry whose English template matches `message`, with its placeholders' values; nullptr
// when none does.
const ErrorText* MatchErrorText(std::string_view message, ErrorParams* params);

// `entry`'s Vietnamese template with `params` put in (the formatting described above).
std::string RenderVietnamese(const ErrorText& entry, const ErrorParams& params);

// The placeholder names of a template, in order of appearance; false when it is malformed (a
// '{' without its '}', a name that is not [a-z0-9_]+, or two placeholders with no text between).
bool TemplatePlaceholders(std::string_view tmpl, std::vector<std::string>* names);

}  // namespace vaxreg::http
