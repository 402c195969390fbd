// Our tiles, bundles, checkpoints and proofs checked by an independent implementation
// (tlog-verify: Go's golang.org/x/mod/sumdb/tlog and note), and rejected by it after a
// flipped byte. Runs under `ctest -R ledger_tlog_verify`, whose fixture builds the tool.
#include <gtest/gtest.h>

#include <random>

#include "ledger/checkpoint.h"
#include "ledger/hash.h"
#include "ledger/tiles.h"
#include "ledger/log.h"
#include "ledger_test_util.h"

namespace tg::ledger {
namespace {

using testing::ReadFile;
using testing::RunTlogVerify;
using testing::TempDir;
using testing::WriteFile;

std::string EntryFor(uint64_t i) { return "audit-entry-" + std::to_string(i * 7919); }

// Replaces one base64 character of line `line` (0-based) of a text file with another
// valid one, so the file still parses but says something else.
void AlterLine(const std::string& path, int line, size_t column) {
  std::string text = ReadFile(path);
  size_t pos = 0;
  for (int i = 0; i < line; ++i) pos = text.find('\n', pos) + 1;
  char& c = text[pos + column];
  c = c == 'A' ? 'B' : 'A';
  WriteFile(path, text);
}

TEST(LedgerTlogVerify, AcceptsOurLogAtManySizesAndRejectsFlippedBytes) {
  TG_REQUIRE_TLOG_VERIFY();
  TempDir tmp;
  std::string dir = tmp / "log";
  ASSERT_TRUE(Log::Init(dir, "county.example.gov/audit").ok());
  LogOptions options;
  options.max_batch_wait = std::chrono::microseconds(100);
  auto log = Log::Open(dir, options);
  ASSERT_TRUE(log.ok());
  std::string key = "-key " + (*log)->verifier_key();
  std::mt19937_64 rng(std::random_device{}());
  uint64_t random_size = 258 + rng() % 65000;
  std::vector<uint64_t> sizes = {1, 2, 255, 256, 257, random_size, 65536, 70000};
  uint64_t size = 0;
  std::string previous_checkpoint;
  for (uint64_t target : sizes) {
    SCOPED_TRACE("tree size " + std::to_string(target));
    std::vector<Ticket> tickets;
    for (; size < target; ++size) tickets.push_back(*(*log)->Append(EntryFor(size)));
    for (auto& t : tickets) ASSERT_TRUE(t.Wait().ok());
    ASSERT_EQ((*log)->CurrentCheckpoint().size, target);
    ASSERT_TRUE((*log)->Flush().ok());  // the directory lags until the tile writer catches up
    std::string out;
    ASSERT_TRUE(RunTlogVerify("tiles " + key + " -dir " + dir + " -entries", &out)) << out;

    // tlog-proof files for a few entries.
    for (uint64_t i : {uint64_t(0), target - 1, rng() % target}) {
      std::string proof_file = tmp / "p.tlog-proof", entry_file = tmp / "entry";
      WriteFile(proof_file, *(*log)->TlogProofText(i));
      WriteFile(entry_file, EntryFor(i));
      ASSERT_TRUE(RunTlogVerify("proof " + key + " -entry " + entry_file + " " + proof_file, &out)) << out;
      WriteFile(entry_file, EntryFor(i + 1));
      EXPECT_FALSE(RunTlogVerify("proof " + key + " -entry " + entry_file + " " + proof_file));
      WriteFile(entry_file, EntryFor(i));
      if (target > 1) {
        AlterLine(proof_file, 2, 3);  // first proof hash
        EXPECT_FALSE(RunTlogVerify("proof " + key + " -entry " + entry_file + " " + proof_file));
      }
    }
    // Plain inclusion proof against the checkpoint file.
    {
      uint64_t i = rng() % target;
      std::string proof_file = tmp / "inclusion", entry_file = tmp / "entry";
      std::string hashes;
      auto path = (*log)->InclusionProof(i);  // kept alive: range-for would not extend a temporary Result
      ASSERT_TRUE(path.ok());
      for (const Hash& h : *path) hashes += HashBase64(h) + "\n";
      WriteFile(proof_file, hashes);
      WriteFile(entry_file, EntryFor(i));
      std::string args = "inclusion " + key + " -checkpoint " + dir + "/checkpoint -index " + std::to_string(i) +
                         " -entry " + entry_file + " -proof " + proof_file;
      ASSERT_TRUE(RunTlogVerify(args, &out)) << out << args;
      if (!hashes.empty()) {
        AlterLine(proof_file, 0, 0);
        EXPECT_FALSE(RunTlogVerify(args));
      }
    }
    // Consistency from the previous size.
    if (!previous_checkpoint.empty()) {
      std::string old_file = tmp / "old-checkpoint", proof_file = tmp / "consistency";
      WriteFile(old_file, previous_checkpoint);
      uint64_t old_size = ParseCheckpoint(previous_checkpoint.substr(0, previous_checkpoint.find("\n\n") + 1))->size;
      std::string hashes;
      auto proof = (*log)->ConsistencyProof(old_size);
      ASSERT_TRUE(proof.ok());
      for (const Hash& h : *proof) hashes += HashBase64(h) + "\n";
      WriteFile(proof_file, hashes);
      std::string args = "consistency " + key + " -checkpoint " + dir + "/checkpoint -old " + old_file +
                         " -proof " + proof_file;
      ASSERT_TRUE(RunTlogVerify(args, &out)) << out;
      AlterLine(proof_file, 0, 5);
      EXPECT_FALSE(RunTlogVerify(args));
    }
    previous_checkpoint = ReadFile(dir + "/checkpoint");

    // A flipped byte in the checkpoint, a level-0 tile, a higher tile, or a bundle is found.
    std::vector<std::string> victims = {"checkpoint", TilePath(TilesAt(0, target).back()),
                                        TilePath(TilesAt(0, target).front()),
                                        TilePath({kEntriesLevel, 0, TilesAt(0, target).front().width})};
    if (target >= 256 * 256) victims.push_back(TilePath(TilesAt(1, target).front()));
    if (target > 256) victims.push_back(TilePath(TilesAt(1, target).back()));
    for (const std::string& v : victims) {
      std::string path = dir + "/" + v;
      std::string good = ReadFile(path);
      size_t offset = v == "checkpoint" ? good.find('\n') + 1 : rng() % good.size();
      testing::FlipByte(path, offset);
      EXPECT_FALSE(RunTlogVerify("tiles " + key + " -dir " + dir + " -entries")) << v << " byte " << offset;
      WriteFile(path, good);
    }
    ASSERT_TRUE(RunTlogVerify("tiles " + key + " -dir " + dir + " -entries", &out)) << out;
  }
}

}  // namespace
}  // namespace tg::ledger
