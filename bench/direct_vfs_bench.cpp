// The audit store's write pattern of before December 2026 (an SQLite table that only
// grows; the store is flat files now, docs/audit-store-format.md) through SQLite's default
// VFS and through records::DirectWriteVfs(), side by side in one run: batches of 2 KiB
// rows committed to a WAL database with 16 KiB pages and synchronous=NORMAL, checkpointed
// every 4 MiB of WAL, into a file that only grows. Each benchmark starts a new database, so the checkpoints
// write pages the page cache has not held before (on a VM, a host page fault each when
// buffered; docs/gateway-performance.md).
//
//   build/bench/direct_vfs_bench [--benchmark_filter=...]
//
// Compare the CPU column: it includes the kernel's time in the writing thread.
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "records/sqlite_direct_vfs.h"

namespace {

void Exec(sqlite3* db, const char* sql, benchmark::State& state) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    state.SkipWithError(err ? err : "sqlite3_exec failed");
    sqlite3_free(err);
  }
}

// state.range(0): 0 = the default VFS, 1 = DirectWriteVfs. state.range(1): rows per commit.
void BM_AuditStoreCommits(benchmark::State& state) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "tg-vfs-bench-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    state.SkipWithError("mkdtemp failed");
    return;
  }
  const std::string path = tmpl + "/audit.db";
  sqlite3* db = nullptr;
  const char* vfs = state.range(0) == 1 ? tg::records::DirectWriteVfs() : nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs) != SQLITE_OK) {
    state.SkipWithError("cannot open the database");
    sqlite3_close(db);
    return;
  }
  Exec(db, "PRAGMA page_size=16384", state);
  Exec(db, "PRAGMA journal_mode=WAL", state);
  Exec(db, "PRAGMA wal_autocheckpoint=256", state);  // 4 MiB of 16 KiB pages, as the audit store
  Exec(db, "PRAGMA synchronous=NORMAL", state);
  Exec(db, "CREATE TABLE audit(idx INTEGER PRIMARY KEY, record TEXT NOT NULL)", state);
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO audit(idx, record) VALUES(?, ?)", -1, &insert, nullptr);
  const std::string record(2048, 'r');
  const int64_t rows = state.range(1);
  int64_t next = 0;
  for (auto _ : state) {
    Exec(db, "BEGIN IMMEDIATE", state);
    for (int64_t i = 0; i < rows; ++i) {
      sqlite3_bind_int64(insert, 1, next++);
      sqlite3_bind_text(insert, 2, record.data(), int(record.size()), SQLITE_STATIC);
      if (sqlite3_step(insert) != SQLITE_DONE) state.SkipWithError(sqlite3_errmsg(db));
      sqlite3_reset(insert);
    }
    Exec(db, "COMMIT", state);
  }
  state.SetItemsProcessed(next);
  state.SetBytesProcessed(next * int64_t(record.size()));
  state.SetLabel(state.range(0) == 1 ? "DirectWriteVfs" : "default VFS");
  sqlite3_finalize(insert);
  sqlite3_close(db);
  std::filesystem::remove_all(tmpl);
}
BENCHMARK(BM_AuditStoreCommits)
    ->ArgsProduct({{0, 1}, {16}})
    ->ArgNames({"direct", "rows"})
    ->Unit(benchmark::kMicrosecond)
    ->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
