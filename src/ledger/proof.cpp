#include "ledger/proof.h"

#include <bit>

namespace tg::ledger {

Result<Hash> RangeHash(uint64_t start, uint64_t size, const SubtreeReader& read) {
  if (size == 0) return EmptyRoot();
  if (std::has_single_bit(size)) return read(start, size);
  uint64_t k = SplitPoint(size);
  auto left = read(start, k);
  if (!left.ok()) return left;
  auto right = RangeHash(start + k, size - k, read);
  if (!right.ok()) return right;
  return NodeHash(*left, *right);
}

Result<Hash> TreeRoot(uint64_t size, const SubtreeReader& read) { return RangeHash(0, size, read); }

namespace {

// PATH(m, D[start:start+n]) appended leaf side first (recursion unrolled from the top, so
// hashes are collected top-down and reversed at the end).
Status InclusionPath(uint64_t m, uint64_t start, uint64_t n, const SubtreeReader& read,
                     std::vector<Hash>& top_down) {
  while (n > 1) {
    uint64_t k = SplitPoint(n);
    if (m < k) {
      auto h = RangeHash(start + k, n - k, read);
      if (!h.ok()) return h.status();
      top_down.push_back(*h);
      n = k;
    } else {
      auto h = read(start, k);
      if (!h.ok()) return h.status();
      top_down.push_back(*h);
      m -= k;
      start += k;
      n -= k;
    }
  }
  return Status::OK();
}

}  // namespace

Result<std::vector<Hash>> BuildInclusionProof(uint64_t index, uint64_t size, const SubtreeReader& read) {
  if (index >= size)
    return Status::InvalidArgument("inclusion proof: index " + std::to_string(index) + " is not below tree size " +
                                   std::to_string(size));
  std::vector<Hash> path;
  TG_RETURN_IF_ERROR(InclusionPath(index, 0, size, read, path));
  return std::vector<Hash>(path.rbegin(), path.rend());
}

Result<std::vector<Hash>> BuildConsistencyProof(uint64_t m, uint64_t n, const SubtreeReader& read) {
  if (m == 0 || m > n)
    return Status::InvalidArgument("consistency proof: need 0 < old size <= new size, got " + std::to_string(m) +
                                   " and " + std::to_string(n));
  std::vector<Hash> top_down;
  uint64_t start = 0;
  bool whole = true;  // the RFC's b: is this subtree the old tree itself?
  while (m != n) {
    uint64_t k = SplitPoint(n);
    if (m <= k) {
      auto h = RangeHash(start + k, n - k, read);
      if (!h.ok()) return h.status();
      top_down.push_back(*h);
      n = k;
    } else {
      auto h = read(start, k);
      if (!h.ok()) return h.status();
      top_down.push_back(*h);
      start += k;
      m -= k;
      n -= k;
      whole = false;
    }
  }
  if (!whole) {
    auto h = RangeHash(start, m, read);
    if (!h.ok()) return h.status();
    top_down.push_back(*h);
  }
  return std::vector<Hash>(top_down.rbegin(), top_down.rend());
}

Result<Hash> RootFromInclusionProof(uint64_t index, uint64_t size, const Hash& leaf, const std::vector<Hash>& proof) {
  if (index >= size) return Status::InvalidArgument("inclusion: index is not below tree size");
  uint64_t fn = index, sn = size - 1;
  Hash r = leaf;
  for (const Hash& p : proof) {
    if (sn == 0) return Status::InvalidArgument("inclusion: proof has too many hashes");
    if ((fn & 1) || fn == sn) {
      r = NodeHash(p, r);
      if (!(fn & 1)) {
        while (!(fn & 1) && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return Status::InvalidArgument("inclusion: proof has too few hashes");
  return r;
}

Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf, const std::vector<Hash>& proof,
                       const Hash& root) {
  auto r = RootFromInclusionProof(index, size, leaf, proof);
  if (!r.ok()) return r.status();
  if (*r != root) return Status::InvalidArgument("inclusion: proof leads to a different root");
  return Status::OK();
}

Status VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash& old_root, const Hash& new_root,
                         const std::vector<Hash>& proof) {
  if (old_size == 0) return Status::InvalidArgument("consistency: no proof from an empty tree");
  if (old_size > new_size) return Status::InvalidArgument("consistency: old size exceeds new size");
  if (old_size == new_size) {
    if (!proof.empty()) return Status::InvalidArgument("consistency: equal sizes need an empty proof");
    if (old_root != new_root) return Status::InvalidArgument("consistency: equal sizes, roots differ");
    return Status::OK();
  }
  if (proof.empty()) return Status::InvalidArgument("consistency: empty proof");
  std::vector<Hash> path;
  path.reserve(proof.size() + 1);
  if (std::has_single_bit(old_size)) path.push_back(old_root);
  path.insert(path.end(), proof.begin(), proof.end());
  uint64_t fn = old_size - 1, sn = new_size - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0], sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return Status::InvalidArgument("consistency: proof has too many hashes");
    if ((fn & 1) || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      if (!(fn & 1)) {
        while (!(fn & 1) && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return Status::InvalidArgument("consistency: proof has too few hashes");
  if (fr != old_root) return Status::InvalidArgument("consistency: proof does not lead to the old root");
  if (sr != new_root) return Status::InvalidArgument("consistency: proof does not lead to the new root");
  return Status::OK();
}

void RootAccumulator::Add(const Hash& leaf) {
  stack_.push_back(leaf);
  for (uint64_t i = size_; i & 1; i >>= 1) {
    Hash right = stack_.back();
    stack_.pop_back();
    stack_.back() = NodeHash(stack_.back(), right);
  }
  ++size_;
}

Hash RootAccumulator::Root() const {
  if (stack_.empty()) return EmptyRoot();
  Hash r = stack_.back();
  for (size_t i = stack_.size() - 1; i-- > 0;) r = NodeHash(stack_[i], r);
  return r;
}

}  // namespace tg::ledger
