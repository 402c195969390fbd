// Names the calling thread, so `top -H`, perf and gdb show what each of the gateway's
// threads is (committer, tile writer, audit store, HTTP workers).
#pragma once

namespace tg {

// Sets the calling thread's name; Linux keeps at most 15 bytes of it, so longer names are
// cut. Best effort: a failure changes nothing else.
void NameThisThread(const char* name);

}  // namespace tg
