#include "storage/in_list.h"

#include <string>
#include <unordered_map>

namespace vaxreg::storage {
namespace {

// Keys in the next chunk when `remaining` are left: kInListChunk, else the smallest power of two
// that holds them (the rest of the chunk is NULL padding).
size_t ChunkSlots(size_t remaining) {
  if (remaining >= kInListChunk) return kInListChunk;
  size_t n = 1;
  while (n < remaining) n *= 2;
  return n;
}

// "$first, $first+1, ..." (`slots` of them), built once per thread and shape: the writer runs
// these statements for every chunk of an import.
const std::string& Placeholders(size_t first, size_t slots) {
  thread_local std::unordered_map<size_t, std::string> cache;
  std::string& list = cache[first * (kInListChunk + 1) + slots];
  if (list.empty()) {
    for (size_t i = 0; i < slots; ++i) {
      if (i > 0) list += ", ";
      list += "$" + std::to_string(first + i);
    }
  }
  return list;
}

std::string InSql(std::string_view head, std::string_view tail, size_t first, size_t slots) {
  const std::string& placeholders = Placeholders(first, slots);
  std::string sql;
  sql.reserve(head.size() + placeholders.size() + tail.size() + 6);
  ((sql += head) += " IN (") += placeholders;
  (sql += ")") += tail;
  return sql;
}

// Calls run(sql, params) once per chunk of keys.
template <typename Run>
Status ForEachChunk(std::string_view head, std::string_view tail, std::span<const Value> keys,
                    std::span<const Value> leading, Run&& run) {
  std::vector<Value> params;
  for (size_t start = 0; start < keys.size();) {
    const size_t slots = ChunkSlots(keys.size() - start);
    const size_t take = std::min(slots, keys.size() - start);
    params.assign(leading.begin(), leading.end());
    params.insert(params.end(), keys.begin() + static_cast<std::ptrdiff_t>(start),
                  keys.begin() + static_cast<std::ptrdiff_t>(start + take));
    params.resize(leading.size() + slots, Value(nullptr));
    RETURN_IF_ERROR(run(InSql(head, tail, leading.size() + 1, slots), params));
    start += take;
  }
  return Status::Ok();
}

// Batched lookups are planned for their keys at every call (Connection::SetPlanPerCall).
class PlanPerCall {
 public:
  explicit PlanPerCall(Connection& conn) : conn_(conn) { conn_.SetPlanPerCall(true); }
  ~PlanPerCall() { conn_.SetPlanPerCall(false); }
  PlanPerCall(const PlanPerCall&) = delete;
  PlanPerCall& operator=(const PlanPerCall&) = delete;

 private:
  Connection& conn_;
};

}  // namespace

Result<Rows> QueryIn(Connection& conn, std::string_view head, std::string_view tail,
                     std::span<const Value> keys, std::span<const Value> leading) {
  Rows all;
  const PlanPerCall plan(conn);
  RETURN_IF_ERROR(ForEachChunk(head, tail, keys, leading,
                               [&](const std::string& sql, std::span<const Value> params) {
                                 ASSIGN_OR_RETURN(Rows rows, conn.Query(sql, params));
                                 if (all.empty()) {
                                   all = std::move(rows);
                                 } else {
                                   for (Row& r : rows) all.push_back(std::move(r));
                                 }
                                 return Status::Ok();
                               }));
  return all;
}

Status ForEachRowIn(Connection& conn, std::string_view head, std::string_view tail,
                    std::span<const Value> keys, const Connection::RowVisitor& visit,
                    std::span<const Value> leading) {
  const PlanPerCall plan(conn);
  return ForEachChunk(head, tail, keys, leading,
                      [&](const std::string& sql, std::span<const Value> params) {
                        return conn.ForEachRow(sql, params, visit);
                      });
}

Result<int64_t> ExecuteIn(Connection& conn, std::string_view head, std::string_view tail,
                          std::span<const Value> keys, std::span<const Value> leading) {
  int64_t changed = 0;
  const PlanPerCall plan(conn);
  RETURN_IF_ERROR(ForEachChunk(head, tail, keys, leading,
                               [&](const std::string& sql, std::span<const Value> params) {
                                 ASSIGN_OR_RETURN(int64_t n, conn.Execute(sql, params));
                                 changed += n;
                                 return Status::Ok();
                               }));
  return changed;
}

}  // namespace vaxreg::storage
