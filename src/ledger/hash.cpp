// Hashing goes through OpenSSL's one-shot SHA-256 block functions, not EVP: a log commits
// two hashes per entry, and EVP's per-call context setup would cost more than the hashing.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "ledger/hash.h"

#include <openssl/sha.h>

#include <bit>
#include <cstring>

namespace tg::ledger {

// OpenSSL 3's one-shot SHA256() goes through EVP_Q_digest (an algorithm fetch per call);
// the block-level context functions do not.
Hash Sha256(std::string_view data) {
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, data.data(), data.size());
  Hash out;
  SHA256_Final(out.data(), &ctx);
  return out;
}

Hash Sha256(std::initializer_list<std::string_view> parts) {
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  for (std::string_view p : parts) SHA256_Update(&ctx, p.data(), p.size());
  Hash out;
  SHA256_Final(out.data(), &ctx);
  return out;
}

Hash LeafHash(std::string_view entry) {
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  const unsigned char prefix = 0x00;
  SHA256_Update(&ctx, &prefix, 1);
  SHA256_Update(&ctx, entry.data(), entry.size());
  Hash out;
  SHA256_Final(out.data(), &ctx);
  return out;
}

Hash NodeHash(const Hash& left, const Hash& right) {
  unsigned char buf[65];
  buf[0] = 0x01;
  std::memcpy(buf + 1, left.data(), 32);
  std::memcpy(buf + 33, right.data(), 32);
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, buf, sizeof buf);
  Hash out;
  SHA256_Final(out.data(), &ctx);
  return out;
}

Hash EmptyRoot() { return Sha256(""); }

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int DecodeChar(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}
}  // namespace

std::string Base64(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (size_t rest = in.size() - i; rest > 0) {
    uint32_t v = uint8_t(in[i]) << 16;
    if (rest == 2) v |= uint8_t(in[i + 1]) << 8;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string HashBase64(const Hash& h) {
  return Base64(std::string_view(reinterpret_cast<const char*>(h.data()), h.size()));
}

Result<std::string> DecodeBase64(std::string_view text) {
  if (text.size() % 4 != 0) return Status::InvalidArgument("base64: length is not a multiple of 4");
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    int pad = 0;
    if (last && text[i + 3] == '=') pad = text[i + 2] == '=' ? 2 : 1;
    uint32_t v = 0;
    for (int j = 0; j < 4; ++j) {
      int d = j >= 4 - pad ? 0 : DecodeChar(text[i + j]);
      if (d < 0) return Status::InvalidArgument("base64: bad character");
      v = (v << 6) | uint32_t(d);
    }
    // Canonical encodings leave the unused low bits of the last character zero.
    if ((pad == 1 && (v & 0xff)) || (pad == 2 && (v & 0xffff)))
      return Status::InvalidArgument("base64: non-canonical padding bits");
    out += char(v >> 16);
    if (pad < 2) out += char((v >> 8) & 0xff);
    if (pad < 1) out += char(v & 0xff);
  }
  return out;
}

Result<Hash> ParseHashBase64(std::string_view text) {
  auto raw = DecodeBase64(text);
  if (!raw.ok()) return raw.status();
  if (raw->size() != 32) return Status::InvalidArgument("hash: want 32 bytes, got " + std::to_string(raw->size()));
  Hash h;
  std::memcpy(h.data(), raw->data(), 32);
  return h;
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

}  // namespace tg::ledger
