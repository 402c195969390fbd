// The audit store's files (docs/audit-store-format.md): in directory D,
//
//   D/records   frames, one per audit record, appended in log-index order
//   D/index     a header (first index held, how many rows are durable), then the offset of
//               each record's frame in D/records, 8 bytes per log index
//   D/lock      held (flock) by the one process that writes
//
// Each record is written once, with one write per batch and no fsync: the log's journal
// holds every record until Sync. Frames carry their log index and a CRC-32C, so a tail torn
// by a crash is found at Open and cut off (a writer) or not read (a reader), and a damaged
// frame reads as Corruption rather than as another record.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "ledger/log.h"

namespace tg::gateway {

struct AuditRow {
  uint64_t index = 0;      // the log index of the record's commitment
  std::string record;      // canonical audit record text
  std::string salt;        // 32 bytes
  std::string leaf_hash;   // base64 RFC 6962 leaf hash of the log entry
};

class AuditFiles {
 public:
  // Opens D (a writer creates it and its files when absent, and takes D/lock: a second
  // writer fails with kUnavailable). Rows past the last one durable are checked frame by
  // frame up to the first that does not read back (a crash's torn tail): a writer cuts the
  // files there; a reader stops there. A reader (read_only) neither creates nor changes
  // anything and may run beside the writer, seeing the rows written when it opened and
  // those written since.
  static Result<std::unique_ptr<AuditFiles>> Open(const std::string& dir, bool read_only);
  ~AuditFiles();  // a writer writes what it holds in memory first (Flush)

  // First index held (meaningful when end() > base()); one past the last index held.
  uint64_t base() const { return base_.load(std::memory_order_acquire); }
  uint64_t end() const;
  // One past the last index known to be durable (Sync).
  uint64_t durable_end() const { return durable_end_.load(std::memory_order_acquire); }

  // Appends rows whose indexes run on from end() (any first index when the store is empty:
  // it becomes the base) to the frames held in memory, readable at once. Writers only, one
  // at a time (with Flush, TruncateFrom and Sync).
  Status Append(const std::vector<ledger::Attachment>& rows);
  // Bytes appended and not yet written to the files.
  uint64_t unwritten_bytes() const;
  // Writes the frames held in memory to D/records (whole blocks, with O_DIRECT where the
  // filesystem takes it: fresh page-cache pages cost a host page fault each on a VM), then
  // their offsets to D/index. No fsync. On an error they stay in memory, to be written by
  // the next call.
  Status Flush();
  // Drops the rows at or past `index` (nothing when index >= end()).
  Status TruncateFrom(uint64_t index);
  // Flushes, makes every row appended so far durable (fdatasync of both files), then records
  // that in the index header (and syncs it).
  Status Sync();

  // The row at `index`: NotFound outside [base, end), Corruption when its frame does not
  // read back. Thread-safe, beside the writer.
  Result<AuditRow> Read(uint64_t index) const;

  // Rows read back at Open past the durable ones, and rows cut off there (a torn tail).
  uint64_t checked_at_open() const { return checked_at_open_; }
  uint64_t cut_at_open() const { return cut_at_open_; }

 private:
  AuditFiles() = default;
  Status Load();
  Status WriteHeader();
  // Where the frame of `index` starts in D/records (from D/index).
  Result<uint64_t> FrameOffset(uint64_t index) const;
  // Reads and checks the frame of `index` at `offset` in D/records into `row`; its length.
  Result<uint64_t> ReadFrame(uint64_t index, uint64_t offset, AuditRow* row) const;
  // Checks the bytes of the frame of `index` (at `offset`, for messages) into `row`.
  Status ParseFrame(uint64_t index, uint64_t offset, std::string_view frame, AuditRow* row) const;
  // Holds D/records from the block that `offset` lies in up to `offset` in memory, so the
  // next flush can rewrite that block whole.
  Status LoadTail(uint64_t offset);
  bool Reserve(size_t bytes);

  std::string dir_;
  int records_fd_ = -1, direct_fd_ = -1, index_fd_ = -1, lock_fd_ = -1;
  bool read_only_ = false;
  std::atomic<uint64_t> base_{0};
  std::atomic<uint64_t> count_{0};          // rows held (in the files or in memory)
  std::atomic<uint64_t> written_count_{0};  // rows in the files
  std::atomic<uint64_t> durable_end_{0};
  uint64_t checked_at_open_ = 0, cut_at_open_ = 0;

  // The writer's frames in memory: D/records' bytes [buf_start_, records_end_), where
  // buf_start_ is a block boundary; those from written_end_ on are not in the file yet, and
  // unwritten_offsets_ are their rows' offsets.
  mutable std::mutex mem_mu_;  // the writer changing them; readers of rows not yet written
  char* buf_ = nullptr;        // aligned for O_DIRECT
  size_t buf_cap_ = 0;
  uint64_t buf_start_ = 0;
  uint64_t records_end_ = 0;
  uint64_t written_end_ = 0;
  std::vector<uint64_t> unwritten_offsets_;
  // Reads share it; cutting rows off takes it alone, so no read sees a row go away midway.
  mutable std::shared_mutex cut_mu_;
};

// Copies every row of an audit store of the earlier layout (one SQLite file, table
// audit(idx, record, salt, leaf_hash)) into `files`, which must be empty, syncs them, and
// renames the SQLite file (and its -wal, -shm) to `<file>.imported`. How many rows it copied;
// on an error `files` is left empty and the SQLite file where it was.
Result<uint64_t> ImportSqliteAudit(const std::string& sqlite_path, AuditFiles& files);

}  // namespace tg::gateway
