// Tells, without a system call, whether an SQLite database in WAL mode has changed: its
// WAL index header (the first bytes of the "-shm" file, which every process using the
// database maps) is rewritten by every commit and every WAL restart, and read by every
// read transaction to learn what it may see. While the header reads the same, the state a
// new read transaction would see is the same; headers never repeat (the frame count only
// grows until a restart, which changes the salts).
//
// Why: the gateway begins and ends a read transaction per request only to learn that nothing
// changed (two fcntl locks, an fstat and three statements, ~8% of an HTTP thread's CPU);
// SqliteStore keeps a snapshot's read transaction open for the next one while this says
// the database is unchanged ("Held snapshots" in sqlite_store.cpp).
//
// Internal to the records module. The layout read here is SQLite's documented WAL-index
// format (fileformat2.html, "WAL-Index Format"): two 48-byte copies of the header, the
// second written first, equal except while a writer is between them.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace tg::records {

class WalIndexProbe {
 public:
  using Header = std::array<unsigned char, 48>;

  // Maps `db_path` + "-shm" read-only. nullptr when it cannot: no such file (the database is
  // not in WAL mode or not open), or it is shorter than the header.
  static std::unique_ptr<WalIndexProbe> Open(const std::string& db_path);
  ~WalIndexProbe();
  WalIndexProbe(const WalIndexProbe&) = delete;
  WalIndexProbe& operator=(const WalIndexProbe&) = delete;

  // The header as it reads now; nullopt while a writer is rewriting it (its copies differ)
  // or before it was ever initialised. Two equal results mean no commit between the reads.
  std::optional<Header> Read() const;

  // The number of valid frames in the WAL as of `header` (its mxFrame, a native-endian u32
  // at offset 16): how far the WAL has grown since it last started over.
  static uint32_t Frames(const Header& header);

 private:
  WalIndexProbe(const void* map, size_t size) : map_(map), size_(size) {}
  const void* map_;
  size_t size_;
};

}  // namespace tg::records
