#pragma once
// Comparison keys for Vietnamese personal names (record linkage). A name key is lower-case ASCII
// syllables separated by single spaces, the same for every way one name is commonly written:
//   - NFC or decomposed (NFD) input, either tone-mark placement ("Hoà" / "Hòa", "Thuý" / "Thúy"),
//     accents removed, scan confusions of marked letters (ư/u, ơ/o, ă/â/a, đ/d): diacritics are
//     folded away, đ/Đ -> d;
//   - case and spacing: lower-cased, runs of separators (spaces, dots, hyphens, commas) collapse;
//   - leftover Telex keystrokes from a misconfigured keyboard ("Nguyeenx" -> "nguyen",
//     "Traanf" -> "tran", "Dduwcs" -> "duc"): see StripTelexLeftovers.
// Pure functions; thread-safe.

#include <string>
#include <string_view>
#include <vector>

namespace vaxreg::text {

// Removes Telex keystrokes from one lower-case ASCII syllable. Vietnamese syllables never contain
// f, j, w or z, and s, x, r occur only as the initial consonant (r also in "tr"), so those letters
// elsewhere are tone or shape keys (a w after a, o or u is dropped, a lone w is the ư key and
// becomes u); doubled aa/ee/oo/dd (the â/ê/ô/đ keys) collapse to one letter.
// Idempotent; a clean syllable is returned unchanged (except the rare "oo" as in "xoong").
std::string StripTelexLeftovers(std::string_view ascii_syllable);

// The syllables of a name's key: folded, split on anything that is not a letter (digits are
// dropped, not split on), each cleaned by StripTelexLeftovers. Empty for a name with no letters.
std::vector<std::string> NameKeyTokens(std::string_view utf8);

// NameKeyTokens joined by single spaces: "  NGUYỄN   văn  Đức " -> "nguyen van duc".
std::string NameKey(std::string_view utf8);

// Whether a and b are at most one insertion, deletion, substitution or adjacent transposition
// apart (bytes).
bool WithinOneEdit(std::string_view a, std::string_view b);

}  // namespace vaxreg::text
