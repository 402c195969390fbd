// BackgroundWorker: jobs run in order on one thread, the queue is bounded, and destruction
// runs what was queued before stopping.
#include "gateway/background_worker.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>
#include <vector>

namespace tg::gateway {
namespace {

TEST(BackgroundWorker, RunsJobsInOrderBoundsTheQueueAndDrainsOnDestruction) {
  std::vector<int> ran;  // written by the worker thread only, read after it is joined
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::promise<void> started;
  std::thread::id caller = std::this_thread::get_id(), worker_thread;
  {
    BackgroundWorker worker(2);
    ASSERT_TRUE(worker.Submit([&] {
      worker_thread = std::this_thread::get_id();
      started.set_value();
      gate.wait();  // holds the worker until the queue has been filled
      ran.push_back(0);
    }));
    started.get_future().wait();  // the first job is running, so the queue is empty
    EXPECT_TRUE(worker.Submit([&] { ran.push_back(1); }));
    EXPECT_TRUE(worker.Submit([&] { ran.push_back(2); }));
    EXPECT_FALSE(worker.Submit([&] { ran.push_back(3); }));  // two already waiting
    release.set_value();
  }
  EXPECT_EQ(ran, (std::vector<int>{0, 1, 2}));
  EXPECT_NE(worker_thread, caller);
}

}  // namespace
}  // namespace tg::gateway
