#pragma once
// A real database (SQLite or PostgreSQL, per test binary: support/backend.h) migrated to the
// current schema, with its group-commit writer, for the identity tests: register snapshots
// from CSV text and person records inserted directly.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "fakes/fake_clock.h"
#include "identity/population_store.h"
#include "storage/migrate.h"
#include "support/migrated_db.h"

namespace vaxreg::identity {

inline std::string WriteFile(const std::string& content) {
  static int n = 0;
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("vaxreg_population_" + std::to_string(::getpid()) + "_" +
                             std::to_string(n++) + ".csv"))
                               .string();
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

inline constexpr const char* kHeader = "cccd,cmnd,full_name,dob,sex,province_code,district_code,commune_code\n";

class IdentityDbTest : public testing::MigratedDbTest {
 protected:
  void TearDown() override {
    MigratedDbTest::TearDown();
    for (const auto& f : files_) std::remove(f.c_str());
  }
  Result<SnapshotReport> Import(const std::string& csv) {
    files_.push_back(WriteFile(csv));
    ImportOptions options;
    options.batch_rows = 2;  // several write batches even for a small file
    return ImportPopulationCsv(*db_, *writer_, clock_, files_.back(), options, nullptr);
  }
  void AddPerson(int64_t id, const std::string& cccd, const std::string& name,
                 const std::string& dob, const std::string& sex) {
    Status st = writer_->SubmitAndWait([&](storage::Connection& c) {
      return c.Execute("INSERT INTO people (id, cccd, full_name, name_folded, dob, birth_year, sex, "
                       "province_code, district_code, commune_code, created_at, updated_at) VALUES "
                       "($1, $2, $3, $4, $5, $6, $7, '01', '001', '00001', 0, 0)",
                       {id, cccd.empty() ? storage::Value(nullptr) : storage::Value(cccd), name,
                        name, dob, static_cast<int64_t>(std::stoi(dob.substr(0, 4))), sex})
          .status();
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  // Entry i of a synthetic register: distinct names and dates, so a model has data to learn from.
  static std::string SyntheticCccd(int i) {
    char cccd[32];
    std::snprintf(cccd, sizeof cccd, "0010%02d%06d", 50 + i % 40, 100000 + i);
    return cccd;
  }
  static std::string SyntheticName(int i) {
    static const char* given[] = {"An", "Bình", "Cường", "Dũng", "Hà", "Hùng", "Lan", "Linh",
                                  "Mai", "Nam"};
    static const char* family[] = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ"};
    return std::string(family[i % 6]) + " Văn " + given[(i / 6) % 10];
  }
  static std::string SyntheticDob(int i) {
    char dob[32];
    std::snprintf(dob, sizeof dob, "19%02d-%02d-%02d", 50 + i % 40, 1 + i % 12, 1 + i % 28);
    return dob;
  }
  // A register CSV of entries 0..n-1, all men in commune 00001 of Hà Nội.
  static std::string SyntheticRegisterCsv(int n) {
    std::string csv = kHeader;
    for (int i = 0; i < n; ++i) {
      csv += SyntheticCccd(i) + ",," + SyntheticName(i) + "," + SyntheticDob(i) + ",M,01,001,00001\n";
    }
    return csv;
  }
  // Person `id` as an exact copy of synthetic entry i.
  void AddSyntheticPerson(int64_t id, int i) {
    AddPerson(id, SyntheticCccd(i), SyntheticName(i), SyntheticDob(i), "M");
  }

  testing::FakeClock clock_;
  std::vector<std::string> files_;
};

}  // namespace vaxreg::identity
