#pragma once
// Batched lookups by a set of keys: "... WHERE column IN ($k, $k+1, ...)" run over the keys in
// chunks, so a chunk of an import costs a handful of statements instead of one per key.
//
// Each chunk is padded to a power of two (at most kInListChunk) with NULLs, which match nothing,
// so a query comes in at most nine shapes that stay in SQLite's prepared-statement cache instead
// of one shape per key count. PostgreSQL plans each chunk for its keys (Connection::
// SetPlanPerCall): a plan kept from when the table was small would scan it in full.

#include <span>
#include <string_view>

#include "storage/database.h"

namespace vaxreg::storage {

inline constexpr size_t kInListChunk = 256;

// Runs `head` + " IN (" placeholders ")" + `tail` once per chunk of `keys` and returns the rows
// of all chunks (in no particular order across chunks). `leading` are bound first, as $1..$n;
// the key placeholders follow them. An empty `keys` runs nothing.
// Example: QueryIn(conn, "SELECT id FROM people WHERE cccd", "", cccds).
Result<Rows> QueryIn(Connection& conn, std::string_view head, std::string_view tail,
                     std::span<const Value> keys, std::span<const Value> leading = {});

// Like QueryIn, handing each row to `visit` as it is read (Connection::ForEachRow) instead of
// holding them all.
Status ForEachRowIn(Connection& conn, std::string_view head, std::string_view tail,
                    std::span<const Value> keys, const Connection::RowVisitor& visit,
                    std::span<const Value> leading = {});

// Like QueryIn for a statement without rows (UPDATE ... WHERE id IN (...)); returns the number
// of rows changed.
Result<int64_t> ExecuteIn(Connection& conn, std::string_view head, std::string_view tail,
                          std::span<const Value> keys, std::span<const Value> leading = {});

}  // namespace vaxreg::storage
