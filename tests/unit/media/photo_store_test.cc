// The content-addressed photo store on a real temporary directory.

#include "media/photo_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "common/crypto_util.h"

namespace vaxreg::media {
namespace {

namespace fs = std::filesystem;

class PhotoStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("vaxreg-photos-" + HexEncode(RandomBytes(6))) / "store";
  }
  void TearDown() override { fs::remove_all(root_.parent_path()); }

  static std::string ReadFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  // Files under the root that are not <aa>/<bb>/<hash>.jpg.
  std::vector<std::string> Strays() const {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(root_)) {
      if (e.is_regular_file() && e.path().extension() != ".jpg") out.push_back(e.path());
    }
    return out;
  }

  fs::path root_;
  const std::string bytes_ = std::string("\xFF\xD8\xFF\xE0 not really a photo", 24);
  const std::string hash_ = HexEncode(Sha256(bytes_));
};

TEST_F(PhotoStoreTest, PutThenGetRoundTripsThroughAContentAddressedFile) {
  Result<std::unique_ptr<PhotoStore>> store = PhotoStore::Open(root_);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->Put(hash_, bytes_).ok());

  const fs::path expected = root_ / hash_.substr(0, 2) / hash_.substr(2, 2) / (hash_ + ".jpg");
  EXPECT_EQ(*(*store)->PathOf(hash_), expected);
  ASSERT_TRUE(fs::is_regular_file(expected));
  EXPECT_EQ(ReadFile(expected), bytes_);
  Result<std::string> back = (*store)->Get(hash_);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, bytes_);
  EXPECT_TRUE(Strays().empty());
}

TEST_F(PhotoStoreTest, PutIsIdempotentAndKeepsTheExistingFile) {
  PhotoStore store(root_);  // created lazily by the first Put
  ASSERT_TRUE(store.Put(hash_, bytes_).ok());
  const fs::path path = *store.PathOf(hash_);
  struct stat before;
  ASSERT_EQ(::stat(path.c_str(), &before), 0);
  ASSERT_TRUE(store.Put(hash_, bytes_).ok());
  struct stat after;
  ASSERT_EQ(::stat(path.c_str(), &after), 0);
  EXPECT_EQ(before.st_ino, after.st_ino);
  EXPECT_EQ(*store.Get(hash_), bytes_);
  EXPECT_TRUE(Strays().empty());
}

TEST_F(PhotoStoreTest, ConcurrentPutsOfOnePhotoLeaveOneFile) {
  PhotoStore store(root_);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      if (store.Put(hash_, bytes_).ok()) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(*store.Get(hash_), bytes_);
  EXPECT_TRUE(Strays().empty());
}

TEST_F(PhotoStoreTest, RefusesAnythingButALowercaseSha256) {
  PhotoStore store(root_);
  std::string upper = hash_;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const std::string& bad :
       {std::string(), hash_.substr(1), hash_ + "0", upper, std::string("../../../../etc/passwd"),
        std::string(62, 'a') + "/.", std::string(63, 'a') + "g", std::string(64, '.'),
        hash_.substr(0, 63) + '\0'}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(store.Put(bad, bytes_).code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(store.Get(bad).status().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_FALSE(fs::exists(root_));
}

TEST_F(PhotoStoreTest, RefusesBytesThatDoNotHashToTheName) {
  PhotoStore store(root_);
  EXPECT_EQ(store.Put(hash_, bytes_ + "x").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store.Get(hash_).status().code(), StatusCode::kNotFound);
}

TEST_F(PhotoStoreTest, GetAnswersNotFoundAndNoticesDamage) {
  PhotoStore store(root_);
  EXPECT_EQ(store.Get(std::string(64, 'a')).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(store.Put(hash_, bytes_).ok());
  std::ofstream(*store.PathOf(hash_), std::ios::binary | std::ios::trunc) << "damaged";
  EXPECT_EQ(store.Get(hash_).status().code(), StatusCode::kInternal);
}

TEST_F(PhotoStoreTest, OpenRefusesAFileAsItsFolder) {
  fs::create_directories(root_.parent_path());
  std::ofstream(root_) << "a file";
  EXPECT_EQ(PhotoStore::Open(root_).status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace vaxreg::media
