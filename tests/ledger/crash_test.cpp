// Crash safety: a forked writer appends as fast as it can and is killed with SIGKILL at a
// random moment, over and over. Each time the log must reopen, keep every acknowledged
// entry, and pass both our verifier and the independent one. Runs under
// `ctest -R ledger_tlog_verify` (TG_TLOG_VERIFY); TG_LEDGER_CRASH_ITERATIONS overrides the
// default of 120 kills.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <random>

#include "ledger/log.h"
#include "ledger/verify.h"
#include "ledger_test_util.h"

namespace tg::ledger {
namespace {

using testing::TempDir;

std::string EntryFor(uint64_t i) { return "crash-entry-" + std::to_string(i); }

// The child: appends bursts of entries and reports, after each burst is acknowledged, how
// many entries the log holds for sure. Never returns.
[[noreturn]] void Writer(const std::string& dir, int report_fd, uint64_t seed) {
  std::mt19937_64 rng(seed);
  LogOptions options;
  options.max_batch_wait = std::chrono::microseconds(rng() % 3000);
  options.max_batch_entries = 1 + rng() % 512;
  // Half the writers restart their journal often, so kills land inside restarts too.
  if (rng() % 2) options.journal_max_bytes = 2048 + rng() % 32768;
  options.tile_write_delay = std::chrono::microseconds(rng() % 20000);
  auto log = Log::Open(dir, options);
  if (!log.ok()) _exit(2);
  uint64_t next = (*log)->CurrentCheckpoint().size;
  while (true) {
    std::vector<Ticket> tickets;
    uint64_t burst = 1 + rng() % 300;
    for (uint64_t k = 0; k < burst; ++k, ++next) {
      auto t = (*log)->Append(EntryFor(next));
      if (!t.ok() || t->index() != next) _exit(3);
      tickets.push_back(*t);
    }
    for (auto& t : tickets)
      if (!t.Wait().ok()) _exit(4);
    if (write(report_fd, &next, sizeof next) != sizeof next) _exit(5);
  }
}

TEST(LedgerCrash, KilledWriterLeavesAValidLogWithEveryAcknowledgedEntry) {
  TG_REQUIRE_TLOG_VERIFY();
  int iterations = 120;
  if (const char* n = std::getenv("TG_LEDGER_CRASH_ITERATIONS")) iterations = std::atoi(n);
  TempDir tmp;
  std::string dir = tmp / "log";
  auto vkey = Log::Init(dir, "crash.example.gov/log");
  ASSERT_TRUE(vkey.ok());
  std::mt19937_64 rng(std::random_device{}());
  uint64_t acknowledged = 0;
  for (int it = 0; it < iterations; ++it) {
    SCOPED_TRACE("kill " + std::to_string(it));
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    uint64_t seed = rng();
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      Writer(dir, fds[1], seed);
    }
    close(fds[1]);
    usleep(useconds_t(rng() % 40000));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "writer exited early with " << WEXITSTATUS(status);
    uint64_t reported;
    while (read(fds[0], &reported, sizeof reported) == sizeof reported) acknowledged = std::max(acknowledged, reported);
    close(fds[0]);

    auto log = Log::Open(dir);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    uint64_t size = (*log)->CurrentCheckpoint().size;
    ASSERT_GE(size, acknowledged) << "an acknowledged entry was lost";
    if (size > 0) {
      for (uint64_t i : {uint64_t(0), size - 1, rng() % size}) ASSERT_EQ(*(*log)->ReadEntry(i), EntryFor(i));
    }
    log->reset();
    auto report = VerifyLogDirectory(dir, *vkey);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    if (size > 0) {  // x/mod's TreeHash gives no root for the empty tree
      std::string out;
      ASSERT_TRUE(testing::RunTlogVerify("tiles -key " + *vkey + " -dir " + dir + " -entries", &out)) << out;
    }
  }
  RecordProperty("final_size", std::to_string(acknowledged));
  EXPECT_GT(acknowledged, 0u);
}

}  // namespace
}  // namespace tg::ledger
