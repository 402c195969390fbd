#include "ledger/commitment.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <pthread.h>

#include <atomic>
#include <cstring>
#include <mutex>

namespace tg::ledger {

namespace {
constexpr std::string_view kDomain = "trustgate-audit-v1";

// Salts are cut from a per-thread block of RAND_bytes output: every audited request needs
// one, and a RAND_bytes call costs about as much for 4 KiB as for 32 bytes. A block cut by
// a process that then forks must not go on in the child too (parent and child would hand out
// the same salts), so a fork moves the generation on and every thread's block is dropped.
constexpr size_t kBlockBytes = 4096;
std::atomic<uint64_t> fork_generation{1};

struct SaltBlock {
  unsigned char bytes[kBlockBytes];
  size_t used = kBlockBytes;  // empty until the first draw
  uint64_t generation = 0;
  ~SaltBlock() { OPENSSL_cleanse(bytes, sizeof bytes); }
};

bool DrawSalt(char* out) {
  static std::once_flag at_fork;
  std::call_once(at_fork, [] {
    pthread_atfork(nullptr, nullptr, [] { fork_generation.fetch_add(1, std::memory_order_relaxed); });
  });
  thread_local SaltBlock block;
  const uint64_t generation = fork_generation.load(std::memory_order_relaxed);
  if (block.generation != generation || block.used + kSaltBytes > kBlockBytes) {
    if (RAND_bytes(block.bytes, int(kBlockBytes)) != 1) return false;
    block.used = 0;
    block.generation = generation;
  }
  std::memcpy(out, block.bytes + block.used, kSaltBytes);
  OPENSSL_cleanse(block.bytes + block.used, kSaltBytes);  // a salt handed out leaves no copy here
  block.used += kSaltBytes;
  return true;
}

}  // namespace

Result<Hash> CommitWithSalt(std::string_view salt, std::string_view record) {
  if (salt.size() != kSaltBytes) return Status::InvalidArgument("commitment: salt must be 32 bytes");
  return Sha256({kDomain, salt, record});
}

Result<Commitment> Commit(std::string_view record) {
  Commitment c;
  c.salt.assign(kSaltBytes, '\0');
  if (!DrawSalt(c.salt.data())) return Status::Internal("OpenSSL: no randomness for a salt");
  auto h = CommitWithSalt(c.salt, record);
  if (!h.ok()) return h.status();
  c.entry = *h;
  return c;
}

}  // namespace tg::ledger
