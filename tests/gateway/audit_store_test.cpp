// The audit store opens only real SQLite files, says which path it refused, and leaves no
// handle behind when it refuses (the ASan build's leak check catches one). As the log's
// attachment keeper it serves rows as soon as the log hands them over, and syncs on demand.
#include "gateway/audit_store.h"

#include <gtest/gtest.h>

#include <sqlite3.h>

#include <future>
#include <string>

#include "ledger/hash.h"

#include "e2e_fixture.h"

namespace tg::gateway {
namespace {

TEST(AuditStore, FileThatIsNotADatabaseIsRefusedNamingIt) {
  std::string path = testing::MakeTempDir("audit-store") + "/audit.db";
  testing::WriteFile(path, std::string(4096, 'x'));  // opens fine; fails at the first PRAGMA
  auto store = AuditStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kIOError);
  EXPECT_NE(store.status().message().find("cannot open audit store " + path), std::string::npos)
      << store.status().message();
  EXPECT_NE(store.status().message().find("not a database"), std::string::npos) << store.status().message();
}

TEST(AuditStore, DirectoryIsRefusedNamingIt) {
  std::string path = testing::MakeTempDir("audit-store");
  auto store = AuditStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kIOError);
  EXPECT_NE(store.status().message().find("cannot open audit store " + path), std::string::npos)
      << store.status().message();
}

ledger::Attachment Row(uint64_t i) {
  ledger::Attachment a;
  a.index = i;
  a.leaf = ledger::LeafHash("entry " + std::to_string(i));
  a.data = AuditStore::Attachment(std::string(32, 's'), "{\"i\":" + std::to_string(i) + "}");
  return a;
}

// Reads the durable_through note straight from the file (another connection).
int64_t DurableThrough(const std::string& path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  int64_t v = -1;
  if (sqlite3_prepare_v2(db, "SELECT value FROM audit_meta WHERE key = 'durable_through'", -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

// A PRAGMA's integer value, read through a connection of our own.
int64_t Pragma(const std::string& path, const std::string& name) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  int64_t v = -1;
  if (sqlite3_prepare_v2(db, ("PRAGMA " + name).c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

TEST(AuditStore, ANewStoreHasLargePagesAndAnOlderOneKeepsItsOwn) {
  std::string dir = testing::MakeTempDir("audit-store");
  ASSERT_TRUE(AuditStore::Open(dir + "/new.db").ok());
  EXPECT_EQ(Pragma(dir + "/new.db", "page_size"), 16384);
  // A store made with SQLite's default pages (as before 16 KiB) opens and keeps them.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir + "/old.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA page_size=4096; PRAGMA journal_mode=WAL; CREATE TABLE audit(idx INTEGER PRIMARY KEY, "
                             "record TEXT NOT NULL, salt BLOB NOT NULL, leaf_hash TEXT NOT NULL)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto old = AuditStore::Open(dir + "/old.db");
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  (*old)->Keep({Row(0)});
  auto row = (*old)->Read(0);
  ASSERT_TRUE(row.ok()) << row.status().ToString();
  EXPECT_EQ(Pragma(dir + "/old.db", "page_size"), 4096);
}

// Rows the log hands over are read back (a read waits for the writer); MakeDurable notes how
// far the file is synced; on reopen DropFrom trims rows at or past the log's size.
TEST(AuditStore, KeptRowsReadBackAndReopenTrimsPastTheLog) {
  std::string path = testing::MakeTempDir("audit-store") + "/audit.db";
  {
    auto store = AuditStore::Open(path, std::chrono::milliseconds(200));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    (*store)->Keep({Row(0), Row(1), Row(2)});
    // Inside the writer's 200 ms wait the rows are not committed, yet a read waits for them.
    auto row = (*store)->Read(1);
    ASSERT_TRUE(row.ok()) << row.status().ToString();
    EXPECT_EQ(row->record, "{\"i\":1}");
    EXPECT_EQ(row->salt, std::string(32, 's'));
    EXPECT_EQ(row->leaf_hash, ledger::HashBase64(ledger::LeafHash("entry 1")));
    EXPECT_EQ((*store)->Read(3).status().code(), Code::kNotFound);  // never handed over: no wait
    ASSERT_TRUE((*store)->MakeDurable(3).ok());
    EXPECT_EQ((*store)->GetStats().syncs, 1u);
  }
  EXPECT_EQ(DurableThrough(path), 3);
  auto store = AuditStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->DropFrom(2).ok());
  EXPECT_TRUE((*store)->Read(1).ok());
  EXPECT_EQ((*store)->Read(2).status().code(), Code::kNotFound);
}

// Rows handed over within the commit wait share one transaction; MakeDurable waits for the
// writer before it syncs, so every row below the size is in the file when it returns.
TEST(AuditStore, MakeDurableWaitsForTheWriter) {
  std::string path = testing::MakeTempDir("audit-store") + "/audit.db";
  auto store = AuditStore::Open(path, std::chrono::milliseconds(300));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  for (uint64_t i = 0; i < 20; i += 5) (*store)->Keep({Row(i), Row(i + 1), Row(i + 2), Row(i + 3), Row(i + 4)});
  ASSERT_TRUE((*store)->MakeDurable(20).ok());
  EXPECT_EQ((*store)->GetStats().batches, 1u);
  EXPECT_EQ((*store)->GetStats().rows, 20u);
  // Another connection sees all of them now.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM audit", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int64(st, 0), 20);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

// Replayed rows replace whatever the store had at those indexes, durably.
TEST(AuditStore, RestoreWritesReplayedRowsDurably) {
  std::string path = testing::MakeTempDir("audit-store") + "/audit.db";
  auto store = AuditStore::Open(path);
  ASSERT_TRUE(store.ok());
  ledger::Attachment stale = Row(5);
  stale.data = AuditStore::Attachment(std::string(32, 'o'), "old");
  (*store)->Keep({stale});
  ASSERT_TRUE((*store)->Read(5).ok());
  ASSERT_TRUE((*store)->Restore({Row(5), Row(6)}).ok());
  EXPECT_EQ((*store)->Read(5)->record, "{\"i\":5}");
  EXPECT_EQ((*store)->Read(6)->salt, std::string(32, 's'));
  EXPECT_EQ(DurableThrough(path), 7);
}

}  // namespace
}  // namespace tg::gateway
