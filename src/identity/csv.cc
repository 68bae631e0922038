#include "identity/csv.h"

namespace vaxreg::identity {
namespace {
constexpr size_t kBlock = 1 << 22;
}

Result<std::unique_ptr<CsvReader>> CsvReader::Open(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return NotFoundError("cannot open " + path);
  return std::unique_ptr<CsvReader>(new CsvReader(f));
}

CsvReader::CsvReader(std::FILE* f) : file_(f) {
  if (std::fseek(file_, 0, SEEK_END) == 0) {
    const long size = std::ftell(file_);
    if (size > 0) file_size_ = static_cast<uint64_t>(size);
    std::fseek(file_, 0, SEEK_SET);
  }
  Fill();
  if (buf_.compare(0, 3, "\xEF\xBB\xBF") == 0) pos_ = 3;
}

CsvReader::~CsvReader() { std::fclose(file_); }

bool CsvReader::Fill() {
  if (eof_) return false;
  buf_.erase(0, pos_);
  pos_ = 0;
  const size_t old = buf_.size();
  buf_.resize(old + kBlock);
  const size_t got = std::fread(buf_.data() + old, 1, kBlock, file_);
  buf_.resize(old + got);
  if (got == 0) eof_ = true;
  return got > 0;
}

bool CsvReader::Next(std::vector<std::string_view>& fields) {
  fields.clear();
  row_.clear();
  ends_.clear();
  // Skip empty lines.
  for (;;) {
    if (pos_ >= buf_.size() && !Fill()) return false;
    const char c = buf_[pos_];
    if (c == '\n') {
      ++pos_, ++consumed_, ++line_;
    } else if (c == '\r') {
      ++pos_, ++consumed_;
    } else {
      break;
    }
  }
  row_line_ = line_;
  bool quoted = false, at_field_start = true;
  for (;;) {
    if (pos_ >= buf_.size() && !Fill()) break;
    const char c = buf_[pos_++];
    ++consumed_;
    if (quoted) {
      if (c == '"') {
        if (pos_ >= buf_.size()) Fill();
        if (pos_ < buf_.size() && buf_[pos_] == '"') {
          row_.push_back('"');
          ++pos_, ++consumed_;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line_;
        row_.push_back(c);
      }
      continue;
    }
    if (c == '"' && at_field_start) {
      quoted = true;
      at_field_start = false;
    } else if (c == ',') {
      ends_.push_back(row_.size());
      at_field_start = true;
    } else if (c == '\n') {
      ++line_;
      break;
    } else if (c == '\r') {
      continue;
    } else {
      row_.push_back(c);
      at_field_start = false;
    }
  }
  ends_.push_back(row_.size());
  size_t start = 0;
  for (size_t end : ends_) {
    fields.emplace_back(row_.data() + start, end - start);
    start = end;
  }
  return true;
}

Result<std::vector<size_t>> MapColumns(const std::vector<std::string_view>& header,
                                       const std::vector<std::string_view>& wanted) {
  std::vector<size_t> out;
  for (std::string_view w : wanted) {
    size_t i = 0;
    while (i < header.size() && header[i] != w) ++i;
    if (i == header.size()) {
      return InvalidArgumentError("the header has no column '" + std::string(w) + "'", std::string(w));
    }
    out.push_back(i);
  }
  return out;
}

void AppendCsvField(std::string& out, std::string_view f) { csv::AppendCsvField(out, f); }

}  // namespace vaxreg::identity
