// A thread of its own for slow request handlers (running the oversight detectors over the
// whole audit store takes seconds on a busy log), so the server's threads keep serving
// other requests meanwhile.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace tg::gateway {

class BackgroundWorker {
 public:
  // At most `max_queued` jobs wait at once (besides the one running).
  explicit BackgroundWorker(size_t max_queued);
  // Runs the jobs already queued, then stops the thread.
  ~BackgroundWorker();
  BackgroundWorker(const BackgroundWorker&) = delete;
  BackgroundWorker& operator=(const BackgroundWorker&) = delete;

  // Queues `job` to run on the worker's thread, in order. False (job not queued) when
  // max_queued jobs are already waiting. A job must not throw.
  bool Submit(std::function<void()> job);

 private:
  void Run();

  const size_t max_queued_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after the members it uses exist
};

}  // namespace tg::gateway
