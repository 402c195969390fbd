// The published tiles of a log, wherever they are at the moment (internal to the ledger).
//
// A commit is durable once its entries are in the journal, so its tiles need not be on disk
// before its checkpoint is published. The committer stages each commit's changed tiles here
// and publishes at once; a writer thread of this store writes them to disk behind it, with
// the checkpoint they belong to last, so the directory on its own is always a consistent
// (if slightly older) log. Until written, tiles are read from memory.
//
// The writer takes everything staged since its last round together: a partial tile staged
// by several commits is written once, at its latest width. Older widths are not kept as
// files; any partial tile is the prefix of the same tile at a later width, and Read cuts it
// from there.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/status.h"
#include "ledger/tiles.h"

namespace tg::ledger {

class TileStore {
 public:
  struct Options {
    unsigned threads = 8;                 // file-writing threads for big rounds
    std::chrono::microseconds delay{0};   // how long the writer lets commits gather
    size_t max_staged_bytes = 256 << 20;  // Stage blocks while more than this waits
    std::string checkpoint_file = "checkpoint";  // under dir, replaced after each round's tiles
    // Called from the writer's thread after each sync RequestSync asked for, with the tree
    // size and checkpoint note now durable on disk (the log prepares its next journal there).
    std::function<void(uint64_t size, const std::string& note)> on_synced;
  };
  // Counters of the writer's work.
  struct Stats {
    uint64_t rounds = 0;
    uint64_t files = 0;
    double write_seconds = 0;  // writing files, and the syncs asked for
    uint64_t syncs = 0;
  };

  // `disk_size`, `disk_note`: the tree size whose tiles are on disk in `dir` now, and its
  // signed checkpoint.
  TileStore(std::string dir, uint64_t disk_size, std::string disk_note, Options options);
  // Writes whatever is staged, then stops the writer.
  ~TileStore();

  // Hands over one commit: the tiles it changed (full ones and the new partials, in the
  // order they were made) for tree size `size`, and its signed checkpoint note. They are
  // readable at once. Blocks while the writer is more than max_staged_bytes behind; fails
  // once the writer has failed (it never recovers: the log must stop).
  Status Stage(uint64_t size, std::vector<std::pair<TileRef, std::string>> tiles, std::string checkpoint_note);
  // Waits until everything staged before the call is written (not synced) to disk.
  Status Drain();
  // Asks the writer, without waiting, to make what it has written durable (one syncfs after
  // its current round) and then call options.on_synced, so the journal can start over.
  void RequestSync();
  // The bytes of `tile`, which the caller has checked is within a published tree size.
  // kNotFound if no file holds it (a damaged or foreign directory).
  Result<std::string> Read(const TileRef& tile) const;
  Stats GetStats() const;

  TileStore(const TileStore&) = delete;
  TileStore& operator=(const TileStore&) = delete;

 private:
  using Key = std::pair<int, uint64_t>;  // level, index: one tile at any width
  struct Staged {
    unsigned width = 0;
    std::shared_ptr<const std::string> bytes;
  };
  struct Round {
    uint64_t size = 0;
    std::vector<std::pair<TileRef, std::shared_ptr<const std::string>>> tiles;
    std::string note;
  };
  void Run();
  Status WriteRounds(std::vector<Round>& rounds);

  const std::string dir_;
  const Options options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;       // to the writer: work or stop
  std::condition_variable done_cv_;  // from the writer: a round written or failed
  std::map<Key, Staged> memory_;     // the newest staged width of each unwritten tile
  size_t staged_bytes_ = 0;
  std::vector<Round> queue_;
  std::chrono::steady_clock::time_point first_queued_;
  uint64_t staged_rounds_ = 0, written_rounds_ = 0;
  int drain_waiters_ = 0;
  uint64_t disk_size_;
  std::string disk_note_;
  bool sync_requested_ = false;
  bool stopping_ = false;
  Status failure_;
  Stats stats_;
  std::thread writer_;
};

// The first `width` hashes or entries of a tile whose bytes at `stored_width` are given.
Result<std::string> TilePrefix(const TileRef& tile, unsigned stored_width, std::string_view bytes);

}  // namespace tg::ledger
