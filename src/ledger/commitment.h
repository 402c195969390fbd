// Commitments: how a private record becomes a public log entry. The log carries only
// SHA-256("trustgate-audit-v1" || salt || record); the caller keeps record and salt in
// access-controlled storage, so erasing the salt unlinks the leaf without breaking the tree.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "ledger/hash.h"

namespace tg::ledger {

inline constexpr size_t kSaltBytes = 32;

struct Commitment {
  std::string salt;  // 32 random bytes, kept with the record
  Hash entry;        // the 32 bytes to append to the log
};

// SHA-256("trustgate-audit-v1" || salt || record). The salt must be 32 bytes.
Result<Hash> CommitWithSalt(std::string_view salt, std::string_view record);
// Draws a fresh 32-byte salt (OpenSSL RAND_bytes, drawn 4 KiB at a time per thread and
// never handed out twice, also across fork) and commits to `record`.
Result<Commitment> Commit(std::string_view record);
// The entry bytes to append for a commitment (the 32 raw bytes of the hash).
inline std::string EntryBytes(const Hash& h) { return std::string(reinterpret_cast<const char*>(h.data()), h.size()); }

}  // namespace tg::ledger
