#include "ledger/note.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstring>
#include <mutex>
#include <vector>

#include "ledger/hash.h"

namespace tg::ledger {

namespace {

constexpr char kSigPrefix[] = "\xE2\x80\x94 ";  // U+2014 EM DASH, then a space
constexpr size_t kMaxSignatures = 100;

std::shared_ptr<EVP_PKEY> Wrap(EVP_PKEY* k) { return std::shared_ptr<EVP_PKEY>(k, EVP_PKEY_free); }

std::string BigEndian32(uint32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[i] = char(v >> (24 - 8 * i));
  return s;
}

Result<uint32_t> ParseHexId(std::string_view hex) {
  if (hex.size() != 8) return Status::InvalidArgument("key id: want 8 hex digits");
  uint32_t v = 0;
  for (char c : hex) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return Status::InvalidArgument("key id: want lowercase hex");
    v = (v << 4) | uint32_t(d);
  }
  return v;
}

std::string HexId(uint32_t id) { return Hex(BigEndian32(id)); }

// Valid UTF-8 with no control characters other than newline.
bool CleanText(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    if (c < 0x80) {
      if ((c < 0x20 && c != '\n') || c == 0x7f) return false;
      ++i;
      continue;
    }
    int n = (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : -1;
    if (n < 0 || i + n >= s.size()) return false;
    uint32_t cp = c & (0x3f >> n);
    for (int j = 1; j <= n; ++j) {
      unsigned char cc = s[i + j];
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    if (cp >= 0x80 && cp < 0xa0) return false;  // C1 controls
    i += n + 1;
  }
  return true;
}

}  // namespace

Status CheckKeyName(std::string_view name) {
  if (name.empty()) return Status::InvalidArgument("key name is empty");
  for (char c : name)
    if (c == ' ' || c == '+' || c == '\n' || (unsigned char)c < 0x20)
      return Status::InvalidArgument("key name may not contain spaces, '+' or control characters");
  if (!CleanText(name)) return Status::InvalidArgument("key name is not clean UTF-8");
  return Status::OK();
}

uint32_t Ed25519KeyId(std::string_view name, std::string_view public_key) {
  std::string buf(name);
  buf += '\n';
  buf += char(0x01);
  buf.append(public_key);
  Hash h = Sha256(buf);
  return (uint32_t(h[0]) << 24) | (uint32_t(h[1]) << 16) | (uint32_t(h[2]) << 8) | h[3];
}

namespace {

using MdCtx = std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)>;

MdCtx NewMdCtx() { return MdCtx(EVP_MD_CTX_new(), EVP_MD_CTX_free); }

// Signs with `ctx` after (re)initialising it: with `key` on a fresh context, or with no key
// on one already set up, which only resets it (no algorithm fetch). OpenSSL documents that
// EVP_DigestSign may not be called again on a context without such a reset.
bool Ed25519Sign(EVP_MD_CTX* ctx, EVP_PKEY* key, std::string_view message, std::string& sig) {
  size_t len = sig.size();
  return ctx && EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key) == 1 &&
         EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                        reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1 &&
         len == 64;
}

}  // namespace

// One context set up for the key at load, reused by every signature that finds it free:
// a fresh one per signature cost about 6 of 70 us (the algorithm fetch in EVP_DigestSignInit).
struct NoteSigner::SignContext {
  std::mutex mu;
  MdCtx ctx = NewMdCtx();
};

Status NoteSigner::Load(std::string_view seed) {
  EVP_PKEY* k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                             reinterpret_cast<const unsigned char*>(seed.data()), seed.size());
  if (!k) return Status::Internal("OpenSSL: cannot load Ed25519 key");
  key_ = Wrap(k);
  public_key_.assign(32, '\0');
  size_t len = 32;
  if (EVP_PKEY_get_raw_public_key(k, reinterpret_cast<unsigned char*>(public_key_.data()), &len) != 1 || len != 32)
    return Status::Internal("OpenSSL: cannot derive Ed25519 public key");
  auto sc = std::make_shared<SignContext>();
  if (!sc->ctx || EVP_DigestSignInit(sc->ctx.get(), nullptr, nullptr, nullptr, k) != 1)
    return Status::Internal("OpenSSL: cannot set up Ed25519 signing");
  sign_ = std::move(sc);
  seed_ = std::string(seed);
  return Status::OK();
}

Result<NoteSigner> NoteSigner::Generate(std::string name) {
  TG_RETURN_IF_ERROR(CheckKeyName(name));
  std::string seed(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(seed.data()), 32) != 1)
    return Status::Internal("OpenSSL: no randomness for a key");
  NoteSigner s;
  TG_RETURN_IF_ERROR(s.Load(seed));
  s.name_ = std::move(name);
  s.key_id_ = Ed25519KeyId(s.name_, s.public_key_);
  return s;
}

Result<NoteSigner> NoteSigner::FromPrivateKey(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  auto bad = [](const std::string& why) { return Status::InvalidArgument("private key: " + why); };
  if (!text.starts_with("PRIVATE+KEY+")) return bad("want PRIVATE+KEY+<name>+<id>+<key>");
  text.remove_prefix(12);
  // Names hold no '+', but base64 keys may: split from the left.
  size_t p1 = text.find('+');
  if (p1 == std::string_view::npos) return bad("missing key id");
  size_t p2 = text.find('+', p1 + 1);
  if (p2 == std::string_view::npos) return bad("missing key");
  std::string name(text.substr(0, p1));
  TG_RETURN_IF_ERROR(CheckKeyName(name));
  auto id = ParseHexId(text.substr(p1 + 1, p2 - p1 - 1));
  if (!id.ok()) return id.status();
  auto raw = DecodeBase64(text.substr(p2 + 1));
  if (!raw.ok()) return raw.status();
  if (raw->size() != 33 || (*raw)[0] != 0x01) return bad("want an Ed25519 (type 0x01) 32-byte seed");
  NoteSigner s;
  TG_RETURN_IF_ERROR(s.Load(std::string_view(*raw).substr(1)));
  s.name_ = std::move(name);
  s.key_id_ = Ed25519KeyId(s.name_, s.public_key_);
  if (s.key_id_ != *id) return bad("key id does not match the key");
  return s;
}

std::string NoteSigner::PrivateKey() const {
  return "PRIVATE+KEY+" + name_ + "+" + HexId(key_id_) + "+" + Base64(std::string(1, char(0x01)) + seed_);
}

std::string NoteSigner::VerifierKey() const {
  return name_ + "+" + HexId(key_id_) + "+" + Base64(std::string(1, char(0x01)) + public_key_);
}

Result<std::string> NoteSigner::SignRaw(std::string_view message) const {
  if (!sign_) return Status::Internal("Ed25519 signing without a key");
  std::string sig(64, '\0');
  bool ok;
  // A second thread signing at the same time takes a fresh context rather than waiting.
  if (std::unique_lock lock(sign_->mu, std::try_to_lock); lock)
    ok = Ed25519Sign(sign_->ctx.get(), nullptr, message, sig);
  else
    ok = Ed25519Sign(NewMdCtx().get(), key_.get(), message, sig);
  if (!ok) return Status::Internal("OpenSSL: Ed25519 signing failed");
  return sig;
}

Result<NoteVerifier> NoteVerifier::Parse(std::string_view vkey) {
  while (!vkey.empty() && (vkey.back() == '\n' || vkey.back() == '\r')) vkey.remove_suffix(1);
  auto bad = [](const std::string& why) { return Status::InvalidArgument("verifier key: " + why); };
  size_t p1 = vkey.find('+');
  if (p1 == std::string_view::npos) return bad("want <name>+<id>+<key>");
  size_t p2 = vkey.find('+', p1 + 1);
  if (p2 == std::string_view::npos) return bad("want <name>+<id>+<key>");
  NoteVerifier v;
  v.name_ = std::string(vkey.substr(0, p1));
  TG_RETURN_IF_ERROR(CheckKeyName(v.name_));
  auto id = ParseHexId(vkey.substr(p1 + 1, p2 - p1 - 1));
  if (!id.ok()) return id.status();
  auto raw = DecodeBase64(vkey.substr(p2 + 1));
  if (!raw.ok()) return raw.status();
  if (raw->size() != 33 || (*raw)[0] != 0x01) return bad("want an Ed25519 (type 0x01) 32-byte public key");
  std::string pub = raw->substr(1);
  if (Ed25519KeyId(v.name_, pub) != *id) return bad("key id does not match the key");
  EVP_PKEY* k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                            reinterpret_cast<const unsigned char*>(pub.data()), pub.size());
  if (!k) return bad("OpenSSL rejected the public key");
  v.key_ = Wrap(k);
  v.key_id_ = *id;
  return v;
}

bool NoteVerifier::VerifyRaw(std::string_view message, std::string_view signature) const {
  if (signature.size() != 64) return false;
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
}

Result<std::string> SignNote(std::string_view text, const NoteSigner& signer) {
  if (text.empty() || text.back() != '\n') return Status::InvalidArgument("note text must end with a newline");
  if (!CleanText(text)) return Status::InvalidArgument("note text must be UTF-8 without control characters");
  auto sig = signer.SignRaw(text);
  if (!sig.ok()) return sig.status();
  std::string note(text);
  note += '\n';
  note += kSigPrefix;
  note += signer.name();
  note += ' ';
  note += Base64(BigEndian32(signer.key_id()) + *sig);
  note += '\n';
  return note;
}

Result<std::string> OpenNote(std::string_view note, const NoteVerifier& verifier) {
  auto bad = [](const std::string& why) { return Status::InvalidArgument("signed note: " + why); };
  if (note.empty() || note.back() != '\n') return bad("does not end with a newline");
  if (!CleanText(note)) return bad("not UTF-8 text without control characters");
  size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos) return bad("no blank line before the signatures");
  std::string_view text = note.substr(0, split + 1);
  std::string_view sigs = note.substr(split + 2);
  bool verified = false;
  size_t count = 0;
  while (!sigs.empty()) {
    size_t nl = sigs.find('\n');
    std::string_view line = sigs.substr(0, nl);
    sigs.remove_prefix(nl + 1);
    if (++count > kMaxSignatures) return bad("too many signatures");
    if (!line.starts_with(kSigPrefix)) return bad("malformed signature line");
    line.remove_prefix(sizeof(kSigPrefix) - 1);
    size_t sp = line.find(' ');
    if (sp == std::string_view::npos || sp == 0) return bad("malformed signature line");
    std::string_view name = line.substr(0, sp);
    if (!CheckKeyName(name).ok()) return bad("malformed key name in signature line");
    auto raw = DecodeBase64(line.substr(sp + 1));
    if (!raw.ok() || raw->size() < 5) return bad("malformed signature");
    uint32_t id = (uint32_t(uint8_t((*raw)[0])) << 24) | (uint32_t(uint8_t((*raw)[1])) << 16) |
                  (uint32_t(uint8_t((*raw)[2])) << 8) | uint8_t((*raw)[3]);
    if (name != verifier.name() || id != verifier.key_id()) continue;  // someone else's key
    if (!verifier.VerifyRaw(text, std::string_view(*raw).substr(4)))
      return Status::InvalidArgument("signed note: invalid signature by " + verifier.name());
    verified = true;
  }
  if (count == 0) return bad("no signatures");
  if (!verified) return Status::InvalidArgument("signed note: no signature by " + verifier.name());
  return std::string(text);
}

}  // namespace tg::ledger
