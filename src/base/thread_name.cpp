#include "base/thread_name.h"

#include <pthread.h>

#include <cstring>
#include <string>

namespace tg {

void NameThisThread(const char* name) {
  std::string cut(name, strnlen(name, 15));
  (void)pthread_setname_np(pthread_self(), cut.c_str());
}

}  // namespace tg
