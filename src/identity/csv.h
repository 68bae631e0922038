#pragma once
// Streaming CSV (RFC 4180): comma-separated, fields optionally in double quotes with "" for a
// quote and line breaks allowed inside quotes; CRLF or LF line ends; a UTF-8 BOM is skipped.
// Reads in large blocks, so files far bigger than memory can be read. Thread-compatible.

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/csv_writer.h"
#include "common/status.h"

namespace vaxreg::identity {

class CsvReader {
 public:
  // kNotFound if the file cannot be opened.
  static Result<std::unique_ptr<CsvReader>> Open(const std::string& path);
  ~CsvReader();

  // Reads the next row into `fields` (views valid until the next call). False at end of file.
  bool Next(std::vector<std::string_view>& fields);
  // 1-based line number where the last row returned started.
  uint64_t line() const { return row_line_; }
  uint64_t bytes_read() const { return consumed_; }
  uint64_t file_size() const { return file_size_; }

 private:
  explicit CsvReader(std::FILE* f);
  bool Fill();  // more data into buf_; false at EOF

  std::FILE* file_;
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false;
  uint64_t line_ = 1, row_line_ = 0, consumed_ = 0, file_size_ = 0;
  std::string row_;                 // unescaped bytes of the current row
  std::vector<size_t> ends_;        // end offset of each field in row_
};

// Index of each wanted column in a header row; kInvalidArgument naming a missing column.
Result<std::vector<size_t>> MapColumns(const std::vector<std::string_view>& header,
                                       const std::vector<std::string_view>& wanted);

// One CSV field, quoted only when it needs to be (csv::AppendCsvField). For values vaxreg
// produces; text from outside vaxreg is written with csv::AppendCsvText (common/csv_writer.h).
void AppendCsvField(std::string& out, std::string_view field);

}  // namespace vaxreg::identity
