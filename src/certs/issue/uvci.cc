#include "certs/issue/uvci.h"

#include "common/crypto_util.h"

namespace vaxreg::certs {
namespace {

constexpr std::string_view kUrnPrefix = "URN:UVCI:";
constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int CodePoint(char c, std::string_view alphabet = kUvciAlphabet) {
  const size_t i = alphabet.find(c);
  return i == std::string_view::npos ? -1 : static_cast<int>(i);
}

}  // namespace

std::optional<char> LuhnModNCheckCharacter(std::string_view text, std::string_view alphabet) {
  const int n = static_cast<int>(alphabet.size());
  int factor = 2;
  int sum = 0;
  // From the right: the rightmost character is doubled (the check character goes after it).
  for (size_t i = text.size(); i-- > 0;) {
    const int cp = CodePoint(text[i], alphabet);
    if (cp < 0) return std::nullopt;
    int addend = factor * cp;
    factor = factor == 2 ? 1 : 2;
    addend = addend / n + addend % n;
    sum += addend;
  }
  const int check = (n - sum % n) % n;
  return alphabet[static_cast<size_t>(check)];
}

Result<std::string> MakeUvci(std::string_view country, std::string_view unique) {
  if (country.size() != 2 || !(country[0] >= 'A' && country[0] <= 'Z') ||
      !(country[1] >= 'A' && country[1] <= 'Z')) {
    return InvalidArgumentError("UVCI country must be two letters A-Z", "country");
  }
  if (unique.empty() || unique.size() > 40) {
    return InvalidArgumentError("UVCI unique part must have 1 to 40 characters", "unique");
  }
  for (char c : unique) {
    if (c == ':' || CodePoint(c) < 0) {
      return InvalidArgumentError("UVCI unique part may hold only A-Z, 0-9 and '/'", "unique");
    }
  }
  // The check character covers the whole identifier, prefix included, as the DCC schema FAQ
  // ("UVCI checksum") prescribes: LuhnModN("URN:UVCI:01:NL:187/37512422923") = 'Z'.
  std::string uvci =
      std::string(kUrnPrefix) + "01:" + std::string(country) + ":" + std::string(unique);
  const std::optional<char> check = LuhnModNCheckCharacter(uvci);
  return uvci + "#" + *check;
}

std::string NewUvci(std::string_view country) {
  const std::string random = RandomBytes(16);
  std::string unique;
  uint32_t buffer = 0;
  int bits = 0;
  for (char byte : random) {
    buffer = (buffer << 8) | static_cast<unsigned char>(byte);
    bits += 8;
    while (bits >= 5) {
      unique.push_back(kBase32[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) unique.push_back(kBase32[(buffer << (5 - bits)) & 31]);
  Result<std::string> uvci = MakeUvci(country, unique);
  return uvci.ok() ? *uvci : std::string();
}

bool UvciChecksumValid(std::string_view uvci) {
  if (!uvci.starts_with(kUrnPrefix)) return false;
  const size_t hash = uvci.rfind('#');
  if (hash == std::string_view::npos || hash + 2 != uvci.size()) return false;
  const std::optional<char> check = LuhnModNCheckCharacter(uvci.substr(0, hash));
  return check && *check == uvci.back();
}

}  // namespace vaxreg::certs
