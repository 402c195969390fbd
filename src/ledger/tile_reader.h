// Reads tree hashes back from published tiles through a small LRU cache, so proofs cost a
// few lookups and memory stays bounded however large the log grows (internal).
#pragma once

#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "base/status.h"
#include "ledger/hash.h"
#include "ledger/proof.h"
#include "ledger/tiles.h"

namespace tg::ledger {

class TileReader {
 public:
  // Where a published tile's bytes come from (kNotFound if nothing holds it).
  using Fetch = std::function<Result<std::string>(const TileRef&)>;
  TileReader(Fetch fetch, size_t capacity) : fetch_(std::move(fetch)), capacity_(capacity ? capacity : 1) {}

  // MTH of the perfect subtree [start, start+size) of a tree whose tiles for `tree_size`
  // are published (start+size <= tree_size).
  Result<Hash> Subtree(uint64_t start, uint64_t size, uint64_t tree_size);
  // A SubtreeReader over the published tiles of `tree_size`.
  SubtreeReader ReaderFor(uint64_t tree_size);

 private:
  // A tile's hashes with every internal level above them (height 0..8 within the tile).
  struct Layers {
    unsigned width = 0;
    std::vector<Hash> hashes;  // height 0 (width), then height 1 (width/2), ...
    size_t offset[kTileHeight + 1] = {};
  };
  using Key = std::tuple<int, uint64_t, unsigned>;
  Result<std::shared_ptr<const Layers>> Load(const TileRef& tile);

  Fetch fetch_;
  size_t capacity_;
  std::mutex mu_;
  std::list<std::pair<Key, std::shared_ptr<const Layers>>> lru_;
  std::map<Key, decltype(lru_)::iterator> index_;
};

}  // namespace tg::ledger
