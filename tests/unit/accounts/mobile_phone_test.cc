// Vietnamese mobile numbers in their one stored form, and the shape a sign-up must have.

#include <gtest/gtest.h>

#include "accounts/citizen_signup.h"

namespace vaxreg::accounts {
namespace {

TEST(NormaliseMobilePhoneTest, EveryFormGivesTheTenDigitNumber) {
  for (const char* form : {"0912345678", "+84912345678", "84912345678", "+84 912 345 678",
                           "0912.345.678", "0912-345-678", "(+84) 912345678", "912345678",
                           "+84 (0) 912 345 678", "0084912345678", "0386 123 456"}) {
    auto phone = NormaliseMobilePhone(form);
    ASSERT_TRUE(phone.ok()) << form << ": " << phone.status().ToString();
    EXPECT_EQ(phone->size(), 10u) << form;
    EXPECT_EQ((*phone)[0], '0') << form;
  }
  EXPECT_EQ(NormaliseMobilePhone("+84 912 345 678").value(), "0912345678");
  EXPECT_EQ(NormaliseMobilePhone("0386 123 456").value(), "0386123456");
}

TEST(NormaliseMobilePhoneTest, RefusesWhatIsNotAVietnameseMobile) {
  for (const char* bad : {"", "091234567", "09123456789", "0243123456" /* Hà Nội landline */,
                          "0212345678", "0512345678", "+1 202 555 0100", "+85 912345678",
                          "0912345678 ext 1", "09123456７8", "0912+345678", "phone"}) {
    auto phone = NormaliseMobilePhone(bad);
    EXPECT_FALSE(phone.ok()) << bad << " gave " << phone.value_or("");
    EXPECT_EQ(phone.status().field(), "phone") << bad;
  }
}

TEST(ValidateCitizenSignUpTest, NamesTheFieldAtFault) {
  EXPECT_TRUE(ValidateCitizenSignUp({"001090012345", "1990-05-01", "0912345678"}).ok());
  EXPECT_EQ(ValidateCitizenSignUp({"00109001234", "1990-05-01", "0912345678"}).field(), "cccd");
  EXPECT_EQ(ValidateCitizenSignUp({"001090012345", "1/5/1990", "0912345678"}).field(),
            "birth_date");
  EXPECT_EQ(ValidateCitizenSignUp({"001090012345", "1990-05-01", "84912345678"}).field(), "phone");
}

}  // namespace
}  // namespace vaxreg::accounts
