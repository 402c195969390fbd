#include "records/wal_index_probe.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace tg::records {

namespace {
constexpr size_t kHeaderCopies = 2 * sizeof(WalIndexProbe::Header);
constexpr uint32_t kWalIndexVersion = 3007000;  // iVersion: the only WAL-index format
}  // namespace

std::unique_ptr<WalIndexProbe> WalIndexProbe::Open(const std::string& db_path) {
  const std::string shm = db_path + "-shm";
  int fd = ::open(shm.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || static_cast<size_t>(st.st_size) < kHeaderCopies) {
    ::close(fd);
    return nullptr;
  }
  // One page: SQLite only grows the file while a process has it open (ours does, through
  // the store's connections), so the mapped header is never past its end.
  const size_t size = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) return nullptr;
  return std::unique_ptr<WalIndexProbe>(new WalIndexProbe(map, size));
}

WalIndexProbe::~WalIndexProbe() { ::munmap(const_cast<void*>(map_), size_); }

std::optional<WalIndexProbe::Header> WalIndexProbe::Read() const {
  // As SQLite's readers do: the first copy, a barrier, the second; a writer writes them in
  // the other order with a barrier between, so equal copies are a whole header.
  const volatile unsigned char* p = static_cast<const volatile unsigned char*>(map_);
  Header first, second;
  for (size_t i = 0; i < first.size(); ++i) first[i] = p[i];
  std::atomic_thread_fence(std::memory_order_acquire);
  for (size_t i = 0; i < second.size(); ++i) second[i] = p[first.size() + i];
  if (first != second) return std::nullopt;
  uint32_t version;
  std::memcpy(&version, first.data(), sizeof version);  // native byte order, as SQLite writes it
  const unsigned char is_init = first[12];
  if (version != kWalIndexVersion || is_init != 1) return std::nullopt;
  return first;
}

uint32_t WalIndexProbe::Frames(const Header& header) {
  uint32_t frames;
  std::memcpy(&frames, header.data() + 16, sizeof frames);
  return frames;
}

}  // namespace tg::records
