#include "ledger/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <algorithm>
#include <functional>
#include <mutex>
#include <thread>

namespace tg::ledger {

namespace {

Status Errno(const std::string& what, const std::string& path) {
  return Status::IOError(what + " " + path + ": " + std::strerror(errno));
}

Status WriteAll(int fd, const std::string& data, const std::string& path) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("write", path);
    }
    off += size_t(n);
  }
  return Status::OK();
}

std::string Parent(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

Status WriteAt(int fd, std::string_view bytes, uint64_t offset, const std::string& path, int* error) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::pwrite(fd, bytes.data() + done, bytes.size() - done, off_t(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int e = n < 0 ? errno : EIO;  // 0 bytes written: no progress to wait for
      if (error != nullptr) *error = e;
      return Status::IOError("write " + path + ": " + std::strerror(e));
    }
    done += size_t(n);
  }
  return Status::OK();
}

Result<size_t> ReadAt(int fd, char* out, size_t len, uint64_t offset, const std::string& path) {
  size_t done = 0;
  while (done < len) {
    ssize_t n = ::pread(fd, out + done, len - done, off_t(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IOError("read " + path + ": " + std::strerror(errno));
    if (n == 0) break;
    done += size_t(n);
  }
  return done;
}

Result<std::string> ReadWholeFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound("no such file: " + path);
    return Errno("open", path);
  }
  std::string out;
  struct stat st;
  if (::fstat(fd, &st) == 0 && st.st_size > 0) out.reserve(size_t(st.st_size));
  char buf[65536];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      Status s = Errno("read", path);
      ::close(fd);
      return s;
    }
    if (n == 0) break;
    out.append(buf, size_t(n));
  }
  ::close(fd);
  return out;
}

bool PathExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

Status SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("open directory", dir);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Errno("fsync directory", dir);
  return Status::OK();
}

Status ReplaceFileDurably(const std::string& path, const std::string& data, int mode) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, mode);
  if (fd < 0) return Errno("create", tmp);
  Status s = WriteAll(fd, data, tmp);
  if (s.ok() && ::fdatasync(fd) != 0) s = Errno("fsync", tmp);
  ::close(fd);
  TG_RETURN_IF_ERROR(s);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Errno("rename to", path);
  return SyncDirectory(Parent(path));
}

Status ReplaceFile(const std::string& path, const std::string& data) {
  std::string spare = path + ".next";
  int fd = ::open(spare.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("create", spare);
  Status s = WriteAll(fd, data, spare);
  ::close(fd);
  TG_RETURN_IF_ERROR(s);
  // Swap the names: the spare keeps its inode for the next call (see files.h).
  if (::renameat2(AT_FDCWD, spare.c_str(), AT_FDCWD, path.c_str(), RENAME_EXCHANGE) == 0) return Status::OK();
  if (errno != ENOENT && errno != EINVAL && errno != ENOSYS) return Errno("exchange with", path);
  if (::rename(spare.c_str(), path.c_str()) != 0) return Errno("rename to", path);
  return Status::OK();
}

Status SyncFilesystem(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("open directory", dir);
  int rc = ::syncfs(fd);
  ::close(fd);
  if (rc != 0) return Errno("syncfs", dir);
  return Status::OK();
}

Status BatchWriter::EnsureDirectory(const std::string& dir) {
  if (dir.empty() || known_dirs_.count(dir)) return Status::OK();
  std::string full = root_ + "/" + dir;
  struct stat st;
  if (::stat(full.c_str(), &st) != 0) {
    size_t slash = dir.rfind('/');
    std::string parent = slash == std::string::npos ? "" : dir.substr(0, slash);
    TG_RETURN_IF_ERROR(EnsureDirectory(parent));
    if (::mkdir(full.c_str(), 0755) != 0 && errno != EEXIST) return Errno("mkdir", full);
    dirty_dirs_.insert(parent.empty() ? root_ : root_ + "/" + parent);
  }
  known_dirs_.insert(dir);
  return Status::OK();
}

Status BatchWriter::Add(const std::string& rel, std::string data) {
  size_t slash = rel.rfind('/');
  std::string dir = slash == std::string::npos ? "" : rel.substr(0, slash);
  TG_RETURN_IF_ERROR(EnsureDirectory(dir));
  dirty_dirs_.insert(dir.empty() ? root_ : root_ + "/" + dir);
  files_.emplace_back(root_ + "/" + rel, std::move(data));
  return Status::OK();
}

namespace {

// Runs job(i) for i in [0, n) on up to `threads` threads; returns the first error.
Status Parallel(size_t n, unsigned threads, const std::function<Status(size_t)>& job) {
  std::atomic<size_t> next{0};
  std::mutex mu;
  Status first;
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1)) < n;) {
      Status s = job(i);
      if (!s.ok()) {
        std::lock_guard lock(mu);
        if (first.ok()) first = s;
      }
    }
  };
  unsigned k = unsigned(std::min<size_t>(threads, n));
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < k; ++i) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  return first;
}

Status WriteFile(const std::string& path, const std::string& data, bool sync) {
  int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("create", path);
  Status s = WriteAll(fd, data, path);
  if (s.ok() && sync && ::fdatasync(fd) != 0) s = Errno("fsync", path);
  ::close(fd);
  return s;
}

}  // namespace

Status BatchWriter::WriteOnly() {
  // Creating files is CPU work in the filesystem (inode allocation): spread it over threads
  // when there are many, as a big commit has.
  unsigned threads = files_.size() > 64 ? threads_ : 1;
  TG_RETURN_IF_ERROR(Parallel(files_.size(), threads,
                              [&](size_t i) { return WriteFile(files_[i].first, files_[i].second, false); }));
  files_.clear();
  dirty_dirs_.clear();
  return Status::OK();
}

Status BatchWriter::Commit() {
  if (syncfs_threshold_ > 0 && files_.size() > syncfs_threshold_) {
    TG_RETURN_IF_ERROR(Parallel(files_.size(), std::min(threads_, 2u),
                                [&](size_t i) { return WriteFile(files_[i].first, files_[i].second, false); }));
    int fd = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return Errno("open directory", root_);
    int rc = ::syncfs(fd);
    ::close(fd);
    if (rc != 0) return Errno("syncfs", root_);
  } else {
    TG_RETURN_IF_ERROR(Parallel(files_.size(), threads_,
                                [&](size_t i) { return WriteFile(files_[i].first, files_[i].second, true); }));
    std::vector<std::string> dirs(dirty_dirs_.begin(), dirty_dirs_.end());
    TG_RETURN_IF_ERROR(Parallel(dirs.size(), threads_, [&](size_t i) { return SyncDirectory(dirs[i]); }));
  }
  files_.clear();
  dirty_dirs_.clear();
  return Status::OK();
}

}  // namespace tg::ledger
