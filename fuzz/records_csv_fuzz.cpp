// Fuzzes the records importers' parsers: the CSV reader (both separators), ISO-8601
// parsing, and both importers end to end on an in-memory store. Any input must give a
// result or a clean error, never a crash; a failed import must leave the store empty.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "records/csv.h"
#include "records/importers.h"
#include "records/store.h"

namespace {
std::string TempFile() {
  static std::string path = [] {
    char tmpl[] = "/tmp/tg-records-fuzz-XXXXXX";
    int fd = ::mkstemp(tmpl);
    if (fd >= 0) ::close(fd);
    return std::string(tmpl);
  }();
  return path;
}

int64_t Rows(tg::records::Store& s, const char* table) {
  auto counts = s.Counts();
  if (!counts.ok()) std::abort();
  for (const auto& c : *counts) {
    if (c.table == table) return c.rows;
  }
  return -1;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (char sep : {',', '|'}) {
    tg::records::CsvReader r(text, sep);
    std::vector<std::string> fields;
    std::string error;
    int64_t last = 0;
    while (r.Next(&fields, &error)) {
      if (r.line() < last) std::abort();  // lines only move forward
      last = r.line();
    }
  }
  (void)tg::records::ParseIso8601(text.substr(0, 64));

  const std::string path = TempFile();
  if (FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  auto store = tg::records::OpenSqliteStore(":memory:");
  if (!store.ok()) std::abort();
  auto a = tg::records::ImportAlprCsv(**store, path);
  if (!a.ok() && Rows(**store, "plate_reads") != 0) std::abort();  // all or nothing
  auto b = tg::records::ImportBookings(**store, path);
  if (!b.ok() && Rows(**store, "bookings") != 0) std::abort();
  return 0;
}
