#include "identity/duplicates.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "audit/audit_log.h"
#include "identity/area.h"
#include "identity/compare.h"
#include "identity/progress.h"
#include "text/name_key.h"

namespace vaxreg::identity {
namespace {

constexpr double kScoreCmnd = 0.99, kScoreCmndOtherName = 0.75, kScoreRegister = 0.95,
                 kScorePhone = 0.90, kScoreNameDobCommune = 0.85;

enum class BlockKind : char { kCmnd = 'm', kPhone = 'p', kNameDobCommune = 'n', kRegister = 'r' };

// A record as compared: the parsed fields next to the original row.
struct Prepared {
  const DuplicateRecord* record;
  std::string name_key;
  BirthDate dob;
  SexCode sex;
};

// Survivor preference: verified, then a CCCD, then a CMND, then the lower id.
bool PreferAsSurvivor(const DuplicateRecord& a, const DuplicateRecord& b) {
  auto rank = [](const DuplicateRecord& r) {
    return (r.identity_status == "verified" ? 4 : 0) + (!r.cccd.empty() ? 2 : 0) +
           (!r.cmnd.empty() ? 1 : 0);
  };
  if (rank(a) != rank(b)) return rank(a) > rank(b);
  return a.id < b.id;
}

// Two different identity numbers of one kind: two citizens.
bool IdsConflict(const DuplicateRecord& a, const DuplicateRecord& b) {
  return (!a.cccd.empty() && !b.cccd.empty() && a.cccd != b.cccd) ||
         (!a.cmnd.empty() && !b.cmnd.empty() && a.cmnd != b.cmnd);
}

struct PairState {
  DuplicateCandidate candidate;
  double miss = 1.0;  // prod(1 - score)
};

class PairCollector {
 public:
  void Consider(const Prepared& a, const Prepared& b, BlockKind kind) {
    if (IdsConflict(*a.record, *b.record)) return;
    const int8_t name = CompareNames(a.name_key, b.name_key);
    const int8_t dob = CompareBirthDates(a.dob, b.dob);
    const bool names_fit = name != kNull && name <= 3;
    const bool dobs_fit = dob != kNull && dob <= 2;
    const bool sex_differs = CompareSex(a.sex, b.sex) == 1;
    double score = 0;
    const char* reason = "";
    switch (kind) {
      case BlockKind::kCmnd:
        score = names_fit ? kScoreCmnd : kScoreCmndOtherName;
        reason = "same_cmnd";
        break;
      case BlockKind::kRegister:
        score = kScoreRegister;
        reason = "same_register_entry";
        break;
      case BlockKind::kPhone:
        if (!names_fit || !dobs_fit || sex_differs) return;
        score = kScorePhone;
        reason = "same_phone";
        break;
      case BlockKind::kNameDobCommune:
        if (sex_differs) return;
        score = kScoreNameDobCommune;
        reason = "same_name_dob_commune";
        break;
    }
    const bool a_survives = PreferAsSurvivor(*a.record, *b.record);
    const DuplicateRecord& s = a_survives ? *a.record : *b.record;
    const DuplicateRecord& d = a_survives ? *b.record : *a.record;
    PairState& st = pairs_[{s.id, d.id}];
    for (const std::string& r : st.candidate.reasons) {
      if (r == reason) return;  // one pair met in two blocks of the same kind
    }
    st.candidate.survivor_id = s.id;
    st.candidate.duplicate_id = d.id;
    st.candidate.name_level = name;
    st.candidate.dob_level = dob;
    st.candidate.reasons.emplace_back(reason);
    st.miss *= 1.0 - score;
    st.candidate.score = 1.0 - st.miss;
  }

  std::vector<DuplicateCandidate> Take() {
    std::vector<DuplicateCandidate> out;
    out.reserve(pairs_.size());
    for (auto& [key, st] : pairs_) out.push_back(std::move(st.candidate));
    return out;
  }

 private:
  std::map<std::pair<int64_t, int64_t>, PairState> pairs_;
};

}  // namespace

std::string DuplicateCandidate::ReasonsJson() const {
  std::string out = "{\"reasons\":[";
  for (size_t i = 0; i < reasons.size(); ++i) out += (i ? "," : "") + JsonString(reasons[i]);
  return out + "],\"name_level\":" + std::to_string(name_level) +
         ",\"dob_level\":" + std::to_string(dob_level) + "}";
}

std::string NormalisePhone(std::string_view phone) {
  std::string digits;
  for (char c : phone) {
    if (c >= '0' && c <= '9') digits += c;
  }
  if (digits.size() == 11 && digits.rfind("84", 0) == 0) digits = "0" + digits.substr(2);
  if (!digits.empty() && digits[0] != '0') digits = "0" + digits;
  return digits.size() >= 10 ? digits : std::string();
}

std::vector<DuplicateCandidate> FindDuplicateCandidates(const std::vector<DuplicateRecord>& records,
                                                        const DuplicateOptions& options,
                                                        uint64_t* skipped_blocks) {
  std::vector<Prepared> prepared;
  prepared.reserve(records.size());
  for (const DuplicateRecord& r : records) {
    prepared.push_back({&r, text::NameKey(r.full_name), ParseBirthDate(r.dob), ParseSex(r.sex)});
  }
  std::unordered_map<std::string, std::vector<uint32_t>> blocks;
  for (uint32_t i = 0; i < prepared.size(); ++i) {
    const Prepared& p = prepared[i];
    const DuplicateRecord& r = *p.record;
    if (!r.cmnd.empty()) blocks["m" + r.cmnd].push_back(i);
    if (r.register_id > 0) blocks["r" + std::to_string(r.register_id)].push_back(i);
    const std::string phone = NormalisePhone(r.phone);
    if (!phone.empty()) blocks["p" + phone].push_back(i);
    if (!p.name_key.empty() && p.dob.full() && !r.commune_code.empty()) {
      blocks["n" + p.name_key + "|" + r.dob + "|" + r.commune_code].push_back(i);
    }
  }
  PairCollector pairs;
  uint64_t skipped = 0;
  for (const auto& [key, members] : blocks) {
    if (members.size() < 2) continue;
    const auto kind = static_cast<BlockKind>(key[0]);
    if ((kind == BlockKind::kPhone || kind == BlockKind::kNameDobCommune) &&
        members.size() > options.max_block) {
      ++skipped;
      continue;
    }
    for (size_t x = 0; x < members.size(); ++x) {
      for (size_t y = x + 1; y < members.size(); ++y) {
        pairs.Consider(prepared[members[x]], prepared[members[y]], kind);
      }
    }
  }
  if (skipped_blocks != nullptr) *skipped_blocks = skipped;
  return pairs.Take();
}

namespace {

Result<std::vector<DuplicateRecord>> LoadRecords(storage::Connection& conn) {
  std::vector<DuplicateRecord> out;
  int64_t after = 0;
  for (;;) {
    ASSIGN_OR_RETURN(
        storage::Rows rows,
        conn.Query("SELECT p.id, COALESCE(p.cccd, ''), COALESCE(p.cmnd, ''), p.phone, "
                   "p.full_name, p.dob, p.sex, p.commune_code, p.identity_status, "
                   "COALESCE(r.register_id, 0) FROM people p "
                   "LEFT JOIN identity_results r ON r.person_id = p.id "
                   "WHERE p.id > $1 AND p.merged_into IS NULL ORDER BY p.id LIMIT 50000",
                   {after}));
    if (rows.empty()) break;
    for (const storage::Row& r : rows) {
      out.push_back({r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Text(6),
                     r.Text(7), r.Text(8), r.Int(9)});
    }
    after = out.back().id;
  }
  return out;
}

}  // namespace

Result<DetectReport> DetectDuplicates(storage::Database& db, storage::GroupCommitWriter& writer,
                                      const Clock& clock, const DuplicateOptions& options,
                                      const std::string& actor, std::ostream* progress) {
  DetectReport report;
  std::vector<DuplicateRecord> records;
  {
    ASSIGN_OR_RETURN(auto conn, db.Acquire());
    ASSIGN_OR_RETURN(records, LoadRecords(*conn));
  }
  report.people = records.size();
  const std::vector<DuplicateCandidate> candidates =
      FindDuplicateCandidates(records, options, &report.skipped_blocks);
  report.candidates = candidates.size();

  const int64_t now = ToUnixSeconds(clock.Now());
  const size_t batch = std::max<size_t>(1, options.write_batch);
  ProgressBar bar(progress, "proposing", candidates.size());
  for (size_t start = 0; start < candidates.size(); start += batch) {
    const size_t end = std::min(candidates.size(), start + batch);
    uint64_t proposed = 0, known = 0;
    const Status written = writer.SubmitAndWait([&](storage::Connection& c) -> Status {
      proposed = known = 0;  // a retried batch starts over
      for (size_t i = start; i < end; ++i) {
        const DuplicateCandidate& cand = candidates[i];
        ASSIGN_OR_RETURN(
            storage::Rows existing,
            c.Query("SELECT id FROM merge_proposals WHERE (survivor_id = $1 AND duplicate_id = $2) "
                    "OR (survivor_id = $2 AND duplicate_id = $1) LIMIT 1",
                    {cand.survivor_id, cand.duplicate_id}));
        if (!existing.empty()) {
          ++known;
          continue;
        }
        RETURN_IF_ERROR(c.Execute("INSERT INTO merge_proposals (survivor_id, duplicate_id, score, "
                                  "reasons_json, status, created_by, created_at) VALUES "
                                  "($1, $2, $3, $4, 'proposed', $5, $6)",
                                  {cand.survivor_id, cand.duplicate_id, cand.score,
                                   cand.ReasonsJson(), actor, now})
                            .status());
        ++proposed;
      }
      return Status::Ok();
    });
    RETURN_IF_ERROR(written);
    report.proposed += proposed;
    report.known += known;
    bar.Update(end);
  }
  bar.Finish();
  const std::string after =
      "{\"people\":" + std::to_string(report.people) + ",\"candidates\":" +
      std::to_string(report.candidates) + ",\"proposed\":" + std::to_string(report.proposed) +
      ",\"known\":" + std::to_string(report.known) + ",\"skipped_blocks\":" +
      std::to_string(report.skipped_blocks) + "}";
  RETURN_IF_ERROR(writer.SubmitAndWait([&](storage::Connection& c) {
    return audit::AppendAudit(
        c, clock, {actor, "identity.duplicates.detect", "people", "null", after, ""});
  }));
  return report;
}

}  // namespace vaxreg::identity
