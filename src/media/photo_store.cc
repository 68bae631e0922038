#include "media/photo_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/crypto_util.h"
#include "common/logging.h"

namespace vaxreg::media {
namespace {

namespace fs = std::filesystem;

// The citizen sees the Status; the operator needs the path and errno: those go to the log only.
Status IoError(std::string_view what, const fs::path& path, int err) {
  spdlog::error("photo store: {} {}: {}", what, path.string(), std::strerror(err));
  return UnavailableError("the photo store is unavailable; try again later");
}

Status SyncDirectory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError("cannot open", dir, errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return IoError("fsync of", dir, err);
  return Status::Ok();
}

// Creates `dir` when missing; a new entry is made durable in its parent.
Status EnsureDirectory(const fs::path& dir) {
  if (::mkdir(dir.c_str(), 0750) == 0) return SyncDirectory(dir.parent_path());
  if (errno == EEXIST) return Status::Ok();
  return IoError("cannot create", dir, errno);
}

Status WriteAll(int fd, std::string_view bytes, const fs::path& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot write", path, errno);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

// Writes, fsyncs and closes a new file `tmp`; removes it on failure.
Status WriteDurably(const fs::path& tmp, std::string_view bytes) {
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) return IoError("cannot create", tmp, errno);
  Status st = WriteAll(fd, bytes, tmp);
  if (st.ok() && ::fsync(fd) != 0) st = IoError("fsync of", tmp, errno);
  if (::close(fd) != 0 && st.ok()) st = IoError("cannot close", tmp, errno);
  if (!st.ok()) ::unlink(tmp.c_str());
  return st;
}

// Moves `tmp` to `path` unless `path` exists (then `tmp` is dropped and the file kept). Where
// the filesystem cannot refuse to replace (RENAME_NOREPLACE unsupported, e.g. NFS), a plain
// rename replaces the file with the same bytes.
Status MoveIntoPlace(const fs::path& tmp, const fs::path& path) {
  if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) == 0) {
    return Status::Ok();
  }
  int err = errno;
  if (err == EEXIST) {
    ::unlink(tmp.c_str());
    return Status::Ok();
  }
  if (err == EINVAL || err == ENOSYS || err == ENOTSUP) {
    if (::rename(tmp.c_str(), path.c_str()) == 0) return Status::Ok();
    err = errno;
  }
  ::unlink(tmp.c_str());
  return IoError("cannot rename into", path, err);
}

}  // namespace

bool IsPhotoHash(std::string_view h) {
  if (h.size() != 64) return false;
  for (char c : h) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

PhotoStore::PhotoStore(fs::path root) : root_(std::move(root)) {}

Result<std::unique_ptr<PhotoStore>> PhotoStore::Open(fs::path root) {
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec || !fs::is_directory(root, ec)) {
    spdlog::error("photo store: cannot use {} as the photo folder: {}", root.string(),
                  ec ? ec.message() : "not a directory");
    return UnavailableError("the photo folder " + root.string() + " cannot be used");
  }
  return std::make_unique<PhotoStore>(std::move(root));
}

Result<fs::path> PhotoStore::PathOf(std::string_view h) const {
  if (!IsPhotoHash(h)) {
    return InvalidArgumentError("a photo id is 64 lowercase hex digits", "photo");
  }
  return root_ / std::string(h.substr(0, 2)) / std::string(h.substr(2, 2)) /
         (std::string(h) + ".jpg");
}

Status PhotoStore::Put(std::string_view h, std::string_view bytes) const {
  ASSIGN_OR_RETURN(const fs::path path, PathOf(h));
  if (HexEncode(Sha256(bytes)) != h) {
    return InvalidArgumentError("the photo's bytes do not match its id", "photo");
  }
  const fs::path dir = path.parent_path();
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    // Stored already, possibly by a process that crashed before syncing the folder: sync it
    // before saying the photo is durable.
    return SyncDirectory(dir);
  }
  if (errno != ENOENT && errno != ENOTDIR) return IoError("cannot stat", path, errno);
  if (::access(root_.c_str(), F_OK) != 0) {
    std::error_code ec;
    fs::create_directories(root_, ec);
    if (ec) return IoError("cannot create", root_, ec.value());
  }
  RETURN_IF_ERROR(EnsureDirectory(dir.parent_path()));
  RETURN_IF_ERROR(EnsureDirectory(dir));

  static std::atomic<uint64_t> counter{0};
  char suffix[48];
  std::snprintf(suffix, sizeof suffix, ".tmp.%ld.%llu", static_cast<long>(::getpid()),
                static_cast<unsigned long long>(counter.fetch_add(1)));
  const fs::path tmp = dir / (std::string(h) + suffix);
  RETURN_IF_ERROR(WriteDurably(tmp, bytes));
  RETURN_IF_ERROR(MoveIntoPlace(tmp, path));
  return SyncDirectory(dir);
}

Result<std::string> PhotoStore::Get(std::string_view h) const {
  ASSIGN_OR_RETURN(const fs::path path, PathOf(h));
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return NotFoundError("no such photo");
    return IoError("cannot open", path, errno);
  }
  std::string out;
  struct stat st;
  if (::fstat(fd, &st) == 0 && st.st_size > 0) out.reserve(static_cast<size_t>(st.st_size));
  char buffer[64 * 1024];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return IoError("cannot read", path, err);
    }
    if (n == 0) break;
    out.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  if (HexEncode(Sha256(out)) != h) {
    spdlog::error("photo store: {} does not hash to its name", path.string());
    return InternalError("a stored photo is damaged");
  }
  return out;
}

}  // namespace vaxreg::media
