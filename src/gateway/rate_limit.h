// Token-bucket rate limits keyed by a string (a bearer token's hash, a client address).
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace tg::gateway {

class RateLimiter {
 public:
  // `per_second` tokens are refilled each second up to `burst`. per_second <= 0 disables
  // the limit (Allow always true).
  RateLimiter(double per_second, double burst);
  // Takes one token from `key`'s bucket; false when the bucket is empty (answer 429).
  bool Allow(const std::string& key);
  // Same, with an explicit clock reading (tests drive time by hand).
  bool AllowAt(const std::string& key, std::chrono::steady_clock::time_point now);

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point last;
  };
  double per_second_;
  double burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
  size_t calls_since_sweep_ = 0;
};

}  // namespace tg::gateway
