// Keys at rest: what EncryptPrivateKeyPem writes (PBES2, PBKDF2-HMAC-SHA256 at 600,000
// iterations, AES-256-CBC, read back from the PKCS#8 structure with OpenSSL's own parser), keys
// written the old way (PBKDF2 at 2,048 iterations) still opening, and KeyStore::RotatePassphrase
// re-encrypting every key of a folder, all or nothing.

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "certs/crypto/key_pem.h"
#include "certs/crypto/signature.h"
#include "certs/keys/key_store.h"
#include "common/crypto_util.h"
#include "tests/unit/certs/test_pki.h"

namespace vaxreg::certs {
namespace {

namespace fs = std::filesystem;
using testing::Utc;

constexpr char kOld[] = "the old key passphrase";
constexpr char kNew[] = "the new key passphrase";

// The way keys were written before: OpenSSL's PKCS#8 writer defaults (PBKDF2, 2,048 iterations).
std::string LegacyPem(EVP_PKEY* key, std::string_view pass) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  EXPECT_EQ(PEM_write_bio_PKCS8PrivateKey(bio.get(), key, EVP_aes_256_cbc(), pass.data(),
                                          static_cast<int>(pass.size()), nullptr, nullptr),
            1);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

// The PBKDF2 parameters of an encrypted PEM, parsed here independently of InspectEncryptedKeyPem.
struct Pbkdf2 {
  int kdf_nid = 0;
  int prf_nid = 0;
  long iterations = 0;
  int cipher_nid = 0;
};
Pbkdf2 ParsePbkdf2(const std::string& pem) {
  Pbkdf2 out;
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509_SIG* sig = PEM_read_bio_PKCS8(bio.get(), nullptr, nullptr, nullptr);
  if (sig == nullptr) return out;
  const X509_ALGOR* alg = nullptr;
  X509_SIG_get0(sig, &alg, nullptr);
  if (OBJ_obj2nid(alg->algorithm) == NID_pbes2) {
    auto* pbe2 = static_cast<PBE2PARAM*>(
        ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), alg->parameter));
    out.kdf_nid = OBJ_obj2nid(pbe2->keyfunc->algorithm);
    out.cipher_nid = OBJ_obj2nid(pbe2->encryption->algorithm);
    auto* kdf = static_cast<PBKDF2PARAM*>(
        ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM), pbe2->keyfunc->parameter));
    if (kdf != nullptr) {
      out.iterations = ASN1_INTEGER_get(kdf->iter);
      out.prf_nid = kdf->prf ? OBJ_obj2nid(kdf->prf->algorithm) : NID_hmacWithSHA1;
      PBKDF2PARAM_free(kdf);
    }
    PBE2PARAM_free(pbe2);
  }
  X509_SIG_free(sig);
  return out;
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(KeyEncryptionTest, WritesPbkdf2HmacSha256At600000IterationsWithAes256Cbc) {
  auto key = GenerateP256Key();
  ASSERT_TRUE(key.ok());
  auto pem = EncryptPrivateKeyPem(key->get(), kNew);
  ASSERT_TRUE(pem.ok());
  Pbkdf2 p = ParsePbkdf2(*pem);
  EXPECT_EQ(p.kdf_nid, NID_id_pbkdf2);
  EXPECT_EQ(p.prf_nid, NID_hmacWithSHA256);
  EXPECT_GE(p.iterations, 600000);
  EXPECT_EQ(p.cipher_nid, NID_aes_256_cbc);
  auto info = InspectEncryptedKeyPem(*pem);
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(IsCurrentKeyEncryption(*info));
  EXPECT_EQ(info->iterations, kKeyPbkdf2Iterations);
  // Two encryptions of one key differ (random salt and IV).
  EXPECT_NE(*pem, *EncryptPrivateKeyPem(key->get(), kNew));
  auto back = DecryptPrivateKeyPem(*pem, kNew);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(EVP_PKEY_eq(back->get(), key->get()), 1);
  EXPECT_EQ(DecryptPrivateKeyPem(*pem, kOld).status().code(), StatusCode::kUnauthenticated);
}

TEST(KeyEncryptionTest, KeysWrittenTheOldWayStillOpenAndAreRecognisedAsOld) {
  auto key = GenerateP256Key();
  ASSERT_TRUE(key.ok());
  const std::string legacy = LegacyPem(key->get(), kOld);
  EXPECT_EQ(ParsePbkdf2(legacy).iterations, 2048);
  auto info = InspectEncryptedKeyPem(legacy);
  ASSERT_TRUE(info.ok());
  EXPECT_FALSE(IsCurrentKeyEncryption(*info));
  auto back = DecryptPrivateKeyPem(legacy, kOld);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(EVP_PKEY_eq(back->get(), key->get()), 1);
}

class RotatePassphraseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("vaxreg-rotate-" + HexEncode(RandomBytes(6)));
    ASSERT_TRUE(KeyStore::Init(dir_, kOld, Utc(2024, 1, 1)).ok());
    // A key in a subfolder, where facility keys live.
    auto csca = KeyStore::OpenCsca(dir_, kOld);
    ASSERT_TRUE(csca.ok());
    CertificateSpec spec;
    spec.common_name = "Facility HN-BACHMAI";
    spec.not_before = Utc(2024, 1, 2);
    spec.not_after = Utc(2027, 1, 2);
    spec.serial = 77;
    fs::create_directories(dir_ / "facilities" / "HN-BACHMAI");
    ASSERT_TRUE(
        CreateSignerFiles(dir_ / "facilities" / "HN-BACHMAI" / "0001", spec, *csca, kOld).ok());
    // Turn every key into what an older version wrote.
    for (const fs::path& f : KeyFiles()) {
      auto key = DecryptPrivateKeyPem(Slurp(f), kOld);
      ASSERT_TRUE(key.ok());
      ASSERT_TRUE(WriteKeyFile(f, LegacyPem(key->get(), kOld), true).ok());
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<fs::path> KeyFiles() {
    std::vector<fs::path> out;
    for (const auto& e : fs::recursive_directory_iterator(dir_)) {
      if (e.path().string().ends_with(".key.pem")) out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  fs::path dir_;
};

TEST_F(RotatePassphraseTest, ReencryptsEveryOldKeyUnderTheNewPassphrase) {
  const std::vector<fs::path> files = KeyFiles();
  ASSERT_EQ(files.size(), 5u);  // CSCA, list signer, DSC 1, SHC key 1, one facility key
  auto done = KeyStore::RotatePassphrase(dir_, kOld, kNew);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->keys, 5);
  EXPECT_EQ(done->had_old_encryption, 5);
  for (const fs::path& f : files) {
    const std::string pem = Slurp(f);
    EXPECT_EQ(ParsePbkdf2(pem).iterations, kKeyPbkdf2Iterations) << f;
    EXPECT_EQ(ParsePbkdf2(pem).prf_nid, NID_hmacWithSHA256) << f;
    EXPECT_EQ(DecryptPrivateKeyPem(pem, kOld).status().code(), StatusCode::kUnauthenticated);
    struct stat st {};
    ASSERT_EQ(::stat(f.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << f;
    EXPECT_FALSE(fs::exists(f.string() + ".new"));
  }
  EXPECT_TRUE(KeyStore::Open(dir_, kNew).ok());
  EXPECT_TRUE(KeyStore::OpenCsca(dir_, kNew).ok());
  EXPECT_FALSE(KeyStore::Open(dir_, kOld).ok());
}

TEST_F(RotatePassphraseTest, AWrongOldPassphraseOrAShortNewOneChangesNothing) {
  std::vector<std::string> before;
  for (const fs::path& f : KeyFiles()) before.push_back(Slurp(f));
  EXPECT_EQ(KeyStore::RotatePassphrase(dir_, "not the passphrase", kNew).status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(KeyStore::RotatePassphrase(dir_, kOld, "short").status().code(),
            StatusCode::kInvalidArgument);
  // One key under another passphrase: the keys before it are not replaced either.
  const std::vector<fs::path> files = KeyFiles();
  auto last = DecryptPrivateKeyPem(before.back(), kOld);
  ASSERT_TRUE(last.ok());
  const std::string other = LegacyPem(last->get(), "a different passphrase");
  ASSERT_TRUE(WriteKeyFile(files.back(), other, true).ok());
  before.back() = other;
  EXPECT_EQ(KeyStore::RotatePassphrase(dir_, kOld, kNew).status().code(),
            StatusCode::kUnauthenticated);
  std::vector<std::string> after;
  for (const fs::path& f : KeyFiles()) after.push_back(Slurp(f));
  EXPECT_EQ(after, before);
  for (const fs::path& f : files) EXPECT_FALSE(fs::exists(f.string() + ".new")) << f;
}

}  // namespace
}  // namespace vaxreg::certs
