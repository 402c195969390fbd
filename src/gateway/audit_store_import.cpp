// Importing an audit store of the earlier layout: one SQLite file with table
// audit(idx, record, salt, leaf_hash), used until December 2026.
#include <sqlite3.h>

#include <filesystem>

#include "gateway/audit_files.h"
#include "ledger/hash.h"

namespace tg::gateway {

Result<uint64_t> ImportSqliteAudit(const std::string& sqlite_path, AuditFiles& files) {
  if (files.end() != files.base())
    return Status::InvalidArgument("cannot import " + sqlite_path + ": the audit store already holds records");
  sqlite3* db = nullptr;
  auto fail = [&](const std::string& why) {
    Status s = Status::IOError("cannot import the audit store " + sqlite_path + ": " + why);
    sqlite3_close(db);
    return s;
  };
  // Read-write: opening replays the file's WAL, which may hold the last rows.
  if (sqlite3_open_v2(sqlite_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
    return fail(db ? sqlite3_errmsg(db) : "out of memory");
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT idx, record, salt, leaf_hash FROM audit ORDER BY idx", -1, &st, nullptr) != SQLITE_OK)
    return fail(sqlite3_errmsg(db));
  std::vector<ledger::Attachment> batch;
  uint64_t rows = 0;
  Status s;
  int rc;
  while (s.ok() && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    ledger::Attachment a;
    a.index = static_cast<uint64_t>(sqlite3_column_int64(st, 0));
    auto leaf = ledger::ParseHashBase64(reinterpret_cast<const char*>(sqlite3_column_text(st, 3)));
    if (!leaf.ok()) {
      s = Status::Corruption("row " + std::to_string(a.index) + ": leaf hash: " + leaf.status().message());
      break;
    }
    a.leaf = *leaf;
    a.data.assign(static_cast<const char*>(sqlite3_column_blob(st, 2)), size_t(sqlite3_column_bytes(st, 2)));
    a.data.append(reinterpret_cast<const char*>(sqlite3_column_text(st, 1)), size_t(sqlite3_column_bytes(st, 1)));
    batch.push_back(std::move(a));
    if (batch.size() == 1000) {
      s = files.Append(batch);
      rows += batch.size();
      batch.clear();
    }
  }
  if (s.ok() && rc != SQLITE_DONE) s = Status::IOError(sqlite3_errmsg(db));
  sqlite3_finalize(st);
  if (s.ok() && !batch.empty()) {
    s = files.Append(batch);
    rows += batch.size();
  }
  if (s.ok()) s = files.Sync();
  if (!s.ok()) {
    (void)files.TruncateFrom(files.base());
    return fail(s.message());
  }
  sqlite3_close(db);
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::string from = sqlite_path + suffix;
    if (std::filesystem::exists(from, ec)) std::filesystem::rename(from, sqlite_path + ".imported" + suffix, ec);
    if (ec) return Status::IOError("imported " + std::to_string(rows) + " audit records, but cannot rename " + from + ": " + ec.message());
  }
  return rows;
}

}  // namespace tg::gateway
