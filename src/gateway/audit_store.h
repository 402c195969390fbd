// Where audit records and their salts are kept (the access-controlled half of "the log
// holds commitments, the store holds records"): an SQLite file of its own (records' Store
// has no audit table), one row per log index. Writes are group-committed by one writer
// thread with synchronous=FULL, so a row is durable when its callback reports OK.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "base/status.h"

namespace tg::gateway {

struct AuditRow {
  uint64_t index = 0;      // the log index of the record's commitment
  std::string record;      // canonical audit record text
  std::string salt;        // 32 bytes
  std::string leaf_hash;   // base64 RFC 6962 leaf hash of the log entry
};

class AuditStore {
 public:
  // Opens or creates the file. Rows at or past `log_size` are dropped: they belong to
  // appends a crash cut off before the log made them durable (no response went out).
  // Fails with an IOError naming `path` when it cannot be opened or is not an SQLite file.
  // `commit_wait`: how long the writer lets rows gather after the first one before it commits
  // them in one transaction (one WAL fsync); zero commits as soon as it is free.
  static Result<std::unique_ptr<AuditStore>> Open(const std::string& path, uint64_t log_size,
                                                  std::chrono::microseconds commit_wait = {});
  ~AuditStore();  // commits what is queued, then stops the writer

  // Queues the row; `done` is called from the writer thread once it is durable (or failed).
  void Write(AuditRow row, std::function<void(Status)> done);
  // The row for a log index (NotFound when absent).
  Result<AuditRow> Read(uint64_t index) const;

  // The writer's work since Open (for /metrics).
  struct Stats {
    uint64_t batches = 0;
    uint64_t rows = 0;
    double commit_seconds = 0;  // inside BEGIN ... COMMIT, the WAL fsync included
  };
  Stats GetStats() const;

  struct Impl;

 private:
  explicit AuditStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tg::gateway
