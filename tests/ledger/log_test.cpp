#include "ledger/log.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <future>
#include <random>
#include <map>
#include <set>
#include <thread>

#include "ledger/checkpoint.h"
#include "ledger/note.h"
#include "ledger/proof.h"
#include "ledger/tiles.h"
#include "ledger/verify.h"
#include "ledger_test_util.h"

namespace tg::ledger {
namespace {

using testing::ReferenceRange;
using testing::TempDir;

using testing::AppendRange;

std::string EntryFor(uint64_t i) { return testing::LogEntry(i); }
LogOptions Fast() { return testing::QuickLogOptions(); }

std::vector<Hash> ReferenceLeaves(uint64_t n) {
  std::vector<Hash> out;
  for (uint64_t i = 0; i < n; ++i) out.push_back(LeafHash(EntryFor(i)));
  return out;
}

TEST(LedgerLog, InitWritesKeysAndAnEmptyCheckpoint) {
  TempDir dir;
  auto vkey = Log::Init(dir / "log", "example.gov/log");
  ASSERT_TRUE(vkey.ok()) << vkey.status().ToString();
  EXPECT_EQ(testing::ReadFile(dir / "log/vkey"), *vkey + "\n");
  EXPECT_EQ(std::filesystem::status(dir / "log/signing-key").permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto log = Log::Open(dir / "log");
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_EQ((*log)->CurrentCheckpoint().size, 0u);
  EXPECT_EQ((*log)->CurrentCheckpoint().root, EmptyRoot());
  EXPECT_EQ(Log::Init(dir / "log", "example.gov/log").status().code(), Code::kAlreadyExists);
  EXPECT_FALSE(Log::Init(dir / "other", "bad origin").ok());
  EXPECT_FALSE(Log::Open(dir / "missing").ok());
}

TEST(LedgerLog, AppendsCommitDurablyAndSurviveReopen) {
  TempDir dir;
  ASSERT_TRUE(Log::Init(dir / "log", "example.gov/log").ok());
  {
    auto log = Log::Open(dir / "log", Fast());
    ASSERT_TRUE(log.ok());
    AppendRange(**log, 0, 1000);
    auto cp = (*log)->CurrentCheckpoint();
    EXPECT_EQ(cp.size, 1000u);
    auto leaves = ReferenceLeaves(1000);
    EXPECT_EQ(cp.root, ReferenceRange(leaves, 0, 1000));
    EXPECT_EQ(*(*log)->ReadEntry(999), EntryFor(999));
    EXPECT_EQ((*log)->ReadEntry(1000).status().code(), Code::kNotFound);
  }
  auto log = Log::Open(dir / "log", Fast());
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_EQ((*log)->CurrentCheckpoint().size, 1000u);
  AppendRange(**log, 1000, 1300);
  auto leaves = ReferenceLeaves(1300);
  EXPECT_EQ((*log)->CurrentCheckpoint().root, ReferenceRange(leaves, 0, 1300));
  for (uint64_t i : {0, 255, 256, 999, 1000, 1299}) EXPECT_EQ(*(*log)->ReadEntry(i), EntryFor(i));
  // The directory lags the published log until the tile writer catches up.
  ASSERT_TRUE((*log)->Flush().ok());
  auto report = VerifyLogDirectory(dir / "log", (*log)->verifier_key());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->entries_checked, 1300u);
}

// A second writer would sign another history of the same sizes: while one Log has the
// directory open, a second Open is refused (and writes nothing); once it closes, Open works.
TEST(LedgerLog, OneWriterAtATime) {
  TempDir dir;
  ASSERT_TRUE(Log::Init(dir / "log", "example.gov/log").ok());
  {
    auto first = Log::Open(dir / "log", Fast());
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    AppendRange(**first, 0, 10);
    auto second = Log::Open(dir / "log", Fast());
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.status().code(), Code::kUnavailable);
    EXPECT_NE(second.status().message().find("open in another process"), std::string::npos)
        << second.status().ToString();
    AppendRange(**first, 10, 20);  // the first writer is undisturbed
    EXPECT_EQ((*first)->CurrentCheckpoint().size, 20u);
  }
  auto again = Log::Open(dir / "log", Fast());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ((*again)->CurrentCheckpoint().size, 20u);
  EXPECT_EQ((*again)->CurrentCheckpoint().root, ReferenceRange(ReferenceLeaves(20), 0, 20));
}

TEST(LedgerLog, ProofsFromTilesMatchTheReferenceTree) {
  TempDir dir;
  ASSERT_TRUE(Log::Init(dir / "log", "example.gov/log").ok());
  auto log = Log::Open(dir / "log", Fast());
  ASSERT_TRUE(log.ok());
  auto leaves = ReferenceLeaves(70000);
  std::mt19937_64 rng(7);
  std::vector<uint64_t> sizes;
  uint64_t size = 0;
  for (uint64_t target : {1, 2, 3, 255, 256, 257, 511, 512, 1000, 65535, 65536, 65537, 70000}) {
    AppendRange(**log, size, target);
    size = target;
    sizes.push_back(size);
    Hash root = ReferenceRange(leaves, 0, size);
    ASSERT_EQ((*log)->CurrentCheckpoint().root, root) << size;
    for (int k = 0; k < 20; ++k) {
      uint64_t i = k == 0 ? size - 1 : rng() % size;
      auto proof = (*log)->InclusionProof(i);
      ASSERT_TRUE(proof.ok()) << proof.status().ToString();
      ASSERT_TRUE(VerifyInclusion(i, size, leaves[i], *proof, root).ok()) << i << "/" << size;
    }
    for (uint64_t old : sizes) {
      auto proof = (*log)->ConsistencyProof(old);
      ASSERT_TRUE(proof.ok());
      ASSERT_TRUE(VerifyConsistency(old, size, ReferenceRange(leaves, 0, old), root, *proof).ok())
          << old << "->" << size;
      ASSERT_EQ(*(*log)->RootAt(old), ReferenceRange(leaves, 0, old));
    }
  }
  // Proofs for smaller tree sizes than the checkpoint come from the same tiles.
  auto proof = (*log)->InclusionProof(300, 1000);
  ASSERT_TRUE(proof.ok());
  EXPECT_TRUE(VerifyInclusion(300, 1000, leaves[300], *proof, ReferenceRange(leaves, 0, 1000)).ok());
  EXPECT_FALSE((*log)->InclusionProof(1, 70001).ok());
  EXPECT_FALSE((*log)->ConsistencyProof(0).ok());
}

TEST(LedgerLog, TlogProofTextVerifies) {
  TempDir dir;
  ASSERT_TRUE(Log::Init(dir / "log", "example.gov/log").ok());
  auto log = Log::Open(dir / "log", Fast());
  AppendRange(**log, 0, 300);
  auto text = (*log)->TlogProofText(42);
  ASSERT_TRUE(text.ok());
  auto verifier = NoteVerifier::Parse((*log)->verifier_key());
  EXPECT_TRUE(VerifyTlogProof(*text, EntryFor(42), *verifier).ok());
  EXPECT_FALSE(VerifyTlogProof(*text, EntryFor(43), *verifier).ok());
  EXPECT_FALSE((*log)->TlogProofText(300).ok());
}

// Proofs from the files alone (trustgate audit report --proofs): beside a live log, and
// from a copy of one cut off mid-run, whose journal a plain Log::Open would have to replay.
TEST(LedgerLog, TlogProofFromFilesNeedsOnlyThePublishedTiles) {
  TempDir dir;
  ASSERT_TRUE(Log::Init(dir / "log", "example.gov/log").ok());
  auto log = Log::Open(dir / "log", Fast());
  AppendRange(**log, 0, 700);
  ASSERT_TRUE((*log)->Flush().ok());  // the checkpoint and its tiles are on disk
  testing::CopyLive(dir / "log", dir / "copy");
  AppendRange(**log, 700, 750);
  auto verifier = NoteVerifier::Parse((*log)->verifier_key());
  ASSERT_TRUE(verifier.ok());
  for (const std::string& d : {std::string(dir / "log"), std::string(dir / "copy")}) {
    for (uint64_t i : {0u, 255u, 256u, 511u, 699u}) {
      auto text = TlogProofFromFiles(d, i);
      ASSERT_TRUE(text.ok()) << d << " " << i << ": " << text.status().ToString();
      auto cp = VerifyTlogProof(*text, EntryFor(i), *verifier);
      ASSERT_TRUE(cp.ok()) << cp.status().ToString();
      EXPECT_GE(cp->size, 700u);
      EXPECT_FALSE(VerifyTlogProof(*text, EntryFor(i + 1), *verifier).ok());
    }
  }
  auto past = TlogProofFromFiles(dir / "copy", 700);
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.status().code(), Code::kNotFound);
  EXPECT_NE(past.status().message().find("past the checkpoint on disk (size 700)"), std::string::npos)
      << past.status().ToString();
  // A damaged tile on the path: the proof does not verify, or is refused.
  testing::FlipByte(dir / "copy/tile/0/001", (301 - 256) * 32 + 3);  // leaf 301, 300's sibling
  auto bad = TlogProofFromFiles(dir / "copy", 300);
  EXPECT_TRUE(!bad.ok() || !VerifyTlogProof(*bad, EntryFor(300), *verifier).ok());
  std::filesystem::remove(dir / "copy/vkey");
  EXPECT_FALSE(TlogProofFromFiles(dir / "copy", 0).ok());
}

TEST(LedgerLog, ReadTileServesOnlyPublishedTiles) {
  TempDir dir;
  ASSERT_TRUE(Log::Init(dir / "log", "example.gov/log").ok());
  auto log = Log::Open(dir / "log", Fast());
  AppendRange(**log, 0, 100);
  AppendRange(**log, 100, 300);
  EXPECT_EQ((*log)->ReadTile("tile/0/000")->size(), 8192u);
  EXPECT_EQ((*log)->ReadTile("tile/0/001.p/44")->size(), 44u * 32);
  EXPECT_TRUE((*log)->ReadTile("tile/entries/001.p/44").ok());
  // Any partial of a published tile is its prefix, whether or not a checkpoint had that size.
  std::string full = *(*log)->ReadTile("tile/0/000");
  EXPECT_EQ(*(*log)->ReadTile("tile/0/000.p/100"), full.substr(0, 100 * 32));  // an older published partial
  EXPECT_EQ(*(*log)->ReadTile("tile/0/000.p/101"), full.substr(0, 101 * 32));
  std::string bytes = *(*log)->ReadTile("tile/entries/000.p/3");
  auto bundle = SplitBundle(bytes);
  ASSERT_TRUE(bundle.ok());
  EXPECT_EQ(std::vector<std::string>(bundle->begin(), bundle->end()),
            (std::vector<std::string>{EntryFor(0), EntryFor(1), EntryFor(2)}));
  // Beyond the checkpoint nothing is served, in memory or on disk.
  EXPECT_EQ((*log)->ReadTile("tile/0/001.p/45").status().code(), Code::kNotFound);
  EXPECT_EQ((*log)->ReadTile("tile/0/002").status().code(), Code::kNotFound);
  EXPECT_EQ((*log)->ReadTile("signing-key").status().code(), Code::kInvalidArgument);
  EXPECT_EQ((*log)->ReadTile("tile/0/../../signing-key").status().code(), Code::kInvalidArgument);
}

TEST(LedgerLog, RejectsOversizedEntriesAtOnce) {
  TempDir dir;
  ASSERT_TRUE(Log::Init(dir / "log", "example.gov/log").ok());
  auto log = Log::Open(dir / "log", Fast());
  EXPECT_EQ((*log)->Append(std::string(65536, 'x')).status().code(), Code::kInvalidArgument);
  auto t = (*log)->Append(std::string(65535, 'x'));
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->Wait().ok());
  EXPECT_EQ(t->index(), 0u);
}

// A new log in dir/log whose committer waits up to `wait` for company.
Result<std::unique_ptr<Log>> NewLogWithBatchWait(const TempDir& dir, std::chrono::microseconds wait) {
  if (Status s = Log::Init(dir / "log", "example.gov/log").status(); !s.ok()) return s;
  LogOptions options = Fast();
  options.max_batch_wait = wait;
  return Log::Open(dir / "log", options);
}

// The committer stops waiting for more entries once as many are pending as the previous
// commit took: a lone entry after a lone entry (an interactive user) commits at once, not
// after max_batch_wait (ten minutes here, so waiting for it fails the test).
TEST(LedgerLog, ALoneEntryCommitsWithoutWaitingOutTheBatchWindow) {
  TempDir dir;
  auto log = NewLogWithBatchWait(dir, std::chrono::minutes(10));
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  for (uint64_t i = 0; i < 3; ++i) {
    std::promise<Result<uint64_t>> done;
    auto future = done.get_future();
    auto index = (*log)->Append(EntryFor(i), [&done](Result<uint64_t> r) { done.set_value(std::move(r)); });
    ASSERT_TRUE(index.ok()) << index.status().ToString();
    ASSERT_EQ(future.wait_for(std::chrono::seconds(60)), std::future_status::ready)
        << "entry " << i << " waited for the batch window";
    auto committed = future.get();
    ASSERT_TRUE(committed.ok()) << committed.status().ToString();
    EXPECT_EQ(*committed, i);
  }
  EXPECT_EQ((*log)->CurrentCheckpoint().size, 3u);
}

// Early commits still leave concurrent appenders sharing commits: eight appenders that each
// wait for their entry before the next come back together, and the committer waits (here up
// to 50 ms) until as many are pending as its last commit took.
TEST(LedgerLog, ConcurrentAppendersShareCommits) {
  TempDir dir;
  auto log = NewLogWithBatchWait(dir, std::chrono::milliseconds(50));
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  constexpr int kAppenders = 8, kEach = 100;
  std::vector<std::thread> appenders;
  for (int a = 0; a < kAppenders; ++a) {
    appenders.emplace_back([&log, a] {
      for (int i = 0; i < kEach; ++i) {
        auto t = (*log)->Append("appender-" + std::to_string(a) + "-" + std::to_string(i));
        ASSERT_TRUE(t.ok()) << t.status().ToString();
        ASSERT_TRUE(t->Wait().ok());
      }
    });
  }
  for (auto& t : appenders) t.join();
  const LogStats stats = (*log)->Stats();
  EXPECT_EQ(stats.entries, uint64_t(kAppenders * kEach));
  EXPECT_LT(stats.batches * 2, stats.entries) << stats.batches << " commits for " << stats.entries << " entries";
}

TEST(LedgerLog, ConcurrentAppendersWithTicketsAndCallbacks) {
  TempDir dir;
  ASSERT_TRUE(Log::Init(dir / "log", "example.gov/log").ok());
  auto log = Log::Open(dir / "log", Fast());
  constexpr int kThreads = 4, kEach = 600;
  std::mutex mu;
  std::set<uint64_t> seen;
  std::map<uint64_t, std::string> called;  // index -> entry, from the callbacks
  std::atomic<int> callbacks{0};
  std::vector<std::vector<Ticket>> tickets(kThreads);
  std::vector<std::thread> threads;
  for (int w = 0; w < kThreads; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < kEach; ++i) {
        std::string e = "w" + std::to_string(w) + "-" + std::to_string(i);
        if (i % 2) {
          auto t = (*log)->Append(e);
          ASSERT_TRUE(t.ok());
          // Wait now and then, like a server answering requests; otherwise keep appending.
          if (i % 100 == 1) { ASSERT_TRUE(t->Wait().ok()); }
          tickets[w].push_back(*t);
        } else {
          auto idx = (*log)->Append(e, [&, e](Result<uint64_t> r) {
            ASSERT_TRUE(r.ok());
            ++callbacks;
            std::lock_guard lock(mu);
            seen.insert(*r);
            called[*r] = e;
          });
          ASSERT_TRUE(idx.ok());
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  for (auto& ts : tickets)
    for (auto& t : ts) {
      ASSERT_TRUE(t.Wait().ok());
      std::lock_guard lock(mu);
      seen.insert(t.index());
    }
  auto last = (*log)->Append("last");
  ASSERT_TRUE(last->Wait().ok());
  EXPECT_EQ(callbacks.load(), kThreads * kEach / 2);
  EXPECT_EQ(seen.size(), size_t(kThreads * kEach));
  EXPECT_EQ(*seen.rbegin(), uint64_t(kThreads * kEach - 1));
  EXPECT_EQ((*log)->CurrentCheckpoint().size, uint64_t(kThreads * kEach + 1));
  for (const auto& [index, e] : called) ASSERT_EQ(*(*log)->ReadEntry(index), e) << index;
  EXPECT_TRUE(VerifyLogDirectory(dir / "log", (*log)->verifier_key()).ok());
}

// Under load a signed checkpoint covers several commits (one at most every
// checkpoint_interval, signed after the answers), yet every acknowledged entry has a proof:
// the proof call waits for the checkpoint that covers it. Alone, an entry is covered as soon
// as its ticket resolves.
TEST(LedgerLog, UnderLoadOneCheckpointCoversSeveralCommits) {
  TempDir dir;
  auto vkey = Log::Init(dir / "log", "example.gov/log");
  ASSERT_TRUE(vkey.ok());
  auto verifier = NoteVerifier::Parse(*vkey);
  ASSERT_TRUE(verifier.ok());
  LogOptions o = Fast();
  o.checkpoint_interval = std::chrono::milliseconds(20);
  auto log = Log::Open(dir / "log", o);
  ASSERT_TRUE(log.ok());
  {
    auto t = (*log)->Append("alone");
    ASSERT_TRUE(t.ok() && t->Wait().ok());
    EXPECT_EQ((*log)->CurrentCheckpoint().size, 1u) << "nothing else pending: signed before the ticket resolved";
  }
  constexpr int kThreads = 8, kEach = 150;
  std::atomic<int> proofs_checked{0}, not_yet_covered{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kThreads; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < kEach; ++i) {
        std::string e = "w" + std::to_string(w) + "-" + std::to_string(i);
        auto t = (*log)->Append(e);
        ASSERT_TRUE(t.ok());
        ASSERT_TRUE(t->Wait().ok());  // like a server, answering each request before the next
        if ((*log)->CurrentCheckpoint().size <= t->index()) ++not_yet_covered;
        if (i % 10 == 0) {
          auto proof = (*log)->TlogProofText(t->index());
          ASSERT_TRUE(proof.ok()) << proof.status().ToString();
          auto cp = VerifyTlogProof(*proof, e, *verifier);
          ASSERT_TRUE(cp.ok()) << cp.status().ToString();
          EXPECT_GT(cp->size, t->index());
          EXPECT_EQ(*(*log)->ReadEntry(t->index()), e);
          ++proofs_checked;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  LogStats st = (*log)->Stats();
  EXPECT_EQ(proofs_checked.load(), kThreads * kEach / 10);
  EXPECT_LT(st.checkpoints, st.batches) << "every commit signed its own checkpoint";
  EXPECT_GT(not_yet_covered.load(), 0) << "no answer ever came before its checkpoint";
  // Once the load stops, the last commits are published without another append.
  for (int i = 0; i < 500 && (*log)->CurrentCheckpoint().size < 1 + kThreads * kEach; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  EXPECT_EQ((*log)->CurrentCheckpoint().size, uint64_t(1 + kThreads * kEach));
  log->reset();
  EXPECT_TRUE(VerifyLogDirectory(dir / "log", *vkey).ok());
}

// checkpoint_interval zero: every commit signs its checkpoint before its tickets resolve.
TEST(LedgerLog, ZeroCheckpointIntervalSignsEveryCommit) {
  TempDir dir;
  ASSERT_TRUE(Log::Init(dir / "log", "example.gov/log").ok());
  LogOptions o = Fast();
  o.checkpoint_interval = std::chrono::microseconds(0);
  auto log = Log::Open(dir / "log", o);
  ASSERT_TRUE(log.ok());
  std::vector<std::thread> threads;
  std::atomic<int> not_covered{0};
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < 100; ++i) {
        auto t = (*log)->Append("w" + std::to_string(w) + "-" + std::to_string(i));
        ASSERT_TRUE(t.ok() && t->Wait().ok());
        if ((*log)->CurrentCheckpoint().size <= t->index()) ++not_covered;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(not_covered.load(), 0);
  EXPECT_EQ((*log)->Stats().checkpoints, (*log)->Stats().batches);
}

TEST(LedgerLog, OpenRejectsATornRightEdgeAndDiscardsFilesPastTheCheckpoint) {
  TempDir dir;
  ASSERT_TRUE(Log::Init(dir / "log", "example.gov/log").ok());
  {
    auto log = Log::Open(dir / "log", Fast());
    AppendRange(**log, 0, 300);
  }
  // Leftovers of a commit that never reached its checkpoint.
  std::filesystem::create_directories(dir / "log/tile/0/001.p");
  testing::WriteFile(dir / "log/tile/0/001", std::string(100, 'x'));
  testing::WriteFile(dir / "log/tile/0/001.p/50", std::string(7, 'x'));
  testing::WriteFile(dir / "log/tile/entries/002", "junk");
  testing::WriteFile(dir / "log/checkpoint.tmp", "junk");
  {
    auto log = Log::Open(dir / "log", Fast());
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    EXPECT_FALSE(std::filesystem::exists(dir / "log/tile/0/001"));
    EXPECT_FALSE(std::filesystem::exists(dir / "log/tile/0/001.p/50"));
    EXPECT_TRUE(std::filesystem::exists(dir / "log/tile/0/001.p/44"));
    EXPECT_FALSE(std::filesystem::exists(dir / "log/tile/entries/002"));
    EXPECT_FALSE(std::filesystem::exists(dir / "log/checkpoint.tmp"));
  }
  // A torn tile under the checkpoint is corruption, not something to paper over.
  std::string partial = dir / "log/tile/0/001.p/44";
  std::string good = testing::ReadFile(partial);
  testing::WriteFile(partial, good.substr(0, good.size() - 3));
  EXPECT_EQ(Log::Open(dir / "log").status().code(), Code::kCorruption);
  testing::FlipByte(dir / "log/tile/entries/001.p/44", 10);
  testing::WriteFile(partial, good);
  EXPECT_EQ(Log::Open(dir / "log").status().code(), Code::kCorruption);
}

// Each checkpoint's root comes from the log's compact range of the tree: loaded from the
// right-edge tiles at Open, extended by a journal replay after a crash, then leaf by leaf.
// Reopened anywhere on the edge, every checkpoint must still carry the RFC 6962 root.
TEST(LedgerLog, EveryCheckpointAfterAReopenOrAReplayHasTheRfcRoot) {
  TempDir dir;
  ASSERT_TRUE(Log::Init(dir / "log", "example.gov/log").ok());
  testing::ReferenceTree tree(ReferenceLeaves(70200));
  uint64_t size = 0;
  // One entry per commit, so that every size gets its own checkpoint.
  auto commit_singly = [&](Log& log, uint64_t to) {
    for (; size < to; ++size) {
      auto t = log.Append(EntryFor(size));
      ASSERT_TRUE(t.ok());
      ASSERT_TRUE(t->Wait().ok());
      auto cp = log.CurrentCheckpoint();
      ASSERT_EQ(cp.size, size + 1);
      ASSERT_EQ(cp.root, tree.Root(size + 1)) << "size " << size + 1;
    }
  };
  // Partial tiles of every shape at the reopen: none, at one level, at two, full below.
  for (uint64_t at : {0, 1, 2, 3, 255, 256, 257, 511, 512, 4097, 65535, 65536, 65537}) {
    {
      auto log = Log::Open(dir / "log", Fast());
      ASSERT_TRUE(log.ok()) << log.status().ToString();
      AppendRange(**log, size, at);
      size = at;
    }
    auto log = Log::Open(dir / "log", Fast());
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    ASSERT_EQ((*log)->CurrentCheckpoint().size, at);
    ASSERT_EQ((*log)->CurrentCheckpoint().root, tree.Root(at)) << "reopened at " << at;
    ASSERT_NO_FATAL_FAILURE(commit_singly(**log, at + 1));
  }
  // A crash: the copy's journal holds everything since the last open (65538), replayed
  // onto the edge loaded there.
  {
    auto log = Log::Open(dir / "log", Fast());
    ASSERT_TRUE(log.ok());
    ASSERT_NO_FATAL_FAILURE(commit_singly(**log, size + 20));
    AppendRange(**log, size, 70000);
    size = 70000;
    testing::CopyLive(dir / "log", dir / "copy");
  }
  auto log = Log::Open(dir / "copy", Fast());
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  ASSERT_EQ((*log)->CurrentCheckpoint().size, size);
  ASSERT_EQ((*log)->CurrentCheckpoint().root, tree.Root(size));
  ASSERT_NO_FATAL_FAILURE(commit_singly(**log, 70200));  // through a full tile at 70144
  ASSERT_TRUE((*log)->Flush().ok());
  EXPECT_TRUE(VerifyLogDirectory(dir / "copy", (*log)->verifier_key()).ok());
}

TEST(LedgerLog, VerifyFindsAFlippedByteInAnyFile) {
  TempDir dir;
  ASSERT_TRUE(Log::Init(dir / "log", "example.gov/log").ok());
  std::string vkey;
  {
    auto log = Log::Open(dir / "log", Fast());
    vkey = (*log)->verifier_key();
    // Several commits, each written out, so older partial tiles and bundles are on disk too.
    uint64_t from = 0;
    for (uint64_t to : {70, 300, 520, 1000, 2000, 5000, 20000, 40000, 66000}) {
      AppendRange(**log, from, to);
      ASSERT_TRUE((*log)->Flush().ok());
      from = to;
    }
  }
  ASSERT_TRUE(VerifyLogDirectory(dir.path() + "/log", vkey).ok());
  std::mt19937_64 rng(11);
  std::vector<std::string> paths;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir / "log")) {
    std::string path = e.path().string();
    // The journal (Open checks it), the spare checkpoint file and the writer's lock (empty)
    // are the writer's own files, not part of the published log.
    if (!e.is_regular_file() || path.ends_with("signing-key") || path.ends_with("/vkey") ||
        path.ends_with("/journal") || path.ends_with("/journal.2") || path.ends_with("/checkpoint.next") ||
        path.ends_with("/lock"))
      continue;
    paths.push_back(path);
  }
  ASSERT_GT(paths.size(), 500u);
  // Every file that is not a full level-0 tile or bundle (checkpoint, higher levels, all
  // partials), and a sample of the full ones.
  std::shuffle(paths.begin(), paths.end(), rng);
  int checked = 0, sampled_full = 0;
  for (const std::string& path : paths) {
    bool full0 = (path.find("/tile/0/") != std::string::npos || path.find("/tile/entries/") != std::string::npos) &&
                 path.find(".p/") == std::string::npos;
    if (full0 && ++sampled_full > 4) continue;
    if (!full0 && checked > 24) continue;
    std::string good = testing::ReadFile(path);
    for (size_t offset : {size_t(0), size_t(rng() % good.size()), good.size() - 1}) {
      testing::FlipByte(path, offset);
      EXPECT_FALSE(VerifyLogDirectory(dir / "log", vkey).ok()) << path << " byte " << offset;
      testing::WriteFile(path, good);
    }
    ++checked;
  }
  EXPECT_GT(checked, 20);
  EXPECT_TRUE(VerifyLogDirectory(dir / "log", vkey).ok());
}

}  // namespace
}  // namespace tg::ledger
