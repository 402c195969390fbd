#include "gateway/audit_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "base/thread_name.h"
#include "ledger/commitment.h"
#include "records/sqlite_direct_vfs.h"

namespace tg::gateway {

namespace {
constexpr auto kReadWait = std::chrono::seconds(5);
constexpr auto kSyncWait = std::chrono::seconds(10);
}  // namespace

struct AuditStore::Impl {
  sqlite3* db = nullptr;
  // The writer's statements, prepared once (thousands of commits a second under load).
  sqlite3_stmt* begin = nullptr;
  sqlite3_stmt* insert = nullptr;
  sqlite3_stmt* note_sync = nullptr;
  sqlite3_stmt* commit = nullptr;
  sqlite3_stmt* rollback = nullptr;
  mutable std::mutex db_mu;  // one connection: the writer and readers take turns

  // Rows handed over by the log, in index order. Every row handed with an index below
  // `committed_end` is committed; rows in [committed_end, handed_end) may not be yet.
  mutable std::mutex mu;
  std::condition_variable work;              // the writer waits for rows
  mutable std::condition_variable progress;  // readers and MakeDurable wait for the writer
  std::deque<ledger::Attachment> queue;
  uint64_t handed_end = 0;
  uint64_t committed_end = 0;
  bool stopping = false;
  std::chrono::microseconds commit_wait{0};
  std::chrono::steady_clock::time_point first_queued;  // of the rows in `queue`
  std::string last_failure;
  std::thread writer;

  mutable std::mutex stats_mu;
  AuditStore::Stats stats;

  // Owns the handle, so every way out of Open closes it (both calls accept null).
  ~Impl() {
    for (sqlite3_stmt* st : {begin, insert, note_sync, commit, rollback}) sqlite3_finalize(st);
    sqlite3_close(db);
  }

  Status Exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string m = err ? err : "unknown";
      sqlite3_free(err);
      return Status::IOError(m);
    }
    return Status::OK();
  }

  // The database's page size (4096 when it cannot be read, SQLite's default).
  int PageSize() {
    sqlite3_stmt* st = nullptr;
    int size = 4096;
    if (sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      size = std::max(512, sqlite3_column_int(st, 0));
    sqlite3_finalize(st);
    return size;
  }

  Status Step(sqlite3_stmt* st) {
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return Status::IOError(std::string("audit store: ") + sqlite3_errmsg(db));
    return Status::OK();
  }

  Status Prepare() {
    auto prepare = [&](const char* sql, sqlite3_stmt** st) -> Status {
      if (sqlite3_prepare_v2(db, sql, -1, st, nullptr) != SQLITE_OK) return Status::IOError(sqlite3_errmsg(db));
      return Status::OK();
    };
    TG_RETURN_IF_ERROR(prepare("BEGIN IMMEDIATE", &begin));
    TG_RETURN_IF_ERROR(prepare("INSERT OR REPLACE INTO audit(idx, record, salt, leaf_hash) VALUES(?,?,?,?)", &insert));
    TG_RETURN_IF_ERROR(prepare("INSERT OR REPLACE INTO audit_meta(key, value) VALUES('durable_through', ?)", &note_sync));
    TG_RETURN_IF_ERROR(prepare("COMMIT", &commit));
    return prepare("ROLLBACK", &rollback);
  }

  // Commits `rows` in one transaction. `durable_through` > 0: also notes that size and
  // commits with synchronous=FULL, whose WAL fsync makes every earlier commit durable too.
  Status CommitRows(const std::vector<ledger::Attachment>& rows, uint64_t durable_through) {
    std::lock_guard lock(db_mu);
    bool sync = durable_through > 0;
    if (sync) TG_RETURN_IF_ERROR(Exec("PRAGMA synchronous=FULL"));
    Status s = InsertAndCommit(rows, durable_through);
    if (sync) {
      Status back = Exec("PRAGMA synchronous=NORMAL");
      if (s.ok()) s = back;
    }
    return s;
  }

  Status InsertAndCommit(const std::vector<ledger::Attachment>& rows, uint64_t durable_through) {
    TG_RETURN_IF_ERROR(Step(begin));
    auto fail = [&](Status s) {
      sqlite3_clear_bindings(insert);
      (void)Step(rollback);
      return s;
    };
    for (const ledger::Attachment& a : rows) {
      std::string_view data = a.data;
      std::string_view salt = data.substr(0, std::min(data.size(), ledger::kSaltBytes));
      std::string_view record = data.size() > ledger::kSaltBytes ? data.substr(ledger::kSaltBytes) : "";
      std::string leaf = ledger::HashBase64(a.leaf);
      sqlite3_bind_int64(insert, 1, static_cast<sqlite3_int64>(a.index));
      sqlite3_bind_text(insert, 2, record.data(), static_cast<int>(record.size()), SQLITE_STATIC);
      sqlite3_bind_blob(insert, 3, salt.data(), static_cast<int>(salt.size()), SQLITE_STATIC);
      sqlite3_bind_text(insert, 4, leaf.data(), static_cast<int>(leaf.size()), SQLITE_TRANSIENT);
      if (Status s = Step(insert); !s.ok()) return fail(s);
    }
    sqlite3_clear_bindings(insert);  // the bound texts are about to go away (SQLITE_STATIC)
    if (durable_through > 0) {
      sqlite3_bind_int64(note_sync, 1, static_cast<sqlite3_int64>(durable_through));
      if (Status s = Step(note_sync); !s.ok()) return fail(s);
    }
    Status s = Step(commit);
    if (!s.ok()) (void)Step(rollback);
    return s;
  }

  void Run() {
    NameThisThread("tg-audit-store");
    for (;;) {
      std::vector<ledger::Attachment> batch;
      {
        std::unique_lock lock(mu);
        work.wait(lock, [this] { return stopping || !queue.empty(); });
        if (queue.empty()) return;
        if (!stopping && commit_wait.count() > 0)
          work.wait_until(lock, first_queued + commit_wait, [this] { return stopping; });
        batch.assign(std::make_move_iterator(queue.begin()), std::make_move_iterator(queue.end()));
        queue.clear();
      }
      // A failed commit is retried: the journal still has the rows, and readers wait for them.
      for (auto backoff = std::chrono::milliseconds(50);; backoff = std::min(backoff * 2, std::chrono::milliseconds(2000))) {
        auto t0 = std::chrono::steady_clock::now();
        Status s = CommitRows(batch, 0);
        {
          std::lock_guard lock(stats_mu);
          stats.batches += 1;
          stats.rows += s.ok() ? batch.size() : 0;
          stats.failures += s.ok() ? 0 : 1;
          stats.commit_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        }
        if (s.ok()) break;
        std::unique_lock lock(mu);
        last_failure = s.message();
        // Closing: give up. The rows stay in the journal, which MakeDurable keeps from restarting.
        if (work.wait_for(lock, backoff, [this] { return stopping; })) return;
      }
      {
        std::lock_guard lock(mu);
        committed_end = batch.back().index + 1;
        last_failure.clear();
      }
      progress.notify_all();
    }
  }
};

AuditStore::AuditStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

AuditStore::~AuditStore() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->work.notify_all();
  if (impl_->writer.joinable()) impl_->writer.join();
  // ~Impl closes the database once the writer is gone.
}

Result<std::unique_ptr<AuditStore>> AuditStore::Open(const std::string& path, std::chrono::microseconds commit_wait) {
  auto impl = std::make_unique<Impl>();  // closes the handle if anything below fails
  impl->commit_wait = commit_wait;
  auto failed = [&](const Status& s) {
    return Status(s.code(), "cannot open audit store " + path + ": " + s.message());
  };
  // Its pages are written once as the table grows: directly, not into fresh page cache.
  if (sqlite3_open_v2(path.c_str(), &impl->db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      records::DirectWriteVfs()) != SQLITE_OK) {
    return failed(Status::IOError(impl->db ? sqlite3_errmsg(impl->db) : "out of memory"));
  }
  sqlite3_busy_timeout(impl->db, 10000);
  // Pages of 16 KiB hold about six audit records instead of one, so a commit writes (and a
  // checkpoint copies) a sixth of the WAL frames, each a pair of syscalls. A page size takes
  // effect only in a new database, and only before WAL mode is set; an older store keeps
  // its 4 KiB pages.
  if (Status s = impl->Exec("PRAGMA page_size=16384"); !s.ok()) return failed(s);
  // A file that is not a database, or a directory, opens fine and fails here, at first use.
  if (Status s = impl->Exec("PRAGMA journal_mode=WAL"); !s.ok()) return failed(s);
  // Checkpoint at about 4 MiB of WAL whatever the page size (SQLite's default is 1000
  // pages): larger checkpoints stall the journal's fdatasync behind their writes.
  if (Status s = impl->Exec(("PRAGMA wal_autocheckpoint=" + std::to_string((4 << 20) / impl->PageSize())).c_str());
      !s.ok())
    return failed(s);
  // NORMAL: commits do not fsync (the log's journal holds every row until MakeDurable);
  // the database stays consistent after a crash, and checkpoints still sync.
  if (Status s = impl->Exec("PRAGMA synchronous=NORMAL"); !s.ok()) return failed(s);
  if (Status s = impl->Exec(
          "CREATE TABLE IF NOT EXISTS audit(idx INTEGER PRIMARY KEY, record TEXT NOT NULL, "
          "salt BLOB NOT NULL, leaf_hash TEXT NOT NULL);"
          "CREATE TABLE IF NOT EXISTS audit_meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
      !s.ok()) {
    return failed(s);
  }
  if (Status s = impl->Prepare(); !s.ok()) return failed(s);
  Impl* raw = impl.get();
  impl->writer = std::thread([raw] { raw->Run(); });
  return std::unique_ptr<AuditStore>(new AuditStore(std::move(impl)));
}

std::string AuditStore::Attachment(std::string_view salt, std::string_view record) {
  std::string out;
  out.reserve(salt.size() + record.size());
  out.append(salt);
  out.append(record);
  return out;
}

Status AuditStore::DropFrom(uint64_t log_size) {
  std::lock_guard lock(impl_->db_mu);
  std::string trim = "DELETE FROM audit WHERE idx >= " + std::to_string(log_size);
  return impl_->Exec(trim.c_str());
}

void AuditStore::Keep(std::vector<ledger::Attachment> batch) {
  if (batch.empty()) return;
  bool first;
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->committed_end == impl_->handed_end) impl_->committed_end = batch.front().index;  // none in flight
    impl_->handed_end = batch.back().index + 1;
    first = impl_->queue.empty();
    if (first) impl_->first_queued = std::chrono::steady_clock::now();
    for (auto& a : batch) impl_->queue.push_back(std::move(a));
  }
  if (first) impl_->work.notify_one();  // later rows join the batch the writer is waiting for
}

Status AuditStore::MakeDurable(uint64_t size) {
  if (size == 0) return Status::OK();
  {
    std::unique_lock lock(impl_->mu);
    bool caught_up = impl_->progress.wait_for(lock, kSyncWait, [&] {
      return impl_->committed_end >= std::min(size, impl_->handed_end);
    });
    if (!caught_up)
      return Status::Unavailable("the audit store's writer has not committed the rows below " + std::to_string(size) +
                                 (impl_->last_failure.empty() ? "" : ": " + impl_->last_failure));
  }
  Status s = impl_->CommitRows({}, size);
  std::lock_guard lock(impl_->stats_mu);
  impl_->stats.syncs += s.ok() ? 1 : 0;
  impl_->stats.failures += s.ok() ? 0 : 1;
  return s;
}

Status AuditStore::Restore(std::vector<ledger::Attachment> replayed) {
  if (replayed.empty()) return Status::OK();
  Status s = impl_->CommitRows(replayed, replayed.back().index + 1);
  std::lock_guard lock(impl_->stats_mu);
  impl_->stats.syncs += s.ok() ? 1 : 0;
  impl_->stats.rows += s.ok() ? replayed.size() : 0;
  impl_->stats.failures += s.ok() ? 0 : 1;
  return s;
}

AuditStore::Stats AuditStore::GetStats() const {
  std::lock_guard lock(impl_->stats_mu);
  return impl_->stats;
}

Result<AuditRow> AuditStore::Read(uint64_t index) const {
  {
    std::unique_lock lock(impl_->mu);
    bool there = impl_->progress.wait_for(lock, kReadWait, [&] {
      return index < impl_->committed_end || index >= impl_->handed_end;
    });
    if (!there)
      return Status::Unavailable("audit record " + std::to_string(index) + " is committed to the log but not yet in the store" +
                                 (impl_->last_failure.empty() ? "" : ": " + impl_->last_failure));
  }
  std::lock_guard lock(impl_->db_mu);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(impl_->db, "SELECT record, salt, leaf_hash FROM audit WHERE idx = ?", -1, &st,
                         nullptr) != SQLITE_OK) {
    return Status::IOError(std::string("audit store: ") + sqlite3_errmsg(impl_->db));
  }
  sqlite3_bind_int64(st, 1, static_cast<sqlite3_int64>(index));
  int rc = sqlite3_step(st);
  if (rc != SQLITE_ROW) {
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE) return Status::NotFound("no audit record at index " + std::to_string(index));
    return Status::IOError(std::string("audit store: ") + sqlite3_errmsg(impl_->db));
  }
  AuditRow row;
  row.index = index;
  row.record = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  row.salt.assign(static_cast<const char*>(sqlite3_column_blob(st, 1)), sqlite3_column_bytes(st, 1));
  row.leaf_hash = reinterpret_cast<const char*>(sqlite3_column_text(st, 2));
  sqlite3_finalize(st);
  return row;
}

}  // namespace tg::gateway
