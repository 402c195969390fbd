// File operations the log needs for durability (internal to the ledger).
#pragma once

#include <string>
#include <unordered_set>
#include <vector>

#include "base/status.h"

namespace tg::ledger {

// Whole file contents; kNotFound if it does not exist.
Result<std::string> ReadWholeFile(const std::string& path);
bool PathExists(const std::string& path);
// Writes `data` to `path` atomically and durably: temp file, fsync, rename, fsync directory.
Status ReplaceFileDurably(const std::string& path, const std::string& data, int mode = 0644);
// fsync of a directory, so entries created in it survive a crash.
Status SyncDirectory(const std::string& dir);

// Writes a batch of new files under a root directory, then makes them all durable at once:
// fsync of every file and of every directory that gained an entry, spread over a few
// threads so the filesystem can merge the flushes into few journal commits.
class BatchWriter {
 public:
  BatchWriter(std::string root, unsigned sync_threads) : root_(std::move(root)), threads_(sync_threads) {}
  ~BatchWriter();
  // Creates missing parent directories, writes the file (replacing any stale one) and
  // starts its write-back.
  Status Add(const std::string& relative_path, const std::string& data);
  // Flushes every file and directory touched since the last Sync.
  Status Sync();
  size_t pending_files() const { return fds_.size(); }

 private:
  Status EnsureDirectory(const std::string& dir);
  std::string root_;
  unsigned threads_;
  std::vector<int> fds_;
  std::unordered_set<std::string> known_dirs_;
  std::unordered_set<std::string> dirty_dirs_;
};

}  // namespace tg::ledger
