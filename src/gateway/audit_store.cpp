#include "gateway/audit_store.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

#include "base/thread_name.h"

namespace tg::gateway {

namespace {
constexpr auto kReadWait = std::chrono::seconds(5);
constexpr auto kSyncWait = std::chrono::seconds(10);
// The writer writes its rows to the files once this many bytes are waiting (large writes,
// few device requests beside the journal's), or once rows have waited kFlushAfter (so that
// readers in other processes, such as `trustgate audit`, see them soon).
constexpr uint64_t kFlushBytes = 128 << 10;
constexpr auto kFlushAfter = std::chrono::milliseconds(200);
}  // namespace

AuditStoreLocation LocateAuditStore(const std::string& configured, const std::string& records_store_path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  AuditStoreLocation at;
  fs::path dir = configured.empty() ? fs::path(records_store_path).parent_path() / "audit" : fs::path(configured);
  fs::path legacy = fs::path(dir.string() + ".db");
  if (fs::is_regular_file(dir, ec)) {
    legacy = dir;
    dir = dir.has_extension() ? fs::path(dir).replace_extension() : fs::path(dir.string() + "-store");
  }
  at.dir = dir.string();
  bool has_store = fs::exists(dir / "index", ec);
  if (!has_store && fs::is_regular_file(legacy, ec)) at.legacy = legacy.string();
  return at;
}

struct AuditStore::Impl {
  std::unique_ptr<AuditFiles> files;
  std::mutex write_mu;  // one writer of the files at a time: the thread, MakeDurable, Restore

  // Rows handed over by the log, in index order. Every row handed with an index below
  // `committed_end` is written; rows in [committed_end, handed_end) may not be yet.
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

  Status Append(const std::vector<ledger::Attachment>& rows) {
    std::lock_guard lock(write_mu);
    return files->Append(rows);
  }

  // Writes the rows held in memory to the files; a failure is counted and left for the next
  // call (the rows stay readable in memory, and in the journal).
  void Flush() {
    std::lock_guard lock(write_mu);
    Status s = files->Flush();
    std::lock_guard st(stats_mu);
    stats.flushes += s.ok() ? 1 : 0;
    stats.failures += s.ok() ? 0 : 1;
    if (!s.ok()) {
      std::lock_guard q(mu);
      last_failure = s.message();
    }
  }

  void Run() {
    NameThisThread("tg-audit-store");
    for (;;) {
      std::vector<ledger::Attachment> batch;
      {
        std::unique_lock lock(mu);
        auto ready = [this] { return stopping || !queue.empty(); };
        if (files->unwritten_bytes() == 0) {
          work.wait(lock, ready);
        } else if (!work.wait_for(lock, kFlushAfter, ready)) {
          lock.unlock();
          Flush();  // quiet for a while: write what waits
          continue;
        }
        if (queue.empty()) return;  // stopping; the files write the rest as they close
        if (!stopping && commit_wait.count() > 0)
          work.wait_until(lock, first_queued + commit_wait, [this] { return stopping; });
        batch.assign(std::make_move_iterator(queue.begin()), std::make_move_iterator(queue.end()));
        queue.clear();
      }
      // A failed append (no memory) is retried: the journal still has the rows, and readers wait.
      for (auto backoff = std::chrono::milliseconds(50);; backoff = std::min(backoff * 2, std::chrono::milliseconds(2000))) {
        auto t0 = std::chrono::steady_clock::now();
        Status s = Append(batch);
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
      if (files->unwritten_bytes() >= kFlushBytes) {
        auto t0 = std::chrono::steady_clock::now();
        Flush();
        std::lock_guard lock(stats_mu);
        stats.commit_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      }
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
}

namespace {
// The store over `dir`'s files; a writer also gets its thread.
Result<std::unique_ptr<AuditStore::Impl>> OpenImpl(const std::string& dir, bool read_only) {
  auto files = AuditFiles::Open(dir, read_only);
  if (!files.ok()) return Status(files.status().code(), "cannot open audit store " + dir + ": " + files.status().message());
  auto impl = std::make_unique<AuditStore::Impl>();
  impl->files = std::move(*files);
  impl->committed_end = impl->handed_end = impl->files->end();
  return impl;
}
}  // namespace

Result<std::unique_ptr<AuditStore>> AuditStore::Open(const std::string& dir, std::chrono::microseconds commit_wait) {
  auto impl = OpenImpl(dir, /*read_only=*/false);
  if (!impl.ok()) return impl.status();
  (*impl)->commit_wait = commit_wait;
  Impl* raw = impl->get();
  raw->writer = std::thread([raw] { raw->Run(); });
  return std::unique_ptr<AuditStore>(new AuditStore(std::move(*impl)));
}

Result<std::unique_ptr<AuditStore>> AuditStore::OpenForReading(const std::string& dir) {
  auto impl = OpenImpl(dir, /*read_only=*/true);
  if (!impl.ok()) return impl.status();
  return std::unique_ptr<AuditStore>(new AuditStore(std::move(*impl)));
}

std::string AuditStore::Attachment(std::string_view salt, std::string_view record) {
  std::string out;
  out.reserve(salt.size() + record.size());
  out.append(salt);
  out.append(record);
  return out;
}

Status AuditStore::DropFrom(uint64_t log_size) {
  std::lock_guard lock(impl_->write_mu);
  if (log_size >= impl_->files->end()) return Status::OK();
  return impl_->files->TruncateFrom(log_size);
}

Result<uint64_t> AuditStore::ImportSqlite(const std::string& sqlite_path) {
  std::lock_guard lock(impl_->write_mu);
  auto rows = ImportSqliteAudit(sqlite_path, *impl_->files);
  if (rows.ok()) {
    std::lock_guard q(impl_->mu);
    impl_->committed_end = impl_->handed_end = impl_->files->end();
  }
  return rows;
}

uint64_t AuditStore::checked_at_open() const { return impl_->files->checked_at_open(); }
uint64_t AuditStore::cut_at_open() const { return impl_->files->cut_at_open(); }

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
      return Status::Unavailable("the audit store's writer has not written the rows below " + std::to_string(size) +
                                 (impl_->last_failure.empty() ? "" : ": " + impl_->last_failure));
  }
  Status s;
  {
    std::lock_guard lock(impl_->write_mu);
    s = impl_->files->Sync();
  }
  std::lock_guard lock(impl_->stats_mu);
  impl_->stats.syncs += s.ok() ? 1 : 0;
  impl_->stats.failures += s.ok() ? 0 : 1;
  return s;
}

Status AuditStore::Restore(std::vector<ledger::Attachment> replayed) {
  if (replayed.empty()) return Status::OK();
  Status s;
  {
    std::lock_guard lock(impl_->write_mu);
    AuditFiles& f = *impl_->files;
    uint64_t first = replayed.front().index;
    if (f.end() > f.base() && first > f.end()) {
      s = Status::Corruption("the audit store lacks the records " + std::to_string(f.end()) + " to " +
                             std::to_string(first - 1) + ", which the log no longer journals (was the store replaced?)");
    } else {
      s = f.TruncateFrom(first);
      if (s.ok()) s = f.Append(replayed);
      if (s.ok()) s = f.Sync();
    }
    if (s.ok()) {
      std::lock_guard q(impl_->mu);
      impl_->committed_end = impl_->handed_end = std::max(impl_->handed_end, f.end());
    }
  }
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
  return impl_->files->Read(index);
}

}  // namespace tg::gateway
