#include "ledger/note.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "ledger/checkpoint.h"
#include "ledger/hash.h"

namespace tg::ledger {
namespace {

// Key and note from the Go reference implementation's tests (golang.org/x/mod/sumdb/note):
// Ed25519 is deterministic, so our signature must be theirs byte for byte.
constexpr char kGoPrivateKey[] = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr char kGoVerifierKey[] = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr char kGoText[] =
    "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
constexpr char kGoSignedNote[] =
    "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n\n"
    "\xE2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

TEST(LedgerNote, MatchesGoReferenceKeysAndSignatures) {
  auto signer = NoteSigner::FromPrivateKey(kGoPrivateKey);
  ASSERT_TRUE(signer.ok()) << signer.status().ToString();
  EXPECT_EQ(signer->VerifierKey(), kGoVerifierKey);
  EXPECT_EQ(signer->PrivateKey(), kGoPrivateKey);
  auto note = SignNote(kGoText, *signer);
  ASSERT_TRUE(note.ok());
  EXPECT_EQ(*note, kGoSignedNote);
  auto verifier = NoteVerifier::Parse(kGoVerifierKey);
  ASSERT_TRUE(verifier.ok());
  auto text = OpenNote(kGoSignedNote, *verifier);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, kGoText);
}

// A signer keeps one OpenSSL context for all its signatures: each must be the same bytes a
// fresh context gives (Ed25519 is deterministic), whatever was signed before and from
// whichever thread.
TEST(LedgerNote, ASignerGivesTheSameBytesForTheSameTextEveryTime) {
  auto signer = NoteSigner::FromPrivateKey(kGoPrivateKey);
  ASSERT_TRUE(signer.ok());
  auto verifier = NoteVerifier::Parse(kGoVerifierKey);
  ASSERT_TRUE(verifier.ok());
  auto first = SignNote(kGoText, *signer);
  auto other = SignNote("something else\n", *signer);
  auto second = SignNote(kGoText, *signer);
  ASSERT_TRUE(first.ok() && other.ok() && second.ok());
  EXPECT_EQ(*first, kGoSignedNote);
  EXPECT_EQ(*second, kGoSignedNote);
  EXPECT_TRUE(OpenNote(*other, *verifier).ok());
  auto a = signer->SignRaw("raw message");
  auto b = signer->SignRaw("raw message");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_TRUE(verifier->VerifyRaw("raw message", *a));

  // Copies share the context; threads that find it busy sign with a fresh one.
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, copy = *signer, t] {
      for (int i = 0; i < 100; ++i) {
        const NoteSigner& s = t % 2 ? copy : *signer;
        auto sig = s.SignRaw(i % 2 ? "raw message" : "another message");
        if (!sig.ok() || (i % 2 && *sig != *a) || !verifier->VerifyRaw(i % 2 ? "raw message" : "another message", *sig))
          ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_FALSE(NoteSigner().SignRaw("no key").ok());
}

TEST(LedgerNote, SpecExampleVerifierKeyParses) {
  // signed-note spec: its key id must equal our computation of it.
  EXPECT_TRUE(NoteVerifier::Parse("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k").ok());
  EXPECT_FALSE(NoteVerifier::Parse("example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k").ok());
  EXPECT_FALSE(NoteVerifier::Parse("example.com/foo+530d903a").ok());
  EXPECT_FALSE(NoteVerifier::Parse("").ok());
}

TEST(LedgerNote, GeneratedKeysSignAndRejectTampering) {
  auto signer = NoteSigner::Generate("log.example/one");
  ASSERT_TRUE(signer.ok());
  auto again = NoteSigner::FromPrivateKey(signer->PrivateKey());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->VerifierKey(), signer->VerifierKey());
  auto verifier = NoteVerifier::Parse(signer->VerifierKey());
  ASSERT_TRUE(verifier.ok());
  auto note = SignNote("hello\nworld\n", *signer);
  ASSERT_TRUE(note.ok());
  EXPECT_TRUE(OpenNote(*note, *verifier).ok());

  std::string tampered = *note;
  tampered[0] = 'j';
  EXPECT_FALSE(OpenNote(tampered, *verifier).ok());
  // Every byte of the signature line matters too.
  for (size_t i = note->find("\n\n") + 2; i + 1 < note->size(); ++i) {
    std::string t = *note;
    t[i] ^= 0x01;
    EXPECT_FALSE(OpenNote(t, *verifier).ok()) << i;
  }
  // Another key's signature alone is not enough; extra unknown signatures are ignored.
  auto other = NoteSigner::Generate("log.example/two");
  auto other_note = SignNote("hello\nworld\n", *other);
  EXPECT_FALSE(OpenNote(*other_note, *verifier).ok());
  std::string both = *note + other_note->substr(other_note->find("\n\n") + 2);
  EXPECT_TRUE(OpenNote(both, *verifier).ok());
  EXPECT_FALSE(SignNote("no newline", *signer).ok());
  EXPECT_FALSE(SignNote("tab\there\n", *signer).ok());
  EXPECT_FALSE(NoteSigner::Generate("has space").ok());
  EXPECT_FALSE(NoteSigner::Generate("has+plus").ok());
}

TEST(LedgerCheckpoint, FormatsAndParsesC2spCheckpoints) {
  Checkpoint cp{"example.gov/log", 70000, LeafHash("x")};
  std::string text = FormatCheckpoint(cp);
  EXPECT_EQ(text, "example.gov/log\n70000\n" + HashBase64(cp.root) + "\n");
  auto back = ParseCheckpoint(text);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->size, 70000u);
  EXPECT_EQ(back->root, cp.root);
  EXPECT_TRUE(ParseCheckpoint(text + "extension line\n").ok());
  EXPECT_FALSE(ParseCheckpoint("example.gov/log\n070000\n" + HashBase64(cp.root) + "\n").ok());
  EXPECT_FALSE(ParseCheckpoint("example.gov/log\n-1\n" + HashBase64(cp.root) + "\n").ok());
  EXPECT_FALSE(ParseCheckpoint("\n1\n" + HashBase64(cp.root) + "\n").ok());
  EXPECT_FALSE(ParseCheckpoint("example.gov/log\n1\nAAAA\n").ok());
  EXPECT_FALSE(ParseCheckpoint("example.gov/log\n1\n").ok());

  auto signer = NoteSigner::Generate("example.gov/log");
  auto verifier = NoteVerifier::Parse(signer->VerifierKey());
  auto note = SignNote(text, *signer);
  EXPECT_TRUE(OpenCheckpoint(*note, *verifier).ok());
  auto wrong_origin = SignNote("other.gov/log\n1\n" + HashBase64(cp.root) + "\n", *signer);
  EXPECT_FALSE(OpenCheckpoint(*wrong_origin, *verifier).ok());
}

TEST(LedgerCheckpoint, TlogProofFilesRoundTrip) {
  TlogProof p;
  p.index = 7;
  p.path = {LeafHash("a"), LeafHash("b")};
  p.checkpoint = "example.gov/log\n9\nroot\n\n\xE2\x80\x94 example.gov/log AAAA\n";
  p.extra = "ext";
  std::string text = FormatTlogProof(p);
  EXPECT_TRUE(text.starts_with("c2sp.org/tlog-proof@v1\nextra ZXh0\nindex 7\n"));
  auto back = ParseTlogProof(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->index, 7u);
  EXPECT_EQ(back->path, p.path);
  EXPECT_EQ(back->checkpoint, p.checkpoint);
  EXPECT_EQ(back->extra, "ext");
  EXPECT_FALSE(ParseTlogProof("c2sp.org/tlog-proof@v2\nindex 1\n\nx").ok());
  EXPECT_FALSE(ParseTlogProof("c2sp.org/tlog-proof@v1\nindex 01\n\nx").ok());
  EXPECT_FALSE(ParseTlogProof("c2sp.org/tlog-proof@v1\nindex 1\nnot-a-hash\n\nx").ok());
  EXPECT_FALSE(ParseTlogProof("c2sp.org/tlog-proof@v1\nindex 1\n").ok());
}

}  // namespace
}  // namespace tg::ledger
