#include "text/vietnamese.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

namespace vaxreg::text {
namespace {

bool IsValidUtf8(std::string_view s) {
  int32_t i = 0;
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const auto n = static_cast<int32_t>(s.size());
  while (i < n) {
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c < 0) return false;
  }
  return true;
}

const icu::Normalizer2& Nfc() {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = icu::Normalizer2::getNFCInstance(status);
  CHECK(U_SUCCESS(status) && n != nullptr);
  return *n;
}

const icu::Normalizer2& Nfd() {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = icu::Normalizer2::getNFDInstance(status);
  CHECK(U_SUCCESS(status) && n != nullptr);
  return *n;
}

}  // namespace

Result<std::string> NormalizeName(std::string_view utf8) {
  if (!IsValidUtf8(utf8)) return InvalidArgumentError("name is not valid UTF-8", "full_name");
  icu::UnicodeString in = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString nfc = Nfc().normalize(in, status);
  if (U_FAILURE(status)) return InvalidArgumentError("name cannot be normalised", "full_name");
  icu::UnicodeString out;
  bool pending_space = false;
  for (int32_t i = 0; i < nfc.length();) {
    UChar32 c = nfc.char32At(i);
    i += U16_LENGTH(c);
    if (u_isUWhiteSpace(c)) {
      pending_space = !out.isEmpty();
      continue;
    }
    if (u_iscntrl(c)) {
      return InvalidArgumentError("name contains a control character", "full_name");
    }
    if (pending_space) out.append(static_cast<UChar>(' '));
    pending_space = false;
    out.append(c);
  }
  std::string result;
  out.toUTF8String(result);
  return result;
}

std::string FoldToAscii(std::string_view utf8) {
  icu::UnicodeString in = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString nfd = Nfd().normalize(in, status);
  std::string out;
  out.reserve(utf8.size());
  if (U_FAILURE(status)) return out;
  for (int32_t i = 0; i < nfd.length();) {
    UChar32 c = nfd.char32At(i);
    i += U16_LENGTH(c);
    if (c == 0x0111 || c == 0x0110) {  // đ Đ
      out.push_back('d');
    } else if (c < 0x80) {
      out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
    }
    // Combining marks (U+0300..U+036F) and other non-ASCII characters are dropped.
  }
  return out;
}

std::string IcaoTransliterate(std::string_view utf8) {
  std::string folded = FoldToAscii(utf8);
  std::string out;
  out.reserve(folded.size());
  bool pending_filler = false;
  for (char c : folded) {
    if (c >= 'a' && c <= 'z') {
      if (pending_filler && !out.empty()) out.push_back('<');
      pending_filler = false;
      out.push_back(static_cast<char>(c - 'a' + 'A'));
    } else if (c == ' ' || c == '-') {
      pending_filler = true;
    }
  }
  return out;
}

}  // namespace vaxreg::text
