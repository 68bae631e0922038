// Sealing the deliverable text of outbox messages that carry a one-time code.

#include "accounts/outbox_seal.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace vaxreg::accounts {
namespace {

constexpr const char* kKeyA = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr const char* kKeyB = "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100";

TEST(OutboxSealTest, RoundTripsWithoutTheTextInClear) {
  auto key = OutboxSealKey::FromHex(kKeyA);
  ASSERT_TRUE(key.ok());
  const std::string text = "Mã đăng nhập vaxreg của bạn là 482913.";
  const std::string sealed = key->Seal(text, "sms", "0912345678");
  EXPECT_EQ(sealed.find("482913"), std::string::npos);
  EXPECT_NE(key->Seal(text, "sms", "0912345678"), sealed);  // a fresh nonce each time
  auto opened = key->Open(sealed, "sms", "0912345678");
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(*opened, text);
}

TEST(OutboxSealTest, BoundToChannelAndRecipient) {
  auto key = OutboxSealKey::FromHex(kKeyA);
  ASSERT_TRUE(key.ok());
  const std::string sealed = key->Seal("code 482913", "sms", "0912345678");
  EXPECT_EQ(key->Open(sealed, "sms", "0987654321").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(key->Open(sealed, "email", "0912345678").status().code(),
            StatusCode::kFailedPrecondition);
  // Length prefixes: moving a character between the two fields changes the binding.
  const std::string split = key->Seal("x", "ab", "c");
  EXPECT_FALSE(key->Open(split, "a", "bc").ok());
}

TEST(OutboxSealTest, OtherKeyAndDamageAreReported) {
  auto a = OutboxSealKey::FromHex(kKeyA);
  auto b = OutboxSealKey::FromHex(kKeyB);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->key_id_hex(), b->key_id_hex());
  std::string sealed = a->Seal("code 482913", "sms", "0912");
  auto other = b->Open(sealed, "sms", "0912");
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.status().message().find("another"), std::string::npos);
  sealed[sealed.size() - 1] ^= 1;
  EXPECT_EQ(a->Open(sealed, "sms", "0912").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_FALSE(a->Open("short", "sms", "0912").ok());
}

TEST(OutboxSealTest, KeyFormats) {
  EXPECT_TRUE(OutboxSealKey::FromHex(std::string("  ") + kKeyA + "\n").ok());
  EXPECT_EQ(OutboxSealKey::FromHex("abcd").status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(OutboxSealKey::FromHex(std::string(64, 'g')).ok());
  const auto file = std::filesystem::temp_directory_path() / "vaxreg_outbox_seal_test.key";
  std::ofstream(file) << kKeyA << "\n";
  auto loaded = OutboxSealKey::LoadFile(file);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->key_id_hex(), OutboxSealKey::FromHex(kKeyA)->key_id_hex());
  std::filesystem::remove(file);
  EXPECT_EQ(OutboxSealKey::LoadFile(file).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vaxreg::accounts
