#include "ledger/verify.h"

#include <dirent.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "ledger/files.h"
#include "ledger/note.h"
#include "ledger/proof.h"
#include "ledger/tile_reader.h"
#include "ledger/tiles.h"

namespace tg::ledger {

namespace {

Result<std::string> ReadTileFile(const std::string& dir, const TileRef& t) {
  auto bytes = ReadWholeFile(dir + "/" + TilePath(t));
  if (!bytes.ok()) return Status::Corruption(TilePath(t) + ": " + bytes.status().message());
  return bytes;
}

// Every published older partial of tile (level, index) must be a prefix of `current`
// (the tile's bytes at the checkpoint). Partials wider than the checkpoint's (left by a
// crash, never published) are ignored.
Status CheckOlderPartials(const std::string& dir, int level, uint64_t index, unsigned current_width,
                          const std::string& current, LogVerifyReport& report, bool bundles) {
  std::string pdir = dir + "/" + TilePath({level, index, unsigned(kTileWidth)}) + ".p";
  DIR* d = ::opendir(pdir.c_str());
  if (!d) return Status::OK();
  std::vector<unsigned> widths;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    unsigned long w = std::strtoul(name.c_str(), nullptr, 10);
    if (std::to_string(w) != name || w == 0 || w > 255) {
      ::closedir(d);
      return Status::Corruption("unexpected file " + pdir + "/" + name);
    }
    if (w < current_width) widths.push_back(unsigned(w));
  }
  ::closedir(d);
  std::vector<std::string_view> entries;
  if (bundles) {
    auto split = SplitBundle(current);
    if (!split.ok()) return split.status();
    entries = std::move(*split);
  }
  for (unsigned w : widths) {
    TileRef t{level, index, w};
    auto bytes = ReadTileFile(dir, t);
    if (!bytes.ok()) return bytes.status();
    size_t want = 0;
    if (bundles) {
      for (unsigned i = 0; i < w; ++i) want += 2 + entries[i].size();
    } else {
      want = size_t(w) * 32;
    }
    if (bytes->size() != want || current.compare(0, want, *bytes) != 0)
      return Status::Corruption(TilePath(t) + " (an older partial) is not a prefix of the tree at the checkpoint");
    if (bundles) ++report.bundles_checked; else ++report.tiles_checked;
  }
  return Status::OK();
}

}  // namespace

Result<LogVerifyReport> VerifyLogDirectory(const std::string& dir, const std::string& vkey) {
  auto verifier = NoteVerifier::Parse(vkey);
  if (!verifier.ok()) return verifier.status();
  auto note = ReadWholeFile(dir + "/checkpoint");
  if (!note.ok()) return note.status();
  auto cp = OpenCheckpoint(*note, *verifier);
  if (!cp.ok()) return Status::Corruption("checkpoint: " + cp.status().message());
  LogVerifyReport report;
  report.checkpoint = *cp;
  const uint64_t size = cp->size;

  // Level 0 and the entry bundles, streaming: the root from every leaf, and the hashes
  // of level 1 from every full tile.
  RootAccumulator root;
  std::vector<Hash> above;  // hashes of the next level up, recomputed
  for (const TileRef& t : TilesAt(0, size)) {
    auto bytes = ReadTileFile(dir, t);
    if (!bytes.ok()) return bytes.status();
    if (bytes->size() != size_t(t.width) * 32)
      return Status::Corruption(TilePath(t) + " has " + std::to_string(bytes->size()) + " bytes, want " +
                                std::to_string(t.width * 32));
    std::vector<Hash> hashes(t.width);
    std::memcpy(hashes.data(), bytes->data(), bytes->size());
    for (const Hash& h : hashes) root.Add(h);
    if (t.full()) above.push_back(ReduceHashes(hashes.data(), unsigned(kTileWidth)));
    ++report.tiles_checked;
    TG_RETURN_IF_ERROR(CheckOlderPartials(dir, 0, t.index, t.width, *bytes, report, false));

    TileRef b{kEntriesLevel, t.index, t.width};
    auto bundle = ReadTileFile(dir, b);
    if (!bundle.ok()) return bundle.status();
    auto entries = SplitBundle(*bundle);
    if (!entries.ok()) return Status::Corruption(TilePath(b) + ": " + entries.status().message());
    if (entries->size() != t.width)
      return Status::Corruption(TilePath(b) + " holds " + std::to_string(entries->size()) + " entries, want " +
                                std::to_string(t.width));
    for (unsigned i = 0; i < t.width; ++i) {
      if (LeafHash((*entries)[i]) != hashes[i])
        return Status::Corruption("entry " + std::to_string(t.index * kTileWidth + i) + " in " + TilePath(b) +
                                  " does not hash to its leaf in " + TilePath(t));
      ++report.entries_checked;
    }
    ++report.bundles_checked;
    TG_RETURN_IF_ERROR(CheckOlderPartials(dir, kEntriesLevel, t.index, t.width, *bundle, report, true));
  }
  if (root.Root() != cp->root)
    return Status::Corruption("the root recomputed from the level-0 tiles differs from the checkpoint");

  // Higher levels: each tile must equal the hashes recomputed from the level below.
  for (int level = 1; LevelWidth(level, size) > 0; ++level) {
    std::vector<Hash> current = std::move(above);
    above.clear();
    for (const TileRef& t : TilesAt(level, size)) {
      auto bytes = ReadTileFile(dir, t);
      if (!bytes.ok()) return bytes.status();
      const Hash* want = current.data() + t.index * kTileWidth;
      if (bytes->size() != size_t(t.width) * 32 || std::memcmp(bytes->data(), want, bytes->size()) != 0)
        return Status::Corruption(TilePath(t) + " does not match the tree recomputed from level 0");
      if (t.full()) above.push_back(ReduceHashes(want, unsigned(kTileWidth)));
      ++report.tiles_checked;
      TG_RETURN_IF_ERROR(CheckOlderPartials(dir, level, t.index, t.width, *bytes, report, false));
    }
  }
  return report;
}

namespace {

// Decodes a JSON base64 string; false for anything malformed.
bool JsonBytes(const nlohmann::json& v, std::string& out) {
  if (!v.is_string()) return false;
  auto d = DecodeBase64(v.get<std::string>());
  if (!d.ok()) return false;
  out = std::move(*d);
  return true;
}

bool AsHash(const std::string& bytes, Hash& out) {
  if (bytes.size() != 32) return false;
  std::memcpy(out.data(), bytes.data(), 32);
  return true;
}

// OK when our verifier accepts the vector's proof.
Status CheckVector(const nlohmann::json& v) {
  auto bad = [](const char* why) { return Status::InvalidArgument(why); };
  std::vector<Hash> proof;
  if (v.contains("proof") && !v["proof"].is_null()) {
    for (const auto& p : v["proof"]) {
      std::string b;
      Hash h;
      if (!JsonBytes(p, b) || !AsHash(b, h)) return bad("proof hash of wrong length");
      proof.push_back(h);
    }
  }
  if (v.contains("leafIdx")) {
    uint64_t index = v["leafIdx"].get<uint64_t>(), size = v["treeSize"].get<uint64_t>();
    std::string root_b, leaf_b;
    Hash root, leaf;
    if (!JsonBytes(v["root"], root_b) || !AsHash(root_b, root)) return bad("root of wrong length");
    if (!JsonBytes(v["leafHash"], leaf_b) || !AsHash(leaf_b, leaf)) return bad("leaf hash of wrong length");
    return VerifyInclusion(index, size, leaf, proof, root);
  }
  uint64_t size1 = v["size1"].get<uint64_t>(), size2 = v["size2"].get<uint64_t>();
  std::string r1b, r2b;
  if (!v["root1"].is_null() && !JsonBytes(v["root1"], r1b)) return bad("bad root1");
  if (!v["root2"].is_null() && !JsonBytes(v["root2"], r2b)) return bad("bad root2");
  if (size1 != 0 && size1 == size2) {
    // Equal sizes: roots compare as bytes, whatever their length.
    if (!proof.empty()) return bad("equal sizes, proof not empty");
    if (r1b != r2b) return bad("equal sizes, roots differ");
    return Status::OK();
  }
  Hash r1{}, r2{};
  if (size1 != 0 && (!AsHash(r1b, r1) || !AsHash(r2b, r2))) return bad("root of wrong length");
  return VerifyConsistency(size1, size2, r1, r2, proof);
}

}  // namespace

Result<std::string> TlogProofFromFiles(const std::string& dir, uint64_t index) {
  auto vkey = ReadWholeFile(dir + "/vkey");
  if (!vkey.ok()) return vkey.status();
  while (!vkey->empty() && (vkey->back() == '\n' || vkey->back() == '\r')) vkey->pop_back();
  auto verifier = NoteVerifier::Parse(*vkey);
  if (!verifier.ok()) return Status(verifier.status().code(), dir + "/vkey: " + verifier.status().message());
  auto note = ReadWholeFile(dir + "/checkpoint");
  if (!note.ok()) return note.status();
  auto cp = OpenCheckpoint(*note, *verifier);
  if (!cp.ok()) return Status::Corruption(dir + "/checkpoint: " + cp.status().message());
  if (index >= cp->size)
    return Status::NotFound("entry " + std::to_string(index) + " is past the checkpoint on disk (size " +
                            std::to_string(cp->size) + "); the gateway writes it shortly, or at its next start");
  TileReader tiles([&](const TileRef& t) { return ReadTileFile(dir, t); }, 64);
  auto path = BuildInclusionProof(index, cp->size, tiles.ReaderFor(cp->size));
  if (!path.ok()) return path.status();
  TlogProof proof;
  proof.index = index;
  proof.path = std::move(*path);
  proof.checkpoint = std::move(*note);
  return FormatTlogProof(proof);
}

Result<VectorReport> RunProofVectors(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::NotFound("no vector directory " + dir);
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    if (it->is_regular_file() && it->path().extension() == ".json") files.push_back(it->path());
  if (ec) return Status::IOError("reading " + dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  VectorReport report;
  for (const auto& f : files) {
    auto text = ReadWholeFile(f.string());
    if (!text.ok()) return text.status();
    nlohmann::json v = nlohmann::json::parse(*text, nullptr, false);
    if (v.is_discarded() || !v.is_object()) return Status::InvalidArgument(f.string() + ": not a JSON object");
    bool want_err = v.value("wantErr", false);
    Status s;
    try {
      s = CheckVector(v);
    } catch (const nlohmann::json::exception& e) {
      s = Status::InvalidArgument(std::string("malformed vector: ") + e.what());
    }
    if (s.ok() != want_err) {
      ++report.passed;
    } else {
      ++report.failed;
      report.failures += f.string() + ": wantErr=" + (want_err ? "true" : "false") + ", got " + s.ToString() + "\n";
    }
  }
  return report;
}

}  // namespace tg::ledger
