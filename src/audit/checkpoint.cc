#include "audit/checkpoint.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "audit/audit_log.h"
#include "common/crypto_util.h"
#include "common/logging.h"

namespace vaxreg::audit {
namespace fs = std::filesystem;
namespace {

constexpr char kSignedPrefix[] = "vaxreg-audit-checkpoint-v1\n";
constexpr char kKeyHeader[] = "vaxreg audit checkpoint key (Ed25519 seed, hex)";
constexpr size_t kMaxLineBytes = 4096;

Status Errno(const std::string& what) {
  return UnavailableError(what + ": " + std::strerror(errno));
}

// Writes `text` to a new file `path` with `mode`, fsynced; kAlreadyExists if it exists.
Status WriteNewFile(const fs::path& path, std::string_view text, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    if (errno == EEXIST) return AlreadyExistsError(path.string() + " already exists");
    return Errno("cannot create " + path.string());
  }
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return Errno("cannot write " + path.string());
  return Status::Ok();
}

Status FsyncDir(const fs::path& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open " + dir.string());
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Errno("cannot sync " + dir.string());
  return Status::Ok();
}

Result<std::string> ReadSmallFile(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return NotFoundError("cannot read " + file.string());
  std::string text(kMaxLineBytes, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) {
    s.remove_suffix(1);
  }
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n')) s.remove_prefix(1);
  return std::string(s);
}

bool IsHex(std::string_view s, size_t bytes) {
  std::string out;
  return s.size() == 2 * bytes && HexDecode(s, &out);
}

}  // namespace

std::string Checkpoint::SignedBytes() const {
  return std::string(kSignedPrefix) + "count:" + std::to_string(count) + "\nhead:" + head_hash +
         "\nat:" + std::to_string(at) + "\n";
}

std::string Checkpoint::ToJsonLine() const {
  boost::json::object o{{"v", 1},   {"count", count},           {"head_hash", head_hash},
                        {"at", at}, {"public_key", public_key}, {"signature", signature}};
  return boost::json::serialize(o);
}

Result<Checkpoint> Checkpoint::FromJsonLine(std::string_view line) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(line, ec);
  if (ec || !v.is_object()) return InvalidArgumentError("not a JSON object");
  const boost::json::object& o = v.get_object();
  auto integer = [&o](const char* k) -> std::optional<int64_t> {
    const boost::json::value* f = o.if_contains(k);
    if (f == nullptr || !f->is_int64()) return std::nullopt;
    return f->get_int64();
  };
  auto text = [&o](const char* k) -> std::optional<std::string> {
    const boost::json::value* f = o.if_contains(k);
    if (f == nullptr || !f->is_string()) return std::nullopt;
    return std::string(f->get_string());
  };
  auto version = integer("v");
  auto count = integer("count");
  auto at = integer("at");
  auto head = text("head_hash");
  auto key = text("public_key");
  auto sig = text("signature");
  if (!version || *version != 1) return InvalidArgumentError("unknown checkpoint version");
  if (!count || *count < 0 || !at || !head || !IsHex(*head, 32) || !key || !IsHex(*key, 32) ||
      !sig || !IsHex(*sig, 64)) {
    return InvalidArgumentError("missing or malformed checkpoint field");
  }
  Checkpoint c;
  c.count = *count;
  c.at = *at;
  c.head_hash = *head;
  c.public_key = *key;
  c.signature = *sig;
  return c;
}

fs::path CheckpointPublicKeyFile(const fs::path& key_file) {
  return fs::path(key_file.string() + ".pub");
}

CheckpointKey::~CheckpointKey() { sodium_memzero(secret_.data(), secret_.size()); }
CheckpointKey::CheckpointKey(CheckpointKey&& o) noexcept
    : secret_(o.secret_), public_hex_(std::move(o.public_hex_)) {
  sodium_memzero(o.secret_.data(), o.secret_.size());
}
CheckpointKey& CheckpointKey::operator=(CheckpointKey&& o) noexcept {
  if (this != &o) {
    secret_ = o.secret_;
    public_hex_ = std::move(o.public_hex_);
    sodium_memzero(o.secret_.data(), o.secret_.size());
  }
  return *this;
}

Result<CheckpointKey> CheckpointKey::Load(const fs::path& key_file) {
  ASSIGN_OR_RETURN(std::string text, ReadSmallFile(key_file));
  const size_t nl = text.find('\n');
  std::string seed;
  const bool ok = nl != std::string::npos && text.substr(0, nl) == kKeyHeader &&
                  HexDecode(Trim(std::string_view(text).substr(nl + 1)), &seed) &&
                  seed.size() == crypto_sign_SEEDBYTES;
  sodium_memzero(text.data(), text.size());
  if (!ok) {
    sodium_memzero(seed.data(), seed.size());
    return InvalidArgumentError(key_file.string() + " is not an audit checkpoint key");
  }
  CheckpointKey k;
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> pk{};
  crypto_sign_seed_keypair(pk.data(), k.secret_.data(),
                           reinterpret_cast<const unsigned char*>(seed.data()));
  sodium_memzero(seed.data(), seed.size());
  k.public_hex_ = HexEncode(std::string_view(reinterpret_cast<const char*>(pk.data()), pk.size()));
  return k;
}

Result<CheckpointKey> CheckpointKey::LoadOrCreate(const fs::path& key_file) {
  std::error_code ec;
  if (fs::exists(key_file, ec)) return Load(key_file);
  if (key_file.has_parent_path()) fs::create_directories(key_file.parent_path(), ec);
  std::string seed = RandomBytes(crypto_sign_SEEDBYTES);
  std::string text = std::string(kKeyHeader) + "\n" + HexEncode(seed) + "\n";
  sodium_memzero(seed.data(), seed.size());
  Status st = WriteNewFile(key_file, text, 0600);
  sodium_memzero(text.data(), text.size());
  if (!st.ok() && st.code() != StatusCode::kAlreadyExists) return st;  // else another process won
  ASSIGN_OR_RETURN(CheckpointKey k, Load(key_file));
  const fs::path pub = CheckpointPublicKeyFile(key_file);
  if (!fs::exists(pub, ec)) {
    Status pst = WriteNewFile(pub, k.public_hex_ + "\n", 0644);
    if (!pst.ok() && pst.code() != StatusCode::kAlreadyExists) return pst;
  }
  RETURN_IF_ERROR(FsyncDir(key_file.parent_path()));
  return k;
}

Checkpoint CheckpointKey::Sign(int64_t count, std::string head_hash, int64_t at) const {
  Checkpoint c;
  c.count = count;
  c.head_hash = std::move(head_hash);
  c.at = at;
  c.public_key = public_hex_;
  const std::string msg = c.SignedBytes();
  std::array<unsigned char, crypto_sign_BYTES> sig{};
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(msg.data()),
                       msg.size(), secret_.data());
  c.signature = HexEncode(std::string_view(reinterpret_cast<const char*>(sig.data()), sig.size()));
  return c;
}

Result<std::string> LoadCheckpointPublicKey(const fs::path& pub_file) {
  ASSIGN_OR_RETURN(std::string text, ReadSmallFile(pub_file));
  std::string hex = Trim(text);
  if (!IsHex(hex, crypto_sign_PUBLICKEYBYTES)) {
    return InvalidArgumentError(pub_file.string() + " is not an audit checkpoint public key");
  }
  return hex;
}

bool CheckpointSignatureValid(const Checkpoint& c, std::string_view public_key_hex) {
  if (c.public_key != public_key_hex) return false;
  std::string pk, sig;
  if (!HexDecode(public_key_hex, &pk) || pk.size() != crypto_sign_PUBLICKEYBYTES ||
      !HexDecode(c.signature, &sig) || sig.size() != crypto_sign_BYTES) {
    return false;
  }
  const std::string msg = c.SignedBytes();
  return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig.data()),
                                     reinterpret_cast<const unsigned char*>(msg.data()), msg.size(),
                                     reinterpret_cast<const unsigned char*>(pk.data())) == 0;
}

Status AppendCheckpointFile(const fs::path& file, const Checkpoint& c) {
  std::error_code ec;
  const bool created = !fs::exists(file, ec);
  if (created && file.has_parent_path()) fs::create_directories(file.parent_path(), ec);
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("cannot open " + file.string());
  const std::string line = c.ToJsonLine() + "\n";
  // One write of a short line: appends from several processes do not interleave.
  const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return Errno("cannot append to " + file.string());
  if (created) RETURN_IF_ERROR(FsyncDir(file.parent_path()));
  return Status::Ok();
}

Result<std::vector<Checkpoint>> ReadCheckpointFile(const fs::path& file) {
  std::vector<Checkpoint> out;
  std::error_code ec;
  if (!fs::exists(file, ec)) return out;
  std::ifstream in(file, std::ios::binary);
  if (!in) return NotFoundError("cannot read " + file.string());
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (Trim(line).empty()) continue;
    auto c = Checkpoint::FromJsonLine(line);
    if (!c.ok()) {
      return InvalidArgumentError(file.string() + " line " + std::to_string(number) + ": " +
                                  c.status().message());
    }
    out.push_back(std::move(*c));
  }
  return out;
}

Result<Checkpoint> MakeCheckpoint(storage::Connection& conn, const CheckpointKey& key,
                                  SystemTime now, const std::optional<Checkpoint>& previous) {
  int64_t from_seq = 0;
  std::string from_hash = AuditGenesisHash();
  if (previous && previous->count > 0) {
    ASSIGN_OR_RETURN(storage::Rows rows,
                     conn.Query("SELECT hash FROM audit_log WHERE seq = $1", {previous->count}));
    if (rows.empty() || rows[0].Text(0) != previous->head_hash) {
      return FailedPreconditionError("the audit log no longer matches the last checkpoint (" +
                                     std::to_string(previous->count) + " rows): " +
                                     (rows.empty() ? "rows were deleted" : "rows were rewritten") +
                                     "; not checkpointing it");
    }
    from_seq = previous->count;
    from_hash = previous->head_hash;
  }
  ASSIGN_OR_RETURN(VerifyReport report, VerifyAuditChainFrom(conn, from_seq, from_hash));
  if (!report.ok) {
    return FailedPreconditionError("the audit log is broken at seq " +
                                   std::to_string(report.first_bad_seq) + ": " + report.problem +
                                   "; not checkpointing it");
  }
  const std::string head = report.head_seq == 0 ? AuditGenesisHash() : report.head_hash;
  return key.Sign(report.head_seq, head, ToUnixSeconds(now));
}

Status RecordCheckpoint(storage::Connection& conn, const Checkpoint& c) {
  return conn
      .Execute(
          "INSERT INTO audit_checkpoints (row_count, head_hash, at, public_key, signature) "
          "VALUES ($1, $2, $3, $4, $5)",
          {c.count, c.head_hash, c.at, c.public_key, c.signature})
      .status();
}

Result<std::optional<Checkpoint>> LatestRecordedCheckpoint(storage::Connection& conn) {
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT row_count, head_hash, at, public_key, signature FROM "
                              "audit_checkpoints ORDER BY id DESC LIMIT 1"));
  if (rows.empty()) return std::optional<Checkpoint>();
  Checkpoint c;
  c.count = rows[0].Int(0);
  c.head_hash = rows[0].Text(1);
  c.at = rows[0].Int(2);
  c.public_key = rows[0].Text(3);
  c.signature = rows[0].Text(4);
  return std::optional<Checkpoint>(std::move(c));
}

Result<Checkpoint> PublishCheckpoint(storage::Database& db, storage::GroupCommitWriter& writer,
                                     const CheckpointKey& key, const fs::path& file,
                                     const Clock& clock) {
  ASSIGN_OR_RETURN(std::vector<Checkpoint> existing, ReadCheckpointFile(file));
  std::optional<Checkpoint> previous;
  if (!existing.empty()) {
    previous = existing.back();
    if (!CheckpointSignatureValid(*previous, key.public_key_hex())) {
      return FailedPreconditionError("the last checkpoint in " + file.string() +
                                     " is not signed by this checkpoint key");
    }
  }
  Checkpoint c;
  {
    ASSIGN_OR_RETURN(auto conn, db.Acquire());
    ASSIGN_OR_RETURN(c, MakeCheckpoint(*conn, key, clock.Now(), previous));
  }
  RETURN_IF_ERROR(AppendCheckpointFile(file, c));
  RETURN_IF_ERROR(
      writer.SubmitAndWait([&c](storage::Connection& conn) { return RecordCheckpoint(conn, c); }));
  return c;
}

Result<CheckpointReport> VerifyCheckpoints(storage::Connection& conn,
                                           const std::vector<Checkpoint>& checkpoints,
                                           std::string_view public_key_hex) {
  CheckpointReport report;
  int64_t previous_count = 0;
  for (size_t i = 0; i < checkpoints.size(); ++i) {
    const Checkpoint& c = checkpoints[i];
    const std::string name = "checkpoint " + std::to_string(i + 1) + " (" +
                             std::to_string(c.count) + " rows, at " + std::to_string(c.at) + ")";
    auto fail = [&](std::string problem) {
      report.ok = false;
      report.problem = name + ": " + std::move(problem);
      return report;
    };
    if (!CheckpointSignatureValid(c, public_key_hex)) {
      return fail("bad signature, or signed by another key");
    }
    if (c.count < previous_count) return fail("its count is lower than the checkpoint before it");
    previous_count = c.count;
    if (c.count > 0) {
      ASSIGN_OR_RETURN(storage::Rows rows,
                       conn.Query("SELECT hash FROM audit_log WHERE seq = $1", {c.count}));
      if (rows.empty()) {
        return fail("the audit log has fewer rows than were checkpointed (rows were deleted)");
      }
      if (rows[0].Text(0) != c.head_hash) {
        return fail("row " + std::to_string(c.count) +
                    " does not have the checkpointed hash (the log was rewritten)");
      }
    }
    ++report.checkpoints_checked;
    report.highest_count = c.count;
  }
  return report;
}

Checkpointer::Checkpointer(storage::Database& db, storage::GroupCommitWriter& writer,
                           const Clock& clock, CheckpointKey key, fs::path file,
                           std::chrono::seconds interval)
    : db_(db),
      writer_(writer),
      clock_(clock),
      key_(std::move(key)),
      file_(std::move(file)),
      interval_(interval) {
  thread_ = std::thread([this] { Loop(); });
}

Checkpointer::~Checkpointer() { Stop(); }

void Checkpointer::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Checkpointer::Loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    auto c = PublishCheckpoint(db_, writer_, key_, file_, clock_);
    if (c.ok()) {
      spdlog::info("audit checkpoint: {} rows, head {}", c->count, c->head_hash);
    } else {
      spdlog::error("audit checkpoint failed: {}", c.status().message());
    }
    lock.lock();
    cv_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace vaxreg::audit
