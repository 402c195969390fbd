#include "ledger/checkpoint.h"

#include <charconv>

#include "ledger/proof.h"

namespace tg::ledger {

namespace {

bool ParseDecimal(std::string_view s, uint64_t& out) {
  if (s.empty() || s.size() > 20 || (s.size() > 1 && s[0] == '0')) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// Next line without its "\n"; false if no newline remains.
bool NextLine(std::string_view& rest, std::string_view& line) {
  size_t nl = rest.find('\n');
  if (nl == std::string_view::npos) return false;
  line = rest.substr(0, nl);
  rest.remove_prefix(nl + 1);
  return true;
}

constexpr std::string_view kProofHeader = "c2sp.org/tlog-proof@v1";

}  // namespace

std::string FormatCheckpoint(const Checkpoint& cp) {
  return cp.origin + "\n" + std::to_string(cp.size) + "\n" + HashBase64(cp.root) + "\n";
}

Result<Checkpoint> ParseCheckpoint(std::string_view text) {
  auto bad = [](const std::string& why) { return Status::InvalidArgument("checkpoint: " + why); };
  Checkpoint cp;
  std::string_view line;
  if (!NextLine(text, line) || line.empty()) return bad("missing origin line");
  cp.origin = std::string(line);
  if (!NextLine(text, line) || !ParseDecimal(line, cp.size)) return bad("bad tree size line");
  if (!NextLine(text, line)) return bad("missing root hash line");
  auto root = ParseHashBase64(line);
  if (!root.ok()) return bad("bad root hash: " + root.status().message());
  cp.root = *root;
  while (!text.empty()) {
    if (!NextLine(text, line) || line.empty()) return bad("extension lines must be non-empty and end in a newline");
  }
  return cp;
}

Result<Checkpoint> OpenCheckpoint(std::string_view signed_note, const NoteVerifier& verifier) {
  auto text = OpenNote(signed_note, verifier);
  if (!text.ok()) return text.status();
  auto cp = ParseCheckpoint(*text);
  if (!cp.ok()) return cp;
  if (cp->origin != verifier.name())
    return Status::InvalidArgument("checkpoint: origin '" + cp->origin + "' is not the key name '" +
                                   verifier.name() + "'");
  return cp;
}

std::string FormatTlogProof(const TlogProof& proof) {
  std::string out(kProofHeader);
  out += '\n';
  if (!proof.extra.empty()) out += "extra " + Base64(proof.extra) + "\n";
  out += "index " + std::to_string(proof.index) + "\n";
  for (const Hash& h : proof.path) out += HashBase64(h) + "\n";
  out += '\n';
  out += proof.checkpoint;
  return out;
}

Result<TlogProof> ParseTlogProof(std::string_view text) {
  auto bad = [](const std::string& why) { return Status::InvalidArgument("tlog-proof: " + why); };
  TlogProof p;
  std::string_view line;
  if (!NextLine(text, line) || line != kProofHeader) return bad("first line must be c2sp.org/tlog-proof@v1");
  if (!NextLine(text, line)) return bad("missing index line");
  if (line.starts_with("extra ")) {
    auto extra = DecodeBase64(line.substr(6));
    if (!extra.ok()) return bad("bad extra line");
    p.extra = *extra;
    if (!NextLine(text, line)) return bad("missing index line");
  }
  if (!line.starts_with("index ") || !ParseDecimal(line.substr(6), p.index)) return bad("bad index line");
  while (true) {
    if (!NextLine(text, line)) return bad("missing blank line before the checkpoint");
    if (line.empty()) break;
    auto h = ParseHashBase64(line);
    if (!h.ok()) return bad("bad proof hash");
    if (p.path.size() >= 64) return bad("proof longer than 64 hashes");
    p.path.push_back(*h);
  }
  if (text.empty()) return bad("missing checkpoint");
  p.checkpoint = std::string(text);
  return p;
}

Result<Checkpoint> VerifyTlogProof(std::string_view text, std::string_view entry, const NoteVerifier& verifier) {
  auto p = ParseTlogProof(text);
  if (!p.ok()) return p.status();
  auto cp = OpenCheckpoint(p->checkpoint, verifier);
  if (!cp.ok()) return cp;
  TG_RETURN_IF_ERROR(VerifyInclusion(p->index, cp->size, LeafHash(entry), p->path, cp->root));
  return cp;
}

}  // namespace tg::ledger
