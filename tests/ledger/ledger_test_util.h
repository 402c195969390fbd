// Helpers shared by the ledger tests: temporary directories, a naive reference Merkle tree,
// and the independent verifier (tlog-verify, Go x/mod) when the CTest fixture built it.
#pragma once

#include <gtest/gtest.h>

#include <bit>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ledger/hash.h"
#include "ledger/log.h"
#include "ledger/proof.h"

namespace tg::ledger::testing {

// The entry the log tests append at index i.
inline std::string LogEntry(uint64_t i) { return "entry-" + std::to_string(i); }

// Log options for tests: a short batch wait, so appends resolve quickly.
inline LogOptions QuickLogOptions() {
  LogOptions o;
  o.max_batch_wait = std::chrono::microseconds(200);
  return o;
}

// Appends LogEntry(i) for i in [from, to), checking each index, and waits for all of them.
inline void AppendRange(Log& log, uint64_t from, uint64_t to) {
  std::vector<Ticket> tickets;
  for (uint64_t i = from; i < to; ++i) {
    auto t = log.Append(LogEntry(i));
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    ASSERT_EQ(t->index(), i);
    tickets.push_back(*t);
  }
  for (auto& t : tickets) ASSERT_TRUE(t.Wait().ok());
}

// A fresh directory removed at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "tg-ledger-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

// MTH straight from the RFC 6962 definition, over explicit leaf hashes.
inline Hash ReferenceRange(const std::vector<Hash>& leaves, uint64_t start, uint64_t n) {
  if (n == 0) return EmptyRoot();
  if (n == 1) return leaves[start];
  uint64_t k = SplitPoint(n);
  return NodeHash(ReferenceRange(leaves, start, k), ReferenceRange(leaves, start + k, n - k));
}

inline SubtreeReader ReferenceReader(const std::vector<Hash>& leaves) {
  return [&leaves](uint64_t start, uint64_t size) -> Result<Hash> { return ReferenceRange(leaves, start, size); };
}

// Every perfect subtree of explicit leaf hashes, hashed level by level from the RFC 6962
// definition (level h: the subtrees of 2^h leaves). Roots of large trees at every size
// through the RFC recursion (TreeRoot) in O(log n) each, with no compact range involved.
class ReferenceTree {
 public:
  explicit ReferenceTree(std::vector<Hash> leaves) {
    levels_.push_back(std::move(leaves));
    while (levels_.back().size() > 1) {
      const std::vector<Hash>& below = levels_.back();
      std::vector<Hash> up;
      for (size_t i = 0; i + 1 < below.size(); i += 2) up.push_back(NodeHash(below[i], below[i + 1]));
      levels_.push_back(std::move(up));
    }
  }
  const Hash& leaf(uint64_t i) const { return levels_[0].at(i); }
  // MTH(D[start : start+size]) for a perfect subtree.
  const Hash& Subtree(uint64_t start, uint64_t size) const {
    int h = std::countr_zero(size);
    return levels_.at(h).at(start >> h);
  }
  Hash Root(uint64_t size) const {
    return *TreeRoot(size, [this](uint64_t start, uint64_t n) -> Result<Hash> { return Subtree(start, n); });
  }
  // The perfect-subtree roots of a tree of `size` leaves, largest (leftmost) first.
  std::vector<Hash> Subtrees(uint64_t size) const {
    std::vector<Hash> out;
    uint64_t start = 0;
    for (int bit = 63; bit >= 0; --bit) {
      uint64_t n = uint64_t(1) << bit;
      if (size & n) {
        out.push_back(Subtree(start, n));
        start += n;
      }
    }
    return out;
  }

 private:
  std::vector<std::vector<Hash>> levels_;
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
}

// Copies a log directory while the log is open, as a crash would leave it (no clean close).
// The tile writer may replace a file during the copy (the spare journal, a partial tile);
// the copy then starts over, so it never fails on a file that vanished under it.
inline void CopyLive(const std::string& from, const std::string& to) {
  for (int attempt = 0;; ++attempt) {
    std::error_code ec;
    std::filesystem::remove_all(to, ec);
    std::filesystem::copy(from, to, std::filesystem::copy_options::recursive, ec);
    if (!ec) return;
    ASSERT_LT(attempt, 20) << "cannot copy " << from << ": " << ec.message();
  }
}

// Flips one bit of byte `offset` of a file in place.
inline void FlipByte(const std::string& path, size_t offset) {
  std::string b = ReadFile(path);
  ASSERT_LT(offset, b.size()) << path;
  b[offset] ^= 0x01;
  WriteFile(path, b);
}

// The tlog-verify binary, or "" when the test does not run under the CTest fixture
// that builds it (ctest -R ledger_tlog_verify).
inline std::string TlogVerifyBin() {
  const char* p = std::getenv("TG_TLOG_VERIFY");
  return p ? p : "";
}

#define TG_REQUIRE_TLOG_VERIFY()                                                                   \
  do {                                                                                             \
    if (::tg::ledger::testing::TlogVerifyBin().empty())                                            \
      GTEST_SKIP() << "needs tlog-verify: runs under `ctest -R ledger_tlog_verify` (TG_TLOG_VERIFY)"; \
  } while (0)

// Runs tlog-verify with arguments; true when it exits 0. Output goes to `out`.
inline bool RunTlogVerify(const std::string& args, std::string* out = nullptr) {
  std::string cmd = TlogVerifyBin() + " " + args + " 2>&1";
  std::string text;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return false;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) text.append(buf, n);
  int rc = ::pclose(p);
  if (out) *out = text;
  return rc == 0;
}

}  // namespace tg::ledger::testing
