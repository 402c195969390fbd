// C2SP tlog-checkpoint: the signed statement "the log <origin> has <size> entries with
// root <hash>", and C2SP tlog-proof files built on it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "ledger/hash.h"
#include "ledger/note.h"

namespace tg::ledger {

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  Hash root{};
};

// The note body: "<origin>\n<size>\n<base64 root>\n".
std::string FormatCheckpoint(const Checkpoint& cp);
// Parses a note body: origin, canonical decimal size, base64 root, then extension lines
// (accepted and ignored).
Result<Checkpoint> ParseCheckpoint(std::string_view text);
// Verifies the signed note with `verifier`, parses it, and requires origin == key name.
Result<Checkpoint> OpenCheckpoint(std::string_view signed_note, const NoteVerifier& verifier);

// A C2SP tlog-proof file: "c2sp.org/tlog-proof@v1", optional "extra <b64>", "index <n>",
// the inclusion path (base64, leaf side first), a blank line, the signed checkpoint.
struct TlogProof {
  std::string extra;  // raw bytes of the optional extra line; empty if absent
  uint64_t index = 0;
  std::vector<Hash> path;
  std::string checkpoint;  // the signed checkpoint note, verbatim
};

std::string FormatTlogProof(const TlogProof& proof);
// Parses the layout (no signature or hash checks: see VerifyTlogProof).
Result<TlogProof> ParseTlogProof(std::string_view text);
// Checks a tlog-proof for an entry: the checkpoint's signature by `verifier` and the
// inclusion of LeafHash(entry) at the stated index. Returns the checkpoint it verified against.
Result<Checkpoint> VerifyTlogProof(std::string_view text, std::string_view entry, const NoteVerifier& verifier);

}  // namespace tg::ledger
