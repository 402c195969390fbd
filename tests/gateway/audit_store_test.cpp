// The audit store (gateway/audit_store.h over gateway/audit_files.h): as the log's attachment
// keeper it serves rows as soon as the log hands them over and syncs on demand; its files
// find a crash's torn tail and damaged frames; one writer at a time, readers beside it; an
// audit store of the earlier SQLite layout is imported once.
#include "gateway/audit_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "e2e_fixture.h"
#include "ledger/hash.h"

namespace tg::gateway {
namespace {

namespace fs = std::filesystem;

ledger::Attachment Row(uint64_t i, const std::string& salt = std::string(32, 's')) {
  ledger::Attachment a;
  a.index = i;
  a.leaf = ledger::LeafHash("entry " + std::to_string(i));
  a.data = AuditStore::Attachment(salt, "{\"i\":" + std::to_string(i) + "}");
  return a;
}

std::string Bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The index header's "durable through" field (docs/audit-store-format.md), read from the file.
uint64_t DurableEnd(const std::string& dir) {
  std::string b = Bytes(dir + "/index");
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(b.at(16 + i));
  return v;
}

// Whether `store` reads `record` at `index` within 5 s.
bool ReadsWithin(const AuditStore& store, uint64_t index, const std::string& record) {
  for (int i = 0; i < 500; ++i) {
    auto row = store.Read(index);
    if (row.ok()) return row->record == record;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST(AuditStore, FileWhereTheDirectoryShouldBeIsRefusedNamingIt) {
  std::string path = testing::MakeTempDir("audit-store") + "/audit";
  testing::WriteFile(path, "not a directory");
  auto store = AuditStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("cannot open audit store " + path), std::string::npos)
      << store.status().message();
}

TEST(AuditStore, DirectoryOfOtherFilesIsRefusedNamingIt) {
  std::string dir = testing::MakeTempDir("audit-store");
  testing::WriteFile(dir + "/index", std::string(64, 'x'));
  testing::WriteFile(dir + "/records", std::string(64, 'x'));
  auto store = AuditStore::Open(dir);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kCorruption);
  EXPECT_NE(store.status().message().find("does not hold an audit store"), std::string::npos)
      << store.status().message();
}

TEST(AuditStore, OneWriterAtATimeAndReadersBesideIt) {
  std::string dir = testing::MakeTempDir("audit-store") + "/audit";
  auto writer = AuditStore::Open(dir);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  auto second = AuditStore::Open(dir);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Code::kUnavailable);
  EXPECT_NE(second.status().message().find("in use by another writer"), std::string::npos);

  (*writer)->Keep({Row(0), Row(1)});
  ASSERT_TRUE((*writer)->Read(1).ok());  // the writer reads its rows at once, from memory
  auto reader = AuditStore::OpenForReading(dir);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  // Another reader sees them once the writer has written them to the files (within 200 ms).
  EXPECT_TRUE(ReadsWithin(**reader, 1, "{\"i\":1}"));
  EXPECT_EQ((*reader)->Read(2).status().code(), Code::kNotFound);
  // Rows written after the reader opened are found too.
  (*writer)->Keep({Row(2)});
  EXPECT_TRUE(ReadsWithin(**reader, 2, "{\"i\":2}"));
  EXPECT_EQ(AuditStore::OpenForReading(dir + "-absent").status().code(), Code::kNotFound);
}

// Rows the log hands over are read back (a read waits for the writer); MakeDurable syncs
// and notes how far; DropFrom trims rows at or past the log's size.
TEST(AuditStore, KeptRowsReadBackAndDropFromTrims) {
  std::string dir = testing::MakeTempDir("audit-store") + "/audit";
  {
    auto store = AuditStore::Open(dir, std::chrono::milliseconds(200));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    (*store)->Keep({Row(0), Row(1), Row(2)});
    // Inside the writer's 200 ms wait the rows are not written, yet a read waits for them.
    auto row = (*store)->Read(1);
    ASSERT_TRUE(row.ok()) << row.status().ToString();
    EXPECT_EQ(row->index, 1u);
    EXPECT_EQ(row->record, "{\"i\":1}");
    EXPECT_EQ(row->salt, std::string(32, 's'));
    EXPECT_EQ(row->leaf_hash, ledger::HashBase64(ledger::LeafHash("entry 1")));
    EXPECT_EQ((*store)->Read(3).status().code(), Code::kNotFound);  // never handed over: no wait
    EXPECT_EQ(DurableEnd(dir), 0u);
    ASSERT_TRUE((*store)->MakeDurable(3).ok());
    EXPECT_EQ((*store)->GetStats().syncs, 1u);
    EXPECT_EQ(DurableEnd(dir), 3u);
  }
  auto store = AuditStore::Open(dir);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->DropFrom(2).ok());
  EXPECT_TRUE((*store)->Read(1).ok());
  EXPECT_EQ((*store)->Read(2).status().code(), Code::kNotFound);
  EXPECT_EQ(DurableEnd(dir), 2u);
  (*store)->Keep({Row(2)});  // and the next row follows on
  EXPECT_EQ((*store)->Read(2)->record, "{\"i\":2}");
}

// Rows of every size read back the same while only in the writer's memory, once written in
// whole blocks (a partial last block rewritten by each write), and after a reopen.
TEST(AuditStore, RowsReadTheSameFromMemoryAndFromTheFiles) {
  std::string dir = testing::MakeTempDir("audit-store") + "/audit";
  std::vector<ledger::Attachment> rows;
  for (uint64_t i = 0; i < 600; ++i) {
    ledger::Attachment a = Row(i);
    a.data = AuditStore::Attachment(std::string(32, char('a' + i % 26)), std::string(i * 37 % 9000, char('0' + i % 10)));
    rows.push_back(a);
  }
  {
    auto store = AuditStore::Open(dir);
    ASSERT_TRUE(store.ok());
    for (size_t i = 0; i < rows.size(); i += 7) {
      std::vector<ledger::Attachment> batch(rows.begin() + long(i), rows.begin() + long(std::min(i + 7, rows.size())));
      (*store)->Keep(batch);
      for (const auto& a : batch) {
        auto row = (*store)->Read(a.index);
        ASSERT_TRUE(row.ok()) << a.index << ": " << row.status().ToString();
        ASSERT_EQ(row->salt + row->record, a.data) << a.index;
      }
    }
    EXPECT_GT((*store)->GetStats().flushes, 5u);  // about 2.7 MB in 128 KiB writes
  }
  auto reader = AuditStore::OpenForReading(dir);
  ASSERT_TRUE(reader.ok());
  for (const auto& a : rows) {
    auto row = (*reader)->Read(a.index);
    ASSERT_TRUE(row.ok()) << a.index << ": " << row.status().ToString();
    ASSERT_EQ(row->salt + row->record, a.data) << a.index;
  }
  EXPECT_EQ((*reader)->Read(600).status().code(), Code::kNotFound);
}

// Rows handed over within the commit wait are written together; MakeDurable waits for the
// writer before it syncs, so every row below the size is in the files when it returns.
TEST(AuditStore, MakeDurableWaitsForTheWriter) {
  std::string dir = testing::MakeTempDir("audit-store") + "/audit";
  auto store = AuditStore::Open(dir, std::chrono::milliseconds(300));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  for (uint64_t i = 0; i < 20; i += 5) (*store)->Keep({Row(i), Row(i + 1), Row(i + 2), Row(i + 3), Row(i + 4)});
  ASSERT_TRUE((*store)->MakeDurable(20).ok());
  EXPECT_EQ((*store)->GetStats().batches, 1u);
  EXPECT_EQ((*store)->GetStats().rows, 20u);
  EXPECT_EQ(DurableEnd(dir), 20u);
  auto reader = AuditStore::OpenForReading(dir);
  ASSERT_TRUE(reader.ok());
  for (uint64_t i = 0; i < 20; ++i) EXPECT_EQ((*reader)->Read(i)->record, "{\"i\":" + std::to_string(i) + "}");
}

// Replayed rows replace whatever the store had from their first index on, durably; a store
// that lacks rows before them (the log no longer journals them) is refused.
TEST(AuditStore, RestoreWritesReplayedRowsDurably) {
  std::string dir = testing::MakeTempDir("audit-store") + "/audit";
  auto store = AuditStore::Open(dir);
  ASSERT_TRUE(store.ok());
  (*store)->Keep({Row(4), Row(5, std::string(32, 'o')), Row(6, std::string(32, 'o'))});
  ASSERT_EQ((*store)->Read(6)->salt, std::string(32, 'o'));
  ASSERT_TRUE((*store)->Restore({Row(5), Row(6)}).ok());
  EXPECT_EQ((*store)->Read(4)->record, "{\"i\":4}");
  EXPECT_EQ((*store)->Read(5)->salt, std::string(32, 's'));
  EXPECT_EQ((*store)->Read(6)->salt, std::string(32, 's'));
  EXPECT_EQ((*store)->Read(3).status().code(), Code::kNotFound);  // before the first row it took
  EXPECT_EQ(DurableEnd(dir), 7u);
  Status gap = (*store)->Restore({Row(9)});
  EXPECT_EQ(gap.code(), Code::kCorruption);
  EXPECT_NE(gap.message().find("lacks the records 7 to 8"), std::string::npos) << gap.message();
  EXPECT_EQ((*store)->Read(9).status().code(), Code::kNotFound);
}

// A crash after the store wrote rows but before it synced them can leave any part of them:
// Open keeps each row past the durable ones whose frame reads back, cuts the files at the
// first that does not, and the store appends on from there.
// A new store in its own directory holding rows 0-2, synced, and then rows 3-5, not synced
// (left in the files as a closing store writes them).
std::string StoreOfSixRowsThreeDurable() {
  std::string dir = testing::MakeTempDir("audit-store") + "/audit";
  auto store = AuditStore::Open(dir);
  EXPECT_TRUE(store.ok());
  (*store)->Keep({Row(0), Row(1), Row(2)});
  EXPECT_TRUE((*store)->MakeDurable(3).ok());
  (*store)->Keep({Row(3), Row(4), Row(5)});
  EXPECT_TRUE((*store)->Read(5).ok());
  return dir;
}

TEST(AuditStore, OpenCutsATornTailAndKeepsWhatReadsBack) {
  std::string dir = StoreOfSixRowsThreeDurable();
  // Tear row 5's frame: cut the file inside its record, as if the crash came mid-write.
  size_t torn = Bytes(dir + "/records").find("{\"i\":5}") + 3;
  ASSERT_GT(torn, 3u);
  fs::resize_file(dir + "/records", torn);
  {
    auto reader = AuditStore::OpenForReading(dir);  // a reader sees rows 0-4 and changes nothing
    ASSERT_TRUE(reader.ok());
    EXPECT_TRUE((*reader)->Read(4).ok());
    EXPECT_EQ((*reader)->Read(5).status().code(), Code::kNotFound);
    EXPECT_EQ(fs::file_size(dir + "/records"), torn);
  }
  auto store = AuditStore::Open(dir);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->checked_at_open(), 2u);  // rows 3 and 4
  EXPECT_EQ((*store)->cut_at_open(), 1u);      // row 5
  EXPECT_EQ((*store)->Read(4)->record, "{\"i\":4}");
  EXPECT_EQ((*store)->Read(5).status().code(), Code::kNotFound);
  // The log's journal hands row 5 over again.
  ASSERT_TRUE((*store)->Restore({Row(5)}).ok());
  EXPECT_EQ((*store)->Read(5)->record, "{\"i\":5}");
}

// A damaged byte inside a durable frame reads as Corruption naming the record, not as
// another record; its neighbours still read.
TEST(AuditStore, DamagedFrameReadsAsCorruption) {
  std::string dir = StoreOfSixRowsThreeDurable();
  std::string records = Bytes(dir + "/records");
  size_t at = records.find("{\"i\":1}");
  ASSERT_NE(at, std::string::npos);
  records[at + 5] = '7';
  testing::WriteFile(dir + "/records", records);
  auto store = AuditStore::Open(dir);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto row = (*store)->Read(1);
  EXPECT_EQ(row.status().code(), Code::kCorruption);
  EXPECT_NE(row.status().message().find("audit record 1"), std::string::npos) << row.status().message();
  EXPECT_NE(row.status().message().find("checksum"), std::string::npos) << row.status().message();
  EXPECT_TRUE((*store)->Read(0).ok());
  EXPECT_TRUE((*store)->Read(2).ok());
}

// An audit store of the earlier layout: one SQLite file with table `audit`.
void WriteSqliteStore(const std::string& path, int rows) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE audit(idx INTEGER PRIMARY KEY, "
                             "record TEXT NOT NULL, salt BLOB NOT NULL, leaf_hash TEXT NOT NULL)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  for (int i = 0; i < rows; ++i) {
    std::string leaf = ledger::HashBase64(ledger::LeafHash("entry " + std::to_string(i)));
    std::string sql = "INSERT INTO audit VALUES(" + std::to_string(i) + ", '{\"i\":" + std::to_string(i) +
                      "}', zeroblob(32), '" + leaf + "')";
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  }
  sqlite3_close(db);
}

TEST(AuditStore, ImportsAnSqliteStoreOnce) {
  std::string dir = testing::MakeTempDir("audit-store");
  WriteSqliteStore(dir + "/audit.db", 2500);
  AuditStoreLocation at = LocateAuditStore("", dir + "/county.db");
  EXPECT_EQ(at.dir, dir + "/audit");
  EXPECT_EQ(at.legacy, dir + "/audit.db");
  auto store = AuditStore::Open(at.dir);
  ASSERT_TRUE(store.ok());
  auto rows = (*store)->ImportSqlite(at.legacy);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(*rows, 2500u);
  auto row = (*store)->Read(2499);
  ASSERT_TRUE(row.ok()) << row.status().ToString();
  EXPECT_EQ(row->record, "{\"i\":2499}");
  EXPECT_EQ(row->salt, std::string(32, '\0'));
  EXPECT_EQ(row->leaf_hash, ledger::HashBase64(ledger::LeafHash("entry 2499")));
  EXPECT_EQ(DurableEnd(at.dir), 2500u);
  EXPECT_FALSE(fs::exists(dir + "/audit.db"));
  EXPECT_TRUE(fs::exists(dir + "/audit.db.imported"));
  // Now the directory holds a store: nothing more to import.
  EXPECT_EQ(LocateAuditStore("", dir + "/county.db").legacy, "");
  // A store that holds records takes no import.
  WriteSqliteStore(dir + "/other.db", 1);
  EXPECT_EQ((*store)->ImportSqlite(dir + "/other.db").status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(fs::exists(dir + "/other.db"));
}

TEST(AuditStore, ConfiguredPathThatIsAnSqliteFileIsImportedBesideIt) {
  std::string dir = testing::MakeTempDir("audit-store");
  WriteSqliteStore(dir + "/records-audit.db", 1);
  AuditStoreLocation at = LocateAuditStore(dir + "/records-audit.db", dir + "/county.db");
  EXPECT_EQ(at.dir, dir + "/records-audit");
  EXPECT_EQ(at.legacy, dir + "/records-audit.db");
  at = LocateAuditStore(dir + "/elsewhere", dir + "/county.db");
  EXPECT_EQ(at.dir, dir + "/elsewhere");
  EXPECT_EQ(at.legacy, "");
}

}  // namespace
}  // namespace tg::gateway
