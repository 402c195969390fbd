// Ledger micro-benchmarks: the hashing limit (leaf and node SHA-256), proof generation from
// tiles, proof verification, and durable group-committed appends. The million-entry
// throughput figure comes from `trustgate log bench --entries 1000000` (one process, one log).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstring>

#include <filesystem>
#include <random>

#include "ledger/hash.h"
#include "ledger/log.h"
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
  for (auto _ : state) {
    Ticket last;
    for (int64_t i = 0; i < state.range(0); ++i, ++n) {
      std::memcpy(entry.data(), &n, sizeof n);
      last = *log->Append(entry);
    }
    if (!last.Wait().ok()) state.SkipWithError("commit failed");
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  log.reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_DurableAppendBurst)->Arg(1)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
