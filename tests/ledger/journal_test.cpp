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
#include "../page_cache.h"

namespace tg::ledger {
namespace {

using testing::TempDir;
namespace fs = std::filesystem;

using testing::AppendRange;
using testing::LogEntry;

LogOptions Quick() { return testing::QuickLogOptions(); }

using testing::CopyLive;

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
  // A record cut short, as a crash mid-append leaves it (never acknowledged), over the
  // zeros written ahead of it.
  auto before = Journal::Read(dir / "copy/journal");
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  std::string journal = testing::ReadFile(dir / "copy/journal");
  ASSERT_LE(before->end + 14, journal.size());
  journal.replace(before->end, 14, std::string("TGJR\0\0\0\0\0\0\x01\xF4\0\0", 14));
  testing::WriteFile(dir / "copy/journal", journal);
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
  auto j2 = Journal::Read(dir / "copy2/journal");
  ASSERT_TRUE(j2.ok()) << j2.status().ToString();
  testing::FlipByte(dir / "copy2/journal", j2->end - 40);
  auto published = Log::Open(dir / "copy2", Quick());
  ASSERT_FALSE(published.ok());
  EXPECT_EQ(published.status().code(), Code::kCorruption) << published.status().ToString();
  auto base = Journal::Read(dir / "copy2/journal");
  ASSERT_TRUE(base.ok()) << base.status().ToString();
  EXPECT_TRUE(base->torn_tail);
  testing::WriteFile(dir / "copy2/checkpoint", base->base_note);  // the crash came before it
  auto torn = Log::Open(dir / "copy2", Quick());
  ASSERT_TRUE(torn.ok()) << torn.status().ToString();
  // Only the damaged record is dropped: the log ends where it began (entries 500 to 599 may
  // have gone in one commit or several).
  ASSERT_FALSE(j2->records.empty());
  const uint64_t last_record = j2->records.back().first_index;
  EXPECT_GE(last_record, 500u);
  EXPECT_LT(last_record, 600u);
  EXPECT_EQ((*torn)->CurrentCheckpoint().size, last_record);
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

// Records go over zeros written ahead of them, so most fdatasyncs carry no size change.
TEST(LedgerJournal, AppendsGoOverZerosWrittenAheadInSteps) {
  TempDir dir;
  const std::string path = dir / "journal";
  auto j = Journal::Create(path, "base note\n");
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  const uint64_t header = (*j)->bytes();
  EXPECT_EQ(fs::file_size(path), Journal::kBlock) << "only the header's block, padded, before the first append";
  EXPECT_LT(header, Journal::kBlock);
  std::string entry(1000, 'e');
  std::vector<std::string_view> one{entry};
  // The first appends fill the header's block; the one past it grows the file.
  uint64_t first_grown = 0;
  while (fs::file_size(path) == Journal::kBlock) ASSERT_TRUE((*j)->Append(first_grown++, one).ok());
  EXPECT_EQ(first_grown, 4u) << "three records of about 1 KiB fit beside the header";
  const uint64_t grown = fs::file_size(path);
  EXPECT_GE(grown, (*j)->bytes() + kJournalGrowBytes);
  EXPECT_EQ(grown % 4096, 0u);
  // Appends within the zeros leave the size alone.
  for (uint64_t i = first_grown; i < 100; ++i) ASSERT_TRUE((*j)->Append(i, one).ok());
  EXPECT_EQ(fs::file_size(path), grown);
  std::string bytes = testing::ReadFile(path);
  EXPECT_EQ(bytes.find_first_not_of('\0', (*j)->bytes()), std::string::npos) << "only zeros after the records";
  // Past them the file grows again.
  uint64_t n = 100;
  while (fs::file_size(path) == grown) ASSERT_TRUE((*j)->Append(n++, one).ok());
  EXPECT_GT(fs::file_size(path), grown);
  auto read = Journal::Read(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_FALSE(read->torn_tail);
  EXPECT_EQ(read->end, (*j)->bytes());
  ASSERT_EQ(read->records.size(), n);
  EXPECT_EQ(read->records.back().first_index, n - 1);
  EXPECT_EQ(read->records.back().entries[0], entry);
}

// Where the zeros end a torn record, it is a torn append; data after the zeros is damage.
TEST(LedgerJournal, ZerosAfterATornRecordKeepItTornButDataAfterThemIsCorruption) {
  TempDir dir;
  const std::string path = dir / "journal";
  auto j = Journal::Create(path, "base note\n");
  ASSERT_TRUE(j.ok());
  std::string entry(1500, 'e');  // three of them outgrow the header's block
  std::vector<std::string_view> one{entry};
  for (uint64_t i = 0; i < 3; ++i) ASSERT_TRUE((*j)->Append(i, one).ok());
  const uint64_t end = (*j)->bytes();
  {
    auto r = Journal::Read(path);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->records.size(), 3u);
  }
  std::string bytes = testing::ReadFile(path);
  ASSERT_GT(bytes.size(), end + 4096);
  const uint64_t record_size = (end - (8 + 10 + 32)) / 3;
  std::string torn = bytes.substr(end - record_size, record_size / 2);
  torn.replace(4, 8, std::string("\0\0\0\0\0\0\0\x03", 8));  // it would be entry 3

  std::string with_torn = bytes;
  with_torn.replace(end, torn.size(), torn);
  auto r = Journal::Parse(with_torn, "torn");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->torn_tail);
  EXPECT_EQ(r->records.size(), 3u);
  EXPECT_EQ(r->end, end);

  // A record damaged in the middle, with the next one intact after it: corruption.
  std::string damaged = with_torn;
  damaged[end - record_size - 40] ^= 0x01;
  auto d = Journal::Parse(damaged, "damaged");
  EXPECT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), Code::kCorruption);

  // Anything non-zero out in the zeros, with no record to explain it: corruption.
  std::string stray = bytes;
  stray[bytes.size() - 10] = 'x';
  auto s = Journal::Parse(stray, "stray");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Code::kCorruption);
  EXPECT_NE(s.status().message().find("no record at byte " + std::to_string(end)), std::string::npos)
      << s.status().ToString();

  // A torn record followed, after zeros, by stray data is damage too.
  std::string torn_then_stray = with_torn;
  torn_then_stray[bytes.size() - 10] = 'x';
  auto ts = Journal::Parse(torn_then_stray, "torn then stray");
  ASSERT_FALSE(ts.ok());
  EXPECT_EQ(ts.status().code(), Code::kCorruption);
}

// Reserve writes zeros ahead durably; appends below that size change neither the size
// nor what is read back.
TEST(LedgerJournal, ReservedZerosAreWrittenAheadAndAppendsStayWithinThem) {
  TempDir dir;
  const std::string path = dir / "journal";
  auto j = Journal::Create(path, "base note\n");
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  ASSERT_TRUE((*j)->Reserve(3 * kJournalGrowBytes + 1).ok());
  const uint64_t reserved = fs::file_size(path);
  EXPECT_EQ(reserved, (3 * kJournalGrowBytes + 4096) / 4096 * 4096);
  EXPECT_EQ((*j)->allocated(), reserved);
  ASSERT_TRUE((*j)->Reserve(1000).ok());  // smaller: nothing to do
  EXPECT_EQ(fs::file_size(path), reserved);
  std::string entry(1000, 'e');
  std::vector<std::string_view> one{entry};
  uint64_t n = 0;
  while ((*j)->bytes() + 2000 < 2 * kJournalGrowBytes) ASSERT_TRUE((*j)->Append(n++, one).ok());
  EXPECT_EQ(fs::file_size(path), reserved) << "appends went over the reserved zeros";
  auto read = Journal::Read(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_FALSE(read->torn_tail);
  ASSERT_EQ(read->records.size(), n);
  EXPECT_EQ(read->records.back().first_index, n - 1);
}

// Read leaves the zeros written ahead on disk, but a last record whose hash ends in zero
// bytes is still whole: such a record must not pass for a torn one.
TEST(LedgerJournal, ALastRecordEndingInZeroBytesIsReadWholeBeforeReservedZeros) {
  TempDir dir;
  const std::string path = dir / "journal";
  auto j = Journal::Create(path, "base note\n");
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  FILE* f = std::fopen(path.c_str(), "rb");
  ASSERT_NE(f, nullptr);
  uint64_t n = 0;
  char last = 1;
  for (; last != 0 && n < 20000; ++n) {
    std::string entry = "entry " + std::to_string(n);
    ASSERT_TRUE((*j)->Append(n, {entry}).ok());
    ASSERT_EQ(std::fseek(f, long((*j)->bytes() - 1), SEEK_SET), 0);
    std::fflush(f);
    last = char(std::fgetc(f));
  }
  std::fclose(f);
  ASSERT_EQ(last, 0) << "no record of " << n << " ended in a zero byte";
  ASSERT_TRUE((*j)->Reserve((*j)->bytes() + 3 * kJournalGrowBytes).ok());
  auto read = Journal::Read(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_FALSE(read->torn_tail);
  EXPECT_EQ(read->end, (*j)->bytes());
  ASSERT_EQ(read->records.size(), n);
  EXPECT_EQ(read->records.back().entries[0], "entry " + std::to_string(n - 1));
}

// Each append rewrites the block the last record ended in: records of every size, ending
// anywhere in a block, exactly at its end, or spanning many, all read back as written.
TEST(LedgerJournal, RecordsEndingAnywhereInABlockReadBackAsWritten) {
  TempDir dir;
  const std::string path = dir / "journal";
  auto j = Journal::Create(path, std::string(5000, 'n'));  // a header longer than a block
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  std::vector<std::string> written;
  uint64_t seed = 7;
  for (uint64_t i = 0; i < 300; ++i) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    size_t size = 1 + size_t(seed >> 33) % 9000;
    // Now and then a record that ends the block exactly (the append adds 54 bytes: 20 fixed, 2 of length, 32 of hash).
    uint64_t free_in_block = Journal::kBlock - (*j)->bytes() % Journal::kBlock;
    if (i % 17 == 0 && free_in_block > 64) size = free_in_block - 54;
    written.push_back(std::string(size, char('a' + i % 26)));
    std::vector<std::string_view> one{written.back()};
    ASSERT_TRUE((*j)->Append(i, one).ok()) << "append " << i;
    if (i % 17 == 0 && free_in_block > 64) {
      EXPECT_EQ((*j)->bytes() % Journal::kBlock, 0u) << "append " << i;
    }
  }
  auto read = Journal::Read(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_FALSE(read->torn_tail);
  EXPECT_EQ(read->end, (*j)->bytes());
  EXPECT_EQ(read->base_note, std::string(5000, 'n'));
  ASSERT_EQ(read->records.size(), written.size());
  for (size_t i = 0; i < written.size(); ++i) {
    ASSERT_EQ(read->records[i].first_index, i);
    ASSERT_EQ(read->records[i].entries.at(0), written[i]) << "record " << i;
  }
}

// Direct writes keep the records out of the page cache (each fresh page there costs a
// host page fault on a VM). Where the filesystem refuses O_DIRECT the journal writes
// through the cache, and there is nothing to check.
TEST(LedgerJournal, DirectWritesLeaveNoRecordPagesInThePageCache) {
  TempDir dir;
  const std::string path = dir / "journal";
  auto j = Journal::Create(path, "base note\n");
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  if (!(*j)->direct()) GTEST_SKIP() << "this filesystem refuses O_DIRECT: " << path;
  std::string entry(3000, 'e');
  std::vector<std::string_view> one{entry};
  for (uint64_t i = 0; i < 200; ++i) ASSERT_TRUE((*j)->Append(i, one).ok());
  ASSERT_TRUE((*j)->Reserve((*j)->allocated() + (4 << 20)).ok());
  auto pages = tg::testing::PagesInCache(path);
  ASSERT_TRUE(pages.ok);
  EXPECT_EQ(pages.cached, 0u) << "of " << pages.total << " pages";
  // Reading it back goes through the cache as usual.
  auto read = Journal::Read(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->records.size(), 200u);
}

// tmpfs refuses O_DIRECT before Linux 6.6 (the journal then writes the same blocks through
// the page cache) and accepts it since: either way the records read back.
TEST(LedgerJournal, OnTmpfsTheJournalWorksDirectOrBuffered) {
  if (!fs::is_directory("/dev/shm")) GTEST_SKIP() << "no /dev/shm (tmpfs) here";
  char tmpl[] = "/dev/shm/tg-journal-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) GTEST_SKIP() << "cannot write to /dev/shm";
  const std::string path = std::string(tmpl) + "/journal";
  {
    auto j = Journal::Create(path, "base note\n");
    ASSERT_TRUE(j.ok()) << j.status().ToString();
    std::string entry(2500, 'e');
    std::vector<std::string_view> one{entry};
    for (uint64_t i = 0; i < 50; ++i) ASSERT_TRUE((*j)->Append(i, one).ok());
    auto read = Journal::Read(path);
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    EXPECT_EQ(read->records.size(), 50u);
    EXPECT_EQ(read->end, (*j)->bytes());
  }
  fs::remove_all(tmpl);
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
  // The journal restarts without waiting for the tile writer: after the writer has synced
  // what it wrote, it rewrites the other file as a journal based there, and a later commit
  // switches to it. The two files together hold every entry past the newer base.
  uint64_t total = 0;
  while (total < 2000 || ((*log)->Stats().base_syncs == 0 && total < 200000)) {
    AppendRange(**log, total, total + 100);
    total += 100;
  }
  EXPECT_GT((*log)->Stats().base_syncs, 0u);
  auto a = Journal::Read(dir / "log/journal");
  auto b = Journal::Read(dir / "log/journal.2");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  auto verifier = NoteVerifier::Parse((*log)->verifier_key());
  auto base_a = OpenCheckpoint(a->base_note, *verifier), base_b = OpenCheckpoint(b->base_note, *verifier);
  ASSERT_TRUE(base_a.ok() && base_b.ok());
  EXPECT_NE(base_a->size, base_b->size);
  bool b_newer = base_b->size > base_a->size;
  JournalContents& newer = b_newer ? *b : *a;
  uint64_t newer_base = std::max(base_a->size, base_b->size);
  EXPECT_GT(newer_base, 0u);
  // Nothing was copied into it. (It may have no records yet: prepared after the last append.)
  if (!newer.records.empty()) {
    EXPECT_GE(newer.records.front().first_index, newer_base);
  }
  auto merged = MergeJournals(std::move(b_newer ? *a : *b), std::move(newer), newer_base);
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  uint64_t next = newer_base;
  for (const auto& r : merged->records) {
    EXPECT_EQ(r.first_index, next);
    next += r.entries.size();
  }
  EXPECT_EQ(next, total);
  CopyLive(dir / "log", dir / "copy");
  auto reopened = Log::Open(dir / "copy", Quick());
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ((*reopened)->CurrentCheckpoint().size, total);
  EXPECT_EQ(*(*reopened)->ReadEntry(total - 1), LogEntry(total - 1));
  // Reopening leaves one journal based at the recovered size.
  EXPECT_FALSE(std::filesystem::exists(dir / "copy/journal.2"));
}

// The journal a restart switches to was written ahead (on the tile writer's thread) for as
// far as it will grow: right after the switch it is already that long, where growing as it
// went would have left it about one step past its few records.
TEST(LedgerJournal, TheJournalARestartSwitchesToIsWrittenAheadForItsWholeLength) {
  TempDir dir;
  ASSERT_TRUE(Log::Init(dir / "log", "example.gov/log").ok());
  LogOptions o = Quick();
  o.journal_max_bytes = 2 * kJournalGrowBytes;
  auto log = Log::Open(dir / "log", o);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  const std::string entry(1000, 'x');
  for (int batch = 0; batch < 400 && (*log)->Stats().base_syncs == 0; ++batch) {
    std::vector<Ticket> tickets;
    for (int i = 0; i < 200; ++i) {
      auto t = (*log)->Append(entry);
      ASSERT_TRUE(t.ok()) << t.status().ToString();
      tickets.push_back(*t);
    }
    for (auto& t : tickets) ASSERT_TRUE(t.Wait().ok());
  }
  ASSERT_GT((*log)->Stats().base_syncs, 0u);
  // The current journal is the one based higher.
  auto verifier = NoteVerifier::Parse((*log)->verifier_key());
  auto a = Journal::Read(dir / "log/journal"), b = Journal::Read(dir / "log/journal.2");
  ASSERT_TRUE(a.ok() && b.ok());
  auto base_a = OpenCheckpoint(a->base_note, *verifier), base_b = OpenCheckpoint(b->base_note, *verifier);
  ASSERT_TRUE(base_a.ok() && base_b.ok());
  const bool b_newer = base_b->size > base_a->size;
  const JournalContents& newer = b_newer ? *b : *a;
  EXPECT_LT(newer.end + kJournalGrowBytes, o.journal_max_bytes) << "few records since the switch";
  EXPECT_GE(fs::file_size(dir / (b_newer ? "log/journal.2" : "log/journal")), o.journal_max_bytes + kJournalGrowBytes);
}

// The older file's records past the newer base come first; a gap, an overlap or a torn
// older file under a continuing newer one is corruption.
TEST(LedgerJournal, MergingTheTwoFilesChecksTheyJoin) {
  auto rec = [](uint64_t first, uint64_t n) {
    JournalRecord r;
    r.first_index = first;
    for (uint64_t i = 0; i < n; ++i) r.entries.push_back(LogEntry(first + i));
    return r;
  };
  auto contents = [](std::vector<JournalRecord> rs, bool torn = false) {
    JournalContents c;
    c.base_note = "note";
    c.records = std::move(rs);
    c.torn_tail = torn;
    return c;
  };
  // Older holds 0..9 in records [0,4) [4,10); the newer is based at 6 and goes on at 10.
  auto m = MergeJournals(contents({rec(0, 4), rec(4, 6)}), contents({rec(10, 5)}), 6);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ(m->records.size(), 2u);
  EXPECT_EQ(m->records[0].first_index, 6u);
  EXPECT_EQ(m->records[0].entries, (std::vector<std::string>{LogEntry(6), LogEntry(7), LogEntry(8), LogEntry(9)}));
  EXPECT_EQ(m->records[1].first_index, 10u);
  // A prepared newer file with no records yet: the older's tail is the journal, torn or not.
  auto fresh = MergeJournals(contents({rec(0, 10)}, true), contents({}), 6);
  ASSERT_TRUE(fresh.ok());
  EXPECT_TRUE(fresh->torn_tail);
  EXPECT_EQ(fresh->records.front().first_index, 6u);
  EXPECT_EQ(MergeJournals(contents({rec(0, 8)}), contents({rec(10, 5)}), 6).status().code(), Code::kCorruption);
  EXPECT_EQ(MergeJournals(contents({rec(0, 12)}), contents({rec(10, 5)}), 6).status().code(), Code::kCorruption);
  EXPECT_EQ(MergeJournals(contents({rec(0, 10)}, true), contents({rec(10, 5)}), 6).status().code(), Code::kCorruption);
  EXPECT_EQ(MergeJournals(contents({rec(8, 2)}), contents({rec(10, 5)}), 6).status().code(), Code::kCorruption);
}

}  // namespace
}  // namespace tg::ledger
