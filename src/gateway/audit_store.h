// Where audit records and their salts are kept (the access-controlled half of "the log
// holds commitments, the store holds records"): an SQLite file of its own (records' Store
// has no audit table), one row per log index.
//
// The store is the log's attachment keeper (ledger::AttachmentKeeper): the gateway appends
// each record's commitment with the record and salt attached, the log's journal makes both
// durable with one fdatasync, and the log then hands the rows here. One writer thread
// commits them without syncing (synchronous=NORMAL); the journal keeps every row until the
// log, before starting its journal over, has this store sync them (MakeDurable). After a
// crash the log replays the rows the store may have lost (Restore). So a row costs no fsync
// of its own, and none is ever lost once its entry is committed.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
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

class AuditStore : public ledger::AttachmentKeeper {
 public:
  // Opens or creates the file. Fails with an IOError naming `path` when it cannot be opened
  // or is not an SQLite file. `commit_wait`: how long the writer lets rows gather after the
  // first one before it commits them in one transaction; zero commits as soon as it is free.
  static Result<std::unique_ptr<AuditStore>> Open(const std::string& path,
                                                  std::chrono::microseconds commit_wait = {});
  ~AuditStore() override;  // commits what is queued (unless its commits fail), then stops

  // The attachment the gateway appends with a record's commitment: the salt, then the record.
  static std::string Attachment(std::string_view salt, std::string_view record);

  // Deletes rows at or past `log_size`: left by a crash in stores written before the journal
  // carried records (rows were written beside the append, not after its commit).
  Status DropFrom(uint64_t log_size);

  // The row for a log index: NotFound when absent. A row the log has handed over but the
  // writer has not committed yet is waited for (up to 5 s, then kUnavailable).
  Result<AuditRow> Read(uint64_t index) const;

  // ledger::AttachmentKeeper. Keep queues rows for the writer; MakeDurable waits for it to
  // commit every row below `size` and then syncs the file; Restore writes replayed rows
  // and syncs. An attachment shorter than a salt is kept with an empty record, so the
  // damage shows when it is read.
  void Keep(std::vector<ledger::Attachment> batch) override;
  Status MakeDurable(uint64_t size) override;
  Status Restore(std::vector<ledger::Attachment> replayed) override;

  // The writer's work since Open (for /metrics).
  struct Stats {
    uint64_t batches = 0;
    uint64_t rows = 0;
    double commit_seconds = 0;  // inside BEGIN ... COMMIT (no fsync: the journal has the rows)
    uint64_t syncs = 0;         // MakeDurable and Restore commits that fsync'd the file
    uint64_t failures = 0;      // commits that failed (retried; the rows stay in the journal)
  };
  Stats GetStats() const;

  struct Impl;

 private:
  explicit AuditStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tg::gateway
