// File operations the log needs for durability (internal to the ledger).
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "base/status.h"

namespace tg::ledger {

// Whole file contents; kNotFound if it does not exist.
Result<std::string> ReadWholeFile(const std::string& path);
// Writes all of `bytes` at `offset` of `fd` (retrying short writes). On failure the error
// names `path`, and `*error` (when given) holds the errno.
Status WriteAt(int fd, std::string_view bytes, uint64_t offset, const std::string& path, int* error = nullptr);
// Reads up to `len` bytes at `offset` of `fd` into `out` (retrying short reads); fewer only
// at the end of the file. Errors name `path`.
Result<size_t> ReadAt(int fd, char* out, size_t len, uint64_t offset, const std::string& path);
bool PathExists(const std::string& path);
// Writes `data` to `path` atomically and durably: temp file, fsync, rename, fsync directory.
Status ReplaceFileDurably(const std::string& path, const std::string& data, int mode = 0644);
// fsync of a directory, so entries created in it survive a crash.
Status SyncDirectory(const std::string& dir);
// Atomic but not durable replace: the data goes to `path.next`, then the two names are
// exchanged (renameat2 RENAME_EXCHANGE), so readers opening `path` see the old or the new
// contents, never a mix, and `path.next` is left holding the previous contents. No inode is
// freed per call: ext4 slows down allocating inodes among many recently freed ones, which a
// rename over `path` hundreds of times a second would cause. A machine crash may leave the
// old contents or the new ones torn.
Status ReplaceFile(const std::string& path, const std::string& data);
// syncfs() of the filesystem holding `dir`: everything written there so far is durable.
Status SyncFilesystem(const std::string& dir);

// Writes a batch of new files under a root directory and makes them all durable at once:
// each file is written and fsync'd by one of a few threads (so the CPU work of creating
// files uses every core and the filesystem merges the flushes into few journal commits),
// then every directory that gained an entry is fsync'd.
class BatchWriter {
 public:
  // Batches of more than `syncfs_threshold` files (0: never) are flushed with one syncfs()
  // after plain writes instead of an fsync per file: the same guarantee (every file and
  // directory of the filesystem is durable) at a fraction of the kernel work for big batches.
  BatchWriter(std::string root, unsigned threads, size_t syncfs_threshold = 0)
      : root_(std::move(root)), threads_(threads ? threads : 1), syncfs_threshold_(syncfs_threshold) {}
  // Queues a file (replacing any stale one on disk), creating missing parent directories now.
  Status Add(const std::string& relative_path, std::string data);
  // Writes and fsyncs every queued file and every directory that gained an entry.
  Status Commit();
  // Writes every queued file without making it durable (the caller has made the data
  // durable elsewhere, e.g. in a journal, and syncs the filesystem later).
  Status WriteOnly();
  size_t pending_files() const { return files_.size(); }

 private:
  Status EnsureDirectory(const std::string& dir);
  std::string root_;
  unsigned threads_;
  size_t syncfs_threshold_;
  std::vector<std::pair<std::string, std::string>> files_;  // absolute path, bytes
  std::unordered_set<std::string> known_dirs_;
  std::unordered_set<std::string> dirty_dirs_;
};

}  // namespace tg::ledger
