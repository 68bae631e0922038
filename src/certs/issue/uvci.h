#pragma once
// Unique vaccination certificate identifiers (UVCI), EU eHealth Network guidelines, option 01:
//   URN:UVCI:01:VN:<unique>#<check character>
// The check character is Luhn mod N over the part after "URN:UVCI:" with the 38-character set
// "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/:" (the DCC schema FAQ's checksum). Pure; thread-safe.

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vaxreg::certs {

inline constexpr std::string_view kUvciAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/:";

// The Luhn mod N check character of `text` over `alphabet` (N = its size; the character at index
// i has code point i); nullopt when a character is not in the alphabet.
std::optional<char> LuhnModNCheckCharacter(std::string_view text,
                                           std::string_view alphabet = kUvciAlphabet);

// "URN:UVCI:01:<country>:<unique>#<check>", the check character computed over everything
// before the '#', "URN:UVCI:" included (DCC schema FAQ). kInvalidArgument when `unique` is empty, longer
// than 40 characters or has characters outside A-Z 0-9 and '/', or `country` is not two
// letters A-Z.
Result<std::string> MakeUvci(std::string_view country, std::string_view unique);

// A new UVCI for `country` whose unique part is 26 characters of base32 from 128 random bits.
std::string NewUvci(std::string_view country);

// True when `uvci` has the URN:UVCI: prefix, a '#' and after it the check character of
// everything before it.
bool UvciChecksumValid(std::string_view uvci);

}  // namespace vaxreg::certs
