#include "ledger/tile_store.h"

#include <algorithm>
#include <utility>

#include "base/thread_name.h"
#include "ledger/files.h"

namespace tg::ledger {

Result<std::string> TilePrefix(const TileRef& tile, unsigned stored_width, std::string_view bytes) {
  std::string path = TilePath({tile.level, tile.index, stored_width});
  if (tile.width > stored_width)
    return Status::Internal("tile " + TilePath(tile) + " is wider than " + path);
  if (tile.level != kEntriesLevel) {
    if (bytes.size() != size_t(stored_width) * 32)
      return Status::Corruption("tile " + path + " has " + std::to_string(bytes.size()) + " bytes, want " +
                                std::to_string(size_t(stored_width) * 32));
    return std::string(bytes.substr(0, size_t(tile.width) * 32));
  }
  size_t off = 0;
  for (unsigned i = 0; i < tile.width; ++i) {
    if (off + 2 > bytes.size()) return Status::Corruption("entry bundle " + path + ": truncated length prefix");
    off += 2 + ((size_t(uint8_t(bytes[off])) << 8) | uint8_t(bytes[off + 1]));
    if (off > bytes.size()) return Status::Corruption("entry bundle " + path + ": truncated entry");
  }
  if (tile.width == stored_width && off != bytes.size())
    return Status::Corruption("entry bundle " + path + ": bytes after its last entry");
  return std::string(bytes.substr(0, off));
}

TileStore::TileStore(std::string dir, uint64_t disk_size, std::string disk_note, Options options)
    : dir_(std::move(dir)), options_(std::move(options)), disk_size_(disk_size), disk_note_(std::move(disk_note)) {
  writer_ = std::thread([this] { Run(); });
}

TileStore::~TileStore() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  writer_.join();
}

Status TileStore::Stage(uint64_t size, std::vector<std::pair<TileRef, std::string>> tiles, std::string note) {
  Round round;
  round.size = size;
  round.note = std::move(note);
  round.tiles.reserve(tiles.size());
  for (auto& [ref, bytes] : tiles) round.tiles.emplace_back(ref, std::make_shared<const std::string>(std::move(bytes)));
  std::unique_lock lock(mu_);
  if (staged_bytes_ > options_.max_staged_bytes) cv_.notify_all();  // the writer skips its delay
  done_cv_.wait(lock, [&] { return staged_bytes_ <= options_.max_staged_bytes || !failure_.ok(); });
  if (!failure_.ok()) return failure_;
  for (const auto& [ref, bytes] : round.tiles) {
    Staged& s = memory_[{ref.level, ref.index}];
    if (s.bytes) staged_bytes_ -= s.bytes->size();
    s = {ref.width, bytes};
    staged_bytes_ += bytes->size();
  }
  // The writer needs waking only for the first round of its delay (it then sleeps until
  // the delay ends) or when memory runs over; a wake-up per commit cost a context switch.
  bool wake = queue_.empty() || staged_bytes_ > options_.max_staged_bytes || drain_waiters_ > 0;
  if (queue_.empty()) first_queued_ = std::chrono::steady_clock::now();
  queue_.push_back(std::move(round));
  ++staged_rounds_;
  lock.unlock();
  if (wake) cv_.notify_all();
  return Status::OK();
}

Status TileStore::Drain() {
  std::unique_lock lock(mu_);
  uint64_t target = staged_rounds_;
  ++drain_waiters_;
  cv_.notify_all();
  done_cv_.wait(lock, [&] { return written_rounds_ >= target || !failure_.ok(); });
  --drain_waiters_;
  return failure_;
}

Result<std::string> TileStore::Read(const TileRef& tile) const {
  uint64_t disk_size;
  {
    std::lock_guard lock(mu_);
    if (auto it = memory_.find({tile.level, tile.index}); it != memory_.end() && it->second.width >= tile.width)
      return TilePrefix(tile, it->second.width, *it->second.bytes);
    disk_size = disk_size_;
  }
  // Not in memory, so on disk at its width for disk_size (files are never removed).
  uint64_t level_width = LevelWidth(tile.level, disk_size), start = tile.index * kTileWidth;
  unsigned on_disk = level_width <= start ? 0 : unsigned(std::min<uint64_t>(kTileWidth, level_width - start));
  if (on_disk < tile.width) return Status::NotFound(TilePath(tile) + " is not on disk");
  auto bytes = ReadWholeFile(dir_ + "/" + TilePath({tile.level, tile.index, on_disk}));
  if (!bytes.ok()) return bytes.status();
  return TilePrefix(tile, on_disk, *bytes);
}

void TileStore::RequestSync() {
  {
    std::lock_guard lock(mu_);
    if (sync_requested_ || !failure_.ok()) return;
    sync_requested_ = true;
  }
  cv_.notify_all();
}

TileStore::Stats TileStore::GetStats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void TileStore::Run() {
  NameThisThread("tg-log-tiles");
  using Clock = std::chrono::steady_clock;
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return !queue_.empty() || stopping_ || sync_requested_; });
    if (queue_.empty() && !sync_requested_) return;  // stopping, everything written
    if (!queue_.empty()) {
      if (options_.delay.count() > 0)
        cv_.wait_until(lock, first_queued_ + options_.delay, [&] {
          return stopping_ || drain_waiters_ > 0 || sync_requested_ || staged_bytes_ > options_.max_staged_bytes;
        });
      std::vector<Round> rounds;
      rounds.swap(queue_);
      bool failed = !failure_.ok();
      lock.unlock();
      auto t0 = Clock::now();
      Status s = failed ? Status::OK() : WriteRounds(rounds);
      double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
      lock.lock();
      if (!s.ok()) {
        failure_ = Status(s.code(), "writing tiles: " + s.message());
      } else if (!failed) {
        for (const Round& r : rounds) {
          for (const auto& [ref, bytes] : r.tiles) {
            auto it = memory_.find({ref.level, ref.index});
            // Written at its newest width (or a newer commit staged a wider one since).
            if (it != memory_.end() && it->second.bytes == bytes) {
              staged_bytes_ -= bytes->size();
              memory_.erase(it);
            }
          }
        }
        disk_size_ = rounds.back().size;
        disk_note_ = std::move(rounds.back().note);
        stats_.rounds += 1;
        stats_.write_seconds += seconds;
      }
      written_rounds_ += rounds.size();
      done_cv_.notify_all();
    }
    if (std::exchange(sync_requested_, false) && failure_.ok()) {
      std::pair<uint64_t, std::string> base{disk_size_, disk_note_};
      lock.unlock();
      auto t0 = Clock::now();
      Status s = SyncFilesystem(dir_);
      double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
      lock.lock();
      if (!s.ok()) {
        failure_ = Status(s.code(), "syncing tiles: " + s.message());
        done_cv_.notify_all();
      } else {
        stats_.syncs += 1;
        stats_.write_seconds += seconds;
        if (options_.on_synced) {
          lock.unlock();  // it writes and syncs a file: readers and Stage must not wait
          options_.on_synced(base.first, base.second);
          lock.lock();
        }
      }
    }
  }
}

Status TileStore::WriteRounds(std::vector<Round>& rounds) {
  // Later rounds hold the same tile at an equal or greater width: write only the newest.
  std::map<Key, std::pair<unsigned, const std::string*>> newest;
  for (const Round& r : rounds)
    for (const auto& [ref, bytes] : r.tiles) newest[{ref.level, ref.index}] = {ref.width, bytes.get()};
  BatchWriter writer(dir_, options_.threads);
  for (const auto& [key, tile] : newest)
    TG_RETURN_IF_ERROR(writer.Add(TilePath({key.first, key.second, tile.first}), *tile.second));
  TG_RETURN_IF_ERROR(writer.WriteOnly());
  {
    std::lock_guard lock(mu_);
    stats_.files += newest.size();
  }
  // Last, so the directory's checkpoint never covers tiles that are not in it.
  return ReplaceFile(dir_ + "/" + options_.checkpoint_file, rounds.back().note);
}

}  // namespace tg::ledger
