// Plate-read bulk insert and plate lookup through the Store (records/store.h).
//
// Without arguments (or with Google Benchmark flags): micro-benchmarks at CI size.
// With a mode as the first argument it is the driver for bench/records_sqlite_baseline.sh,
// which runs the same rows through SQLite's own sqlite3 shell side by side:
//   records_bench write-csv FILE N          N synthetic reads as CSV (header, no id column)
//   records_bench load DB FILE [bulk]       parse FILE and insert every read in one
//                                           InsertPlateReads call (bulk: drop the plate index
//                                           first and rebuild it after, as the generator does)
//   records_bench plates FILE Q OUT         Q plates drawn from FILE (one per line)
//   records_bench lookup DB PLATES          look each plate up over all time; prints timings
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "records/importers.h"
#include "records/store.h"

namespace {

using tg::records::PlateRead;
using tg::records::Store;
using tg::records::TimeMs;
using Clock = std::chrono::steady_clock;

const TimeMs kNow = tg::records::TimeFromCivil(2024, 5, 1) + 12 * tg::records::kMsPerHour;

// N reads resembling the county's: ~0.7 distinct plates per read with a skew toward
// regulars, 188 devices of 8 agencies, 28 days before kNow.
std::vector<PlateRead> MakeReads(int64_t n, uint64_t seed = 42) {
  std::mt19937_64 rng(seed);
  auto unit = [&] { return static_cast<double>(rng() >> 11) * 0x1.0p-53; };
  const int64_t pool = std::max<int64_t>(1000, n * 7 / 10);
  static const char* kAgencies[] = {"lapd", "lapd", "lasd", "long-beach-pd", "glendale-pd", "torrance-pd", "chp",
                                    "northstar-data"};
  std::vector<PlateRead> out;
  out.reserve(static_cast<size_t>(n));
  static const char* kLetters = "ABCDEFGHJKLMNPRSTUVWXYZ";
  for (int64_t i = 0; i < n; ++i) {
    PlateRead r;
    const double u = unit();
    uint64_t v = static_cast<uint64_t>(u * u * static_cast<double>(pool));
    std::mt19937_64 pr(v * 0x9E3779B97F4A7C15ULL + seed);
    std::string p(7, '0');
    p[0] = static_cast<char>('4' + pr() % 6);
    for (int k = 1; k < 4; ++k) p[k] = kLetters[pr() % 23];
    for (int k = 4; k < 7; ++k) p[k] = static_cast<char>('0' + pr() % 10);
    r.plate = p;
    r.state = pr() % 100 < 93 ? "CA" : "AZ";
    r.read_at = kNow - static_cast<TimeMs>(unit() * 28 * tg::records::kMsPerDay);
    const int dev = static_cast<int>(rng() % 188);
    r.device = "DEV-" + std::to_string(dev);
    r.agency = kAgencies[dev % 8];
    r.lat = 34.0 + unit() * 0.5;
    r.lon = -118.5 + unit() * 0.6;
    r.confidence = std::round((0.7 + 0.29 * unit()) * 1000) / 1000;
    char img[48];
    std::snprintf(img, sizeof img, "%s/%010llx.jpg", r.device.c_str(), static_cast<unsigned long long>(rng() >> 24));
    r.image_ref = img;
    out.push_back(std::move(r));
  }
  return out;
}

std::unique_ptr<Store> Open(const std::string& path) {
  auto s = tg::records::OpenSqliteStore(path);
  if (!s.ok()) {
    std::fprintf(stderr, "records_bench: %s\n", s.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(s.value());
}

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("tg-records-bench-" + name)).string();
}
void RemoveDb(const std::string& p) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(p + suffix);
}

// ----- micro-benchmarks ----------------------------------------------------------------

void BM_InsertPlateReads(benchmark::State& state) {
  const auto reads = MakeReads(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    const std::string path = TempPath("insert.db");
    RemoveDb(path);
    auto store = Open(path);
    state.ResumeTiming();
    auto st = store->InsertPlateReads(reads);
    if (!st.ok()) state.SkipWithError(st.ToString().c_str());
    state.PauseTiming();
    store.reset();
    RemoveDb(path);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_InsertPlateReads)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_PlateLookup(benchmark::State& state) {
  static std::unique_ptr<Store> store;
  static std::vector<std::string> plates;
  const std::string path = TempPath("lookup.db");
  if (!store) {
    RemoveDb(path);
    store = Open(path);
    const auto reads = MakeReads(state.range(0));
    if (!store->InsertPlateReads(reads).ok()) std::abort();
    for (size_t i = 0; i < reads.size(); i += 97) plates.push_back(reads[i].plate);
  }
  size_t i = 0, found = 0;
  for (auto _ : state) {
    auto r = store->PlateReads(plates[i++ % plates.size()], kNow - 28 * tg::records::kMsPerDay, kNow + 1);
    found += r.ok() ? r->size() : 0;
  }
  state.counters["reads_per_lookup"] = static_cast<double>(found) / static_cast<double>(std::max<size_t>(i, 1));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PlateLookup)->Arg(1000000)->Unit(benchmark::kMicrosecond)->Threads(1)->Threads(2);

// ----- driver modes ----------------------------------------------------------------------

int WriteCsv(const std::string& file, int64_t n) {
  std::ofstream out(file, std::ios::binary);
  out << "plate,state,read_at,lat,lon,device,agency,confidence,image_ref\n";
  std::string line;
  for (const auto& r : MakeReads(n)) {
    char nums[160];
    std::snprintf(nums, sizeof nums, "%lld,%.7f,%.7f,", static_cast<long long>(r.read_at), *r.lat, *r.lon);
    char conf[32];
    std::snprintf(conf, sizeof conf, ",%.3f,", r.confidence);
    line = r.plate + "," + r.state + "," + nums + r.device + "," + r.agency + conf + r.image_ref + "\n";
    out << line;
  }
  return out ? 0 : 1;
}

std::vector<PlateRead> ParseCsv(const std::string& file) {
  auto text = tg::records::ReadMaybeGzip(file);
  if (!text.ok()) {
    std::fprintf(stderr, "records_bench: %s\n", text.status().ToString().c_str());
    std::exit(1);
  }
  std::vector<PlateRead> reads;
  const std::string& t = *text;
  size_t pos = t.find('\n') + 1;
  std::vector<std::string> f;
  while (pos < t.size()) {
    size_t end = t.find('\n', pos);
    if (end == std::string::npos) end = t.size();
    f.clear();
    size_t s = pos;
    for (size_t i = pos; i <= end; ++i) {
      if (i == end || t[i] == ',') {
        f.emplace_back(t, s, i - s);
        s = i + 1;
      }
    }
    pos = end + 1;
    if (f.size() != 9) continue;
    PlateRead r;
    r.plate = std::move(f[0]);
    r.state = std::move(f[1]);
    r.read_at = std::strtoll(f[2].c_str(), nullptr, 10);
    r.lat = std::strtod(f[3].c_str(), nullptr);
    r.lon = std::strtod(f[4].c_str(), nullptr);
    r.device = std::move(f[5]);
    r.agency = std::move(f[6]);
    r.confidence = std::strtod(f[7].c_str(), nullptr);
    r.image_ref = std::move(f[8]);
    reads.push_back(std::move(r));
  }
  return reads;
}

double Secs(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

int Load(const std::string& db, const std::string& file, bool bulk) {
  RemoveDb(db);
  auto store = Open(db);
  const auto t0 = Clock::now();
  const auto reads = ParseCsv(file);
  const auto t1 = Clock::now();
  if (bulk && !store->BeginBulkLoad().ok()) return 1;
  auto st = store->InsertPlateReads(reads);
  if (!st.ok()) {
    std::fprintf(stderr, "records_bench: %s\n", st.ToString().c_str());
    return 1;
  }
  const auto t2 = Clock::now();
  if (bulk && !store->EndBulkLoad().ok()) return 1;
  store.reset();  // close: checkpoint the WAL into the file
  const auto t3 = Clock::now();
  std::printf("trustgate store: %zu reads: parse %.2f s, insert %.2f s, %s %.2f s; total %.2f s (%.0f reads/s)\n",
              reads.size(), Secs(t0, t1), Secs(t1, t2), bulk ? "index+close" : "close", Secs(t2, t3), Secs(t0, t3),
              static_cast<double>(reads.size()) / Secs(t0, t3));
  return 0;
}

int Plates(const std::string& file, int64_t q, const std::string& out_file) {
  const auto reads = ParseCsv(file);
  std::mt19937_64 rng(7);
  std::ofstream out(out_file);
  for (int64_t i = 0; i < q; ++i) out << reads[rng() % reads.size()].plate << "\n";
  return 0;
}

int Lookup(const std::string& db, const std::string& plates_file) {
  auto store = Open(db);
  std::vector<std::string> plates;
  std::ifstream in(plates_file);
  for (std::string p; std::getline(in, p);) plates.push_back(p);
  std::vector<double> us;
  size_t rows = 0;
  const auto t0 = Clock::now();
  for (const auto& p : plates) {
    const auto a = Clock::now();
    auto r = store->PlateReads(p, 0, INT64_MAX, 100000);
    const auto b = Clock::now();
    if (!r.ok()) return 1;
    rows += r->size();
    us.push_back(Secs(a, b) * 1e6);
  }
  const double total = Secs(t0, Clock::now());
  std::sort(us.begin(), us.end());
  std::printf("trustgate store: %zu lookups, %zu reads returned: total %.3f s, %.1f us/lookup, p50 %.1f us, "
              "p99 %.1f us\n",
              plates.size(), rows, total, total * 1e6 / static_cast<double>(plates.size()), us[us.size() / 2],
              us[us.size() * 99 / 100]);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 4 && std::strcmp(argv[1], "write-csv") == 0) return WriteCsv(argv[2], std::atoll(argv[3]));
  if (argc >= 4 && std::strcmp(argv[1], "load") == 0) {
    return Load(argv[2], argv[3], argc >= 5 && std::strcmp(argv[4], "bulk") == 0);
  }
  if (argc >= 5 && std::strcmp(argv[1], "plates") == 0) return Plates(argv[2], std::atoll(argv[3]), argv[4]);
  if (argc >= 4 && std::strcmp(argv[1], "lookup") == 0) return Lookup(argv[2], argv[3]);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
