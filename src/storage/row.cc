// Row accessors: lenient conversions so callers can read a column the same way whichever
// backend produced it (SQLite returns what was stored; PostgreSQL returns NUMERIC as text, etc.).

#include <charconv>
#include <cmath>
#include <limits>

#include "storage/database.h"

namespace vaxreg::storage {
namespace {

int64_t DoubleToInt(double d) {
  // Casting a NaN or an out-of-range double is undefined; saturate instead.
  if (std::isnan(d)) return 0;
  if (d >= 9223372036854775807.0) return std::numeric_limits<int64_t>::max();
  if (d <= -9223372036854775808.0) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(d);
}

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Whole-string parses; a leading '+' is accepted like SQLite's own conversions.
bool ParseInt(std::string_view s, int64_t& out) {
  s = TrimSpace(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

bool ParseDouble(std::string_view s, double& out) {
  s = TrimSpace(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

int64_t TextToInt(std::string_view s) {
  int64_t i = 0;
  if (ParseInt(s, i)) return i;
  double d = 0;
  if (ParseDouble(s, d)) return DoubleToInt(d);  // "12.00" from a NUMERIC column
  return 0;
}

double TextToDouble(std::string_view s) {
  double d = 0;
  return ParseDouble(s, d) ? d : 0.0;
}

std::string DoubleToText(double d) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d);  // shortest exact round trip
  return ec == std::errc() ? std::string(buf, end) : std::string();
}

}  // namespace

int64_t IntOf(const Value& v) {
  if (const auto* n = std::get_if<int64_t>(&v)) return *n;
  if (const auto* d = std::get_if<double>(&v)) return DoubleToInt(*d);
  if (const auto* s = std::get_if<std::string>(&v)) return TextToInt(*s);
  if (const auto* b = std::get_if<Blob>(&v)) return TextToInt(b->bytes);
  return 0;
}

std::string TextOf(const Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* n = std::get_if<int64_t>(&v)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&v)) return DoubleToText(*d);
  if (const auto* b = std::get_if<Blob>(&v)) return b->bytes;
  return std::string();
}

const Value& Row::at(size_t i) const {
  CHECK(i < values_.size());
  return values_[i];
}

bool Row::IsNull(size_t i) const { return std::holds_alternative<std::nullptr_t>(at(i)); }

int64_t Row::Int(size_t i) const { return IntOf(at(i)); }

double Row::Double(size_t i) const {
  const Value& v = at(i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* n = std::get_if<int64_t>(&v)) return static_cast<double>(*n);
  if (const auto* s = std::get_if<std::string>(&v)) return TextToDouble(*s);
  if (const auto* b = std::get_if<Blob>(&v)) return TextToDouble(b->bytes);
  return 0.0;
}

std::string Row::Text(size_t i) const { return TextOf(at(i)); }

std::string Row::Bytes(size_t i) const {
  const Value& v = at(i);
  if (const auto* b = std::get_if<Blob>(&v)) return b->bytes;
  return Text(i);
}

Status Connection::ForEachRow(std::string_view sql, std::span<const Value> params,
                              const RowVisitor& visit) {
  ASSIGN_OR_RETURN(Rows rows, Query(sql, params));
  for (const Row& row : rows) RETURN_IF_ERROR(visit(row));
  return Status::Ok();
}

std::string ColumnList(std::span<const std::string_view> columns, std::string_view alias) {
  std::string out;
  for (std::string_view c : columns) {
    if (!out.empty()) out += ", ";
    if (!alias.empty()) (out += alias) += '.';
    out += c;
  }
  return out;
}

}  // namespace vaxreg::storage
