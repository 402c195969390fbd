// Where audit records and their salts are kept (the access-controlled half of "the log
// holds commitments, the store holds records"): a directory of its own (records' Store has
// no audit table), one frame per log index (gateway/audit_files.h,
// docs/audit-store-format.md).
//
// The store is the log's attachment keeper (ledger::AttachmentKeeper): the gateway appends
// each record's commitment with the record and salt attached, the log's journal makes both
// durable with one fdatasync, and the log then hands the rows here. One writer thread
// appends them to the files without syncing; the journal keeps every row until the log,
// before starting its journal over, has this store sync them (MakeDurable). After a crash
// the log replays the rows the store may have lost (Restore). So a row is written once more,
// in one write per batch, costs no fsync of its own, and none is ever lost once its entry is
// committed.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "gateway/audit_files.h"
#include "ledger/log.h"

namespace tg::gateway {

class AuditStore : public ledger::AttachmentKeeper {
 public:
  // Opens or creates the store in directory `dir` for the gateway that writes it (one at a
  // time: a second writer fails with kUnavailable). Fails with an error naming `dir` when it
  // cannot be opened or does not hold an audit store. `commit_wait`: how long the writer lets
  // rows gather after the first one before it writes them together; zero writes as soon as
  // it is free (which batches on its own under load).
  static Result<std::unique_ptr<AuditStore>> Open(const std::string& dir,
                                                  std::chrono::microseconds commit_wait = {});
  // Opens the store for reading only (the CLI's audit commands, beside a running gateway):
  // creates and changes nothing; Keep, MakeDurable, Restore and DropFrom fail or do nothing.
  static Result<std::unique_ptr<AuditStore>> OpenForReading(const std::string& dir);
  ~AuditStore() override;  // writes what is queued (unless its writes fail), then stops

  // The attachment the gateway appends with a record's commitment: the salt, then the record.
  static std::string Attachment(std::string_view salt, std::string_view record);

  // Deletes rows at or past `log_size` (a store ahead of its log: restored from a backup
  // taken apart from the log's).
  Status DropFrom(uint64_t log_size);

  // Copies every row of an audit store of the earlier SQLite layout (one file, table
  // `audit`) into this one, which must be empty, syncs, and renames the file to
  // `<file>.imported`. Returns how many rows it copied.
  Result<uint64_t> ImportSqlite(const std::string& sqlite_path);

  // Rows past the last durable one that Open read back, and rows it cut off (a torn tail
  // that the log's journal replays).
  uint64_t checked_at_open() const;
  uint64_t cut_at_open() const;

  // The row for a log index: NotFound when absent, Corruption when its frame is damaged. A
  // row the log has handed over but the writer has not written yet is waited for (up to 5 s,
  // then kUnavailable).
  Result<AuditRow> Read(uint64_t index) const;

  // ledger::AttachmentKeeper. Keep queues rows for the writer; MakeDurable waits for it to
  // write every row below `size` and then syncs the files; Restore writes the replayed rows
  // over whatever the store holds from their first index on, and syncs. An attachment
  // shorter than a salt is kept with an empty record, so the damage shows when it is read.
  void Keep(std::vector<ledger::Attachment> batch) override;
  Status MakeDurable(uint64_t size) override;
  Status Restore(std::vector<ledger::Attachment> replayed) override;

  // The writer's work since Open (for /metrics).
  struct Stats {
    uint64_t batches = 0;
    uint64_t rows = 0;
    double commit_seconds = 0;  // framing batches and writing them to the files (no fsync)
    uint64_t flushes = 0;       // writes of the rows held in memory to the files
    uint64_t syncs = 0;         // MakeDurable and Restore calls that fsync'd the files
    uint64_t failures = 0;      // writes that failed (retried; the rows stay in the journal)
  };
  Stats GetStats() const;

  struct Impl;

 private:
  explicit AuditStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Where a gateway keeps its audit store: the directory `configured`, or `audit` beside the
// records store at `records_store_path` when `configured` is empty. `legacy` names an audit
// store of the earlier layout (an SQLite file) to import when the directory holds no store
// yet: `configured` itself when it is such a file (the directory is then its name without
// the extension), or `<dir>.db`. Empty when there is none.
struct AuditStoreLocation {
  std::string dir;
  std::string legacy;
};
AuditStoreLocation LocateAuditStore(const std::string& configured, const std::string& records_store_path);

}  // namespace tg::gateway
