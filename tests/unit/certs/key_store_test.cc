#include "certs/keys/key_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "certs/crypto/key_pem.h"
#include "certs/crypto/signature.h"
#include "common/crypto_util.h"
#include "tests/unit/certs/test_pki.h"

namespace vaxreg::certs {
namespace {

namespace fs = std::filesystem;
using testing::Utc;

constexpr char kPass[] = "correct horse battery";

class KeyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("vaxreg-keys-" + HexEncode(RandomBytes(6)));
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(KeyStoreTest, InitMakesCscaListSignerAndDscWithVaccinationEku) {
  ASSERT_TRUE(KeyStore::Init(dir_, kPass, Utc(2024, 1, 1)).ok());
  Result<KeyStore> ks = KeyStore::Open(dir_, kPass);
  ASSERT_TRUE(ks.ok()) << ks.status().ToString();
  ASSERT_EQ(ks->dscs().size(), 1u);
  const Certificate& dsc = *ks->dscs()[0];
  EXPECT_TRUE(VerifyIssuedBy(dsc, *ks->csca()).ok());
  EXPECT_FALSE(VerifyIssuedBy(*ks->csca(), dsc).ok());
  EXPECT_TRUE(VerifyIssuedBy(*ks->list_signer_certificate(), *ks->csca()).ok());
  EXPECT_EQ(dsc.extended_key_usages(), std::vector<std::string>{std::string(kOidDccVaccination)});
  EXPECT_TRUE(dsc.MaySign(DccType::kVaccination));
  EXPECT_FALSE(dsc.MaySign(DccType::kTest));
  EXPECT_EQ(dsc.kid(), Sha256(dsc.der()).size() ? ComputeKid(dsc.der()) : "");
  EXPECT_EQ(dsc.kid().size(), 8u);
  EXPECT_TRUE(IsP256Key(ks->csca()->public_key()));
  EXPECT_TRUE(IsP256Key(dsc.public_key()));
  EXPECT_EQ(dsc.not_before(), Utc(2024, 1, 1));
  // The DSC's key signs, and its certificate verifies the signature.
  Result<std::string> sig = SignEs256(ks->active_dsc().key.get(), "data");
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(VerifyEs256(dsc.public_key(), "data", *sig).ok());
  EXPECT_EQ(AlreadyExistsError("").code(), KeyStore::Init(dir_, kPass, Utc(2024, 1, 1)).code());
}

TEST_F(KeyStoreTest, InitAndRotateShcMakeSmartHealthCardKeysThatAreNeverDscs) {
  ASSERT_TRUE(KeyStore::Init(dir_, kPass, Utc(2024, 1, 1)).ok());
  Result<KeyStore> ks = KeyStore::Open(dir_, kPass);
  ASSERT_TRUE(ks.ok()) << ks.status().ToString();
  ASSERT_EQ(ks->shc_keys().size(), 1u);
  const Certificate& shc = *ks->shc_keys()[0];
  EXPECT_TRUE(VerifyIssuedBy(shc, *ks->csca()).ok());
  // documentSigning, like the list signer; and never among the DSCs a trust store is built from.
  EXPECT_EQ(shc.extended_key_usages(), std::vector<std::string>{"1.3.6.1.5.5.7.3.36"});
  ASSERT_EQ(ks->dscs().size(), 1u);
  EXPECT_NE(ks->dscs()[0]->der(), shc.der());
  ASSERT_NE(ks->active_shc().key, nullptr);
  EXPECT_EQ(EVP_PKEY_eq(ks->active_shc().key.get(), shc.public_key()), 1);
  ASSERT_TRUE(KeyStore::RotateShc(dir_, kPass, Utc(2024, 6, 1)).ok());
  Result<KeyStore> pub = KeyStore::LoadPublic(dir_);
  ASSERT_TRUE(pub.ok());
  ASSERT_EQ(pub->shc_keys().size(), 2u);
  EXPECT_EQ(pub->active_shc().certificate, pub->shc_keys().back());
  EXPECT_EQ(pub->active_shc().key, nullptr);
  EXPECT_EQ(pub->dscs().size(), 1u);
  // A folder made before SHC support (no shc/) still opens, without an SHC key.
  fs::remove_all(dir_ / "shc");
  Result<KeyStore> old = KeyStore::Open(dir_, kPass);
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_TRUE(old->shc_keys().empty());
  EXPECT_EQ(old->active_shc().key, nullptr);
}

TEST_F(KeyStoreTest, PrivateKeysAreEncryptedAndPrivate) {
  ASSERT_TRUE(KeyStore::Init(dir_, kPass, Utc(2024, 1, 1)).ok());
  for (const fs::path& f : {dir_ / "csca.key.pem", dir_ / "dsc" / "0001.key.pem",
                            dir_ / "list-signer.key.pem"}) {
    std::ifstream in(f);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    EXPECT_NE(text.find("BEGIN ENCRYPTED PRIVATE KEY"), std::string::npos) << f;
    EXPECT_FALSE(LoadPrivateKeyPem(text).ok()) << "readable without the passphrase: " << f;
    struct stat st {};
    ASSERT_EQ(stat(f.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << f;
  }
  Result<KeyStore> wrong = KeyStore::Open(dir_, "a wrong passphrase");
  EXPECT_EQ(wrong.status().code(), StatusCode::kUnauthenticated);
  EXPECT_TRUE(KeyStore::LoadPublic(dir_).ok());
  EXPECT_EQ(KeyStore::Init(dir_ / "x", "short", Utc(2024, 1, 1)).code(),
            StatusCode::kInvalidArgument);
}

TEST_F(KeyStoreTest, RotateAddsANewActiveDscAndKeepsTheOld) {
  ASSERT_TRUE(KeyStore::Init(dir_, kPass, Utc(2024, 1, 1)).ok());
  Result<KeyStore> before = KeyStore::Open(dir_, kPass);
  ASSERT_TRUE(before.ok());
  Result<std::shared_ptr<const Certificate>> rotated =
      KeyStore::Rotate(dir_, kPass, Utc(2025, 1, 1));
  ASSERT_TRUE(rotated.ok()) << rotated.status().ToString();
  Result<KeyStore> after = KeyStore::Open(dir_, kPass);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->dscs().size(), 2u);
  EXPECT_EQ(after->dscs()[0]->kid(), before->dscs()[0]->kid());
  EXPECT_EQ(after->active_dsc().certificate->kid(), (*rotated)->kid());
  EXPECT_NE((*rotated)->kid(), before->dscs()[0]->kid());
  EXPECT_EQ(KeyStore::Rotate(dir_, "a wrong passphrase", Utc(2025, 1, 1)).status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(KeyStore::Rotate(dir_ / "none", kPass, Utc(2025, 1, 1)).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST(KeyPemTest, RoundTripAndWrongPassphrase) {
  Result<EvpPkeyPtr> key = GenerateP256Key();
  ASSERT_TRUE(key.ok());
  Result<std::string> pem = EncryptPrivateKeyPem(key->get(), kPass);
  ASSERT_TRUE(pem.ok());
  Result<EvpPkeyPtr> back = DecryptPrivateKeyPem(*pem, kPass);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(EVP_PKEY_eq(back->get(), key->get()), 1);
  EXPECT_EQ(DecryptPrivateKeyPem(*pem, "another passphrase").status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(DecryptPrivateKeyPem("junk", kPass).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(EncryptPrivateKeyPem(key->get(), "short").ok());
}

}  // namespace
}  // namespace vaxreg::certs
