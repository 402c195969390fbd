#include "gateway/background_worker.h"

#include "base/thread_name.h"

namespace tg::gateway {

BackgroundWorker::BackgroundWorker(size_t max_queued) : max_queued_(max_queued), thread_([this] { Run(); }) {}

BackgroundWorker::~BackgroundWorker() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

bool BackgroundWorker::Submit(std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    if (jobs_.size() >= max_queued_) return false;
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
  return true;
}

void BackgroundWorker::Run() {
  NameThisThread("tg-background");
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, and nothing left to run
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

}  // namespace tg::gateway
