#include "certs/issue/uvci.h"

#include <gtest/gtest.h>

#include <set>

namespace vaxreg::certs {
namespace {

TEST(LuhnModNTest, KnownAnswers) {
  // Luhn mod 10 (credit-card check digit) and the mod 6 example from the algorithm's description.
  EXPECT_EQ(LuhnModNCheckCharacter("7992739871", "0123456789"), '3');
  EXPECT_EQ(LuhnModNCheckCharacter("abcdef", "abcdef"), 'e');
  EXPECT_EQ(LuhnModNCheckCharacter("ab-c", "abcdef"), std::nullopt);
}

TEST(UvciTest, MakesUrnWithCheckCharacter) {
  Result<std::string> u = MakeUvci("VN", "0123456789ABCDEF");
  ASSERT_TRUE(u.ok());
  EXPECT_TRUE(u->starts_with("URN:UVCI:01:VN:0123456789ABCDEF#")) << *u;
  EXPECT_EQ(u->size(), std::string("URN:UVCI:01:VN:0123456789ABCDEF#X").size());
  EXPECT_TRUE(UvciChecksumValid(*u));
  EXPECT_EQ(u->back(), *LuhnModNCheckCharacter("URN:UVCI:01:VN:0123456789ABCDEF"));
}

// The DCC schema FAQ's own example ("UVCI checksum"): the check character is computed over the
// whole identifier, "URN:UVCI:" included.
TEST(UvciTest, MatchesTheDccSchemaFaqExample) {
  EXPECT_EQ(LuhnModNCheckCharacter("URN:UVCI:01:NL:187/37512422923"), 'Z');
  EXPECT_TRUE(UvciChecksumValid("URN:UVCI:01:NL:187/37512422923#Z"));
  EXPECT_FALSE(UvciChecksumValid("URN:UVCI:01:NL:187/37512422923#A"));
  Result<std::string> u = MakeUvci("NL", "187/37512422923");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(*u, "URN:UVCI:01:NL:187/37512422923#Z");
}

TEST(UvciTest, EverySingleCharacterChangeIsCaught) {
  const std::string u = *MakeUvci("VN", "ABCDEFGH23456789");
  for (size_t i = std::string("URN:UVCI:").size(); i + 2 < u.size(); ++i) {
    for (char c : kUvciAlphabet) {
      if (c == u[i]) continue;
      std::string changed = u;
      changed[i] = c;
      EXPECT_FALSE(UvciChecksumValid(changed)) << changed;
    }
  }
}

TEST(UvciTest, RejectsBadParts) {
  EXPECT_FALSE(MakeUvci("vn", "ABC").ok());
  EXPECT_FALSE(MakeUvci("VNM", "ABC").ok());
  EXPECT_FALSE(MakeUvci("VN", "").ok());
  EXPECT_FALSE(MakeUvci("VN", "abc").ok());
  EXPECT_FALSE(MakeUvci("VN", "A:B").ok());
  EXPECT_FALSE(MakeUvci("VN", std::string(41, 'A')).ok());
  EXPECT_FALSE(UvciChecksumValid("URN:UVCI:01:VN:ABC"));
  EXPECT_FALSE(UvciChecksumValid("01:VN:ABC#A"));
}

TEST(UvciTest, NewUvcisAreUniqueAndValid) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string u = NewUvci("VN");
    EXPECT_TRUE(UvciChecksumValid(u)) << u;
    EXPECT_EQ(u.size(), std::string("URN:UVCI:01:VN:").size() + 26 + 2);
    EXPECT_TRUE(seen.insert(u).second);
  }
}

}  // namespace
}  // namespace vaxreg::certs
