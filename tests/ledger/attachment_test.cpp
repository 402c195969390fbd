// Attachments: private data journaled with an entry and handed to a keeper that need not
// sync. The journal must hold every attachment until the keeper says it is durable, replay
// the rest to the keeper after a crash, and never drop them for an opener without one.
#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <map>
#include <mutex>

#include "ledger/journal.h"
#include "ledger/log.h"
#include "ledger_test_util.h"

namespace tg::ledger {
namespace {

using testing::LogEntry;
using testing::TempDir;
namespace fs = std::filesystem;

std::string AttachmentFor(uint64_t i) { return "private record " + std::to_string(i) + std::string(i % 97, '.'); }

// A keeper in memory that models one without fsync: Keep puts rows in `kept` (lost in a
// crash), MakeDurable and Restore move them to `durable` (what survives).
class MemoryKeeper : public AttachmentKeeper {
 public:
  void Keep(std::vector<Attachment> batch) override {
    std::lock_guard lock(mu);
    for (auto& a : batch) {
      EXPECT_EQ(a.leaf, LeafHash(LogEntry(a.index))) << a.index;
      order.push_back(a.index);
      kept[a.index] = std::move(a.data);
    }
  }
  Status MakeDurable(uint64_t size) override {
    std::lock_guard lock(mu);
    ++make_durable_calls;
    if (refuse) return Status::IOError("disk full");
    for (auto it = kept.begin(); it != kept.end() && it->first < size;) {
      durable[it->first] = it->second;
      it = kept.erase(it);
    }
    return Status::OK();
  }
  Status Restore(std::vector<Attachment> replayed) override {
    std::lock_guard lock(mu);
    for (auto& a : replayed) {
      EXPECT_EQ(a.leaf, LeafHash(LogEntry(a.index))) << a.index;
      restored[a.index] = a.data;
      durable[a.index] = std::move(a.data);
    }
    return refuse ? Status::IOError("disk full") : Status::OK();
  }
  std::map<uint64_t, std::string> Durable() {
    std::lock_guard lock(mu);
    return durable;
  }

  std::mutex mu;
  std::vector<uint64_t> order;
  std::map<uint64_t, std::string> kept, durable, restored;
  int make_durable_calls = 0;
  bool refuse = false;
};

LogOptions WithKeeper(AttachmentKeeper* keeper, uint64_t journal_max_bytes = uint64_t(64) << 20) {
  LogOptions o = testing::QuickLogOptions();
  o.attachment_keeper = keeper;
  o.journal_max_bytes = journal_max_bytes;
  o.tile_write_delay = std::chrono::milliseconds(1);
  return o;
}

// Appends LogEntry(i) with AttachmentFor(i) for i in [from, to) and waits for all of them.
// Each callback checks that the keeper already had the attachment when the entry committed.
void AppendAttached(Log& log, MemoryKeeper& keeper, uint64_t from, uint64_t to) {
  std::vector<std::shared_ptr<std::promise<bool>>> done;
  for (uint64_t i = from; i < to; ++i) {
    auto p = std::make_shared<std::promise<bool>>();
    done.push_back(p);
    auto index = log.Append(LogEntry(i), AttachmentFor(i), [&keeper, i, p](Result<uint64_t> r) {
      std::lock_guard lock(keeper.mu);
      p->set_value(r.ok() && (keeper.kept.count(i) || keeper.durable.count(i)));
    });
    ASSERT_TRUE(index.ok()) << index.status().ToString();
    ASSERT_EQ(*index, i);
  }
  for (auto& p : done) ASSERT_TRUE(p->get_future().get());
}

TEST(LedgerAttachments, TheJournalKeepsThemBesideTheirEntries) {
  TempDir dir;
  std::string path = dir / "journal";
  auto j = Journal::Create(path, "base note\n");
  ASSERT_TRUE(j.ok());
  std::vector<std::string> big = {"e0", "e1", "e2"};
  std::vector<std::string> att = {"a0", "", std::string(100000, 'z')};
  ASSERT_TRUE((*j)->Append(0, {big[0], big[1], big[2]}, {att[0], att[1], att[2]}).ok());
  ASSERT_TRUE((*j)->Append(3, {"e3"}).ok());  // a record without attachments
  EXPECT_EQ((*j)->Append(4, {"e4"}, {"x", "y"}).code(), Code::kInternal);
  EXPECT_EQ((*j)->Append(4, {"e4"}, {std::string(kMaxAttachmentBytes + 1, 'x')}).code(), Code::kInvalidArgument);
  EXPECT_EQ(fs::status(path).permissions() & fs::perms::others_read, fs::perms::none) << "the journal is private";

  auto c = Journal::Read(path);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->records.size(), 2u);
  EXPECT_EQ(c->records[0].entries, big);
  EXPECT_EQ(c->records[0].attachments, att);
  EXPECT_EQ(c->records[1].entries, std::vector<std::string>{"e3"});
  EXPECT_TRUE(c->records[1].attachments.empty());
  EXPECT_FALSE(c->torn_tail);

  // A flipped byte inside the big attachment, with a record after it, is damage.
  testing::FlipByte(path, 8 + 10 + 32 + 20 + 50000);
  auto damaged = Journal::Read(path);
  ASSERT_FALSE(damaged.ok());
  EXPECT_EQ(damaged.status().code(), Code::kCorruption);
}

TEST(LedgerAttachments, KeeperGetsEachInOrderBeforeItsEntryCommits) {
  TempDir dir;
  ASSERT_TRUE(Log::Init(dir / "log", "example.gov/log").ok());
  MemoryKeeper keeper;
  {
    auto log = Log::Open(dir / "log", WithKeeper(&keeper));
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    AppendAttached(**log, keeper, 0, 300);
    // Entries without an attachment are not handed over.
    testing::AppendRange(**log, 300, 310);
    auto last = (*log)->Append(LogEntry(310), AttachmentFor(310), nullptr);
    ASSERT_TRUE(last.ok()) << last.status().ToString();
  }
  std::vector<uint64_t> want;
  for (uint64_t i = 0; i < 300; ++i) want.push_back(i);
  want.push_back(310);
  EXPECT_EQ(keeper.order, want);
  // A clean close had the keeper make everything durable, and left an empty journal.
  EXPECT_EQ(keeper.Durable().size(), 301u);
  auto j = Journal::Read(dir / "log/journal");
  ASSERT_TRUE(j.ok());
  EXPECT_TRUE(j->records.empty());
}

TEST(LedgerAttachments, NoKeeperNoAttachments) {
  TempDir dir;
  ASSERT_TRUE(Log::Init(dir / "log", "example.gov/log").ok());
  auto log = Log::Open(dir / "log", testing::QuickLogOptions());
  ASSERT_TRUE(log.ok());
  auto r = (*log)->Append("entry", "private", nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
}

// A crash: the directory as it is while the log runs, and a keeper that lost all it did not
// make durable. Open hands back exactly what is missing; nothing is lost.
TEST(LedgerAttachments, ACrashLosesNoAttachmentAcrossJournalRestarts) {
  TempDir dir;
  ASSERT_TRUE(Log::Init(dir / "log", "example.gov/log").ok());
  MemoryKeeper keeper;
  std::map<uint64_t, std::string> survived;
  uint64_t total = 0;
  {
    auto log = Log::Open(dir / "log", WithKeeper(&keeper, 8192));
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    // Past at least one journal restart (the tile writer syncs behind the appends).
    while (total < 2000 || ((*log)->Stats().base_syncs == 0 && total < 100000)) {
      AppendAttached(**log, keeper, total, total + 50);
      total += 50;
    }
    EXPECT_GT((*log)->Stats().base_syncs, 0u) << "the journal should have started over";
    // From here the keeper syncs nothing more, so the last appends are only in the journal.
    {
      std::lock_guard lock(keeper.mu);
      keeper.refuse = true;
    }
    AppendAttached(**log, keeper, total, total + 100);
    total += 100;
    // The keeper's durable set after the copy: the tile writer may still prepare a journal
    // behind the appends, but only after the keeper made what it drops durable.
    testing::CopyLive(dir / "log", dir / "copy");
    survived = keeper.Durable();
  }
  EXPECT_GT(survived.size(), 0u);
  EXPECT_LT(survived.size(), total) << "some attachments should be only in the journal";

  MemoryKeeper after;
  after.durable = survived;
  auto log = Log::Open(dir / "copy", WithKeeper(&after));
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_EQ((*log)->CurrentCheckpoint().size, total);
  for (const auto& [index, data] : after.restored) EXPECT_FALSE(survived.count(index) && survived[index] != data);
  auto all = after.Durable();
  ASSERT_EQ(all.size(), total);
  for (uint64_t i = 0; i < total; ++i) ASSERT_EQ(all[i], AttachmentFor(i)) << i;
}

TEST(LedgerAttachments, OpenWithoutTheKeeperRefusesAndLeavesTheJournal) {
  TempDir dir;
  ASSERT_TRUE(Log::Init(dir / "log", "example.gov/log").ok());
  MemoryKeeper keeper;
  {
    auto log = Log::Open(dir / "log", WithKeeper(&keeper));
    AppendAttached(**log, keeper, 0, 20);
    testing::CopyLive(dir / "log", dir / "copy");
  }
  std::string before = testing::ReadFile(dir / "copy/journal");
  auto bare = Log::Open(dir / "copy", testing::QuickLogOptions());
  ASSERT_FALSE(bare.ok());
  EXPECT_EQ(bare.status().code(), Code::kInvalidArgument);
  EXPECT_NE(bare.status().message().find("attachments of 20 entries"), std::string::npos) << bare.status().message();
  EXPECT_EQ(testing::ReadFile(dir / "copy/journal"), before);

  // A keeper that cannot store them fails Open too, and the journal still has them.
  MemoryKeeper failing;
  failing.refuse = true;
  EXPECT_FALSE(Log::Open(dir / "copy", WithKeeper(&failing)).ok());
  MemoryKeeper good;
  auto log = Log::Open(dir / "copy", WithKeeper(&good));
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_EQ(good.restored.size(), 20u);
}

// A keeper that cannot sync keeps the journal from starting over, even at a clean close.
TEST(LedgerAttachments, AKeeperThatCannotSyncKeepsTheJournal) {
  TempDir dir;
  ASSERT_TRUE(Log::Init(dir / "log", "example.gov/log").ok());
  MemoryKeeper keeper;
  keeper.refuse = true;
  uint64_t total = 0;
  {
    auto log = Log::Open(dir / "log", WithKeeper(&keeper, 4096));
    ASSERT_TRUE(log.ok());
    // Until the tile writer has synced and asked the keeper (behind the appends).
    while (total < 600 || ((*log)->Stats().keeper_refusals == 0 && total < 100000)) {
      AppendAttached(**log, keeper, total, total + 50);
      total += 50;
    }
    EXPECT_EQ((*log)->Stats().base_syncs, 0u);
    EXPECT_GT((*log)->Stats().keeper_refusals, 0u);
  }
  auto j = Journal::Read(dir / "log/journal");
  ASSERT_TRUE(j.ok());
  size_t attached = 0;
  for (const auto& r : j->records)
    for (const auto& a : r.attachments) attached += !a.empty();
  EXPECT_EQ(attached, total);
  MemoryKeeper fresh;
  auto log = Log::Open(dir / "log", WithKeeper(&fresh));
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_EQ(fresh.restored.size(), total);
}

// A keeper that keeps refusing (its disk full, say) is asked again only after a pause that
// doubles up to 5 s, not at every commit; once it can sync, the journal starts over again.
TEST(LedgerAttachments, ARefusingKeeperIsAskedAgainOnlyAfterAPause) {
  TempDir dir;
  ASSERT_TRUE(Log::Init(dir / "log", "example.gov/log").ok());
  MemoryKeeper keeper;
  keeper.refuse = true;
  auto log = Log::Open(dir / "log", WithKeeper(&keeper, 4096));
  ASSERT_TRUE(log.ok());
  uint64_t total = 0;
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
  while (std::chrono::steady_clock::now() < until) {
    AppendAttached(**log, keeper, total, total + 10);
    total += 10;
  }
  // Pauses of 50, 100, 200, 400 and 800 ms fit five or six asks into 1.5 s.
  const uint64_t refusals = (*log)->Stats().keeper_refusals;
  EXPECT_GE(refusals, 1u);
  EXPECT_LE(refusals, 7u) << "asked at " << total / 10 << " commits";
  EXPECT_EQ((*log)->Stats().base_syncs, 0u);
  {
    std::lock_guard lock(keeper.mu);
    keeper.refuse = false;
  }
  // The pause is at most 5 s; then the journal starts over.
  until = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while ((*log)->Stats().base_syncs == 0 && std::chrono::steady_clock::now() < until) {
    AppendAttached(**log, keeper, total, total + 10);
    total += 10;
  }
  EXPECT_GT((*log)->Stats().base_syncs, 0u);
}

}  // namespace
}  // namespace tg::ledger
