#include "app/demo_register.h"

#include <fstream>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/csv_writer.h"
#include "identity/population_store.h"
#include "identity/verification.h"

namespace vaxreg::app {

Result<DemoRegisterReport> SeedDemoRegister(storage::Database& db,
                                            storage::GroupCommitWriter& writer, const Clock& clock,
                                            const std::filesystem::path& work_dir) {
  DemoRegisterReport report;
  const std::filesystem::path path = work_dir / "demo-population-register.csv";
  {
    ASSIGN_OR_RETURN(auto conn, db.Acquire());
    ASSIGN_OR_RETURN(storage::Rows any,
                     conn->Query("SELECT COUNT(*) FROM population_register", {}));
    if (any.at(0).Int(0) > 0) return report;
    std::ofstream out(path, std::ios::trunc);
    if (!out) return UnavailableError("cannot write " + path.string());
    out << "cccd,cmnd,full_name,dob,sex,province_code,district_code,commune_code\n";
    // Residents the registry has no record of (never vaccinated, or vaccinated abroad): one for
    // every eight people, living where the person they are made from lives, so that coverage
    // over the register stays below 100% in every province, as in life.
    struct Resident {
      std::string cccd_stem, name, dob, sex, province, district, commune;
    };
    std::vector<Resident> residents;
    std::unordered_set<std::string> cccds;
    Status st = conn->ForEachRow(
        "SELECT id, cccd, COALESCE(cmnd, ''), full_name, dob, sex, province_code, "
        "district_code, commune_code FROM people WHERE cccd IS NOT NULL ORDER BY id",
        {}, [&](const storage::RowView& row) -> Status {
          const int64_t id = row.Int(0);
          // The demo citizen is registered as recorded; of the others, 2% are not registered,
          // 2% were recorded with day and month swapped and 1% with a name typed differently.
          const bool demo_citizen = row.Text(1) == "001090012345";
          cccds.insert(row.Text(1));
          if (id % 8 == 3 && row.Text(1).size() == 12) {
            residents.push_back({row.Text(1).substr(0, 6), row.Text(3), row.Text(4), row.Text(5),
                                 row.Text(6), row.Text(7), row.Text(8)});
          }
          if (!demo_citizen && id % 50 == 7) return Status::Ok();
          std::string dob = row.Text(4);
          std::string name = row.Text(3);
          if (!demo_citizen && id % 50 == 11 && dob.size() == 10) {
            // Day and month swapped on entry (03/07 for 07/03), where that is still a date.
            const std::string day = dob.substr(8, 2), month = dob.substr(5, 2);
            if (day != month && day <= "12") dob = dob.substr(0, 5) + day + "-" + month;
          }
          if (!demo_citizen && id % 100 == 23) {
            const size_t space = name.rfind(' ');
            if (space != std::string::npos) name = name.substr(0, space) + " Thị" + name.substr(space);
          }
          std::string line;
          for (const std::string& field : {row.Text(1), row.Text(2), name, dob, row.Text(5),
                                           row.Text(6), row.Text(7), row.Text(8)}) {
            if (!line.empty()) line += ',';
            csv::AppendCsvField(line, field);
          }
          out << line << '\n';
          ++report.register_rows;
          return Status::Ok();
        });
    RETURN_IF_ERROR(st);
    // Each takes the name of the next one's source person, never its own source's name, so the
    // matcher cannot take a resident for the person it was made from.
    for (size_t i = 0; i + 1 < residents.size(); ++i) {
      std::swap(residents[i].name, residents[i + 1].name);
    }
    uint64_t serial = 0;
    for (const Resident& r : residents) {
      // The same province, sex and birth year digits, and a serial no record uses.
      std::string cccd;
      do {
        std::string digits = std::to_string(900000 + (serial++ % 100000));
        cccd = r.cccd_stem + digits;
      } while (cccds.count(cccd) > 0);
      cccds.insert(cccd);
      std::string line;
      for (const std::string& field : {cccd, std::string(), r.name, r.dob, r.sex, r.province,
                                       r.district, r.commune}) {
        if (!line.empty()) line += ',';
        csv::AppendCsvField(line, field);
      }
      out << line << '\n';
      ++report.register_rows;
    }
    if (!out.flush()) return UnavailableError("cannot write " + path.string());
  }
  identity::ImportOptions options;
  options.actor = "system:demo-seed";
  options.source = "demo population register";
  auto imported = identity::ImportPopulationCsv(db, writer, clock, path.string(), options, nullptr);
  std::error_code ec;
  std::filesystem::remove(path, ec);
  RETURN_IF_ERROR(imported.status());
  ASSIGN_OR_RETURN(auto verified, identity::VerifyAllPeople(db, writer, clock, {},
                                                            "system:demo-seed", nullptr));
  report.verified = static_cast<int64_t>(verified.verified);
  report.proposed = static_cast<int64_t>(verified.proposed);
  report.not_found = static_cast<int64_t>(verified.not_found);
  return report;
}

}  // namespace vaxreg::app
