#include "ledger/commitment.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mutex>
#include <set>
#include <thread>

namespace tg::ledger {
namespace {

TEST(LedgerCommitment, IsDomainSeparatedSaltedSha256) {
  std::string salt(32, '\x07');
  auto h = CommitWithSalt(salt, "record");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(*h, Sha256("trustgate-audit-v1" + salt + "record"));
  EXPECT_FALSE(CommitWithSalt("short", "record").ok());
}

TEST(LedgerCommitment, FreshSaltsUnlinkEqualRecords) {
  auto a = Commit("same record");
  auto b = Commit("same record");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->salt.size(), 32u);
  EXPECT_NE(a->salt, b->salt);
  EXPECT_NE(a->entry, b->entry);
  EXPECT_EQ(*CommitWithSalt(a->salt, "same record"), a->entry);
  EXPECT_EQ(EntryBytes(a->entry).size(), 32u);
}

// Salts are cut from per-thread blocks of RAND_bytes output: no salt may repeat, within a
// block, across blocks, or between threads.
TEST(LedgerCommitment, SaltsNeverRepeatAcrossBlocksAndThreads) {
  std::set<std::string> seen;
  std::mutex mu;
  auto draw = [&](int n) {
    for (int i = 0; i < n; ++i) {
      auto c = Commit("r");
      ASSERT_TRUE(c.ok());
      ASSERT_EQ(c->salt.size(), 32u);
      std::lock_guard lock(mu);
      EXPECT_TRUE(seen.insert(c->salt).second);
    }
  };
  std::thread other(draw, 1000);  // several 4 KiB blocks each
  draw(1000);
  other.join();
  EXPECT_EQ(seen.size(), 2000u);
}

// A child forked after the parent drew a salt must not hand out the rest of the parent's
// block: both would then commit with the same salts.
TEST(LedgerCommitment, AForkedChildDrawsOtherSaltsThanItsParent) {
  ASSERT_TRUE(Commit("before the fork").ok());  // the parent's block is now cut into
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto c = Commit("child");
    ssize_t n = c.ok() ? ::write(fds[1], c->salt.data(), c->salt.size()) : -1;
    ::_exit(n == 32 ? 0 : 1);
  }
  ::close(fds[1]);
  std::string child(32, '\0');
  ssize_t got = ::read(fds[0], child.data(), child.size());
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ASSERT_EQ(got, 32);
  auto parent = Commit("parent");
  ASSERT_TRUE(parent.ok());
  EXPECT_NE(parent->salt, child);
}

}  // namespace
}  // namespace tg::ledger
