// The journal makes entries durable; tiles are rebuilt from it. These tests take a copy of
// a live log's directory (what a machine crash could leave: the journal on disk, the tiles
// written since the base possibly lost), then check that Open restores every acknowledged
// entry, cuts off a torn tail, and refuses a damaged header.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ledger/checkpoint.h"
#include "ledger/journal.h"
#include "ledger/log.h"
#include "ledger/note.h"
#include "ledger/verify.h"
#include "ledger_test_util.h"

namespace tg::ledger {
namespace {

using testing::TempDir;
namespace fs = std::filesystem;

using testing::AppendRange;
using testing::LogEntry;

LogOptions Quick() { return testing::QuickLogOptions(); }

// Copies the log directory while `log` is open (no clean close: the journal is not reset).
void CopyLive(const std::string& from, const std::string& to) {
  fs::copy(from, to, fs::copy_options::recursive);
}

// Removes every tile file and partial-tile directory: only the journal and the keys stay,
// and the checkpoint goes back to the journal's base.
void LoseTiles(const std::string& dir) {
  fs::remove_all(dir + "/tile");
  auto j = Journal::Read(dir + "/journal");
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  testing::WriteFile(dir + "/checkpoint", j->base_note);
}

TEST(LedgerJournal, OpenReplaysEveryAcknowledgedEntryWhenTheTilesAreLost) {
  TempDir dir;
  ASSERT_TRUE(Log::Init(dir / "log", "example.gov/log").ok());
  std::string vkey;
  {
    auto log = Log::Open(dir / "log", Quick());
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    vkey = (*log)->verifier_key();
    AppendRange(**log, 0, 300);
    AppendRange(**log, 300, 1000);
    CopyLive(dir / "log", dir / "copy");
  }
  auto j = Journal::Read(dir / "copy/journal");
  ASSERT_TRUE(j.ok());
  size_t journaled = 0;
  for (const auto& r : j->records) journaled += r.entries.size();
  EXPECT_EQ(journaled, 1000u);  // the base is the empty tree: everything is in the journal
  LoseTiles(dir / "copy");

  auto log = Log::Open(dir / "copy", Quick());
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_EQ((*log)->CurrentCheckpoint().size, 1000u);
  for (uint64_t i : {0u, 255u, 256u, 999u}) EXPECT_EQ(*(*log)->ReadEntry(i), LogEntry(i));
  AppendRange(**log, 1000, 1100);  // and it goes on from there
  log->reset();
  EXPECT_TRUE(VerifyLogDirectory(dir / "copy", vkey).ok());
  // The original, closed cleanly, has the same tree.
  auto a = Log::Open(dir / "log", Quick());
  auto b = Log::Open(dir / "copy", Quick());
  EXPECT_EQ(*(*a)->RootAt(1000), *(*b)->RootAt(1000));
}

TEST(LedgerJournal, ATornTailIsCutOffAndTheRestKept) {
  TempDir dir;
  ASSERT_TRUE(Log::Init(dir / "log", "example.gov/log").ok());
  {
    auto log = Log::Open(dir / "log", Quick());
    AppendRange(**log, 0, 500);
    CopyLive(dir / "log", dir / "copy");
  }
  // A record cut short, as a crash mid-append leaves it (never acknowledged).
  std::string journal = testing::ReadFile(dir / "copy/journal");
  std::ofstream(dir / "copy/journal", std::ios::app) << std::string("TGJR\0\0\0\0\0\0\x01\xF4\0\0", 14);
  auto log = Log::Open(dir / "copy", Quick());
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_EQ((*log)->CurrentCheckpoint().size, 500u);
  // A flipped byte inside the last record: if the checkpoint on disk covers it, it was
  // published, and losing it is corruption; if not, it is a torn append and is dropped.
  log->reset();
  {
    auto live = Log::Open(dir / "log", Quick());
    AppendRange(**live, 500, 600);
    ASSERT_TRUE((*live)->Flush().ok());  // the checkpoint file now covers the last record
    CopyLive(dir / "log", dir / "copy2");
  }
  std::string j2 = testing::ReadFile(dir / "copy2/journal");
  testing::FlipByte(dir / "copy2/journal", j2.size() - 40);
  auto published = Log::Open(dir / "copy2", Quick());
  ASSERT_FALSE(published.ok());
  EXPECT_EQ(published.status().code(), Code::kCorruption) << published.status().ToString();
  auto base = Journal::Read(dir / "copy2/journal");
  ASSERT_TRUE(base.ok()) << base.status().ToString();
  EXPECT_TRUE(base->torn_tail);
  testing::WriteFile(dir / "copy2/checkpoint", base->base_note);  // the crash came before it
  auto torn = Log::Open(dir / "copy2", Quick());
  ASSERT_TRUE(torn.ok()) << torn.status().ToString();
  EXPECT_EQ((*torn)->CurrentCheckpoint().size, 500u);
}

TEST(LedgerJournal, ADamagedRecordFollowedByOthersIsCorruption) {
  TempDir dir;
  ASSERT_TRUE(Log::Init(dir / "log", "example.gov/log").ok());
  {
    auto log = Log::Open(dir / "log", Quick());
    AppendRange(**log, 0, 50);
    AppendRange(**log, 50, 100);
    CopyLive(dir / "log", dir / "copy");
  }
  auto j = Journal::Read(dir / "copy/journal");
  ASSERT_TRUE(j.ok());
  ASSERT_GE(j->records.size(), 2u);
  // Somewhere in the first record's entries (the header is note + 40 bytes; the record
  // starts after it with 20 fixed bytes).
  testing::FlipByte(dir / "copy/journal", 8 + j->base_note.size() + 32 + 20 + 5);
  auto r = Journal::Read(dir / "copy/journal");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kCorruption);
  EXPECT_FALSE(Log::Open(dir / "copy", Quick()).ok());
}

TEST(LedgerJournal, ADamagedHeaderIsCorruption) {
  TempDir dir;
  ASSERT_TRUE(Log::Init(dir / "log", "example.gov/log").ok());
  { auto log = Log::Open(dir / "log", Quick()); AppendRange(**log, 0, 10); }
  testing::FlipByte(dir / "log/journal", 12);
  auto log = Log::Open(dir / "log", Quick());
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.status().code(), Code::kCorruption) << log.status().ToString();
}

TEST(LedgerJournal, APassedSizeLimitSyncsTheTilesAndRestartsTheJournal) {
  TempDir dir;
  ASSERT_TRUE(Log::Init(dir / "log", "example.gov/log").ok());
  LogOptions o = Quick();
  o.journal_max_bytes = 4096;
  auto log = Log::Open(dir / "log", o);
  for (uint64_t i = 0; i < 2000; i += 100) AppendRange(**log, i, i + 100);
  // The journal restarts without waiting for the tile writer: at a commit after the writer
  // has synced what it wrote, from that size, keeping the records after it.
  EXPECT_GT((*log)->Stats().base_syncs, 0u);
  auto j = Journal::Read(dir / "log/journal");
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  auto verifier = NoteVerifier::Parse((*log)->verifier_key());
  auto base = OpenCheckpoint(j->base_note, *verifier);
  ASSERT_TRUE(base.ok());
  EXPECT_GT(base->size, 0u);
  uint64_t next = base->size;
  for (const auto& r : j->records) {
    EXPECT_EQ(r.first_index, next);
    next += r.entries.size();
  }
  EXPECT_EQ(next, 2000u);
  CopyLive(dir / "log", dir / "copy");
  auto reopened = Log::Open(dir / "copy", Quick());
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ((*reopened)->CurrentCheckpoint().size, 2000u);
  EXPECT_EQ(*(*reopened)->ReadEntry(1999), LogEntry(1999));
}

}  // namespace
}  // namespace tg::ledger
