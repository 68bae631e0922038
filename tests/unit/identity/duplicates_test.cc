// Duplicate detection without a database: phone normalisation, the rules per blocking key,
// survivor choice and the block-size limit.
#include "identity/duplicates.h"

#include <gtest/gtest.h>

namespace vaxreg::identity {
namespace {

DuplicateRecord Rec(int64_t id, std::string cccd, std::string name, std::string dob,
                    std::string phone, std::string sex = "M") {
  DuplicateRecord r;
  r.id = id;
  r.cccd = std::move(cccd);
  r.full_name = std::move(name);
  r.dob = std::move(dob);
  r.phone = std::move(phone);
  r.sex = std::move(sex);
  r.commune_code = "00001";
  r.identity_status = "unverified";
  return r;
}

TEST(DuplicatesTest, NormalisesPhoneNumbers) {
  EXPECT_EQ(NormalisePhone("+84 912 345 678"), "0912345678");
  EXPECT_EQ(NormalisePhone("84912345678"), "0912345678");
  EXPECT_EQ(NormalisePhone("0912.345.678"), "0912345678");
  EXPECT_EQ(NormalisePhone("912345678"), "0912345678");
  EXPECT_EQ(NormalisePhone("12345"), "");
  EXPECT_EQ(NormalisePhone(""), "");
}

TEST(DuplicatesTest, PhoneNeedsCompatibleNameBirthDateAndSex) {
  std::vector<DuplicateRecord> records = {
      Rec(1, "", "Nguyễn Văn An", "1990-05-01", "0912345678"),
      Rec(2, "001090012345", "Nguyen Van Ann", "1990", "+84912345678"),  // one edit, year only
      Rec(3, "", "Nguyễn Thị Bình", "1990-05-01", "0912345678", "F"),    // a relative
      Rec(4, "", "Nguyễn Văn An", "1991-05-01", "0912345678"),           // other birth year
  };
  records[3].commune_code = "00004";
  const auto found = FindDuplicateCandidates(records, {});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].survivor_id, 2);  // the record with a CCCD survives
  EXPECT_EQ(found[0].duplicate_id, 1);
  EXPECT_EQ(found[0].reasons, std::vector<std::string>{"same_phone"});
  EXPECT_EQ(found[0].dob_level, 2);
  EXPECT_EQ(found[0].ReasonsJson(),
            R"({"reasons":["same_phone"],"name_level":3,"dob_level":2})");
}

TEST(DuplicatesTest, ReasonsCombineAndDifferentIdsNeverPair) {
  std::vector<DuplicateRecord> records = {
      Rec(1, "", "Lê Văn Dũng", "1970-01-01", "0987654321"),
      Rec(2, "", "Le Van Dung", "1970-01-01", "0987654321"),
      Rec(3, "001070000001", "Phạm Văn Em", "1970-01-01", ""),
      Rec(4, "001070000002", "Phạm Văn Em", "1970-01-01", ""),
  };
  records[0].register_id = 7;
  records[1].register_id = 7;
  const auto found = FindDuplicateCandidates(records, {});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].survivor_id, 1);
  EXPECT_EQ(found[0].reasons.size(), 3u);  // phone, name+dob+commune, register entry
  EXPECT_GT(found[0].score, 0.99);
}

TEST(DuplicatesTest, SameCmndIsProposedEvenWithOtherNames) {
  std::vector<DuplicateRecord> records = {Rec(5, "", "Trần Văn Cường", "1985-03-07", ""),
                                          Rec(9, "", "Hoàng Minh", "1985-03-07", "")};
  records[0].cmnd = records[1].cmnd = "123456789";
  records[1].identity_status = "verified";
  const auto found = FindDuplicateCandidates(records, {});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].survivor_id, 9);  // verified beats the lower id
  EXPECT_NEAR(found[0].score, 0.75, 1e-9);
}

TEST(DuplicatesTest, LargeBlocksAreSkipped) {
  std::vector<DuplicateRecord> records;
  for (int i = 0; i < 6; ++i) {
    records.push_back(Rec(i + 1, "", "Nguyễn Văn An", "1990-05-0" + std::to_string(i + 1),
                          "0911111111"));
  }
  records[0].dob = records[1].dob;  // one real pair inside an oversized phone block
  DuplicateOptions options;
  options.max_block = 5;
  uint64_t skipped = 0;
  auto found = FindDuplicateCandidates(records, options, &skipped);
  EXPECT_EQ(skipped, 1u);
  ASSERT_EQ(found.size(), 1u);  // still found through its name+dob+commune block
  EXPECT_EQ(found[0].reasons, std::vector<std::string>{"same_name_dob_commune"});
  options.max_block = 6;
  found = FindDuplicateCandidates(records, options, &skipped);
  EXPECT_EQ(skipped, 0u);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].reasons.size(), 2u);
}

}  // namespace
}  // namespace vaxreg::identity
