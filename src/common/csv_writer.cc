#include "common/csv_writer.h"

namespace vaxreg::csv {
namespace {

void AppendQuoted(std::string& out, std::string_view prefix, std::string_view field) {
  out.push_back('"');
  out += prefix;
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace

bool NeedsFormulaGuard(std::string_view field) {
  if (field.empty()) return false;
  switch (field.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return true;
    default:
      return false;
  }
}

void AppendCsvField(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += field;
    return;
  }
  AppendQuoted(out, "", field);
}

void AppendCsvText(std::string& out, std::string_view field) {
  if (NeedsFormulaGuard(field)) {
    AppendQuoted(out, "'", field);
    return;
  }
  AppendCsvField(out, field);
}

std::string CsvText(std::string_view field) {
  std::string out;
  AppendCsvText(out, field);
  return out;
}

}  // namespace vaxreg::csv
