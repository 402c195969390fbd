#include "ledger/tiles.h"

#include <charconv>
#include <cstdio>

namespace tg::ledger {

std::string TileIndexPath(uint64_t index) {
  std::string digits = std::to_string(index);
  while (digits.size() % 3 != 0) digits.insert(digits.begin(), '0');
  std::string out;
  for (size_t i = 0; i < digits.size(); i += 3) {
    if (i + 3 < digits.size()) {
      out += 'x';
      out.append(digits, i, 3);
      out += '/';
    } else {
      out.append(digits, i, 3);
    }
  }
  return out;
}

std::string TilePath(const TileRef& t) {
  std::string out = t.level == kEntriesLevel ? "tile/entries/" : "tile/" + std::to_string(t.level) + "/";
  out += TileIndexPath(t.index);
  if (!t.full()) out += ".p/" + std::to_string(t.width);
  return out;
}

namespace {

// Decimal without leading zeros (or exactly "0"), within [0, max].
bool ParseCanonical(std::string_view s, uint64_t max, uint64_t& out) {
  if (s.empty() || s.size() > 20 || (s.size() > 1 && s[0] == '0')) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && out <= max;
}

bool AllDigits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

Result<TileRef> ParseTilePath(std::string_view path) {
  auto bad = [&] { return Status::InvalidArgument("not a tile path: " + std::string(path.substr(0, 200))); };
  if (!path.starts_with("tile/")) return bad();
  path.remove_prefix(5);
  TileRef t;
  size_t slash = path.find('/');
  if (slash == std::string_view::npos) return bad();
  std::string_view level = path.substr(0, slash);
  path.remove_prefix(slash + 1);
  if (level == "entries") {
    t.level = kEntriesLevel;
  } else {
    uint64_t l;
    if (!ParseCanonical(level, 63, l)) return bad();
    t.level = int(l);
  }
  // Width suffix.
  if (size_t p = path.find(".p/"); p != std::string_view::npos) {
    uint64_t w;
    if (!ParseCanonical(path.substr(p + 3), 255, w) || w == 0) return bad();
    t.width = unsigned(w);
    path = path.substr(0, p);
  }
  // Index groups: xNNN/.../NNN.
  uint64_t index = 0;
  bool first = true;
  while (true) {
    size_t s = path.find('/');
    std::string_view group = path.substr(0, s);
    bool last = s == std::string_view::npos;
    if (!last) {
      if (group.size() != 4 || group[0] != 'x') return bad();
      group.remove_prefix(1);
    }
    if (group.size() != 3 || !AllDigits(group)) return bad();
    // Canonical: no all-zero leading groups.
    if (first && !last && group == "000") return bad();
    if (index > (UINT64_MAX - 999) / 1000) return bad();
    index = index * 1000 + uint64_t((group[0] - '0') * 100 + (group[1] - '0') * 10 + (group[2] - '0'));
    first = false;
    if (last) break;
    path.remove_prefix(s + 1);
  }
  t.index = index;
  return t;
}

uint64_t LevelWidth(int level, uint64_t size) {
  if (level < 0) level = 0;
  int shift = kTileHeight * level;
  return shift >= 64 ? 0 : size >> shift;
}

std::vector<TileRef> TilesAt(int level, uint64_t size) {
  uint64_t width = LevelWidth(level, size);
  std::vector<TileRef> out;
  for (uint64_t n = 0; n < width / kTileWidth; ++n) out.push_back({level, n, unsigned(kTileWidth)});
  if (unsigned w = unsigned(width % kTileWidth); w > 0) out.push_back({level, width / kTileWidth, w});
  return out;
}

bool TileWithin(const TileRef& t, uint64_t size) {
  uint64_t width = LevelWidth(t.level, size);
  uint64_t full = width / kTileWidth;
  if (t.index < full) return true;
  return t.index == full && !t.full() && t.width <= width % kTileWidth;
}

Hash ReduceHashes(const Hash* hashes, unsigned count) {
  Hash buf[kTileWidth];
  for (unsigned i = 0; i < count; ++i) buf[i] = hashes[i];
  for (unsigned n = count; n > 1; n /= 2)
    for (unsigned i = 0; i < n / 2; ++i) buf[i] = NodeHash(buf[2 * i], buf[2 * i + 1]);
  return buf[0];
}

Result<std::vector<std::string_view>> SplitBundle(std::string_view b) {
  std::vector<std::string_view> out;
  while (!b.empty()) {
    if (b.size() < 2) return Status::Corruption("entry bundle: truncated length prefix");
    size_t n = (size_t(uint8_t(b[0])) << 8) | uint8_t(b[1]);
    if (b.size() < 2 + n) return Status::Corruption("entry bundle: truncated entry");
    out.push_back(b.substr(2, n));
    b.remove_prefix(2 + n);
  }
  return out;
}

void AppendToBundle(std::string& bundle, std::string_view entry) {
  bundle += char(entry.size() >> 8);
  bundle += char(entry.size() & 0xff);
  bundle.append(entry);
}

}  // namespace tg::ledger
