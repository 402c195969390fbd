#include "ledger/commitment.h"

#include <openssl/rand.h>

namespace tg::ledger {

namespace {
constexpr std::string_view kDomain = "trustgate-audit-v1";
}

Result<Hash> CommitWithSalt(std::string_view salt, std::string_view record) {
  if (salt.size() != kSaltBytes) return Status::InvalidArgument("commitment: salt must be 32 bytes");
  std::string buf;
  buf.reserve(kDomain.size() + salt.size() + record.size());
  buf.append(kDomain).append(salt).append(record);
  return Sha256(buf);
}

Result<Commitment> Commit(std::string_view record) {
  Commitment c;
  c.salt.assign(kSaltBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(c.salt.data()), int(kSaltBytes)) != 1)
    return Status::Internal("OpenSSL: no randomness for a salt");
  auto h = CommitWithSalt(c.salt, record);
  if (!h.ok()) return h.status();
  c.entry = *h;
  return c;
}

}  // namespace tg::ledger
