// A bounded map whose entries are valid only at the store generation they were read at:
// what SqliteStore keeps of principals and rows between requests (internal to records).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace tg::records {

// Values by key, each tagged with the generation it was read at. At most kMaxEntries: when
// full it starts over. Values are shared and immutable; callers copy them out.
template <typename T, size_t kMax>
class GenerationCache {
 public:
  static constexpr size_t kMaxEntries = kMax;

  // The entry for key if it was filled at generation `at`.
  std::shared_ptr<const T> FindAt(const std::string& key, uint64_t at) {
    std::lock_guard<std::mutex> lock(mu_);
    return FindLocked(key, at);
  }

  // The same, and only while the store generation `now` is still `at`. It is read under the
  // lock, after the entry is found: a fill that moved the generation on before putting its
  // entry is then always seen to have done so.
  std::shared_ptr<const T> Find(const std::string& key, uint64_t at, const std::atomic<uint64_t>& now) {
    std::lock_guard<std::mutex> lock(mu_);
    auto found = FindLocked(key, at);
    return found && now.load() == at ? found : nullptr;
  }

  void Put(const std::string& key, uint64_t generation, std::shared_ptr<const T> value) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = map_.find(key);
    if (it != map_.end()) {
      // A slower fill that read an older generation does not replace a newer one.
      if (it->second.generation <= generation) it->second = Entry{generation, std::move(value)};
      return;
    }
    if (map_.size() >= kMax) map_.clear();
    map_.emplace(key, Entry{generation, std::move(value)});
  }

  size_t Entries() {
    std::lock_guard<std::mutex> lock(mu_);
    return map_.size();
  }
  uint64_t Hits() {
    std::lock_guard<std::mutex> lock(mu_);
    return hits_;
  }

 private:
  struct Entry {
    uint64_t generation;
    std::shared_ptr<const T> value;
  };
  std::shared_ptr<const T> FindLocked(const std::string& key, uint64_t at) {
    auto it = map_.find(key);
    if (it == map_.end() || it->second.generation != at) return nullptr;
    ++hits_;
    return it->second.value;
  }
  std::mutex mu_;
  std::unordered_map<std::string, Entry> map_;
  uint64_t hits_ = 0;
};

}  // namespace tg::records
