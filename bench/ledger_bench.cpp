// Ledger micro-benchmarks: the hashing limit (leaf and node SHA-256), proof generation from
// tiles, proof verification, and durable group-committed appends. The million-entry
// throughput figure comes from `trustgate log bench --entries 1000000` (one process, one log).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstring>

#include <filesystem>
#include <random>

#include "ledger/checkpoint.h"
#include "ledger/hash.h"
#include "ledger/log.h"
#include "ledger/note.h"
#include "ledger/proof.h"

namespace {

using namespace tg::ledger;

void BM_LeafHash32(benchmark::State& state) {
  std::string entry(32, 'e');
  for (auto _ : state) {
    entry[0]++;
    benchmark::DoNotOptimize(LeafHash(entry));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LeafHash32);

void BM_NodeHash(benchmark::State& state) {
  Hash a = LeafHash("a"), b = LeafHash("b");
  for (auto _ : state) {
    a = NodeHash(a, b);
    benchmark::DoNotOptimize(a);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NodeHash);

// Signing one checkpoint note, as the committer does at every commit.
void BM_SignCheckpoint(benchmark::State& state) {
  auto signer = NoteSigner::Generate("bench.example/log").value();
  std::string text = FormatCheckpoint({signer.name(), 123456, LeafHash("root")});
  for (auto _ : state) benchmark::DoNotOptimize(SignNote(text, signer));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SignCheckpoint)->Unit(benchmark::kMicrosecond);

// The committer's time per commit between two Stats(): extending the tree and taking its
// root (tree_us), and signing the checkpoint (sign_us).
void CommitCounters(benchmark::State& state, const LogStats& before, const LogStats& after) {
  double commits = double(after.batches - before.batches);
  if (commits == 0) return;
  state.counters["tree_us"] = 1e6 * (after.tree_seconds - before.tree_seconds) / commits;
  state.counters["sign_us"] = 1e6 * (after.checkpoint_seconds - before.checkpoint_seconds) / commits;
}

// A log of 100,000 entries shared by the proof benchmarks.
struct ProofLog {
  std::string dir;
  std::unique_ptr<Log> log;
  ProofLog() {
    dir = (std::filesystem::temp_directory_path() / ("tg-ledger-bench-" + std::to_string(::getpid()))).string();
    std::filesystem::remove_all(dir);
    (void)Log::Init(dir, "bench.example/log");
    log = Log::Open(dir).value();
    Ticket last;
    for (int i = 0; i < 100000; ++i) last = *log->Append("entry " + std::to_string(i));
    (void)last.Wait();
  }
  ~ProofLog() {
    log.reset();
    std::filesystem::remove_all(dir);
  }
};
ProofLog& Shared() {
  static ProofLog p;
  return p;
}

void BM_InclusionProof(benchmark::State& state) {
  Log& log = *Shared().log;
  std::mt19937_64 rng(1);
  uint64_t size = log.CurrentCheckpoint().size;
  for (auto _ : state) benchmark::DoNotOptimize(log.InclusionProof(rng() % size));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_InclusionProof)->Unit(benchmark::kMicrosecond);

void BM_ConsistencyProof(benchmark::State& state) {
  Log& log = *Shared().log;
  std::mt19937_64 rng(2);
  uint64_t size = log.CurrentCheckpoint().size;
  for (auto _ : state) benchmark::DoNotOptimize(log.ConsistencyProof(1 + rng() % (size - 1)));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ConsistencyProof)->Unit(benchmark::kMicrosecond);

void BM_VerifyInclusion(benchmark::State& state) {
  Log& log = *Shared().log;
  auto cp = log.CurrentCheckpoint();
  auto proof = *log.InclusionProof(12345);
  Hash leaf = LeafHash("entry 12345");
  for (auto _ : state) benchmark::DoNotOptimize(VerifyInclusion(12345, cp.size, leaf, proof, cp.root));
}
BENCHMARK(BM_VerifyInclusion)->Unit(benchmark::kMicrosecond);

// Durable appends of 32-byte entries in bursts of range(0), waiting for the last ticket.
void BM_DurableAppendBurst(benchmark::State& state) {
  std::string dir =
      (std::filesystem::temp_directory_path() / ("tg-ledger-bench-append-" + std::to_string(::getpid()))).string();
  std::filesystem::remove_all(dir);
  (void)Log::Init(dir, "bench.example/log");
  auto log = Log::Open(dir).value();
  std::string entry(32, 'x');
  uint64_t n = 0;
  LogStats before = log->Stats();
  for (auto _ : state) {
    Ticket last;
    for (int64_t i = 0; i < state.range(0); ++i, ++n) {
      std::memcpy(entry.data(), &n, sizeof n);
      last = *log->Append(entry);
    }
    if (!last.Wait().ok()) state.SkipWithError("commit failed");
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  CommitCounters(state, before, log->Stats());
  log.reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_DurableAppendBurst)->Arg(1)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

// One 32-byte entry per commit on a log that already holds range(0) entries (so its right
// edge has partial tiles at one level, or at three), as the gateway commits under light load.
void BM_CommitOneAfter(benchmark::State& state) {
  std::string dir =
      (std::filesystem::temp_directory_path() / ("tg-ledger-bench-one-" + std::to_string(::getpid()))).string();
  std::filesystem::remove_all(dir);
  (void)Log::Init(dir, "bench.example/log");
  auto log = Log::Open(dir).value();
  std::string entry(32, 'x');
  uint64_t n = 0;
  Ticket last;
  for (; n < uint64_t(state.range(0)); ++n) {
    std::memcpy(entry.data(), &n, sizeof n);
    last = *log->Append(entry);
  }
  if (n > 0 && !last.Wait().ok()) state.SkipWithError("commit failed");
  LogStats before = log->Stats();
  for (auto _ : state) {
    std::memcpy(entry.data(), &n, sizeof n);
    ++n;
    if (!log->Append(entry)->Wait().ok()) state.SkipWithError("commit failed");
  }
  CommitCounters(state, before, log->Stats());
  log.reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_CommitOneAfter)->Arg(1000)->Arg(100000)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
