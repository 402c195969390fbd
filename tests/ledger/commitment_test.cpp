#include "ledger/commitment.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace tg::ledger
