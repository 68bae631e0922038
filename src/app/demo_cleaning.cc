#include "app/demo_cleaning.h"

#include <string>
#include <unordered_map>
#include <vector>

#include "identity/duplicates.h"
#include "registry/dose_csv.h"
#include "registry/person.h"
#include "registry/person_store.h"
#include "registry/quarantine.h"
#include "registry/vaccine_store.h"

namespace vaxreg::app {
namespace {

constexpr char kFacility[] = "HN-BACHMAI";
constexpr char kActor[] = "system:demo";

Result<int64_t> CountOf(storage::Database& db, std::string_view sql) {
  ASSIGN_OR_RETURN(auto conn, db.Acquire());
  ASSIGN_OR_RETURN(storage::Rows rows, conn->Query(sql));
  return rows.at(0).Int(0);
}

// The demo file's lines: each fails one of the import's checks.
std::vector<std::string> DirtyLines(const std::string& citizen_cccd, const std::string& today) {
  const std::string f = std::string(",") + kFacility;
  return {
      std::string("bm-101,001089030101,Hoàng Văn Thành,1989-03-01,M,0912000101,01,001,00004,"
                  "Vaxzilla,AB1201,1,2021-09-14") + f,
      "bm-102," + citizen_cccd + ",Trần Văn Khác,1990-02-02,M,,01,001,00004,COMIRNATY,FK0311,3," +
          "2022-03-01" + f,
      "bm-103,001190030103,Đỗ Thị Hạnh,1990-07-08,F,0912000103,01,001,00004,Pfizer,FK0312,1,"
      "2099-01-01" + f,
      std::string("bm-104,001089030101,Hoàng Văn Thành,1989-03-01,M,0912000101,01,001,00004,"
                  "COMIRNATY,FK0313,1,2021-09-14") + f,
      "bm-105,001089030101,Hoàng Văn Thành,1989-03-01,M,0912000101,01,001,00004,COMIRNATY,"
      "FK0314,1," + today + f,
  };
}

// Runs the demo file through the import (the last rows of one person: a dose 1 recorded, then a
// second dose 1, refused) and keeps what it refuses.
Result<int> ImportDirtyFile(storage::Database& db, storage::GroupCommitWriter& writer,
                            const Clock& clock) {
  ASSIGN_OR_RETURN(int64_t kept, CountOf(db, "SELECT COUNT(*) FROM import_quarantine"));
  if (kept > 0) return 0;
  ASSIGN_OR_RETURN(int64_t facility,
                   CountOf(db, "SELECT COUNT(*) FROM facilities WHERE code = 'HN-BACHMAI' AND "
                               "status = 'active'"));
  if (facility == 0) return 0;
  const std::string citizen = "001090012345";  // the demo citizen (app/demo.h)
  std::vector<registry::VaccineProduct> catalogue;
  {
    ASSIGN_OR_RETURN(auto conn, db.Acquire());
    ASSIGN_OR_RETURN(catalogue, registry::LoadVaccineProducts(*conn));
  }
  const auto today = registry::DayOf(ToUnixSeconds(clock.Now()));
  const std::vector<std::string> lines = DirtyLines(citizen, registry::FormatDay(today));
  std::vector<registry::DoseCsvRow> rows;
  std::vector<registry::RowError> parse_errors;
  std::unordered_map<size_t, std::string> text_of;
  for (size_t i = 0; i < lines.size(); ++i) {
    const size_t line = i + 2;  // after the header
    text_of[line] = lines[i];
    auto row = registry::ParseDoseCsvLine(lines[i], line);
    if (row.ok()) {
      rows.push_back(std::move(*row));
    } else {
      parse_errors.push_back({line, "", row.status()});
    }
  }
  const registry::PreparedDoseRows prepared =
      registry::PrepareDoseRows(std::move(rows), catalogue, today);
  const registry::DoseWriter dose_writer = registry::DoseWriter::System(kActor);
  int refused = 0;
  Status imported = writer.SubmitAndWait([&](storage::Connection& c) -> Status {
    registry::RecordPeople people;
    std::vector<registry::RowError> errors = parse_errors;
    ASSIGN_OR_RETURN(size_t recorded,
                     registry::ImportDoseRows(c, clock, catalogue, prepared, dose_writer, people,
                                              errors, nullptr, "import.doses"));
    (void)recorded;
    std::vector<registry::RowError*> refused_rows;
    for (auto& e : errors) refused_rows.push_back(&e);
    refused = static_cast<int>(refused_rows.size());
    return registry::QuarantineRefusedRows(
        c, clock, "file", ',', refused_rows, prepared.rows,
        [&](size_t line) { return text_of.count(line) ? text_of.at(line) : std::string(); }, "",
        dose_writer.actor);
  });
  RETURN_IF_ERROR(imported);
  return refused;
}

// Second records of two Hà Nội people with a phone and a CCCD, as a pre-registration without a
// CCCD and an old CMND-only record would make them; then duplicate detection.
Result<uint64_t> AddDuplicates(storage::Database& db, storage::GroupCommitWriter& writer,
                               const Clock& clock) {
  ASSIGN_OR_RETURN(int64_t known, CountOf(db, "SELECT COUNT(*) FROM merge_proposals"));
  if (known > 0) return 0;
  std::vector<registry::Person> originals;
  {
    ASSIGN_OR_RETURN(auto conn, db.Acquire());
    ASSIGN_OR_RETURN(
        storage::Rows rows,
        conn->Query("SELECT full_name, dob, sex, phone, province_code, district_code, "
                    "commune_code FROM people WHERE province_code = '01' AND cccd IS NOT NULL "
                    "AND phone <> '' AND commune_code <> '' AND length(dob) = 10 AND "
                    "merged_into IS NULL ORDER BY id LIMIT 2"));
    for (const storage::Row& r : rows) {
      registry::NewPerson np;
      np.full_name = r.Text(0);
      np.dob = r.Text(1);
      np.sex = r.Text(2);
      np.phone = r.Text(3);
      np.province_code = r.Text(4);
      np.district_code = r.Text(5);
      np.commune_code = r.Text(6);
      if (originals.size() == 1) {
        np.phone.clear();
        np.cmnd = "013579246";  // an old 9-digit identity card number
      }
      auto p = registry::ValidateNewPerson(np, registry::DayOf(ToUnixSeconds(clock.Now())));
      if (p.ok()) originals.push_back(std::move(*p));
    }
  }
  if (originals.empty()) return 0;
  Status inserted = writer.SubmitAndWait([&](storage::Connection& c) -> Status {
    for (const registry::Person& p : originals) {
      RETURN_IF_ERROR(
          registry::InsertPerson(c, clock, p, registry::Actor{kActor, ""}).status());
    }
    return Status::Ok();
  });
  RETURN_IF_ERROR(inserted);
  ASSIGN_OR_RETURN(identity::DetectReport report,
                   identity::DetectDuplicates(db, writer, clock, identity::DuplicateOptions{},
                                              kActor, nullptr));
  return report.proposed;
}

}  // namespace

Result<DemoCleaning> SeedDemoCleaning(storage::Database& db, storage::GroupCommitWriter& writer,
                                      const Clock& clock) {
  DemoCleaning out;
  ASSIGN_OR_RETURN(out.rows_kept, ImportDirtyFile(db, writer, clock));
  ASSIGN_OR_RETURN(out.merge_proposals, AddDuplicates(db, writer, clock));
  return out;
}

}  // namespace vaxreg::app
