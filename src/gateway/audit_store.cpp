#include "gateway/audit_store.h"

#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace tg::gateway {

struct AuditStore::Impl {
  sqlite3* db = nullptr;
  // The writer's statements, prepared once (thousands of commits a second under load).
  sqlite3_stmt* begin = nullptr;
  sqlite3_stmt* insert = nullptr;
  sqlite3_stmt* commit = nullptr;
  sqlite3_stmt* rollback = nullptr;
  mutable std::mutex db_mu;  // one connection: the writer and readers take turns
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::pair<AuditRow, std::function<void(Status)>>> queue;
  bool stopping = false;
  std::chrono::microseconds commit_wait{0};
  std::chrono::steady_clock::time_point first_queued;  // of the rows in `queue`
  std::thread writer;
  mutable std::mutex stats_mu;
  AuditStore::Stats stats;

  // Owns the handle, so every way out of Open closes it (both calls accept null).
  ~Impl() {
    for (sqlite3_stmt* st : {begin, insert, commit, rollback}) sqlite3_finalize(st);
    sqlite3_close(db);
  }

  // Exec and Prepare serve Open, which names the file in their errors.
  Status Exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string m = err ? err : "unknown";
      sqlite3_free(err);
      return Status::IOError(m);
    }
    return Status::OK();
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
    TG_RETURN_IF_ERROR(prepare("COMMIT", &commit));
    return prepare("ROLLBACK", &rollback);
  }

  Status CommitBatch(const std::deque<std::pair<AuditRow, std::function<void(Status)>>>& batch) {
    std::lock_guard lock(db_mu);
    TG_RETURN_IF_ERROR(Step(begin));
    sqlite3_stmt* st = insert;
    for (const auto& [row, cb] : batch) {
      sqlite3_bind_int64(st, 1, static_cast<sqlite3_int64>(row.index));
      sqlite3_bind_text(st, 2, row.record.data(), static_cast<int>(row.record.size()), SQLITE_STATIC);
      sqlite3_bind_blob(st, 3, row.salt.data(), static_cast<int>(row.salt.size()), SQLITE_STATIC);
      sqlite3_bind_text(st, 4, row.leaf_hash.data(), static_cast<int>(row.leaf_hash.size()), SQLITE_STATIC);
      if (Status s = Step(st); !s.ok()) {
        sqlite3_clear_bindings(st);
        (void)Step(rollback);
        return s;
      }
    }
    sqlite3_clear_bindings(st);  // the bound texts are about to go away (SQLITE_STATIC)
    Status s = Step(commit);
    if (!s.ok()) (void)Step(rollback);
    return s;
  }

  void Run() {
    for (;;) {
      std::deque<std::pair<AuditRow, std::function<void(Status)>>> batch;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [this] { return stopping || !queue.empty(); });
        if (queue.empty()) return;
        if (!stopping && commit_wait.count() > 0)
          cv.wait_until(lock, first_queued + commit_wait, [this] { return stopping; });
        batch.swap(queue);
      }
      auto t0 = std::chrono::steady_clock::now();
      Status s = CommitBatch(batch);
      {
        std::lock_guard lock(stats_mu);
        stats.batches += 1;
        stats.rows += batch.size();
        stats.commit_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      }
      for (auto& [row, cb] : batch) cb(s);
    }
  }
};

AuditStore::AuditStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

AuditStore::~AuditStore() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  if (impl_->writer.joinable()) impl_->writer.join();
  // ~Impl closes the database once the writer is gone.
}

Result<std::unique_ptr<AuditStore>> AuditStore::Open(const std::string& path, uint64_t log_size,
                                                     std::chrono::microseconds commit_wait) {
  auto impl = std::make_unique<Impl>();  // closes the handle if anything below fails
  impl->commit_wait = commit_wait;
  auto failed = [&](const Status& s) {
    return Status(s.code(), "cannot open audit store " + path + ": " + s.message());
  };
  if (sqlite3_open_v2(path.c_str(), &impl->db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    return failed(Status::IOError(impl->db ? sqlite3_errmsg(impl->db) : "out of memory"));
  }
  sqlite3_busy_timeout(impl->db, 10000);
  // A file that is not a database, or a directory, opens fine and fails here, at first use.
  if (Status s = impl->Exec("PRAGMA journal_mode=WAL"); !s.ok()) return failed(s);
  // FULL: the WAL is fsync'd at every commit, so an acknowledged record survives a crash.
  if (Status s = impl->Exec("PRAGMA synchronous=FULL"); !s.ok()) return failed(s);
  if (Status s = impl->Exec(
          "CREATE TABLE IF NOT EXISTS audit(idx INTEGER PRIMARY KEY, record TEXT NOT NULL, "
          "salt BLOB NOT NULL, leaf_hash TEXT NOT NULL)");
      !s.ok()) {
    return failed(s);
  }
  std::string trim = "DELETE FROM audit WHERE idx >= " + std::to_string(log_size);
  if (Status s = impl->Exec(trim.c_str()); !s.ok()) return failed(s);
  if (Status s = impl->Prepare(); !s.ok()) return failed(s);
  Impl* raw = impl.get();
  impl->writer = std::thread([raw] { raw->Run(); });
  return std::unique_ptr<AuditStore>(new AuditStore(std::move(impl)));
}

void AuditStore::Write(AuditRow row, std::function<void(Status)> done) {
  bool first;
  {
    std::lock_guard lock(impl_->mu);
    first = impl_->queue.empty();
    if (first) impl_->first_queued = std::chrono::steady_clock::now();
    impl_->queue.emplace_back(std::move(row), std::move(done));
  }
  if (first) impl_->cv.notify_one();  // later rows join the batch the writer is waiting for
}

AuditStore::Stats AuditStore::GetStats() const {
  std::lock_guard lock(impl_->stats_mu);
  return impl_->stats;
}

Result<AuditRow> AuditStore::Read(uint64_t index) const {
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
