// Fuzzes the parsers an outsider can feed the ledger: signed notes, checkpoints, tlog-proof
// files, verifier and private key strings, tile paths and entry bundles. None may crash,
// and whatever parses must survive a format/parse round trip.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ledger/checkpoint.h"
#include "ledger/hash.h"
#include "ledger/journal.h"
#include "ledger/note.h"
#include "ledger/tiles.h"

namespace {
const tg::ledger::NoteVerifier& Verifier() {
  static const auto v =
      *tg::ledger::NoteVerifier::Parse("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
  return v;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tg::ledger;
  std::string in(reinterpret_cast<const char*>(data), size);
  (void)OpenNote(in, Verifier());
  (void)OpenCheckpoint(in, Verifier());
  if (auto cp = ParseCheckpoint(in); cp.ok()) {
    auto again = ParseCheckpoint(FormatCheckpoint(*cp));
    if (!again.ok() || again->size != cp->size || again->root != cp->root) __builtin_trap();
  }
  if (auto p = ParseTlogProof(in); p.ok()) {
    auto again = ParseTlogProof(FormatTlogProof(*p));
    if (!again.ok() || again->index != p->index || again->path != p->path) __builtin_trap();
    (void)VerifyTlogProof(in, "entry", Verifier());
  }
  (void)NoteVerifier::Parse(in);
  (void)NoteSigner::FromPrivateKey(in);
  if (auto t = ParseTilePath(in); t.ok() && TilePath(*t) != in) __builtin_trap();
  (void)SplitBundle(in);
  (void)DecodeBase64(in);
  if (auto j = Journal::Parse(in); j.ok()) {
    // The records up to `end` read alone the same; more zeros after a journal with no torn
    // tail are more space written ahead and change nothing. (A torn record may be
    // completed by zeros, so that case is left out.)
    if (j->end > in.size()) __builtin_trap();
    auto prefix = Journal::Parse(in.substr(0, j->end));
    if (!prefix.ok() || prefix->records.size() != j->records.size() || prefix->torn_tail) __builtin_trap();
    if (!j->torn_tail) {
      auto padded = Journal::Parse(in + std::string(512, '\0'));
      if (!padded.ok() || padded->records.size() != j->records.size() || padded->end != j->end || padded->torn_tail)
        __builtin_trap();
    }
  }
  return 0;
}
