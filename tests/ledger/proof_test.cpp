#include "ledger/proof.h"

#include <gtest/gtest.h>

#include "ledger/verify.h"
#include "ledger_test_util.h"

namespace tg::ledger {
namespace {

using testing::ReferenceRange;
using testing::ReferenceReader;

std::vector<Hash> Leaves(uint64_t n) {
  std::vector<Hash> out;
  for (uint64_t i = 0; i < n; ++i) out.push_back(LeafHash("entry " + std::to_string(i)));
  return out;
}

TEST(LedgerProof, InclusionProofsVerifyForEveryIndexOfSmallTrees) {
  auto leaves = Leaves(70);
  for (uint64_t n = 1; n <= leaves.size(); ++n) {
    Hash root = ReferenceRange(leaves, 0, n);
    EXPECT_EQ(*TreeRoot(n, ReferenceReader(leaves)), root);
    for (uint64_t i = 0; i < n; ++i) {
      auto proof = BuildInclusionProof(i, n, ReferenceReader(leaves));
      ASSERT_TRUE(proof.ok());
      ASSERT_TRUE(VerifyInclusion(i, n, leaves[i], *proof, root).ok()) << i << "/" << n;
      // Wrong leaf, wrong index, or a changed hash must fail.
      EXPECT_FALSE(VerifyInclusion(i, n, leaves[(i + 1) % leaves.size()], *proof, root).ok());
      if (n > 1) { EXPECT_FALSE(VerifyInclusion((i + 1) % n, n, leaves[i], *proof, root).ok()); }
      if (!proof->empty()) {
        auto bad = *proof;
        bad.back()[5] ^= 1;
        EXPECT_FALSE(VerifyInclusion(i, n, leaves[i], bad, root).ok());
        bad = *proof;
        bad.pop_back();
        EXPECT_FALSE(VerifyInclusion(i, n, leaves[i], bad, root).ok());
      }
      auto longer = *proof;
      longer.push_back(root);
      EXPECT_FALSE(VerifyInclusion(i, n, leaves[i], longer, root).ok());
    }
  }
  EXPECT_FALSE(BuildInclusionProof(5, 5, ReferenceReader(leaves)).ok());
}

TEST(LedgerProof, ConsistencyProofsVerifyForAllPairsOfSmallTrees) {
  auto leaves = Leaves(40);
  for (uint64_t n = 1; n <= leaves.size(); ++n) {
    Hash new_root = ReferenceRange(leaves, 0, n);
    for (uint64_t m = 1; m <= n; ++m) {
      Hash old_root = ReferenceRange(leaves, 0, m);
      auto proof = BuildConsistencyProof(m, n, ReferenceReader(leaves));
      ASSERT_TRUE(proof.ok());
      ASSERT_TRUE(VerifyConsistency(m, n, old_root, new_root, *proof).ok()) << m << "->" << n;
      if (m == n) {
        EXPECT_TRUE(proof->empty());
        continue;
      }
      auto bad = *proof;
      bad[0][0] ^= 1;
      EXPECT_FALSE(VerifyConsistency(m, n, old_root, new_root, bad).ok()) << m << "->" << n;
      EXPECT_FALSE(VerifyConsistency(m, n, new_root, old_root, *proof).ok());
      if (m + 1 < n) { EXPECT_FALSE(VerifyConsistency(m + 1, n, old_root, new_root, *proof).ok()); }
    }
  }
  EXPECT_FALSE(BuildConsistencyProof(0, 3, ReferenceReader(leaves)).ok());
  EXPECT_FALSE(BuildConsistencyProof(4, 3, ReferenceReader(leaves)).ok());
  EXPECT_FALSE(VerifyConsistency(0, 3, EmptyRoot(), EmptyRoot(), {}).ok());
}

TEST(LedgerProof, RootAccumulatorMatchesTheDefinition) {
  auto leaves = Leaves(300);
  RootAccumulator acc;
  EXPECT_EQ(acc.Root(), EmptyRoot());
  for (uint64_t n = 1; n <= leaves.size(); ++n) {
    acc.Add(leaves[n - 1]);
    ASSERT_EQ(acc.Root(), ReferenceRange(leaves, 0, n)) << n;
  }
}

// The log folds its commit roots from the accumulators' subtrees, and takes a full tile's
// hash from its accumulator: both must be right at every size.
TEST(LedgerProof, RootAccumulatorHoldsTheCompactRangeAtEverySizeToFiveThousand) {
  testing::ReferenceTree tree(Leaves(5000));
  for (uint64_t n = 1; n <= 70; ++n) ASSERT_EQ(tree.Root(n), ReferenceRange(Leaves(70), 0, n)) << n;
  RootAccumulator acc;
  for (uint64_t n = 0;; ++n) {
    ASSERT_EQ(acc.size(), n);
    ASSERT_EQ(acc.subtrees(), tree.Subtrees(n)) << n;
    ASSERT_EQ(acc.Root(), tree.Root(n)) << n;
    if (n == 5000) break;
    acc.Add(tree.leaf(n));
  }
}

TEST(LedgerProof, SharedConformanceVectorsPass) {
  auto report = RunProofVectors(std::string(TG_SHARED_DIR) + "/conformance/merkle");
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->failed, 0) << report->failures;
  EXPECT_GT(report->passed, 100);
}

}  // namespace
}  // namespace tg::ledger
