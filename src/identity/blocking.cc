#include "identity/blocking.h"

#include <algorithm>
#include <functional>
#include <string_view>
#include <thread>

namespace vaxreg::identity {
namespace {

enum KeyTag : uint64_t {
  kCccd = 1, kCccd1to8, kCccdEnds, kCccd5to12, kCmnd, kGivenDob, kPairYear, kPairDistrict,
  kFamilyDob, kDobDistrict,
};

uint64_t Mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h ^= h >> 31;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 29;
  return h;
}

uint64_t HashText(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

uint64_t Key(KeyTag tag, uint64_t a, uint64_t b = 0, uint64_t c = 0) {
  return Mix(Mix(Mix(Mix(0x51ed2701, tag), a), b), c);
}

int Ymd(const BirthDate& d) { return d.year * 10000 + d.month * 100 + d.day; }

struct NameEnds {
  std::string_view first, last;
  bool ok = false;
};

NameEnds Ends(std::string_view name) {
  NameEnds e;
  if (name.empty()) return e;
  size_t sp = name.find(' ');
  e.first = name.substr(0, sp);
  size_t rsp = name.rfind(' ');
  e.last = rsp == std::string_view::npos ? name : name.substr(rsp + 1);
  e.ok = !e.first.empty() && !e.last.empty();
  return e;
}

uint64_t PairHash(const NameEnds& e) {
  uint64_t a = HashText(e.first), b = HashText(e.last);
  return Mix(std::min(a, b), std::max(a, b));
}

uint64_t SwapDigits(uint64_t v, int i, int digits) {  // swaps digit i and i+1 (0 = leftmost)
  uint64_t p_hi = 1, p_lo = 1;
  for (int k = 0; k < digits - 1 - i; ++k) p_hi *= 10;
  for (int k = 0; k < digits - 2 - i; ++k) p_lo *= 10;
  const uint64_t a = (v / p_hi) % 10, b = (v / p_lo) % 10;
  return v - a * p_hi - b * p_lo + b * p_hi + a * p_lo;
}

void CccdKeys(uint64_t cccd, std::vector<uint64_t>& out) {
  out.push_back(Key(kCccd, cccd));
  out.push_back(Key(kCccd1to8, cccd / 10000));
  out.push_back(Key(kCccdEnds, cccd / 100000000, cccd % 10000));
  out.push_back(Key(kCccd5to12, cccd % 100000000));
}

}  // namespace

void IndexKeys(const Person& p, std::vector<uint64_t>& out) {
  if (p.cccd != 0) CccdKeys(p.cccd, out);
  if (p.cmnd != 0) out.push_back(Key(kCmnd, p.cmnd));
  const NameEnds e = Ends(p.name);
  if (e.ok) {
    const uint64_t pair = PairHash(e);
    if (p.dob.full()) {
      out.push_back(Key(kGivenDob, HashText(e.last), static_cast<uint64_t>(Ymd(p.dob))));
      out.push_back(Key(kFamilyDob, HashText(e.first), static_cast<uint64_t>(Ymd(p.dob))));
    }
    if (p.dob.known()) out.push_back(Key(kPairYear, pair, static_cast<uint64_t>(p.dob.year)));
    if (p.district != 0) out.push_back(Key(kPairDistrict, pair, p.district));
  }
  if (p.dob.full() && p.district != 0) {
    out.push_back(Key(kDobDistrict, static_cast<uint64_t>(Ymd(p.dob)), p.district));
  }
}

BlockingIndex::BlockingIndex(std::span<const Person> people, size_t max_block, int threads)
    : people_(people), max_block_(max_block) {
  // Two passes (count, then fill each thread's slice of one array) so the index is never copied:
  // at 1e7 people it is over a gigabyte.
  const size_t parts = static_cast<size_t>(std::max(1, threads));
  std::vector<size_t> counts(parts + 1, 0);
  auto range = [&](size_t t) {
    return std::pair<size_t, size_t>(people.size() * t / parts, people.size() * (t + 1) / parts);
  };
  auto run = [&](const std::function<void(size_t)>& work) {
    std::vector<std::thread> pool;
    for (size_t t = 1; t < parts; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
  };
  run([&](size_t t) {
    std::vector<uint64_t> keys;
    auto [begin, end] = range(t);
    for (size_t i = begin; i < end; ++i) {
      keys.clear();
      IndexKeys(people[i], keys);
      counts[t + 1] += keys.size();
    }
  });
  for (size_t t = 1; t <= parts; ++t) counts[t] += counts[t - 1];
  entries_.resize(counts[parts]);
  auto by_key = [](const Entry& a, const Entry& b) { return a.key < b.key; };
  run([&](size_t t) {
    std::vector<uint64_t> keys;
    auto [begin, end] = range(t);
    size_t at = counts[t];
    for (size_t i = begin; i < end; ++i) {
      keys.clear();
      IndexKeys(people[i], keys);
      for (uint64_t k : keys) entries_[at++] = {k, static_cast<uint32_t>(i)};
    }
    std::sort(entries_.begin() + static_cast<long>(counts[t]),
              entries_.begin() + static_cast<long>(counts[t + 1]), by_key);
  });
  for (size_t t = 1; t < parts; ++t) {
    std::inplace_merge(entries_.begin(), entries_.begin() + static_cast<long>(counts[t]),
                       entries_.begin() + static_cast<long>(counts[t + 1]), by_key);
  }
  // A directory on the top bits of the key narrows each binary search to a few entries.
  int bits = 1;
  while ((size_t{1} << bits) < entries_.size() && bits < 26) ++bits;
  bucket_shift_ = 64 - bits;
  bucket_start_.assign((size_t{1} << bits) + 1, 0);
  size_t e = 0;
  for (size_t b = 0; b < (size_t{1} << bits); ++b) {
    bucket_start_[b] = static_cast<uint32_t>(e);
    while (e < entries_.size() && (entries_[e].key >> bucket_shift_) == b) ++e;
  }
  bucket_start_.back() = static_cast<uint32_t>(entries_.size());
}

size_t BlockingIndex::memory_bytes() const {
  return entries_.capacity() * sizeof(Entry) + bucket_start_.capacity() * sizeof(uint32_t);
}

bool BlockingIndex::Lookup(uint64_t key, bool capped, std::vector<uint32_t>& out) const {
  if (entries_.empty()) return true;
  const size_t b = key >> bucket_shift_;
  auto lo = entries_.begin() + bucket_start_[b], hi = entries_.begin() + bucket_start_[b + 1];
  auto first = std::lower_bound(lo, hi, key, [](const Entry& e, uint64_t k) { return e.key < k; });
  auto last = first;
  while (last != hi && last->key == key) ++last;
  if (capped && static_cast<size_t>(last - first) > max_block_) return false;
  for (auto it = first; it != last; ++it) out.push_back(it->idx);
  return true;
}

void BlockingIndex::ExactCccd(uint64_t cccd, std::vector<uint32_t>& out) const {
  std::vector<uint32_t> found;
  Lookup(Key(kCccd, cccd), false, found);
  for (uint32_t i : found) {
    if (people_[i].cccd == cccd) out.push_back(i);
  }
}

void BlockingIndex::Candidates(const Person& q, std::vector<uint32_t>& out) const {
  out.clear();
  std::vector<uint64_t> id_keys;
  if (q.cccd != 0) {
    CccdKeys(q.cccd, id_keys);
    for (int i : {3, 7}) id_keys.push_back(Key(kCccd, SwapDigits(q.cccd, i, 12)));
  }
  if (q.cmnd != 0) id_keys.push_back(Key(kCmnd, q.cmnd));
  for (uint64_t k : id_keys) Lookup(k, false, out);

  std::vector<uint64_t> keys;
  std::vector<int> dates;
  if (q.dob.full()) {
    dates.push_back(Ymd(q.dob));
    if (q.dob.day <= 12 && q.dob.day != q.dob.month) {
      dates.push_back(q.dob.year * 10000 + q.dob.day * 100 + q.dob.month);
    }
  }
  const NameEnds e = Ends(q.name);
  if (e.ok) {
    const uint64_t pair = PairHash(e);
    const uint64_t first = HashText(e.first), last = HashText(e.last);
    for (int d : dates) {
      const auto ud = static_cast<uint64_t>(d);
      keys.push_back(Key(kGivenDob, last, ud));
      keys.push_back(Key(kFamilyDob, first, ud));
      if (first != last) {
        keys.push_back(Key(kGivenDob, first, ud));
        keys.push_back(Key(kFamilyDob, last, ud));
      }
    }
    if (q.dob.known()) keys.push_back(Key(kPairYear, pair, static_cast<uint64_t>(q.dob.year)));
    if (q.district != 0) keys.push_back(Key(kPairDistrict, pair, q.district));
  }
  if (q.district != 0) {
    for (int d : dates) keys.push_back(Key(kDobDistrict, static_cast<uint64_t>(d), q.district));
  }
  for (uint64_t k : keys) Lookup(k, true, out);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

}  // namespace vaxreg::identity
