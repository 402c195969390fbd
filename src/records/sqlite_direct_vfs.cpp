#include "records/sqlite_direct_vfs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace tg::records {

namespace {

constexpr size_t kBlock = 4096;

// Consecutive direct writes are gathered up to this many bytes and written as one: a
// checkpoint writes its pages in order, one call each, and every direct write is a device
// request (on a VM, an exit to the host).
constexpr size_t kPendingMax = size_t(1) << 20;

// Our file: the default VFS's file follows it in the same allocation (szOsFile).
struct DirectFile {
  sqlite3_file base;
  sqlite3_file* real;     // points just past this struct
  int direct_fd;          // -1: every write goes through the default VFS
  char* pending;          // aligned: bytes written by SQLite, not yet by us (kPendingMax)
  size_t pending_len;
  sqlite3_int64 pending_offset;
  int failed;             // a gathered write that failed: every later call reports it
  sqlite3_int64 reserved; // the file's size as far as we know: space below it is allocated
};

sqlite3_vfs* RealVfs(sqlite3_vfs* vfs) { return static_cast<sqlite3_vfs*>(vfs->pAppData); }
DirectFile* Ours(sqlite3_file* f) { return reinterpret_cast<DirectFile*>(f); }
sqlite3_file* Real(sqlite3_file* f) { return Ours(f)->real; }

void StopDirect(DirectFile* f) {
  if (f->direct_fd >= 0) ::close(f->direct_fd);
  f->direct_fd = -1;
}

// Writes whole blocks at a block offset directly; false with errno set on failure.
bool PwriteAll(int fd, const char* data, size_t amount, sqlite3_int64 offset) {
  for (size_t done = 0; done < amount;) {
    ssize_t n = ::pwrite(fd, data + done, amount - done, off_t(offset) + off_t(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;
      return false;
    }
    done += size_t(n);
  }
  return true;
}

// Writes what is gathered. On EINVAL (the filesystem wants another alignment) it goes
// through the default VFS instead, and so do later writes.
int Flush(DirectFile* d) {
  if (d->failed != SQLITE_OK || d->pending_len == 0) return d->failed;
  size_t len = d->pending_len;
  d->pending_len = 0;
  if (PwriteAll(d->direct_fd, d->pending, len, d->pending_offset)) return SQLITE_OK;
  if (errno != EINVAL) return d->failed = SQLITE_IOERR_WRITE;
  StopDirect(d);
  int rc = d->real->pMethods->xWrite(d->real, d->pending, int(len), d->pending_offset);
  if (rc != SQLITE_OK) d->failed = rc;
  return rc;
}

// Every call but a write sees the file as SQLite wrote it: what is gathered is written first.
#define TG_FLUSH_OR_RETURN(f)                 \
  do {                                        \
    int flushed = Flush(Ours(f));             \
    if (flushed != SQLITE_OK) return flushed; \
  } while (0)

// The default VFS's method `M`, once what is gathered is written.
template <auto M, typename... Args>
int FlushThen(sqlite3_file* f, Args... args) {
  TG_FLUSH_OR_RETURN(f);
  return (Real(f)->pMethods->*M)(Real(f), args...);
}

int Close(sqlite3_file* f) {
  DirectFile* d = Ours(f);
  int flushed = Flush(d);
  StopDirect(d);
  std::free(d->pending);
  d->pending = nullptr;
  int rc = d->real->pMethods->xClose(d->real);
  return flushed != SQLITE_OK ? flushed : rc;
}

int Write(sqlite3_file* f, const void* data, int amount, sqlite3_int64 offset) {
  DirectFile* d = Ours(f);
  size_t n = size_t(amount);
  bool whole_blocks = n > 0 && n % kBlock == 0 && offset % sqlite3_int64(kBlock) == 0;
  if (d->direct_fd >= 0 && whole_blocks && d->pending == nullptr) {
    d->pending = static_cast<char*>(std::aligned_alloc(kBlock, kPendingMax));
    if (d->pending == nullptr) StopDirect(d);  // no memory for it: write as SQLite does
  }
  if (d->direct_fd < 0 || !whole_blocks || n > kPendingMax) {
    TG_FLUSH_OR_RETURN(f);
    return d->real->pMethods->xWrite(d->real, data, amount, offset);
  }
  // A write past the end gets its space now, so that a full disk (or a file size limit)
  // fails this call, as a buffered write would, and not the gathered write later: after a
  // checkpoint's last page SQLite makes no call whose failure it heeds before it tells
  // readers the pages are in the database file.
  if (offset + sqlite3_int64(n) > d->reserved) {
    if (::fallocate(d->direct_fd, 0, off_t(offset), off_t(n)) == 0) {
      d->reserved = offset + sqlite3_int64(n);
    } else if (errno == ENOSPC || errno == EDQUOT || errno == EFBIG) {
      return SQLITE_FULL;
    } else if (errno == EOPNOTSUPP || errno == ENOSYS) {
      d->reserved = INT64_MAX;  // a filesystem without fallocate: the gathered write finds out
    } else {
      return SQLITE_IOERR_WRITE;
    }
  }
  bool follows = d->pending_len > 0 && offset == d->pending_offset + sqlite3_int64(d->pending_len) &&
                 d->pending_len + n <= kPendingMax;
  if (!follows) {
    TG_FLUSH_OR_RETURN(f);
    d->pending_offset = offset;
  }
  std::memcpy(d->pending + d->pending_len, data, n);  // also aligns SQLite's page buffer
  d->pending_len += n;
  return SQLITE_OK;
}

int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  TG_FLUSH_OR_RETURN(f);
  int rc = Real(f)->pMethods->xTruncate(Real(f), size);
  if (rc == SQLITE_OK && size < Ours(f)->reserved) Ours(f)->reserved = size;
  return rc;
}
int FileControl(sqlite3_file* f, int op, void* arg) {
  // Memory-mapped I/O stays off (see the header): refuse a size so SQLite keeps reading.
  if (op == SQLITE_FCNTL_MMAP_SIZE && arg != nullptr) {
    *static_cast<sqlite3_int64*>(arg) = 0;
    return SQLITE_OK;
  }
  TG_FLUSH_OR_RETURN(f);
  return Real(f)->pMethods->xFileControl(Real(f), op, arg);
}
int SectorSize(sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); }
int DeviceCharacteristics(sqlite3_file* f) { return Real(f)->pMethods->xDeviceCharacteristics(Real(f)); }
void ShmBarrier(sqlite3_file* f) {
  (void)Flush(Ours(f));  // cannot report an error; it sticks, and the next call does
  Real(f)->pMethods->xShmBarrier(Real(f));
}
// Version 2: the WAL's shared memory, but no xFetch/xUnfetch, so no memory-mapped reads.
using M = sqlite3_io_methods;
const sqlite3_io_methods kMethods = {
    2,
    Close,
    FlushThen<&M::xRead, void*, int, sqlite3_int64>,
    Write,
    Truncate,
    FlushThen<&M::xSync, int>,
    FlushThen<&M::xFileSize, sqlite3_int64*>,
    FlushThen<&M::xLock, int>,
    FlushThen<&M::xUnlock, int>,
    FlushThen<&M::xCheckReservedLock, int*>,
    FileControl,
    SectorSize,
    DeviceCharacteristics,
    FlushThen<&M::xShmMap, int, int, int, void volatile**>,
    FlushThen<&M::xShmLock, int, int, int>,
    ShmBarrier,
    FlushThen<&M::xShmUnmap, int>,
    nullptr,
    nullptr,
};

int Open(sqlite3_vfs* vfs, const char* name, sqlite3_file* f, int flags, int* out_flags) {
  DirectFile* d = Ours(f);
  d->real = reinterpret_cast<sqlite3_file*>(d + 1);
  d->direct_fd = -1;
  d->pending = nullptr;
  d->pending_len = 0;
  d->pending_offset = 0;
  d->failed = SQLITE_OK;
  d->reserved = 0;
  sqlite3_vfs* real = RealVfs(vfs);
  int rc = real->xOpen(real, name, d->real, flags, out_flags);
  if (rc != SQLITE_OK || d->real->pMethods == nullptr) {
    f->pMethods = nullptr;  // SQLite then calls no xClose: the default VFS cleaned up
    return rc;
  }
  f->pMethods = &kMethods;
  // A second descriptor for the direct writes; locks stay on the default VFS's.
  if ((flags & SQLITE_OPEN_MAIN_DB) && name != nullptr && (flags & SQLITE_OPEN_READWRITE))
    d->direct_fd = ::open(name, O_RDWR | O_CLOEXEC | O_DIRECT);  // -1 where refused: buffered
  struct stat st;
  if (d->direct_fd >= 0 && ::fstat(d->direct_fd, &st) == 0) d->reserved = st.st_size;
  return SQLITE_OK;
}

int Delete(sqlite3_vfs* v, const char* name, int sync_dir) { return RealVfs(v)->xDelete(RealVfs(v), name, sync_dir); }
int Access(sqlite3_vfs* v, const char* name, int flags, int* out) {
  return RealVfs(v)->xAccess(RealVfs(v), name, flags, out);
}
int FullPathname(sqlite3_vfs* v, const char* name, int n, char* out) {
  return RealVfs(v)->xFullPathname(RealVfs(v), name, n, out);
}
void* DlOpen(sqlite3_vfs* v, const char* name) { return RealVfs(v)->xDlOpen(RealVfs(v), name); }
void DlError(sqlite3_vfs* v, int n, char* out) { RealVfs(v)->xDlError(RealVfs(v), n, out); }
void (*DlSym(sqlite3_vfs* v, void* handle, const char* sym))(void) { return RealVfs(v)->xDlSym(RealVfs(v), handle, sym); }
void DlClose(sqlite3_vfs* v, void* handle) { RealVfs(v)->xDlClose(RealVfs(v), handle); }
int Randomness(sqlite3_vfs* v, int n, char* out) { return RealVfs(v)->xRandomness(RealVfs(v), n, out); }
int Sleep(sqlite3_vfs* v, int micros) { return RealVfs(v)->xSleep(RealVfs(v), micros); }
int CurrentTime(sqlite3_vfs* v, double* out) { return RealVfs(v)->xCurrentTime(RealVfs(v), out); }
int GetLastError(sqlite3_vfs* v, int n, char* out) { return RealVfs(v)->xGetLastError(RealVfs(v), n, out); }
int CurrentTimeInt64(sqlite3_vfs* v, sqlite3_int64* out) {
  sqlite3_vfs* r = RealVfs(v);
  if (r->iVersion >= 2 && r->xCurrentTimeInt64 != nullptr) return r->xCurrentTimeInt64(r, out);
  double days = 0;
  int rc = r->xCurrentTime(r, &days);
  *out = sqlite3_int64(days * 86400000.0);
  return rc;
}

}  // namespace

const char* DirectWriteVfs() {
  static sqlite3_vfs vfs;
  static bool ok = false;
  static std::once_flag once;
  std::call_once(once, [] {
    sqlite3_vfs* real = sqlite3_vfs_find(nullptr);
    if (real == nullptr) return;
    vfs = sqlite3_vfs{};
    vfs.iVersion = 2;
    vfs.szOsFile = int(sizeof(DirectFile)) + real->szOsFile;
    vfs.mxPathname = real->mxPathname;
    vfs.zName = "tg-direct-write";
    vfs.pAppData = real;
    vfs.xOpen = Open;
    vfs.xDelete = Delete;
    vfs.xAccess = Access;
    vfs.xFullPathname = FullPathname;
    vfs.xDlOpen = DlOpen;
    vfs.xDlError = DlError;
    vfs.xDlSym = DlSym;
    vfs.xDlClose = DlClose;
    vfs.xRandomness = Randomness;
    vfs.xSleep = Sleep;
    vfs.xCurrentTime = CurrentTime;
    vfs.xGetLastError = GetLastError;
    vfs.xCurrentTimeInt64 = CurrentTimeInt64;
    ok = sqlite3_vfs_register(&vfs, 0) == SQLITE_OK;
  });
  return ok ? vfs.zName : nullptr;
}

}  // namespace tg::records
