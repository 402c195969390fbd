// Tiles written behind the committer: published tiles are readable before they reach the
// disk, the directory on its own stays a consistent older log, a writer cut off mid-file is
// repaired by replay, and a far-behind writer slows commits instead of stalling them.
#include <gtest/gtest.h>

#include <filesystem>

#include "ledger/checkpoint.h"
#include "ledger/log.h"
#include "ledger/note.h"
#include "ledger/proof.h"
#include "ledger/tile_store.h"
#include "ledger/verify.h"
#include "ledger_test_util.h"

namespace tg::ledger {
namespace {

namespace fs = std::filesystem;
using testing::AppendRange;
using testing::LogEntry;
using testing::TempDir;

// A writer that waits an hour before writing (unless drained, stopped or over its limit).
LogOptions HeldBack() {
  LogOptions o = testing::QuickLogOptions();
  o.tile_write_delay = std::chrono::hours(1);
  return o;
}

uint64_t SizeOnDisk(const std::string& dir, const std::string& vkey) {
  auto verifier = NoteVerifier::Parse(vkey);
  auto cp = OpenCheckpoint(testing::ReadFile(dir + "/checkpoint"), *verifier);
  EXPECT_TRUE(cp.ok()) << cp.status().ToString();
  return cp.ok() ? cp->size : ~uint64_t(0);
}

TEST(LedgerWriteBehind, PublishedTilesAreServedBeforeTheyAreOnDisk) {
  TempDir dir;
  ASSERT_TRUE(Log::Init(dir / "log", "example.gov/log").ok());
  auto log = Log::Open(dir / "log", HeldBack());
  ASSERT_TRUE(log.ok());
  std::string vkey = (*log)->verifier_key();
  AppendRange(**log, 0, 300);
  EXPECT_EQ((*log)->CurrentCheckpoint().size, 300u);
  EXPECT_EQ(SizeOnDisk(dir / "log", vkey), 0u);
  EXPECT_FALSE(fs::exists(dir / "log/tile"));

  for (uint64_t i : {0, 255, 256, 299}) EXPECT_EQ(*(*log)->ReadEntry(i), LogEntry(i));
  EXPECT_EQ((*log)->ReadTile("tile/0/000")->size(), 8192u);
  EXPECT_EQ((*log)->ReadTile("tile/0/001.p/44")->size(), 44u * 32);
  auto verifier = NoteVerifier::Parse(vkey);
  auto proof = (*log)->TlogProofText(123);
  ASSERT_TRUE(proof.ok()) << proof.status().ToString();
  EXPECT_TRUE(VerifyTlogProof(*proof, LogEntry(123), *verifier).ok());
  EXPECT_TRUE((*log)->ConsistencyProof(7).ok());

  ASSERT_TRUE((*log)->Flush().ok());
  EXPECT_EQ(SizeOnDisk(dir / "log", vkey), 300u);
  auto report = VerifyLogDirectory(dir / "log", vkey);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->entries_checked, 300u);
  // Served from disk now, the same bytes.
  EXPECT_EQ((*log)->ReadTile("tile/0/001.p/44")->size(), 44u * 32);
  EXPECT_EQ(*(*log)->ReadEntry(299), LogEntry(299));
}

TEST(LedgerWriteBehind, TheDirectoryIsAlwaysAConsistentOlderLog) {
  TempDir dir;
  ASSERT_TRUE(Log::Init(dir / "log", "example.gov/log").ok());
  auto log = Log::Open(dir / "log", HeldBack());
  std::string vkey = (*log)->verifier_key();
  AppendRange(**log, 0, 520);
  ASSERT_TRUE((*log)->Flush().ok());
  AppendRange(**log, 520, 700);  // published, not written
  EXPECT_EQ((*log)->CurrentCheckpoint().size, 700u);
  auto report = VerifyLogDirectory(dir / "log", vkey);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->entries_checked, 520u);
}

TEST(LedgerWriteBehind, AWriterCutOffMidFileIsRepairedByReplay) {
  TempDir dir;
  ASSERT_TRUE(Log::Init(dir / "log", "example.gov/log").ok());
  std::string vkey;
  {
    auto log = Log::Open(dir / "log", HeldBack());
    vkey = (*log)->verifier_key();
    for (auto [from, to] : {std::pair{0, 70}, {70, 300}, {300, 400}}) {
      AppendRange(**log, from, to);
      ASSERT_TRUE((*log)->Flush().ok());
    }
    AppendRange(**log, 400, 450);  // only in memory and the journal
    fs::copy(dir / "log", dir / "copy", fs::copy_options::recursive);
  }
  // As if killed while writing: an older partial and a full tile empty, the newest partial torn.
  ASSERT_TRUE(fs::exists(dir / "copy/tile/0/000.p/70"));
  testing::WriteFile(dir / "copy/tile/0/000.p/70", "");
  testing::WriteFile(dir / "copy/tile/entries/000", "");
  std::string newest = testing::ReadFile(dir / "copy/tile/entries/001.p/144");
  testing::WriteFile(dir / "copy/tile/entries/001.p/144", newest.substr(0, newest.size() / 2));
  {
    auto log = Log::Open(dir / "copy", HeldBack());
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    EXPECT_EQ((*log)->CurrentCheckpoint().size, 450u);
    for (uint64_t i : {0, 69, 255, 256, 449}) EXPECT_EQ(*(*log)->ReadEntry(i), LogEntry(i));
    EXPECT_EQ((*log)->ReadTile("tile/0/000.p/70")->size(), 70u * 32);  // cut from the full tile
  }
  auto report = VerifyLogDirectory(dir / "copy", vkey);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->entries_checked, 450u);
  EXPECT_FALSE(fs::exists(dir / "copy/tile/0/000.p/70"));
}

TEST(LedgerWriteBehind, AWriterOverItsLimitSkipsItsDelay) {
  TempDir dir;
  ASSERT_TRUE(Log::Init(dir / "log", "example.gov/log").ok());
  LogOptions o = HeldBack();
  o.max_unwritten_tile_bytes = 1;  // every commit waits for the writer
  auto log = Log::Open(dir / "log", o);
  for (uint64_t from = 0; from < 2000; from += 250) AppendRange(**log, from, from + 250);
  EXPECT_EQ((*log)->CurrentCheckpoint().size, 2000u);
  // Each commit waited for the previous one's tiles, so the directory is at most one behind.
  EXPECT_GE(SizeOnDisk(dir / "log", (*log)->verifier_key()), 1750u);
  EXPECT_GE((*log)->Stats().tile_rounds, 2u);
}

TEST(LedgerTilePrefix, CutsHashTilesAndBundlesAndRefusesTornOnes) {
  std::string hashes(5 * 32, 'h');
  EXPECT_EQ(*TilePrefix({0, 0, 3}, 5, hashes), hashes.substr(0, 96));
  EXPECT_EQ(TilePrefix({0, 0, 3}, 5, hashes.substr(0, 100)).status().code(), Code::kCorruption);
  EXPECT_FALSE(TilePrefix({0, 0, 6}, 5, hashes).ok());
  std::string bundle;
  for (std::string e : {"a", "bb", "ccc"}) AppendToBundle(bundle, e);
  EXPECT_EQ(*TilePrefix({kEntriesLevel, 0, 2}, 3, bundle), bundle.substr(0, 2 + 1 + 2 + 2));
  EXPECT_EQ(*TilePrefix({kEntriesLevel, 0, 3}, 3, bundle), bundle);
  EXPECT_EQ(TilePrefix({kEntriesLevel, 0, 3}, 3, bundle.substr(0, bundle.size() - 1)).status().code(),
            Code::kCorruption);
  EXPECT_EQ(TilePrefix({kEntriesLevel, 0, 2}, 3, bundle + "x").status().code(), Code::kOk);
  EXPECT_EQ(TilePrefix({kEntriesLevel, 0, 3}, 3, bundle + "x").status().code(), Code::kCorruption);
}

}  // namespace
}  // namespace tg::ledger
