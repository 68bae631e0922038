#pragma once
// Photos by content address, outside the row tables: <root>/<aa>/<bb>/<sha256>.jpg, where aa and
// bb are the first two pairs of hex digits of the SHA-256 of the bytes. A photo is durable when
// Put returns (written to a temporary file in its final folder, fsynced, renamed into place, the
// folder fsynced), so a database row that names it can be committed after it.
//
// The store is shared by every server process of a deployment and must be the same for all of
// them: on one host, one directory; on several hosts, a shared filesystem with close-to-open
// consistency (NFS) or an object store behind this same interface. Names are content hashes, so
// processes writing one photo at once write the same bytes and whichever lands first is kept.
// A crash can leave "<sha256>.tmp.*" files behind; they are never read and can be deleted.
//
// Thread-safe: no state besides the root; the filesystem arbitrates between writers.

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vaxreg::media {

class PhotoStore final {
 public:
  // A store in `root`; folders are created by the first Put that needs them.
  explicit PhotoStore(std::filesystem::path root);

  // Creates `root` (and its parents) if needed and checks that it is a directory: a
  // misconfigured folder fails at start-up rather than at the first upload. kUnavailable when
  // it cannot be created or is not a directory.
  static Result<std::unique_ptr<PhotoStore>> Open(std::filesystem::path root);

  // Stores `bytes` under `sha256_hex`, which must be 64 lowercase hex digits and the SHA-256 of
  // `bytes` (kInvalidArgument otherwise: nothing else can name a file, so no path traversal).
  // Idempotent: when the photo is already stored, the existing file is kept and OK returned.
  // kUnavailable on an I/O error (disk full, permissions).
  Status Put(std::string_view sha256_hex, std::string_view bytes) const;

  // The bytes stored under `sha256_hex`. kInvalidArgument for a malformed hash, kNotFound when
  // absent, kInternal when the stored bytes no longer hash to their name (damaged on disk),
  // kUnavailable on another I/O error.
  Result<std::string> Get(std::string_view sha256_hex) const;

  // Where Put writes `sha256_hex` (for operators and tests); kInvalidArgument as for Put.
  Result<std::filesystem::path> PathOf(std::string_view sha256_hex) const;

  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
};

// True for 64 lowercase hex digits: the only form of a photo's name.
bool IsPhotoHash(std::string_view text);

}  // namespace vaxreg::media
