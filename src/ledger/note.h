// C2SP signed notes with Ed25519 (signature type 0x01) through OpenSSL: signing,
// verifying, and the key strings Go's golang.org/x/mod/sumdb/note also reads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace tg::ledger {

// Key names must be non-empty, with no spaces, no '+' and no control characters.
Status CheckKeyName(std::string_view name);

// First 4 bytes (big-endian) of SHA-256(name || "\n" || 0x01 || public key).
uint32_t Ed25519KeyId(std::string_view name, std::string_view public_key);

// A private Ed25519 signing key with its name (for a log: its origin).
class NoteSigner {
 public:
  // A fresh random key.
  static Result<NoteSigner> Generate(std::string name);
  // Parses "PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || 32-byte seed)>" and checks the id.
  static Result<NoteSigner> FromPrivateKey(std::string_view text);

  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  // The private key string FromPrivateKey reads (keep it secret: mode 0600).
  std::string PrivateKey() const;
  // The verifier key "<name>+<8 hex id>+<base64(0x01 || public key)>".
  std::string VerifierKey() const;
  // The 64-byte Ed25519 signature of `message` (deterministic: the same message gives the
  // same bytes). Safe to call from several threads.
  Result<std::string> SignRaw(std::string_view message) const;

 private:
  struct SignContext;
  // Loads the key from its 32-byte seed and sets up the signing context.
  Status Load(std::string_view seed);

  std::string name_;
  uint32_t key_id_ = 0;
  std::string seed_;        // 32 bytes
  std::string public_key_;  // 32 bytes
  std::shared_ptr<EVP_PKEY> key_;
  std::shared_ptr<SignContext> sign_;  // shared by copies
};

// A public Ed25519 verifier key.
class NoteVerifier {
 public:
  // Parses "<name>+<8 hex id>+<base64(0x01 || 32-byte public key)>" and checks the id.
  static Result<NoteVerifier> Parse(std::string_view vkey);

  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  // Whether `signature` is this key's valid Ed25519 signature of `message`.
  bool VerifyRaw(std::string_view message, std::string_view signature) const;

 private:
  std::string name_;
  uint32_t key_id_ = 0;
  std::shared_ptr<EVP_PKEY> key_;
};

// Signs `text` (valid UTF-8, ends in "\n", no control characters but "\n") and returns the
// note: text, a blank line, and one line "— <name> <base64(key id || signature)>".
Result<std::string> SignNote(std::string_view text, const NoteSigner& signer);

// Checks a signed note against one known key and returns its text. Signatures by unknown
// keys are ignored; a failing signature by the known key, or none at all, is an error.
Result<std::string> OpenNote(std::string_view note, const NoteVerifier& verifier);

}  // namespace tg::ledger
