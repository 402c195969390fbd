// RFC 9162 inclusion and consistency proofs: building them from any source of subtree
// hashes, and checking them (§2.1.3.2, §2.1.4.2, edge cases included).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "base/status.h"
#include "ledger/hash.h"

namespace tg::ledger {

// Returns MTH(D[start : start+size]) for a perfect subtree: size is a power of two and
// start a multiple of size. A Log answers this from its tiles.
using SubtreeReader = std::function<Result<Hash>(uint64_t start, uint64_t size)>;

// MTH(D[start : start+size]) for any range the RFC recursion asks for (start aligned to the
// largest power of two <= size), split into perfect subtrees read through `read`.
Result<Hash> RangeHash(uint64_t start, uint64_t size, const SubtreeReader& read);

// Root of a tree of `size` leaves (SHA-256("") when size is 0).
Result<Hash> TreeRoot(uint64_t size, const SubtreeReader& read);

// PATH(index, D[0:size]), leaf side first. Fails unless index < size.
Result<std::vector<Hash>> BuildInclusionProof(uint64_t index, uint64_t size, const SubtreeReader& read);

// PROOF(old_size, D[0:new_size]). Fails unless 0 < old_size <= new_size; equal sizes give
// an empty proof.
Result<std::vector<Hash>> BuildConsistencyProof(uint64_t old_size, uint64_t new_size,
                                                const SubtreeReader& read);

// OK iff `proof` shows that `leaf` is entry `index` of the tree of `size` leaves with `root`.
Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf, const std::vector<Hash>& proof,
                       const Hash& root);

// Root implied by an inclusion proof (the RFC's r), or an error if the path is malformed.
Result<Hash> RootFromInclusionProof(uint64_t index, uint64_t size, const Hash& leaf,
                                    const std::vector<Hash>& proof);

// OK iff `proof` shows the tree (old_size, old_root) is a prefix of (new_size, new_root).
// Per RFC 9162: old_size 0 is rejected; equal sizes need an empty proof and equal roots.
Status VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash& old_root, const Hash& new_root,
                         const std::vector<Hash>& proof);

// The compact range of the leaves [0, size): the roots of the perfect subtrees the binary
// decomposition of size splits the tree into, largest (leftmost) first, one per set bit of
// size. Add merges the new leaf with each subtree it completes (amortised one NodeHash per
// leaf); Root folds the at most 64 subtree roots right to left, and costs nothing when size
// is a power of two. Verifiers that see every leaf fold them into the root this way; the
// log keeps one per tile level, so each commit's root is cheap.
class RootAccumulator {
 public:
  void Add(const Hash& leaf);
  uint64_t size() const { return size_; }
  Hash Root() const;
  // The subtree roots, in the order above.
  const std::vector<Hash>& subtrees() const { return stack_; }

 private:
  std::vector<Hash> stack_;
  uint64_t size_ = 0;
};

}  // namespace tg::ledger
