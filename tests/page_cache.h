// How much of a file sits in the page cache (mincore over a read-only mapping), for tests
// of writes that are meant to bypass it (O_DIRECT).
#pragma once

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <string>
#include <vector>

namespace tg::testing {

struct CachedPages {
  size_t cached = 0;  // pages of the file in the page cache
  size_t total = 0;   // pages of the file
  bool ok = false;    // false: the file could not be opened, mapped or asked
};

inline CachedPages PagesInCache(const std::string& path) {
  CachedPages out;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  struct stat st;
  if (::fstat(fd, &st) != 0 || st.st_size <= 0) {
    ::close(fd);
    return out;
  }
  const size_t size = size_t(st.st_size);
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) return out;
  const size_t page = size_t(::sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> resident((size + page - 1) / page);
  out.ok = ::mincore(map, size, resident.data()) == 0;
  ::munmap(map, size);
  out.total = resident.size();
  for (unsigned char r : resident) out.cached += r & 1;
  return out;
}

}  // namespace tg::testing
