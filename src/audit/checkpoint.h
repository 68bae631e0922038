#pragma once
// Signed checkpoints of the audit chain head, kept outside the database.
//
// The hash chain (audit_log.h) shows a row altered, inserted or deleted in the middle, but not
// the newest rows deleted, the whole chain rewritten from row 1, or every row deleted: each of
// those leaves a chain that links up. A checkpoint is (count, head_hash, at) signed with an
// Ed25519 key that is not in the database (audit.checkpoint_key), appended as one JSON line to a
// file outside the database (audit.checkpoint_file, fsynced) and copied to the table
// audit_checkpoints so the server can publish the latest one. VerifyCheckpoints then requires,
// for every checkpoint in the file, a valid signature by the trusted public key, at least
// `count` rows, and row `count` hashing to head_hash; with the chain itself intact from row 1,
// the first `count` rows are exactly the ones that were checkpointed.
//
// File line: {"v":1,"count":N,"head_hash":"<hex>","at":<unix s>,"public_key":"<hex>",
// "signature":"<hex>"}; the signature covers SignedBytes().
//
// Key files: KEY holds the Ed25519 seed (hex, mode 0600) and KEY.pub the public key (hex); the
// public key is what verifiers must get from a trusted place (never from the checkpoint file).
//
// Thread-safety: CheckpointKey is immutable after loading; Checkpointer runs its own thread.

#include <array>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "storage/database.h"
#include "storage/group_commit.h"

namespace vaxreg::audit {

struct Checkpoint {
  int64_t count = 0;       // rows in the chain, = seq of the head row
  std::string head_hash;   // hash of row `count` (AuditGenesisHash() when count is 0)
  int64_t at = 0;          // Unix seconds
  std::string public_key;  // hex Ed25519 public key of the signer
  std::string signature;   // hex Ed25519 signature over SignedBytes()

  // "vaxreg-audit-checkpoint-v1\ncount:N\nhead:HASH\nat:T\n"
  std::string SignedBytes() const;
  // One JSON line without the newline.
  std::string ToJsonLine() const;
  // kInvalidArgument for anything that is not such a line.
  static Result<Checkpoint> FromJsonLine(std::string_view line);
};

// KEY.pub for KEY.
std::filesystem::path CheckpointPublicKeyFile(const std::filesystem::path& key_file);

class CheckpointKey final {
 public:
  // Loads KEY, or creates KEY (mode 0600) and KEY.pub when KEY does not exist.
  static Result<CheckpointKey> LoadOrCreate(const std::filesystem::path& key_file);
  static Result<CheckpointKey> Load(const std::filesystem::path& key_file);
  ~CheckpointKey();
  CheckpointKey(CheckpointKey&&) noexcept;
  CheckpointKey& operator=(CheckpointKey&&) noexcept;

  const std::string& public_key_hex() const { return public_hex_; }
  Checkpoint Sign(int64_t count, std::string head_hash, int64_t at) const;

 private:
  CheckpointKey() = default;
  std::array<unsigned char, 64> secret_{};
  std::string public_hex_;
};

// The hex public key in a KEY.pub file.
Result<std::string> LoadCheckpointPublicKey(const std::filesystem::path& pub_file);

// True when `c` carries a valid signature by `public_key_hex` (and names that key).
bool CheckpointSignatureValid(const Checkpoint& c, std::string_view public_key_hex);

// Appends `c` as one line to `file` (created with mode 0644 if needed) and fsyncs it (and its
// folder when it was created).
Status AppendCheckpointFile(const std::filesystem::path& file, const Checkpoint& c);
// Every checkpoint in `file`, in file order; an absent file has none. kInvalidArgument naming the
// line for a malformed line.
Result<std::vector<Checkpoint>> ReadCheckpointFile(const std::filesystem::path& file);

// Takes a checkpoint of the current head on `conn` (any connection: committed rows only). The
// chain is verified first: from `previous` (which must still match: row previous.count hashes to
// previous.head_hash) to the head, or from row 1 when there is no previous checkpoint. A chain
// that fails is not checkpointed: kFailedPrecondition with what was found.
Result<Checkpoint> MakeCheckpoint(storage::Connection& conn, const CheckpointKey& key,
                                  SystemTime now, const std::optional<Checkpoint>& previous);

// Copies `c` into audit_checkpoints (in the caller's write transaction).
Status RecordCheckpoint(storage::Connection& conn, const Checkpoint& c);
// The newest row of audit_checkpoints, if any (what the server publishes).
Result<std::optional<Checkpoint>> LatestRecordedCheckpoint(storage::Connection& conn);

// The whole publication: the previous checkpoint from `file` (its signature checked against
// `key`), MakeCheckpoint, append to `file`, then RecordCheckpoint through `writer`.
Result<Checkpoint> PublishCheckpoint(storage::Database& db, storage::GroupCommitWriter& writer,
                                     const CheckpointKey& key, const std::filesystem::path& file,
                                     const Clock& clock);

struct CheckpointReport {
  bool ok = true;
  int checkpoints_checked = 0;
  int64_t highest_count = 0;
  std::string problem;  // when !ok: the first problem, naming the checkpoint's line
};

// Checks every checkpoint against the chain on `conn`: signed by `public_key_hex`, counts never
// decreasing, the chain has at least `count` rows and row `count` has the checkpointed hash.
// Run it together with VerifyAuditChain, which shows that rows 1..count link up.
Result<CheckpointReport> VerifyCheckpoints(storage::Connection& conn,
                                           const std::vector<Checkpoint>& checkpoints,
                                           std::string_view public_key_hex);

// Publishes a checkpoint every `interval` (the first one at start) until stopped. Failures are
// logged (a chain that no longer matches the last checkpoint as an error) and retried at the
// next interval.
class Checkpointer final {
 public:
  Checkpointer(storage::Database& db, storage::GroupCommitWriter& writer, const Clock& clock,
               CheckpointKey key, std::filesystem::path file, std::chrono::seconds interval);
  ~Checkpointer();  // Stop()
  // Waits for a publication in progress. Idempotent.
  void Stop();

 private:
  void Loop();

  storage::Database& db_;
  storage::GroupCommitWriter& writer_;
  const Clock& clock_;
  CheckpointKey key_;
  std::filesystem::path file_;
  std::chrono::seconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace vaxreg::audit
