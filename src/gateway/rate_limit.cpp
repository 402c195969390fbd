#include "gateway/rate_limit.h"

#include <algorithm>

namespace tg::gateway {

RateLimiter::RateLimiter(double per_second, double burst)
    : per_second_(per_second), burst_(std::max(1.0, burst)) {}

bool RateLimiter::Allow(const std::string& key) {
  return AllowAt(key, std::chrono::steady_clock::now());
}

bool RateLimiter::AllowAt(const std::string& key, std::chrono::steady_clock::time_point now) {
  if (per_second_ <= 0) return true;
  std::lock_guard lock(mu_);
  // Full buckets carry no information; dropping them now and then bounds memory when
  // many distinct clients come and go.
  if (++calls_since_sweep_ >= 65536) {
    calls_since_sweep_ = 0;
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      double secs = std::chrono::duration<double>(now - it->second.last).count();
      if (it->second.tokens + secs * per_second_ >= burst_) {
        it = buckets_.erase(it);
      } else {
        ++it;
      }
    }
  }
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!inserted) {
    double secs = std::chrono::duration<double>(now - b.last).count();
    if (secs > 0) b.tokens = std::min(burst_, b.tokens + secs * per_second_);
    b.last = now;
  }
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

}  // namespace tg::gateway
