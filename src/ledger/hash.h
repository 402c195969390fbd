// RFC 6962 / RFC 9162 Merkle tree hashing with SHA-256, the only hash C2SP tlogs use.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "base/status.h"

namespace tg::ledger {

// One SHA-256 tree hash (a leaf, an interior node or a root).
using Hash = std::array<uint8_t, 32>;

// SHA-256 of arbitrary bytes.
Hash Sha256(std::string_view data);
// SHA-256 of the concatenation of `parts`, without copying them into one buffer.
Hash Sha256(std::initializer_list<std::string_view> parts);
// Leaf hash of an entry: SHA-256(0x00 || entry).
Hash LeafHash(std::string_view entry);
// Interior node hash: SHA-256(0x01 || left || right).
Hash NodeHash(const Hash& left, const Hash& right);
// Root of the empty tree: SHA-256("").
Hash EmptyRoot();

// Standard base64 (RFC 4648 §4, with padding), as checkpoints and proofs print hashes.
std::string Base64(std::string_view bytes);
std::string HashBase64(const Hash& h);
// Decodes standard base64; rejects bad characters, bad padding and non-canonical tails.
Result<std::string> DecodeBase64(std::string_view text);
// Decodes a base64 hash; it must decode to exactly 32 bytes.
Result<Hash> ParseHashBase64(std::string_view text);
// Lowercase hex.
std::string Hex(std::string_view bytes);

// Largest power of two strictly less than n (n >= 2): where RFC 6962 splits a tree of n leaves.
uint64_t SplitPoint(uint64_t n);

}  // namespace tg::ledger
