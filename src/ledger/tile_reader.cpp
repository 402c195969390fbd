#include "ledger/tile_reader.h"

#include <bit>
#include <cstring>


namespace tg::ledger {

Result<std::shared_ptr<const TileReader::Layers>> TileReader::Load(const TileRef& tile) {
  Key key{tile.level, tile.index, tile.width};
  {
    std::lock_guard lock(mu_);
    if (auto it = index_.find(key); it != index_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
      return it->second->second;
    }
  }
  std::string path = TilePath(tile);
  auto bytes = fetch_(tile);
  if (!bytes.ok()) {
    if (bytes.status().code() == Code::kNotFound) return Status::Corruption("missing published tile " + path);
    return bytes.status();
  }
  if (bytes->size() != size_t(tile.width) * 32)
    return Status::Corruption("tile " + path + " has " + std::to_string(bytes->size()) + " bytes, want " +
                              std::to_string(tile.width * 32));
  auto layers = std::make_shared<Layers>();
  layers->width = tile.width;
  layers->hashes.resize(2 * tile.width);
  std::memcpy(layers->hashes.data(), bytes->data(), bytes->size());
  size_t off = 0, n = tile.width;
  for (int h = 0; h <= kTileHeight; ++h) {
    layers->offset[h] = off;
    if (h == kTileHeight) break;
    size_t next = off + n;
    for (size_t i = 0; i < n / 2; ++i)
      layers->hashes[next + i] = NodeHash(layers->hashes[off + 2 * i], layers->hashes[off + 2 * i + 1]);
    off = next;
    n /= 2;
  }
  std::lock_guard lock(mu_);
  if (auto it = index_.find(key); it != index_.end()) return it->second->second;
  lru_.emplace_front(key, layers);
  index_[key] = lru_.begin();
  while (lru_.size() > capacity_) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
  return std::shared_ptr<const Layers>(layers);
}

Result<Hash> TileReader::Subtree(uint64_t start, uint64_t size, uint64_t tree_size) {
  if (size == 0 || !std::has_single_bit(size) || start % size != 0 || start + size > tree_size)
    return Status::Internal("subtree [" + std::to_string(start) + ", +" + std::to_string(size) +
                            ") is not a perfect subtree of the tree of size " + std::to_string(tree_size));
  int k = std::countr_zero(size);
  int level = k / kTileHeight, height = k % kTileHeight;
  uint64_t pos_at_level = start >> (kTileHeight * level);
  uint64_t level_width = LevelWidth(level, tree_size);
  TileRef tile{level, pos_at_level / kTileWidth, unsigned(kTileWidth)};
  if ((tile.index + 1) * kTileWidth > level_width) tile.width = unsigned(level_width % kTileWidth);
  auto layers = Load(tile);
  if (!layers.ok()) return layers.status();
  uint64_t pos = pos_at_level % kTileWidth;
  return (*layers)->hashes[(*layers)->offset[height] + (pos >> height)];
}

SubtreeReader TileReader::ReaderFor(uint64_t tree_size) {
  return [this, tree_size](uint64_t start, uint64_t size) { return Subtree(start, size, tree_size); };
}

}  // namespace tg::ledger
