// Fuzzes the audit store's files (docs/audit-store-format.md) as a crash or a damaged disk
// could leave them: the input is split into D/index and D/records (the first two bytes give
// the index file's length). A reader and then a writer open them; neither may crash, a row
// either reads back whole or fails with a status, and the writer, having cut whatever does
// not read back, appends a row after the rest and reads it back.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include "gateway/audit_files.h"
#include "ledger/hash.h"

namespace {

const std::string& Dir() {
  static const std::string dir = [] {
    std::string t = (std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") + std::string("/tg-audit-fuzz-XXXXXX");
    if (::mkdtemp(t.data()) == nullptr) std::abort();
    return t;
  }();
  return dir;
}

void Write(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
}

void ReadAll(const tg::gateway::AuditFiles& f) {
  for (uint64_t i = f.base(); i < f.end() + 2 && i < f.base() + 4096; ++i) {
    auto row = f.Read(i);
    if (row.ok() && row->index != i) std::abort();  // a frame names its own index
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  size_t index_len = std::min<size_t>(size - 2, size_t(data[0]) | size_t(data[1]) << 8);
  std::string_view in(reinterpret_cast<const char*>(data) + 2, size - 2);
  Write(Dir() + "/index", in.substr(0, index_len));
  Write(Dir() + "/records", in.substr(index_len));
  if (auto reader = tg::gateway::AuditFiles::Open(Dir(), /*read_only=*/true); reader.ok()) ReadAll(**reader);
  auto writer = tg::gateway::AuditFiles::Open(Dir(), /*read_only=*/false);
  if (!writer.ok()) return 0;
  ReadAll(**writer);
  tg::ledger::Attachment a;
  a.index = (*writer)->end();
  a.leaf = tg::ledger::LeafHash("fuzz");
  a.data = std::string(32, 's') + "{\"fuzz\":1}";
  if (!(*writer)->Append({a}).ok()) return 0;
  auto row = (*writer)->Read(a.index);
  if (!row.ok() || row->record != "{\"fuzz\":1}") std::abort();
  if ((*writer)->Flush().ok()) {
    auto again = (*writer)->Read(a.index);
    if (!again.ok() || again->record != "{\"fuzz\":1}") std::abort();
  }
  return 0;
}
