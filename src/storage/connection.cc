// Connection's transaction wrappers and the counters they write at commit (database.h).

#include <algorithm>

#include "storage/database.h"

namespace vaxreg::storage {

void CopyBuffer::Separate() {
  if (row_open_) data_ += '\t';
  row_open_ = true;
}

void CopyBuffer::Int(int64_t v) {
  Separate();
  data_ += std::to_string(v);
}

void CopyBuffer::Text(std::string_view v) {
  Separate();
  for (char c : v) {
    switch (c) {
      case '\\': data_ += "\\\\"; break;
      case '\t': data_ += "\\t"; break;
      case '\n': data_ += "\\n"; break;
      case '\r': data_ += "\\r"; break;
      default: data_ += c;
    }
  }
}

void CopyBuffer::Null() {
  Separate();
  data_ += "\\N";
}

void CopyBuffer::EndRow() {
  data_ += '\n';
  row_open_ = false;
  ++rows_;
}

void CopyBuffer::Row(std::span<const Value> values) {
  for (const Value& v : values) {
    if (const auto* i = std::get_if<int64_t>(&v)) {
      Int(*i);
    } else if (const auto* t = std::get_if<std::string>(&v)) {
      Text(*t);
    } else {
      CHECK(std::holds_alternative<std::nullptr_t>(v));  // no COPY caller writes blobs or doubles
      Null();
    }
  }
  EndRow();
}

void CopyBuffer::Clear() {
  data_.clear();
  row_open_ = false;
  rows_ = 0;
}

Result<std::vector<Rows>> Connection::QueryPipelined(std::span<const Statement> statements) {
  std::vector<Rows> out;
  out.reserve(statements.size());
  for (const Statement& st : statements) {
    ASSIGN_OR_RETURN(Rows rows, Query(st.sql, st.params));
    out.push_back(std::move(rows));
  }
  return out;
}

Status Connection::CopyRows(std::string_view, std::string_view, const CopyBuffer&) {
  return FailedPreconditionError("bulk COPY is PostgreSQL's; use multi-row INSERTs");
}

Status Connection::Begin() {
  RETURN_IF_ERROR(DoBegin());
  ClearCounters();
  in_transaction_ = true;
  return Status::Ok();
}

Status Connection::Commit() {
  if (in_transaction_) RETURN_IF_ERROR(FlushCounters());
  Status st = DoCommit();
  // A failed COMMIT leaves the caller to roll back; the counters went with the transaction.
  ClearCounters();
  in_transaction_ = false;
  return st;
}

Status Connection::Rollback() {
  ClearCounters();
  in_transaction_ = false;
  return DoRollback();
}

Status Connection::Savepoint(std::string_view name) {
  RETURN_IF_ERROR(DoSavepoint(name));
  savepoints_.emplace_back(std::string(name), counter_journal_.size());
  return Status::Ok();
}

Status Connection::RollbackToSavepoint(std::string_view name) {
  RETURN_IF_ERROR(DoRollbackToSavepoint(name));
  // The innermost savepoint of that name stays open (SQL semantics); what came after it goes.
  auto it = std::find_if(savepoints_.rbegin(), savepoints_.rend(),
                         [&](const auto& s) { return s.first == name; });
  if (it == savepoints_.rend()) return Status::Ok();
  const size_t mark = it->second;
  savepoints_.erase(it.base(), savepoints_.end());
  while (counter_journal_.size() > mark) {
    auto& [key, deltas] = counter_journal_.back();
    auto found = counters_.find(key);
    CHECK(found != counters_.end());
    for (size_t i = 0; i < deltas.size(); ++i) found->second[i] -= deltas[i];
    counter_journal_.pop_back();
  }
  return Status::Ok();
}

Status Connection::ReleaseSavepoint(std::string_view name) {
  RETURN_IF_ERROR(DoReleaseSavepoint(name));
  auto it = std::find_if(savepoints_.rbegin(), savepoints_.rend(),
                         [&](const auto& s) { return s.first == name; });
  if (it != savepoints_.rend()) savepoints_.erase(std::next(it).base(), savepoints_.end());
  return Status::Ok();
}

Status Connection::AddToCounter(std::string_view upsert_sql, std::vector<std::string> key,
                                std::vector<int64_t> deltas) {
  if (!in_transaction_) {
    std::vector<Value> params;
    params.reserve(key.size() + deltas.size());
    for (auto& k : key) params.emplace_back(std::move(k));
    for (int64_t d : deltas) params.emplace_back(d);
    return Execute(upsert_sql, params).status();
  }
  CounterKey ck{std::string(upsert_sql), std::move(key)};
  auto [it, inserted] = counters_.try_emplace(ck, deltas.size(), 0);
  CHECK(it->second.size() == deltas.size());  // one statement, one number of deltas
  for (size_t i = 0; i < deltas.size(); ++i) it->second[i] += deltas[i];
  // The journal is needed only to take increments back at a savepoint rollback.
  if (!savepoints_.empty()) counter_journal_.emplace_back(std::move(ck), std::move(deltas));
  return Status::Ok();
}

Status Connection::FlushCounters() {
  // PostgreSQL: the upserts go in pipelines of kCounterPipeline statements, one round trip each
  // instead of one per counter row (a bulk load or a large batch touches thousands of daily
  // rows). Still in the global order, so the lock order across processes is unchanged. Each
  // answer is a few bytes, so the server never blocks on a full socket while we send.
  constexpr size_t kCounterPipeline = 1000;
  const bool pipelined = dialect() == Dialect::kPostgres;
  std::vector<Statement> batch;
  auto send = [&]() -> Status {
    if (batch.empty()) return Status::Ok();
    Status st = QueryPipelined(batch).status();
    batch.clear();
    return st;
  };
  for (const auto& [ck, deltas] : counters_) {
    if (std::all_of(deltas.begin(), deltas.end(), [](int64_t d) { return d == 0; })) continue;
    std::vector<Value> params;
    params.reserve(ck.second.size() + deltas.size());
    for (const std::string& k : ck.second) params.emplace_back(k);
    for (int64_t d : deltas) params.emplace_back(d);
    if (!pipelined) {
      RETURN_IF_ERROR(Execute(ck.first, params).status());
      continue;
    }
    batch.push_back({ck.first, std::move(params)});
    if (batch.size() == kCounterPipeline) RETURN_IF_ERROR(send());
  }
  return send();
}

void Connection::ClearCounters() {
  counters_.clear();
  counter_journal_.clear();
  savepoints_.clear();
}

}  // namespace vaxreg::storage
