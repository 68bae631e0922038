// Pure registry functions: person validation, the continuity check, the chip ID card QR, the
// people-with-doses CSV line parser, the field limits a CSV row shares with the API's writes, and
// the bounded summary of refused rows.

#include <gtest/gtest.h>

#include "registry/chip_card_qr.h"
#include "registry/continuity.h"
#include "registry/dose_csv.h"
#include "registry/same_person.h"
#include "registry/dose_service.h"
#include "registry/person.h"
#include "registry/vaccine_catalogue.h"

namespace vaxreg::registry {
namespace {

using namespace std::chrono;

const sys_days kToday = sys_days(2022y / March / 1);

NewPerson Valid() {
  NewPerson p;
  p.cccd = "001090012345";
  p.full_name = "Nguyễn Văn An";
  p.dob = "1990-05-01";
  p.sex = "M";
  p.province_code = "01";
  p.district_code = "006";
  p.commune_code = "00199";
  return p;
}

TEST(PersonValidationTest, AcceptsAConsistentPersonAndNormalises) {
  NewPerson in = Valid();
  in.full_name = "  Nguye\xCC\x82\xCC\x83n   Văn  An ";  // decomposed, extra spaces
  auto p = ValidateNewPerson(in, kToday);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->full_name, "Nguyễn Văn An");
  EXPECT_EQ(p->name_folded, "nguyen van an");
  EXPECT_EQ(p->birth_year, 1990);
}

TEST(PersonValidationTest, RefusesEachBadField) {
  struct Case {
    std::function<void(NewPerson&)> change;
    std::string field;
  };
  const std::vector<Case> cases = {
      {[](NewPerson& p) { p.cccd = "0010900123"; }, "cccd"},
      {[](NewPerson& p) { p.cccd = "001190012345"; }, "sex"},
      {[](NewPerson& p) { p.dob = "1991-05-01"; }, "dob"},
      {[](NewPerson& p) { p.dob = "2023-01-01"; }, "dob"},
      {[](NewPerson& p) { p.dob = "1990-02-30"; }, "dob"},
      {[](NewPerson& p) { p.sex = "X"; }, "sex"},
      {[](NewPerson& p) { p.full_name = " "; }, "full_name"},
      {[](NewPerson& p) { p.cmnd = "12345"; }, "cmnd"},
      {[](NewPerson& p) { p.commune_code = "26734"; }, "commune_code"},
      {[](NewPerson& p) { p.province_code = "99"; }, "province_code"},
  };
  for (const auto& c : cases) {
    NewPerson p = Valid();
    c.change(p);
    auto r = ValidateNewPerson(p, kToday);
    ASSERT_FALSE(r.ok()) << c.field;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().field(), c.field) << r.status().ToString();
  }
}

TEST(PersonValidationTest, YearOnlyAndNoIdentityNumberForChildren) {
  NewPerson p;
  p.full_name = "Bé Na";
  p.dob = "2021";
  p.sex = "F";
  auto r = ValidateNewPerson(p, kToday);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->birth_year, 2021);
}

int64_t At(sys_days d) { return duration_cast<seconds>(d.time_since_epoch()).count() + 7200; }

TEST(ContinuityTest, ExplainsEachConflict) {
  ContinuityInput in;
  in.earliest_birth_day = sys_days(1990y / May / 1);
  in.now = At(kToday);
  in.history = {{7, "COMIRNATY", 1, At(sys_days(2021y / August / 1))}};
  in.dose = {0, "COMIRNATY", 1, At(sys_days(2021y / October / 1))};
  const auto& cat = BuiltInVaccines();
  Status dup = CheckDoseSequence(in, cat);
  EXPECT_EQ(dup.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(dup.field(), "dose_number");
  in.dose = {0, "COMIRNATY", 2, At(sys_days(2021y / August / 15))};
  Status soon = CheckDoseSequence(in, cat);
  EXPECT_EQ(soon.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(soon.message().find("14 days"), std::string::npos) << soon.message();
  in.dose = {0, "COMIRNATY", 2, At(sys_days(2021y / August / 22))};
  EXPECT_TRUE(CheckDoseSequence(in, cat).ok());
  // A booster after a complete Janssen series waits booster_min_days, not the primary interval.
  in.history = {{8, "JANSSEN", 1, At(sys_days(2021y / August / 1))}};
  in.dose = {0, "COMIRNATY", 2, At(sys_days(2021y / September / 1))};
  EXPECT_FALSE(CheckDoseSequence(in, cat).ok());
  in.dose = {0, "COMIRNATY", 2, At(sys_days(2021y / December / 1))};
  EXPECT_TRUE(CheckDoseSequence(in, cat).ok());
  in.dose = {0, "COMIRNATY", 2, At(kToday + days(2))};
  EXPECT_EQ(CheckDoseDate(in).code(), StatusCode::kFailedPrecondition);
  in.dose = {0, "COMIRNATY", 2, At(sys_days(1989y / January / 1))};
  EXPECT_EQ(CheckDoseDate(in).code(), StatusCode::kFailedPrecondition);
  // A row dated today is stored at 09:00 Viet Nam time; a clinic uploading it at 06:30 is not
  // recording the future. Tomorrow still is.
  in.now = At(kToday) - 9000;  // 06:30 in Viet Nam
  in.dose = {0, "COMIRNATY", 2, At(kToday)};
  EXPECT_TRUE(CheckDoseDate(in).ok()) << CheckDoseDate(in).ToString();
  in.dose = {0, "COMIRNATY", 2, At(kToday + days(1))};
  EXPECT_EQ(CheckDoseDate(in).code(), StatusCode::kFailedPrecondition);
}

TEST(ChipCardQrTest, ParsesTheCardText) {
  auto q = ParseChipCardQr("001090012345|012345678|Nguyễn Văn An|01051990|Nam|Hà Nội|01072021");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->cccd, "001090012345");
  EXPECT_EQ(q->cmnd, "012345678");
  EXPECT_EQ(q->dob, "1990-05-01");
  EXPECT_EQ(q->sex, "M");
  EXPECT_EQ(q->issued, "2021-07-01");
  EXPECT_TRUE(LooksLikeChipCardQr("a|b|c|d|e|f|g"));
  EXPECT_FALSE(LooksLikeChipCardQr("VXR1:00ff"));
  EXPECT_FALSE(ParseChipCardQr("001090012345||A|31021990|Nam||").ok());
  EXPECT_FALSE(ParseChipCardQr("00109001234||A|01011990|Nam||").ok());
  EXPECT_FALSE(ParseChipCardQr("001090012345||A|01011990|X||").ok());
}

TEST(DoseCsvTest, ParsesQuotedFieldsAndReportsBadColumns) {
  EXPECT_TRUE(ReadDoseCsvHeader(std::string(kDoseCsvHeader) + "\r").ok());
  EXPECT_FALSE(ReadDoseCsvHeader("record_id,cccd").ok());
  auto row = ParseDoseCsvLine(
      "r1,,\"Bùi, Văn \"\"Hải\"\"\",2019,M,,01,,,COMIRNATY,L1,1,2021-07-01,HN-BACHMAI\r", 3);
  ASSERT_TRUE(row.ok()) << row.status().ToString();
  EXPECT_EQ(row->full_name, "Bùi, Văn \"Hải\"");
  EXPECT_EQ(row->line, 3u);
  EXPECT_EQ(row->facility_code, "HN-BACHMAI");
  EXPECT_EQ(FormatDay(DayOf(row->administered_at)), "2021-07-01");
  EXPECT_EQ(ParseDoseCsvLine("r1,a,b", 2).status().field(), "line");
  EXPECT_EQ(ParseDoseCsvLine("r1,,A,2019,M,,01,,,X,L,one,2021-07-01,F", 2).status().field(),
            "dose_number");
  EXPECT_EQ(ParseDoseCsvLine("r1,,A,2019,M,,01,,,X,L,1,31/02/2021,F", 2).status().field(), "date");
  EXPECT_EQ(ParseDoseCsvLine("r1,,A,2019,M,,01,,,X,L,1,2021/07/01,F", 2).status().field(), "date");
  EXPECT_EQ(ParseDoseCsvLine("r1,,A,2019,M,,01,,,X,L,1,07/2021,F", 2).status().field(), "date");
  EXPECT_FALSE(ParseDoseCsvLine("r1,\"unterminated,A,2019", 2).ok());
}

// What Excel writes on a Vietnamese desktop: a byte order mark, ';' between columns, dates day
// first, numbers grouped by spaces or dots, blanks around fields.
TEST(DoseCsvTest, ReadsSpreadsheetExports) {
  auto dialect = ReadDoseCsvHeader(
      "\xEF\xBB\xBFRecord_ID;CCCD;Full_Name;DOB;Sex;Phone;Province_Code;District_Code;"
      "Commune_Code;Vaccine;Lot;Dose_Number;Date;Facility_Code\r");
  ASSERT_TRUE(dialect.ok()) << dialect.status().ToString();
  EXPECT_EQ(dialect->separator, ';');
  EXPECT_EQ(ReadDoseCsvHeader("\xEF\xBB\xBF" + std::string(kDoseCsvHeader))->separator, ',');
  EXPECT_FALSE(ReadDoseCsvHeader("record_id;cccd;full_name").ok());
  auto row = ParseDoseCsvLine(
      "r7; 001 090 012 345 ;\"Nguyễn; Văn An\";1/5/1990;M;0912.000.001;01;006;00199;Pfizer;FF1;2;"
      "15/08/2021;HN-BACHMAI\r",
      4, *dialect);
  ASSERT_TRUE(row.ok()) << row.status().ToString();
  EXPECT_EQ(row->cccd, "001090012345");
  EXPECT_EQ(row->full_name, "Nguyễn; Văn An");
  EXPECT_EQ(row->dob, "1990-05-01");
  EXPECT_EQ(row->phone, "0912000001");
  EXPECT_EQ(row->dose_number, 2);
  EXPECT_EQ(FormatDay(DayOf(row->administered_at)), "2021-08-15");
  // The same line with ',' is one field too few or many: said per row, with the separator.
  auto wrong = ParseDoseCsvLine("r7;001090012345;A", 4);
  EXPECT_EQ(wrong.status().field(), "line");
  EXPECT_NE(wrong.status().message().find("','"), std::string::npos) << wrong.status().ToString();
  // A number with letters in it stays as written, for the validator to refuse.
  EXPECT_EQ(ParseDoseCsvLine(
                "r1,0010 9001234x,A,1990-05-01,M,,01,,,COMIRNATY,L,1,2021-07-01,HN-BACHMAI", 2)
                ->cccd,
            "0010 9001234x");
}

// A valid CSV row of a new person with the column `column` (0-based, as in kDoseCsvHeader) set
// to `value`.
std::string CsvLine(size_t column, const std::string& value) {
  std::vector<std::string> f = {
      "r1",  "001090012345", "Nguyễn Văn An", "1990-05-01", "M", "0912000001", "01",
      "006", "00199",        "COMIRNATY",     "FF1",        "1", "2021-07-01", "HN-BACHMAI"};
  f.at(column) = value;
  std::string line;
  for (size_t i = 0; i < f.size(); ++i) line += (i ? "," : "") + f[i];
  return line;
}

// The refusal PrepareDoseRows gives a row, or OK.
Status Prepared(const std::string& line) {
  auto row = ParseDoseCsvLine(line, 2);
  if (!row.ok()) return row.status();
  PreparedDoseRows p = PrepareDoseRows({*row}, BuiltInVaccines(), kToday);
  return p.refusal.at(0);
}

TEST(SamePersonTest, AStrangerConflictsATypoDoesNot) {
  Person stored;
  stored.name_folded = "nguyen thi kim trang";
  stored.dob = "1943-04-12";
  const auto check = [&](std::string_view name, std::string_view dob) {
    return CheckSamePerson("001143000001", name, dob, stored);
  };
  // The case found in the field: another name, another year.
  const Status stranger = check("Trần Văn Khác", "1970-01-01");
  EXPECT_EQ(stranger.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(stranger.field(), "cccd");
  EXPECT_EQ(stranger.message().find("Trang"), std::string::npos) << stranger.ToString();
  EXPECT_EQ(stranger.message().find("1943"), std::string::npos) << stranger.ToString();
  EXPECT_FALSE(check("Trần Văn Khác", "1943-04-12").ok());     // the name alone
  EXPECT_FALSE(check("Nguyễn Thị Kim Trang", "1970-04-12").ok());  // the year alone
  // What a slip explains stays with the person (identity verification looks closer).
  EXPECT_TRUE(check("Nguyễn Thị Kim Trang", "1943-04-12").ok());
  EXPECT_TRUE(check("NGUYEN THI TRANG", "1943-12-04").ok());  // no middle name, day/month swapped
  EXPECT_TRUE(check("Nguyễn Thị Kim Trangg", "1944-04-12").ok());  // one letter, one digit
  EXPECT_TRUE(check("Nguyễn Thị Kim Trang", "1934-04-12").ok());   // two digits swapped
  EXPECT_TRUE(check("Nguyễn Thị Kim Trang", "1943").ok());
  EXPECT_TRUE(check("Nguyễn Thị Kim Trang", "1943-04-21").ok());  // two digits swapped
  // A household member's CCCD: a name close enough, another birthday in the same year.
  EXPECT_FALSE(check("Nguyễn Thị Kim Thư", "1943-11-30").ok());
  EXPECT_FALSE(check("Đặng Thị Thu Tranh", "1943-04-12").ok());  // another family, given a slip apart
  EXPECT_TRUE(check("Nguyễn Thị Kim Tranh", "1943-04-12").ok());  // the same family: a slip
  EXPECT_FALSE(check("Nguyễn Thị Kim Trang", "1943-07-26").ok());
  EXPECT_TRUE(check("Kim Trang Nguyễn Thị", "1943-04-12").ok());  // written the other way round
  EXPECT_FALSE(check("Nguyễn Thị Kim Hoa", "1943-04-12").ok());  // same family, another person
  EXPECT_FALSE(check("Trần Thị Khác", "1943-04-12").ok());  // "Thị" in common is no evidence
  stored.dob = "1100-01-01";
  EXPECT_FALSE(check("Nguyễn Thị Kim Trang", "1199-01-01").ok());
}

TEST(DoseCsvLimitsTest, VaccinesGoByAnyNamePeopleUse) {
  for (const char* name : {"COMIRNATY", "comirnaty", "Pfizer", "EU/1/20/1528", "pfizer-biontech"}) {
    auto row = ParseDoseCsvLine(CsvLine(9, name), 2);
    ASSERT_TRUE(row.ok()) << name;
    PreparedDoseRows p = PrepareDoseRows({*row}, BuiltInVaccines(), kToday);
    EXPECT_TRUE(p.refusal.at(0).ok()) << name << ": " << p.refusal.at(0).ToString();
    EXPECT_EQ(p.rows.at(0).vaccine, "COMIRNATY") << name;
  }
  const Status unknown = Prepared(CsvLine(9, "Vaxzilla"));
  EXPECT_EQ(unknown.field(), "vaccine");
  EXPECT_NE(unknown.message().find("Vaxzilla"), std::string::npos) << unknown.ToString();
}

TEST(DoseCsvLimitsTest, AValidRowPasses) {
  EXPECT_TRUE(Prepared(CsvLine(0, "r1")).ok()) << Prepared(CsvLine(0, "r1")).ToString();
}

// The API refuses a 100-byte lot (ValidateNewDose); the CSV path must refuse it the same way.
TEST(DoseCsvLimitsTest, LotHasTheApiLimit) {
  NewDose api;
  api.person_id = 1;
  api.vaccine_code = "COMIRNATY";
  api.dose_number = 1;
  api.administered_at = 1625104800;
  api.facility_code = "HN-BACHMAI";
  api.lot = std::string(100, 'L');
  const Status from_api = ValidateNewDose(api, BuiltInVaccines());
  ASSERT_FALSE(from_api.ok());
  const Status from_csv = Prepared(CsvLine(10, std::string(100, 'L')));
  EXPECT_EQ(from_csv.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(from_csv.field(), from_api.field());
  EXPECT_EQ(from_csv.field(), "lot");
  EXPECT_TRUE(Prepared(CsvLine(10, std::string(64, 'L'))).ok());
}

TEST(DoseCsvLimitsTest, DoseCodesAndNumbersHaveTheApiLimits) {
  EXPECT_EQ(Prepared(CsvLine(9, "NOT-A-VACCINE")).field(), "vaccine");
  EXPECT_EQ(Prepared(CsvLine(9, std::string(500, 'V'))).field(), "vaccine");
  EXPECT_EQ(Prepared(CsvLine(11, "21")).field(), "dose_number");
  EXPECT_EQ(Prepared(CsvLine(11, "0")).field(), "dose_number");
}

TEST(DoseCsvLimitsTest, NamesHaveTheApiLimit) {
  EXPECT_EQ(Prepared(CsvLine(2, std::string(201, 'a'))).field(), "full_name");
  EXPECT_EQ(Prepared(CsvLine(2, "")).field(), "full_name");
  EXPECT_TRUE(Prepared(CsvLine(2, std::string(200, 'a'))).ok());
}

TEST(DoseCsvLimitsTest, PhoneHasTheApiLimit) {
  EXPECT_EQ(Prepared(CsvLine(5, std::string(21, '1'))).field(), "phone");
  EXPECT_EQ(Prepared(CsvLine(5, "=1+2")).field(), "phone");
  EXPECT_EQ(Prepared(CsvLine(5, "0912 abc")).field(), "phone");
  EXPECT_TRUE(Prepared(CsvLine(5, "0912 000 001")).ok());
  EXPECT_TRUE(Prepared(CsvLine(5, "+84912000001")).ok());
}

TEST(DoseCsvLimitsTest, IdentityAndAddressCodesHaveTheApiRules) {
  EXPECT_EQ(Prepared(CsvLine(1, "0010900123456789")).field(), "cccd");
  EXPECT_EQ(Prepared(CsvLine(1, "00109001234X")).field(), "cccd");
  EXPECT_EQ(Prepared(CsvLine(4, "X")).field(), "sex");
  EXPECT_EQ(Prepared(CsvLine(3, "1990-13-01")).field(), "dob");
  EXPECT_EQ(Prepared(CsvLine(6, std::string(300, '9'))).field(), "province_code");
  EXPECT_EQ(Prepared(CsvLine(7, "999")).field(), "district_code");
  EXPECT_EQ(Prepared(CsvLine(8, "99999")).field(), "commune_code");
}

TEST(DoseCsvLimitsTest, RecordIdIsBounded) {
  EXPECT_EQ(
      ParseDoseCsvLine(CsvLine(0, std::string(kMaxRecordIdBytes + 1, 'r')), 2).status().field(),
      "record_id");
  EXPECT_TRUE(ParseDoseCsvLine(CsvLine(0, std::string(kMaxRecordIdBytes, 'r')), 2).ok());
}

// Every row's person columns are checked, not only those of the row that creates the person.
TEST(DoseCsvLimitsTest, EveryRowOfAPersonIsChecked) {
  std::vector<DoseCsvRow> rows = {ParseDoseCsvLine(CsvLine(0, "r1"), 2).value(),
                                  ParseDoseCsvLine(CsvLine(5, std::string(40, '1')), 3).value()};
  rows[1].dose_number = 2;
  PreparedDoseRows p = PrepareDoseRows(rows, BuiltInVaccines(), kToday);
  EXPECT_TRUE(p.refusal[0].ok());
  EXPECT_EQ(p.refusal[1].field(), "phone");
  EXPECT_TRUE(p.new_person[0].has_value());
  EXPECT_FALSE(p.new_person[1].has_value());
}

TEST(RowErrorSummaryTest, ListsTheFirstRowsAndCountsEveryOne) {
  RowErrorSummary summary(10);
  for (size_t line = 2; line < 27; ++line) {
    summary.Add({line, "r",
                 line % 2 == 0 ? InvalidArgumentError("bad", "line")
                               : FailedPreconditionError("late", "administered_at")});
  }
  EXPECT_EQ(summary.total(), 25u);
  EXPECT_TRUE(summary.truncated());
  ASSERT_EQ(summary.listed().size(), 10u);
  EXPECT_EQ(summary.listed().front().line, 2u);
  EXPECT_EQ(summary.listed().back().line, 11u);
  const RowErrorSummary::Reason bad{StatusCode::kInvalidArgument, "line"};
  const RowErrorSummary::Reason late{StatusCode::kFailedPrecondition, "administered_at"};
  EXPECT_EQ(summary.counts().at(bad), 13u);
  EXPECT_EQ(summary.counts().at(late), 12u);
  RowErrorSummary small(10);
  small.Add({2, "", InvalidArgumentError("bad", "line")});
  EXPECT_FALSE(small.truncated());
}

TEST(RowErrorSummaryTest, SortKeepsTheOrderWithinALine) {
  std::vector<RowError> errors = {{5, "b", InvalidArgumentError("x")},
                                  {3, "a", InvalidArgumentError("first")},
                                  {3, "a", InvalidArgumentError("second")}};
  SortRowErrors(errors);
  EXPECT_EQ(errors[0].status.message(), "first");
  EXPECT_EQ(errors[1].status.message(), "second");
  EXPECT_EQ(errors[2].line, 5u);
}

}  // namespace
}  // namespace vaxreg::registry
