// The log's journal: entries made durable by one sequential append and fdatasync per group
// commit, so that the tiles derived from them need not be fsync'd one file at a time. It
// starts with the signed checkpoint up to which the tiles on disk are durable (the base);
// each record holds one commit's entries. Opening a log replays the journal over the base
// and rewrites the tiles. Format: docs/log-format.md, "Journal". Internal to the ledger.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tg::ledger {

// One record: the entries appended at indexes first_index, first_index + 1, ..., and
// their private attachments (empty when the record carries none; else one per entry, ""
// for an entry without one).
struct JournalRecord {
  uint64_t first_index = 0;
  std::vector<std::string> entries;
  std::vector<std::string> attachments;
};

// What a journal file holds: the base checkpoint note, the intact records in order, and
// whether a torn or damaged tail was cut off.
struct JournalContents {
  std::string base_note;
  std::vector<JournalRecord> records;
  bool torn_tail = false;
  // The byte offset just past the last intact record (past the header when none). What
  // follows is zeros written ahead of appends, or a torn tail.
  uint64_t end = 0;
};

// The largest attachment one entry may carry.
inline constexpr size_t kMaxAttachmentBytes = size_t(16) << 20;

// A journal file grows by at least this many bytes of zeros, written ahead of the records
// that will overwrite them: an append's fdatasync then writes the record's pages only, not
// the file's size and newly allocated blocks as well (docs/log-format.md, "Journal").
inline constexpr uint64_t kJournalGrowBytes = uint64_t(1) << 20;

// The two journal files of a log as one: `newer` (based at `newer_base_size`) continues
// `older`, whose records from that size on come first. Corruption when they leave a gap or
// overlap, or when the older one is torn although the newer one has records (it was
// complete when the newer took over).
Result<JournalContents> MergeJournals(JournalContents older, JournalContents newer, uint64_t newer_base_size);

class Journal {
 public:
  // Creates (or replaces) `path` holding only the base checkpoint note, durably and
  // atomically (temp file, fsync, rename, directory fsync), and opens it for appends. The
  // file is private (mode 0600): attachments are not public.
  static Result<std::unique_ptr<Journal>> Create(const std::string& path, const std::string& base_note);
  // Reads a journal (not the zeros written ahead: memory holds only the header and the
  // records). NotFound when there is none; Corruption when the header or a record
  // followed by others is damaged. A short or damaged last record is cut off (torn_tail);
  // zeros after the last record are the space written ahead, not a tail.
  static Result<JournalContents> Read(const std::string& path);
  // The same over a journal's bytes; `path` names it in errors.
  static Result<JournalContents> Parse(std::string_view bytes, const std::string& path = "journal");
  ~Journal();
  Journal(const Journal&) = delete;  // owns a descriptor and an aligned buffer
  Journal& operator=(const Journal&) = delete;

  // Appends one record and fdatasyncs it: when this returns OK the entries survive a crash.
  // `attachments` is empty, or holds one (possibly empty) attachment per entry, each at
  // most kMaxAttachmentBytes; they are kept with the entries (docs/log-format.md).
  Status Append(uint64_t first_index, const std::vector<std::string_view>& entries,
                const std::vector<std::string_view>& attachments = {});
  // Bytes of header and records (the zeros written ahead of them not counted).
  uint64_t bytes() const { return bytes_; }
  // Writes zeros ahead so that the file holds at least `size` bytes (rounded up to 4 KiB),
  // and fdatasyncs them: appends below that size then neither write zeros nor change the
  // file's size. For a journal not yet appended to by another thread (the spare being
  // prepared): it and Append must not run at once. On failure the journal is as before.
  Status Reserve(uint64_t size);
  // The file's size: records, then the zeros written ahead.
  uint64_t allocated() const { return allocated_; }
  // Whether writes bypass the page cache (O_DIRECT); false where the filesystem refuses it.
  bool direct() const { return direct_; }

  // Every write covers whole blocks of this size at offsets that are multiples of it.
  static constexpr size_t kBlock = 4096;

 private:
  Journal(std::string path, int fd, uint64_t bytes, uint64_t allocated, bool direct)
      : path_(std::move(path)), fd_(fd), bytes_(bytes), allocated_(allocated), direct_(direct) {}
  // Writes zeros so that the file holds at least `needed` bytes, plus kJournalGrowBytes.
  Status Grow(uint64_t needed);
  // Writes zeros over [from, to), both multiples of kBlock.
  Status WriteZeros(uint64_t from, uint64_t to);
  // Writes whole blocks at a block offset; falls back to buffered I/O if a direct write is refused.
  Status WriteBlocks(std::string_view bytes, uint64_t offset);
  // The block-aligned write buffer, at least `size` bytes; null when out of memory.
  char* Buffer(size_t size);
  std::string path_;
  int fd_;
  uint64_t bytes_;      // where the next record goes
  uint64_t allocated_;  // the file's size: records, then zeros; a multiple of kBlock
  bool direct_;
  std::string tail_;         // the bytes of the block bytes_ falls in, before bytes_
  char* buffer_ = nullptr;   // aligned, for direct writes
  size_t buffer_size_ = 0;
};

}  // namespace tg::ledger
