#pragma once
// Writing CSV fields (RFC 4180), shared by every CSV vaxreg writes (import error reports, the
// identity exports). Pure functions; thread-safe.
//
// Spreadsheet formula injection: a spreadsheet opening a CSV runs a cell that starts with '=',
// '+', '-' or '@' as a formula, and a leading tab or carriage return can hide such a start. A
// text field that came from outside vaxreg (a record id, a name, an error message quoting user
// input) is therefore written with AppendCsvText, which writes such a field quoted with a single
// quote in front ('=1+2 becomes "'=1+2"), the neutralisation OWASP recommends. Values vaxreg
// produces itself and whose form it controls (numbers, including negative ones, status and
// error codes, dates) are written with AppendCsvField and are never altered, so a negative
// number stays a number.

#include <string>
#include <string_view>

namespace vaxreg::csv {

// Whether a text field must be neutralised: it starts with '=', '+', '-', '@', a tab or a
// carriage return.
bool NeedsFormulaGuard(std::string_view field);

// One field as is, quoted only when it holds a comma, a quote, CR or LF ("" for a quote).
void AppendCsvField(std::string& out, std::string_view field);

// One field of text from outside vaxreg: like AppendCsvField, but a field NeedsFormulaGuard
// accepts is written quoted with a leading single quote.
void AppendCsvText(std::string& out, std::string_view field);

// AppendCsvText into a new string.
std::string CsvText(std::string_view field);

}  // namespace vaxreg::csv
