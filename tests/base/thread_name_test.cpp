#include "base/thread_name.h"

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <thread>

namespace tg {
namespace {

std::string CommOfThisThread() {
  std::ifstream in("/proc/self/task/" + std::to_string(::syscall(SYS_gettid)) + "/comm");
  std::string name;
  std::getline(in, name);
  return name;
}

TEST(ThreadName, NamesTheCallingThreadAndCutsLongNames) {
  std::string short_name, long_name;
  std::thread([&] {
    NameThisThread("tg-test");
    short_name = CommOfThisThread();
    NameThisThread("tg-a-name-longer-than-fifteen");
    long_name = CommOfThisThread();
  }).join();
  EXPECT_EQ(short_name, "tg-test");
  EXPECT_EQ(long_name, "tg-a-name-longe");  // Linux keeps 15 bytes
}

}  // namespace
}  // namespace tg
