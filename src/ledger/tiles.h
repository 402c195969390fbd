// C2SP tlog-tiles layout: where each hash tile and entry bundle lives, and how wide it is
// for a given tree size. Tiles have height 8 (256 hashes, 8,192 bytes when full).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "ledger/hash.h"

namespace tg::ledger {

inline constexpr int kTileHeight = 8;
inline constexpr uint64_t kTileWidth = 256;
// Level of entry bundles in TileRef (C2SP puts them at tile/entries/...).
inline constexpr int kEntriesLevel = -1;
// Entries are length-prefixed with a big-endian uint16 in bundles.
inline constexpr size_t kMaxEntryBytes = 65535;

// One tile: hash tile at `level` >= 0 or entry bundle (level kEntriesLevel), tile number
// `index`, holding `width` hashes/entries (256 = full, 1..255 = partial).
struct TileRef {
  int level = 0;
  uint64_t index = 0;
  unsigned width = kTileWidth;

  bool full() const { return width == kTileWidth; }
  bool operator==(const TileRef&) const = default;
};

// "x001/x234/067" for 1234067: 3-digit groups, all but the last prefixed with x.
std::string TileIndexPath(uint64_t index);
// "tile/<L>/<N>[.p/<W>]" or "tile/entries/<N>[.p/<W>]", relative to the log directory.
std::string TilePath(const TileRef& tile);
// Inverse of TilePath; rejects anything that is not a canonical tile path (so a server can
// pass request paths straight in without exposing other files).
Result<TileRef> ParseTilePath(std::string_view path);

// Number of hashes at `level` in a tree of `size` leaves: floor(size / 256^level).
uint64_t LevelWidth(int level, uint64_t size);
// The tiles a tree of `size` leaves publishes at one level (entries use level 0's widths):
// every full tile, then at most one partial.
std::vector<TileRef> TilesAt(int level, uint64_t size);
// Whether a tree of `size` leaves contains this tile, full or as a partial of exactly
// this width or narrower (older published partials stay valid).
bool TileWithin(const TileRef& tile, uint64_t size);

// Hash of 2^height consecutive hashes (height 0..8), as stored one level up when height is 8.
Hash ReduceHashes(const Hash* hashes, unsigned count);

// Splits an entry bundle into entries; fails on truncated length prefixes or entries.
Result<std::vector<std::string_view>> SplitBundle(std::string_view bundle);
// Appends one length-prefixed entry to a bundle.
void AppendToBundle(std::string& bundle, std::string_view entry);

}  // namespace tg::ledger
