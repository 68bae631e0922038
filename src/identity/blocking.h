#pragma once
// Blocking for record linkage: instead of comparing a record with every register entry, each
// entry is indexed under a few keys and a record is compared only with the entries that share a
// key with it, so the cost grows linearly with the data. Keys (hashed to 64 bits):
//   CCCD exact; CCCD digits 1-8, 1-4 + 9-12 and 5-12 (a one-digit error or an adjacent swap
//   inside a part leaves one of them intact); CMND exact;
//   given name + birth date; family name + birth date; {first, last syllable} + birth year;
//   {first, last syllable} + district; birth date + district.
// Queries add variants on the record side only (given/family swapped, day/month swapped, the two
// CCCD swaps that straddle parts), which costs lookups but no index memory. Name and date blocks
// larger than max_block entries are skipped as unselective (identity-number blocks never are).
// Immutable after construction; thread-safe for queries.

#include <cstdint>
#include <span>
#include <vector>

#include "identity/person.h"

namespace vaxreg::identity {

// The keys a register entry is indexed under (appended to out).
void IndexKeys(const Person& p, std::vector<uint64_t>& out);

class BlockingIndex {
 public:
  // Indexes people[i] as candidate i. `threads` > 1 builds the key lists in parallel.
  BlockingIndex(std::span<const Person> people, size_t max_block, int threads = 1);

  // Candidate indexes for `query`, sorted and distinct, replacing the contents of `out`.
  void Candidates(const Person& query, std::vector<uint32_t>& out) const;
  // Indexes of entries whose CCCD equals `cccd` (appended to out).
  void ExactCccd(uint64_t cccd, std::vector<uint32_t>& out) const;

  size_t entries() const { return entries_.size(); }
  size_t memory_bytes() const;

 private:
#pragma pack(push, 4)
  struct Entry {  // 12 bytes: the index is the largest structure at 1e7 people
    uint64_t key;
    uint32_t idx;
  };
#pragma pack(pop)
  // Appends the candidates under `key`; false if the block was skipped as too large.
  bool Lookup(uint64_t key, bool capped, std::vector<uint32_t>& out) const;

  std::span<const Person> people_;
  size_t max_block_;
  std::vector<Entry> entries_;       // sorted by key
  std::vector<uint32_t> bucket_start_;  // first entry whose key's top bits are >= the bucket
  int bucket_shift_ = 64;
};

}  // namespace vaxreg::identity
