#pragma once
// Vietnamese text handling over ICU: validation and NFC normalisation of names, diacritic folding
// (including đ/Đ, which Unicode decomposition does not touch), and ICAO 9303 transliteration for
// machine-readable names (EU DCC fnt/gnt). Pure functions; thread-safe.

#include <string>
#include <string_view>

#include "common/status.h"

namespace vaxreg::text {

// NFC form of UTF-8 text with runs of whitespace collapsed to one space and trimmed.
// kInvalidArgument for invalid UTF-8 or control characters.
Result<std::string> NormalizeName(std::string_view utf8);

// Lower-case ASCII with every diacritic removed and đ -> d: "Nguyễn Văn Đức" -> "nguyen van duc".
// Characters with no ASCII base are dropped. Input must be valid UTF-8 (invalid bytes dropped).
std::string FoldToAscii(std::string_view utf8);

// ICAO 9303 machine-readable form: upper-case A-Z, spaces and hyphens become '<', everything else
// dropped after folding: "Văn Ánh" -> "VAN<ANH", "Nguyễn" -> "NGUYEN".
std::string IcaoTransliterate(std::string_view utf8);

}  // namespace vaxreg::text
